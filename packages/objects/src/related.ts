import { type SalesforceRecord, type SoqlFragment, soql } from '@sfgql/soql';
import { z } from 'zod';
import { accountSpec } from './account/spec.ts';
import { caseSpec } from './case/spec.ts';
import { contactSpec } from './contact/spec.ts';
import { eventSpec } from './event/spec.ts';
import { idSchema } from './input.ts';
import { leadSpec } from './lead/spec.ts';
import { phraseFields } from './names.ts';
import {
  defineRead,
  type OperationContext,
  type ReadOperation,
  restCollection,
  typeName,
} from './operation.ts';
import { opportunitySpec } from './opportunity/spec.ts';
import { readConditions, runList, scopeShape } from './read.ts';
import {
  compactKeys,
  type FieldSpec,
  fromSalesforce,
  type ObjectSpec,
  recordSchema,
  selectFields,
} from './spec.ts';
import { specNamed } from './specs.ts';
import { taskSpec } from './task/spec.ts';
import { withArticle } from './words.ts';

/**
 * What is related to one record: its related lists (its cases, tasks, events, opportunities, ...:
 * the records whose lookup names it) and its activity timeline (its tasks and events merged, newest
 * first, logged calls marked as calls, with its recent cases and its notes). Each is one Salesforce
 * call: a related list one query, a timeline one query with a subquery per part.
 */

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The input key that names the parent record of a related read: `contactId`. */
const parentKey = (spec: ObjectSpec) => `${lowerFirst(typeName(spec.label))}Id`;

/** The catalog's spec of an object, by API name. */

/** The key of a spec's field, by API name. */
const keyOf = (spec: ObjectSpec, apiName: string) =>
  Object.entries(spec.fields).find(([, f]) => f.apiName.toLowerCase() === apiName.toLowerCase())?.[0];

/**
 * One related list per child relationship of the object (`Contact.cases`: the cases whose ContactId
 * is the contact), as a list of the child object filtered by its lookup: `listContactCases` at
 * `GET /contacts/{Id}/cases`. `except` leaves out children the catalog lists otherwise.
 */
export function relatedListOperations(spec: ObjectSpec, options: { except?: readonly string[] } = {}) {
  const key = parentKey(spec);
  return Object.entries(spec.children ?? {}).flatMap(([name, child]): ReadOperation[] => {
    const childSpec = specNamed(child.object);
    const field = childSpec && keyOf(childSpec, child.field);
    if (!childSpec || !field || options.except?.includes(name)) return [];
    const label = childSpec.labelPlural.toLowerCase();
    return [
      defineRead({
        name: `list${typeName(spec.label)}${typeName(name.charAt(0).toUpperCase() + name.slice(1))}`,
        object: childSpec,
        summary: `List the ${label} of ${withArticle(spec.label.toLowerCase())}: its related list, in one call.`,
        rest: {
          method: 'get',
          path: `${restCollection(spec)}/{Id}/${kebab(name)}`,
          rename: { [key]: 'Id' },
        },
        view: { kind: 'related', object: childSpec, parent: spec, relation: name, by: key },
        input: z.strictObject({
          [key]: idSchema([spec.apiName]).describe(`The ${spec.label.toLowerCase()} Id.`),
          ...scopeShape(childSpec, 'lists'),
          limit: z.int().min(1).max(200).default(50).describe(`How many ${label} (1-200, default 50).`),
        } as Record<string, z.ZodType>),
        output: z.object({ records: z.array(recordSchema(childSpec, compactKeys(childSpec))) }),
        async execute(ctx, input) {
          const records = await runList(ctx, childSpec, {
            equals: { [field]: String(input[key]) },
            scopes: input,
            limit: Number(input.limit),
          });
          return { records };
        },
      }),
    ];
  });
}

