import { soql } from '@sfgql/soql';
import { z } from 'zod';
import {
  createdSchema,
  createOperation,
  createRecord,
  deleteOperation,
  doneSchema,
  getOperation,
  searchOperation,
  updateOperation,
} from '../crud.ts';
import { OperationError } from '../errors.ts';
import { idSchema, writeSchema } from '../input.ts';
import { phraseFields, recordPhrase } from '../names.ts';
import { defineRead, defineWrite, newRecordPreview, type OperationContext } from '../operation.ts';
import { readConditions, readOne, runList, runOne } from '../read.ts';
import { digitsOf, isPhoneTerm, samePhone } from '../search.ts';
import { orgPicklistValues, recordSchema, selectFields } from '../spec.ts';
import { queueSpec } from '../user/spec.ts';
import { withArticle } from '../words.ts';
import { caseCommentSpec, caseSpec } from './spec.ts';

export const searchCases = searchOperation(caseSpec);
export const getCase = getOperation(caseSpec);
export const createCase = createOperation(caseSpec);
export const updateCase = updateOperation(caseSpec);
export const deleteCase = deleteOperation(caseSpec);

/**
 * Finds a case by its number, by exact match. The number is sent as an escaped literal, so input
 * such as `00001104' OR CaseNumber != '` matches nothing.
 */
export const getCaseByNumber = defineRead({
  name: 'getCaseDetailsFromNumber',
  object: caseSpec,
  summary: 'Get the details of a case from its case number (exact match).',
  rest: { method: 'get', path: '/cases/by-number/{CaseNumber}' },
  view: { kind: 'one', object: caseSpec },
  input: z.strictObject({
    caseNumber: z
      .string()
      .trim()
      .min(1, 'caseNumber must not be empty')
      .max(80)
      .describe('The case number, e.g. 00001104.'),
  }),
  output: recordSchema(caseSpec).nullable(),
  execute: (ctx, { caseNumber }) => runOne(ctx, caseSpec, { key: 'caseNumber', value: caseNumber }),
});

/** `case 00001104 ("Billing discrepancy")`; NOT_FOUND when no case has the Id. */
async function caseLabel(ctx: OperationContext, caseId: string): Promise<string> {
  const found = await readOne(ctx, caseSpec, { id: caseId }, phraseFields(caseSpec));
  if (!found) throw new OperationError('NOT_FOUND', `No case has the Id ${caseId}.`);
  return recordPhrase(caseSpec, found, caseId);
}

export const addCaseComment = defineWrite({
  name: 'addCaseComment',
  action: 'create',
  object: caseCommentSpec,
  rest: { method: 'post', path: '/cases/{caseId}/comments' },
  summary: 'Add a comment to a case, internal by default or visible to the customer.',
  input: z.strictObject({
    caseId: idSchema(['Case']).describe('The case Id.'),
    body: z
      .string()
      .trim()
      .min(1, 'body must not be empty')
      .max(4000)
      .describe('The comment text (up to 4000 characters).'),
    isPublic: z.boolean().default(false).describe('Whether the customer can see the comment.'),
  }),
  output: createdSchema,
  async prepare(ctx, { caseId, body, isPublic }) {
    return newRecordPreview(
      'CaseComment',
      [
        { field: 'parentId', before: null, after: caseId },
        { field: 'commentBody', before: null, after: body },
        { field: 'isPublished', before: null, after: isPublic },
      ],
      `Add ${isPublic ? 'a public' : 'an internal'} comment to ${await caseLabel(ctx, caseId)}.`,
    );
  },
  async execute({ client }, { caseId, body, isPublic }) {
    const result = await client.create('CaseComment', {
      ParentId: caseId,
      CommentBody: body,
      IsPublished: isPublic,
    });
    return { id: result.id, success: result.success };
  },
});

/**
 * The longest transcript a conversation may bring. A GPT Action's request stays under 100,000
 * characters, the summary may take 32,000 of them (a case Description), so the transcript gets
 * what is left with room to spare; a client that has more sends the end of the conversation.
 */
export const MAX_TRANSCRIPT_CHARS = 60_000;