/** Task fields an activity of the timeline shows (besides its Who and What names). */
const TASK_KEYS = [
  'id',
  'subject',
  'activityDate',
  'status',
  'priority',
  'taskSubtype',
  'callType',
  'callDisposition',
  'callDurationInSeconds',
  'description',
  'whoId',
  'whatId',
] as const;
const EVENT_KEYS = [
  'id',
  'subject',
  'startDateTime',
  'endDateTime',
  'location',
  'description',
  'whoId',
  'whatId',
] as const;
const CASE_KEYS = [...new Set([...compactKeys(caseSpec), 'createdDate', 'isClosed'])];

const nullableText = (description: string) => z.string().nullable().describe(description);

/** One entry of an activity timeline: a logged call, a task or an event. */
export const activitySchema = z.object({
  id: z.string().describe('The task or event Id.'),
  type: z.enum(['Task', 'Event']).describe('The object: a Task (a call or a to-do) or an Event.'),
  kind: z
    .enum(['call', 'task', 'event'])
    .describe('A logged call, a task or an event (a meeting, a callback).'),
  subject: nullableText('Title.'),
  date: nullableText("When: a task's date (YYYY-MM-DD), an event's start (ISO 8601)."),
  endDateTime: nullableText("An event's end (ISO 8601)."),
  status: nullableText("A task's progress."),
  priority: nullableText("A task's priority."),
  callType: nullableText("A call's direction: Inbound, Outbound or Internal."),
  callDisposition: nullableText("A call's outcome."),
  callDurationInSeconds: z.int().nullable().describe("A call's length in seconds."),
  location: nullableText('Where an event takes place.'),
  description: nullableText('Details or call notes.'),
  whoId: nullableText('The contact or lead it is with.'),
  whoName: nullableText("The contact's or lead's name."),
  whatId: nullableText('The account, opportunity, case, ... it is about.'),
  whatName: nullableText("That record's name (a case's number)."),
});
export type Activity = z.output<typeof activitySchema>;

/** A note on the timeline (a ContentNote linked to the record). */
export const timelineNoteSchema = z.object({
  id: z.string().describe('The note (ContentNote) Id: getNote reads its body.'),
  title: nullableText('Title.'),
  lastModifiedDate: nullableText('When it last changed.'),
});

/** How many activities, cases and notes a timeline shows at most, each. */
export const TIMELINE_LIMIT = { default: 10, max: 50 } as const;

/** The objects a timeline is offered for: people, accounts, cases, opportunities. */
export const TIMELINE_OBJECTS = ['Contact', 'Lead', 'Account', 'Case', 'Opportunity'] as const;

/** The child relationship of `spec` to `object` (`Tasks` on Contact), if it has one. */
const relationshipTo = (spec: ObjectSpec, object: string) =>
  Object.values(spec.children ?? {}).find((c) => c.object === object)?.relationship;

/** The parts of the object's timeline: activities always, its cases where it has some, notes always. */
export function timelineParts(spec: ObjectSpec) {
  const tasks = relationshipTo(spec, 'Task');
  const events = relationshipTo(spec, 'Event');
  if (!tasks || !events) throw new Error(`${spec.apiName} has no Tasks and Events relationships`);
  return { tasks, events, cases: relationshipTo(spec, 'Case') };
}

/** The output of the object's timeline. */
export function timelineSchema(spec: ObjectSpec) {
  const { cases } = timelineParts(spec);
  return z.object({
    id: z.string().describe(`The ${spec.label.toLowerCase()} Id.`),
    name: nullableText(
      `The ${spec.label.toLowerCase()}: ${(spec.fields[spec.nameField] as FieldSpec).description}`,
    ),
    activities: z
      .array(activitySchema)
      .describe('Calls, tasks and events, newest first (future events first: a callback to come).'),
    ...(cases
      ? {
          cases: z
            .array(recordSchema(caseSpec, CASE_KEYS))
            .describe('The most recently opened cases, open and closed.'),
        }
      : {}),
    notes: z.array(timelineNoteSchema).describe('The notes on it, most recently changed first.'),
  });
}

const WHO_WHAT = ['Who.Name', 'What.Name'];

/**
 * The one statement of records' timelines: the records, and a subquery per part, each in the order
 * the timeline shows it and cut at `limit` for each record (so merging the tasks and events keeps
 * the newest of both). The catalog's operation reads one record's; a GraphQL field the timelines
 * of every record of a page at once.
 */
export function timelineStatement(
  spec: ObjectSpec,
  input: { ids: readonly string[]; limit: number },
): SoqlFragment {
  const { tasks, events, cases } = timelineParts(spec);
  const limit = input.limit;
  const parts = [
    soql`(SELECT ${soql.fields([...selectFields(taskSpec, [...TASK_KEYS]), 'CreatedDate', ...WHO_WHAT])} FROM ${soql.ident(tasks)} ORDER BY ActivityDate DESC NULLS LAST, CreatedDate DESC, Id ASC LIMIT ${limit})`,
    soql`(SELECT ${soql.fields([...selectFields(eventSpec, [...EVENT_KEYS]), 'CreatedDate', ...WHO_WHAT])} FROM ${soql.ident(events)} ORDER BY StartDateTime DESC NULLS LAST, CreatedDate DESC, Id ASC LIMIT ${limit})`,
    ...(cases
      ? [
          soql`(SELECT ${soql.fields(selectFields(caseSpec, CASE_KEYS))} FROM ${soql.ident(cases)} ORDER BY CreatedDate DESC, Id ASC LIMIT ${limit})`,
        ]
      : []),
    // Files are linked the same way as notes: a note is a ContentDocument of type SNOTE.
    soql`(SELECT ContentDocumentId, ContentDocument.Title, ContentDocument.LastModifiedDate FROM ContentDocumentLinks WHERE ContentDocument.FileType = 'SNOTE' ORDER BY ContentDocument.LastModifiedDate DESC LIMIT ${limit})`,
  ];
  const where = [soql`Id IN ${[...input.ids]}`, ...readConditions(spec, 'one')];
  return soql`SELECT ${soql.fields(['Id', ...phraseFields(spec)])}, ${soql.join(parts, ', ')} FROM ${soql.ident(spec.apiName)} WHERE ${soql.join(where, ' AND ')} LIMIT ${input.ids.length}`;
}

const childRecords = (record: SalesforceRecord, relationship: string) =>
  (record[relationship] as { records?: SalesforceRecord[] } | null | undefined)?.records ?? [];
const str = (value: unknown) => (typeof value === 'string' ? value : null);
const nameOf = (value: unknown) => str((value as { Name?: unknown } | null | undefined)?.Name);

/** The moment an activity sorts by: its date (a task's day, an event's start); undated last. */
const sortKey = (date: string | null) => (date ? Date.parse(date) : Number.NEGATIVE_INFINITY);