const conversationInput = z
  .strictObject({
    subject: z
      .string()
      .trim()
      .min(1, 'subject must not be empty')
      .max(255)
      .describe('One-line summary of the request.'),
    summary: z
      .string()
      .trim()
      .min(1, 'summary must not be empty')
      .max(32_000)
      .describe('What the customer needs, in a few sentences (becomes the Description).'),
    transcript: z
      .string()
      .min(1, 'transcript must not be empty')
      .max(MAX_TRANSCRIPT_CHARS, {
        error: (issue) =>
          `must be at most ${MAX_TRANSCRIPT_CHARS.toLocaleString('en-US')} characters (it has ${String((issue.input as string).length.toLocaleString('en-US'))}): send the last ${MAX_TRANSCRIPT_CHARS.toLocaleString('en-US')} characters of the conversation, or a shortened transcript`,
      })
      .describe(
        `The conversation, kept on the case as a note (at most ${MAX_TRANSCRIPT_CHARS.toLocaleString('en-US')} characters: send the end of a longer one).`,
      ),
    origin: z
      .string()
      .trim()
      .min(1, 'origin must not be empty')
      .max(255)
      .default('Chat')
      .describe(
        "Where the conversation took place: one of the org's Case Origin values, e.g. Phone, Chat, Web, Email.",
      )
      .meta({ examples: ['Phone'] }),
    priority: writeSchema(caseSpec.fields.priority).optional(),
    name: z.string().trim().max(80).optional().describe("The customer's name, as given."),
    email: z
      .email({ message: 'must be an email address' })
      .optional()
      .describe("The customer's email, to find their contact record."),
    phone: z
      .string()
      .trim()
      .max(40)
      .refine(isPhoneTerm, 'must be a phone number')
      .optional()
      .describe("The customer's phone in any format, to find their contact record."),
  })
  .describe('A conversation to turn into a case.');

/** Finds the contact a conversation came from: by exact email first, then by phone digits. */
async function findContact(ctx: OperationContext, email?: string, phone?: string) {
  if (email) {
    const byEmail = await ctx.client.query(
      soql`SELECT Id, Name, AccountId FROM Contact WHERE Email = ${email} ORDER BY LastModifiedDate DESC LIMIT 1`,
    );
    if (byEmail.records[0]) return byEmail.records[0];
  }
  if (phone) {
    const pattern = `%${digitsOf(phone).slice(-10).split('').join('%')}%`;
    const byPhone = await ctx.client.query(
      soql`SELECT Id, Name, AccountId, Phone, MobilePhone FROM Contact WHERE Phone LIKE ${pattern} OR MobilePhone LIKE ${pattern} ORDER BY LastModifiedDate DESC LIMIT 10`,
    );
    return byPhone.records.find((r) =>
      [r.Phone, r.MobilePhone].some((p) => typeof p === 'string' && samePhone(p, phone)),
    );
  }
  return undefined;
}

const noteBody = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The org's spelling of a picklist value of Case (matched case-insensitively), or INVALID_INPUT listing the values. */
async function orgCaseValue(ctx: OperationContext, key: 'status' | 'origin', value: string): Promise<string> {
  const values = await orgPicklistValues(ctx.client, caseSpec, key);
  const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
  if (!found)
    throw new OperationError(
      'INVALID_INPUT',
      `✖ must be one of the org's Case ${(caseSpec.fields[key] as { apiName: string }).apiName} values: ${values.join(', ')}\n  → at ${key}`,
    );
  return found;
}

/**
 * Creates a case from a conversation (a call, a chat, a web form): the subject, the summary as
 * Description, the whole transcript kept on the case as a note, and the contact found by email or
 * phone. Origin is any value of the org's Case Origin picklist.
 */
export const createCaseFromConversation = defineWrite({
  name: 'createCaseFromConversation',
  action: 'create',
  object: caseSpec,
  rest: { method: 'post', path: '/cases/from-conversation' },
  summary:
    'Open a case from a conversation (a call, a chat): subject, summary, the transcript kept on the case, linked to the customer found by email or phone.',
  input: conversationInput,
  output: createdSchema.extend({
    caseNumber: z.string().nullable().describe('The new case number.'),
    contactId: z.string().nullable().describe('The contact the case was linked to, if one was found.'),
    transcriptNoteId: z.string().describe('The note holding the transcript.'),
  }),
  async prepare(ctx, input) {
    const [contact, origin] = await Promise.all([
      findContact(ctx, input.email, input.phone),
      orgCaseValue(ctx, 'origin', input.origin),
    ]);
    const changes = [
      { field: 'subject', before: null, after: input.subject },
      { field: 'description', before: null, after: input.summary },
      { field: 'origin', before: null, after: origin },
      ...(input.priority ? [{ field: 'priority', before: null, after: input.priority }] : []),
      ...(contact ? [{ field: 'contactId', before: null, after: contact.Id }] : []),
    ];
    const priority = input.priority ? `${String(input.priority).toLowerCase()}-priority ` : '';
    return newRecordPreview(
      'Case',
      changes,
      `Create ${withArticle(`${priority}${origin.toLowerCase()} case`)} ${JSON.stringify(input.subject)}${contact ? ` for the contact ${JSON.stringify(String(contact.Name))}` : ' (no matching contact found)'}, with the ${input.transcript.length.toLocaleString('en-US')}-character transcript attached as a note.`,
    );
  },
  async execute(ctx, input) {
    const [contact, origin] = await Promise.all([
      findContact(ctx, input.email, input.phone),
      orgCaseValue(ctx, 'origin', input.origin),
    ]);
    const created = await createRecord(ctx, caseSpec, {
      subject: input.subject,
      description: input.summary,
      origin,
      priority: input.priority,
      ...(contact
        ? { contactId: contact.Id, ...(contact.AccountId ? { accountId: contact.AccountId } : {}) }
        : {}),
      suppliedName: input.name,
      suppliedEmail: input.email,
      suppliedPhone: input.phone,
    });
    const note = await ctx.client.create('ContentNote', {
      Title: `Conversation transcript: ${input.subject}`.slice(0, 255),
      Content: noteBody(input.transcript),
    });
    await ctx.client.create('ContentDocumentLink', {
      ContentDocumentId: note.id,
      LinkedEntityId: created.id,
      ShareType: 'V',
    });
    return {
      id: created.id,
      success: created.success,
      caseNumber: (created.caseNumber as string | null | undefined) ?? null,
      contactId: (contact?.Id as string | undefined) ?? null,
      transcriptNoteId: note.id,
    };
  },
});

/** Assigns a case to a queue (its OwnerId becomes the queue), by queue Id or name. */
export const routeCaseToQueue = defineWrite({
  name: 'routeCaseToQueue',
  action: 'update',
  object: caseSpec,
  rest: { method: 'patch', path: '/cases/{caseId}/queue' },
  summary: 'Assign a case to a queue, by the queue Id or its name (see listQueues).',
  input: z
    .strictObject({
      caseId: idSchema(['Case']).describe('The case Id.'),
      queueId: idSchema(['Group']).optional().describe('The queue Id.'),
      queueName: z
        .string()
        .trim()
        .min(1)
        .max(80)
        .optional()
        .describe('The queue name, e.g. Billing Support.'),
    })
    .refine((v) => Boolean(v.queueId) !== Boolean(v.queueName), {
      message: 'give queueId or queueName, not both',
    }),
  output: doneSchema,
  async prepare(ctx, input) {
    // The queue and the case, in one call.
    const [queues, cases] = await ctx.client.queryMany([
      queueStatement(input),
      soql`SELECT Id, CaseNumber, Subject, OwnerId, Owner.Name, SystemModstamp FROM Case WHERE Id = ${input.caseId} LIMIT 1`,
    ]);
    const queue = foundQueue(queues?.records ?? [], input);
    const record = cases?.records[0];
    if (!record) throw new OperationError('NOT_FOUND', `No case has the Id ${input.caseId}.`);
    const owner = record.Owner as { Name?: string } | null;
    return {
      action: 'update',
      object: 'Case',
      recordId: input.caseId,
      changes: [{ field: 'ownerId', before: record.OwnerId ?? null, after: queue.Id }],
      destructive: false,
      summary: `Route ${recordPhrase(caseSpec, record, input.caseId)} from ${owner?.Name ? JSON.stringify(owner.Name) : 'its owner'} to the queue ${JSON.stringify(queue.Name)}.`,
      systemModstamp: (record.SystemModstamp as string | undefined) ?? null,
    };
  },
  async execute(ctx, input) {
    const queue = foundQueue((await ctx.client.query(queueStatement(input))).records, input);
    await ctx.client.update('Case', input.caseId, { OwnerId: queue.Id });
    return { id: input.caseId, success: true };
  },
});