/** Newest first: the date, then when it was made, then the Id (the subqueries' own order). */
function newestFirst(a: { date: string | null; created: string; id: string }, b: typeof a): number {
  return (
    sortKey(b.date) - sortKey(a.date) ||
    Date.parse(b.created) - Date.parse(a.created) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The timeline from the answer to {@link timelineStatement}: tasks and events merged newest first
 * (at most `limit`), logged calls marked as calls. Null when the record does not exist.
 */
export function readTimeline(spec: ObjectSpec, record: SalesforceRecord | undefined, limit: number) {
  if (!record) return null;
  const { tasks, events, cases } = timelineParts(spec);
  // What tasks and events have alike: their title, details, whom and what they are about.
  const common = (r: SalesforceRecord, v: Record<string, unknown>) => ({
    id: String(r.Id),
    subject: str(v.subject),
    description: str(v.description),
    whoId: str(v.whoId),
    whoName: nameOf(r.Who),
    whatId: str(v.whatId),
    whatName: nameOf(r.What),
    created: String(r.CreatedDate),
  });
  const task = (r: SalesforceRecord) => {
    const v = fromSalesforce(taskSpec, r, [...TASK_KEYS]);
    return {
      ...common(r, v),
      type: 'Task' as const,
      kind: v.taskSubtype === 'Call' ? ('call' as const) : ('task' as const),
      date: str(v.activityDate),
      endDateTime: null,
      status: str(v.status),
      priority: str(v.priority),
      callType: str(v.callType),
      callDisposition: str(v.callDisposition),
      callDurationInSeconds: typeof v.callDurationInSeconds === 'number' ? v.callDurationInSeconds : null,
      location: null,
    };
  };
  const event = (r: SalesforceRecord) => {
    const v = fromSalesforce(eventSpec, r, [...EVENT_KEYS]);
    return {
      ...common(r, v),
      type: 'Event' as const,
      kind: 'event' as const,
      date: str(v.startDateTime),
      endDateTime: str(v.endDateTime),
      status: null,
      priority: null,
      callType: null,
      callDisposition: null,
      callDurationInSeconds: null,
      location: str(v.location),
    };
  };
  const activities = [...childRecords(record, tasks).map(task), ...childRecords(record, events).map(event)]
    .sort(newestFirst)
    .slice(0, limit)
    .map(({ created: _, ...activity }): Activity => activity);
  return {
    id: String(record.Id),
    name: str(record[(spec.fields[spec.nameField] as FieldSpec).apiName]),
    activities,
    ...(cases
      ? { cases: childRecords(record, cases).map((r) => fromSalesforce(caseSpec, r, CASE_KEYS)) }
      : {}),
    notes: childRecords(record, 'ContentDocumentLinks').map((link) => ({
      id: String(link.ContentDocumentId),
      title: str((link.ContentDocument as Record<string, unknown> | null)?.Title),
      lastModifiedDate: str((link.ContentDocument as Record<string, unknown> | null)?.LastModifiedDate),
    })),
  };
}

/** A record's timeline in one call: what the catalog's timeline operations and a GraphQL field run. */
export async function runTimeline(
  ctx: OperationContext,
  spec: ObjectSpec,
  input: { id: string; limit: number },
) {
  const result = await ctx.client.query(timelineStatement(spec, { ids: [input.id], limit: input.limit }));
  return readTimeline(spec, result.records[0], input.limit);
}

/** The timeline of one of the object's records: `getContactTimeline` at `GET /contacts/{Id}/timeline`. */
export function timelineOperation(spec: ObjectSpec): ReadOperation {
  const { cases } = timelineParts(spec);
  const label = spec.label.toLowerCase();
  return defineRead({
    name: `get${typeName(spec.label)}Timeline`,
    object: spec,
    summary: `The activity timeline of ${withArticle(label)}, in one call: calls, tasks and events newest first${cases ? ', its recent cases' : ''} and its notes.`,
    rest: { method: 'get', path: `${restCollection(spec)}/{Id}/timeline` },
    view: { kind: 'timeline', object: spec },
    input: z.strictObject({
      id: idSchema([spec.apiName]).describe(`The ${label} Id.`),
      limit: z
        .int()
        .min(1)
        .max(TIMELINE_LIMIT.max)
        .default(TIMELINE_LIMIT.default)
        .describe(
          `How many activities, cases and notes at most (each, 1-${TIMELINE_LIMIT.max}, default ${TIMELINE_LIMIT.default}).`,
        ),
    }),
    output: timelineSchema(spec).nullable(),
    execute: (ctx, input) => runTimeline(ctx, spec, input),
  });
}

export const getContactTimeline = timelineOperation(contactSpec);
export const getLeadTimeline = timelineOperation(leadSpec);
export const getAccountTimeline = timelineOperation(accountSpec);
export const getCaseTimeline = timelineOperation(caseSpec);
export const getOpportunityTimeline = timelineOperation(opportunitySpec);

/** Every related read: the timelines, then each object's related lists. */
export const relatedOperations: ReadOperation[] = [
  getContactTimeline,
  getLeadTimeline,
  getAccountTimeline,
  getCaseTimeline,
  getOpportunityTimeline,
  ...relatedListOperations(contactSpec),
  ...relatedListOperations(leadSpec),
  ...relatedListOperations(accountSpec),
  // A case's comments have their own list (listCaseComments).
  ...relatedListOperations(caseSpec, { except: ['comments'] }),
  ...relatedListOperations(opportunitySpec),
];