/** The query of the queue a routing names, by Id or by name. */
function queueStatement(input: { queueId?: string; queueName?: string }) {
  const where = [
    input.queueId ? soql`Id = ${input.queueId}` : soql`Name = ${input.queueName ?? ''}`,
    ...readConditions(queueSpec, 'one'),
  ];
  return soql`SELECT ${soql.fields(selectFields(queueSpec, ['id', 'name']))} FROM Group WHERE ${soql.join(where, ' AND ')} LIMIT 1`;
}

/** The queue the routing named, or NOT_FOUND. */
function foundQueue(
  records: readonly Record<string, unknown>[],
  input: { queueId?: string; queueName?: string },
) {
  const queue = records[0];
  if (!queue)
    throw new OperationError(
      'NOT_FOUND',
      `No queue ${input.queueId ?? `named "${input.queueName}"`} exists.`,
    );
  return queue as { Id: string; Name: string };
}

/**
 * Changes a case's status, the cookbook's updateCaseStatus. Unlike updateCase, whose Status is
 * checked against the spec's default values, the value is checked against the org's own Case
 * Status picklist (from describe, cached per org): orgs add values such as "Waiting on Customer"
 * and deactivate others.
 */
export const updateCaseStatus = defineWrite({
  name: 'updateCaseStatus',
  action: 'update',
  object: caseSpec,
  rest: { method: 'patch', path: '/cases/{Id}/status' },
  summary: "Change a case's status to one of the org's Case Status values.",
  input: z.strictObject({
    id: idSchema(['Case']).describe('The case Id.'),
    status: z
      .string()
      .trim()
      .min(1, 'status must not be empty')
      .max(255)
      .describe("The new status: one of the org's Case Status values, e.g. New, Working, Escalated, Closed.")
      .meta({ examples: ['Escalated'] }),
  }),
  output: doneSchema,
  async prepare(ctx, input) {
    const status = await orgCaseValue(ctx, 'status', input.status);
    const result = await ctx.client.query(
      soql`SELECT Id, CaseNumber, Subject, Status, SystemModstamp FROM Case WHERE Id = ${input.id} LIMIT 1`,
    );
    const record = result.records[0];
    if (!record) throw new OperationError('NOT_FOUND', `No case has the Id ${input.id}.`);
    const before = (record.Status as string | null | undefined) ?? null;
    const name = recordPhrase(caseSpec, record, input.id);
    return {
      action: 'update',
      object: 'Case',
      recordId: input.id,
      changes: before === status ? [] : [{ field: 'status', before, after: status }],
      destructive: false,
      summary:
        before === status
          ? `Update ${name}: nothing (the status is already "${status}").`
          : `Update ${name}: status from ${before === null ? 'empty' : JSON.stringify(before)} to ${JSON.stringify(status)}.`,
      systemModstamp: (record.SystemModstamp as string | undefined) ?? null,
    };
  },
  async execute(ctx, input) {
    await ctx.client.update('Case', input.id, { Status: await orgCaseValue(ctx, 'status', input.status) });
    return { id: input.id, success: true };
  },
});

export const caseCommentsOf = defineRead({
  name: 'listCaseComments',
  object: caseCommentSpec,
  summary: 'List the comments on a case, newest first.',
  input: z.strictObject({
    caseId: idSchema(['Case']).describe('The case Id.'),
    limit: z.int().min(1).max(200).default(50).describe('How many comments (1-200, default 50).'),
  }),
  output: z.object({ records: z.array(recordSchema(caseCommentSpec)) }),
  rest: { method: 'get', path: '/cases/{caseId}/comments' },
  view: { kind: 'list', object: caseCommentSpec, equals: { caseId: 'parentId' } },
  async execute(ctx, { caseId, limit }) {
    const keys = Object.keys(caseCommentSpec.fields);
    return { records: await runList(ctx, caseCommentSpec, { equals: { parentId: caseId }, limit, keys }) };
  },
});

/** Every Case operation, for the adapters. */
export const caseOperations = [
  searchCases,
  getCase,
  getCaseByNumber,
  createCase,
  createCaseFromConversation,
  updateCase,
  updateCaseStatus,
  deleteCase,
  addCaseComment,
  caseCommentsOf,
  routeCaseToQueue,
];
