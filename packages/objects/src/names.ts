import { type QueryResult, type SalesforceRecord, type SoqlFragment, soql } from '@sfgql/soql';
import type { OperationContext } from './operation.ts';
import type { FieldSpec, ObjectSpec } from './spec.ts';
import { objectOfId, specNamed, specOfId } from './specs.ts';

/**
 * How records, fields and values are said to a person. Previews are read aloud word for word by
 * voice and chat agents, so a summary names records as people know them (`the contact "Sarah
 * Johnson"`, `case 00001104 ("Billing discrepancy")`), never by their Ids.
 */

const SECONDARY = ['subject', 'title'] as const;

/** Whether the record's name is a number people quote (a case number), said after the object's label. */
const isNumbered = (spec: ObjectSpec) => spec.read?.keys?.includes(spec.nameField) ?? false;

/** What goes with a number to make it recognisable: a case's subject, an article's title. */
const secondaryKey = (spec: ObjectSpec) =>
  isNumbered(spec) ? SECONDARY.find((key) => key !== spec.nameField && key in spec.fields) : undefined;

/** The API names a record's phrase is made from. */
export function phraseFields(spec: ObjectSpec): string[] {
  const keys = [spec.nameField, secondaryKey(spec)].filter((k): k is string => k !== undefined);
  return keys.map((k) => (spec.fields[k] as FieldSpec).apiName);
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * A record as a person hears it: `the contact "Sarah Johnson"`, `case 00001104 ("Billing
 * discrepancy")`; a record without a name is named by its object and Id. `record` has API names.
 */
export function recordPhrase(
  spec: ObjectSpec,
  record: Readonly<Record<string, unknown>>,
  id?: string,
): string {
  const label = spec.label.toLowerCase();
  const nameField = spec.fields[spec.nameField] as FieldSpec;
  const name = spec.nameField === 'id' ? undefined : text(record[nameField.apiName]);
  const secondary = secondaryKey(spec);
  const detail = secondary ? text(record[(spec.fields[secondary] as FieldSpec).apiName]) : undefined;
  if (name && isNumbered(spec)) return `${label} ${name}${detail ? ` (${JSON.stringify(detail)})` : ''}`;
  if (name) return `the ${label} ${JSON.stringify(name)}`;
  const own = id ?? text(record.Id);
  return `the ${label}${own ? ` ${own}` : ''}`;
}

/** `callDurationInSeconds` → `call duration in seconds`. */
export function fieldWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const spokenDate = (year: string, month: string, day: string) =>
  `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;

/**
 * A date or date-time as it is said, in the offset it was written in: `12 February 2026 at 10:00
 * UTC`, `12 February 2026 at 10:00 UTC-05:00`. Anything else comes back unchanged.
 */
export function spokenDateTime(value: string): string {
  const date = DATE.exec(value);
  if (date) return spokenDate(date[1] as string, date[2] as string, date[3] as string);
  const match = DATE_TIME.exec(value);
  if (!match) return value;
  const [, year, month, day, hours, minutes, offset] = match as unknown as string[];
  const zone = /^(Z|[+-]00:?00)$/.test(offset as string)
    ? 'UTC'
    : `UTC${(offset as string).replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')}`;
  return `${spokenDate(year as string, month as string, day as string)} at ${hours}:${minutes} ${zone}`;
}

/** Long texts are cut in summaries: their length says what is behind the cut. */
const MAX_SPOKEN_TEXT = 80;

/** A field's value as it is said in a summary. */
export function spokenValue(field: FieldSpec | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'string') return JSON.stringify(value);
  if (field?.kind === 'date' || field?.kind === 'datetime') return spokenDateTime(value);
  if (value.length <= MAX_SPOKEN_TEXT) return JSON.stringify(value);
  return `${JSON.stringify(`${value.slice(0, MAX_SPOKEN_TEXT - 1)}…`)} (${value.length.toLocaleString('en-US')} characters)`;
}

/** Items as a person lists them: `a`, `a and b`, `a, b and c`. */
export function spokenList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The phrases of the records some Ids name, read by one query per object. */
export interface NameLookup {
  statements: SoqlFragment[];
  /** The phrases by Id, from the answers to `statements` (in order); an Id that names nothing is absent. */
  read(results: readonly QueryResult[]): Map<string, string>;
}

/**
 * The statements that name the given Ids (one query per object, by Id prefix) and how to read
 * their answers. Ids of objects outside the catalog are named by their object and Id, unread.
 */
export function nameLookup(ids: readonly (string | null | undefined)[]): NameLookup {
  const byObject = new Map<ObjectSpec, string[]>();
  const unread = new Map<string, string>();
  for (const id of new Set(ids.filter((i): i is string => typeof i === 'string' && i !== ''))) {
    const spec = specOfId(id);
    if (spec) byObject.set(spec, [...(byObject.get(spec) ?? []), id]);
    else unread.set(id, `the ${objectOfId(id) ?? 'record'} ${id}`);
  }
  const specs = [...byObject.keys()];
  return {
    statements: specs.map(
      (spec) =>
        soql`SELECT ${soql.fields(['Id', ...phraseFields(spec)])} FROM ${soql.ident(spec.apiName)} WHERE Id IN ${byObject.get(spec) ?? []}`,
    ),
    read(results) {
      const names = new Map(unread);
      specs.forEach((spec, i) => {
        for (const record of results[i]?.records ?? [])
          names.set(String(record.Id), recordPhrase(spec, record, String(record.Id)));
      });
      return names;
    },
  };
}

/**
 * Runs a preview's own statements and names the given Ids, all in one call (a composite request of
 * up to five queries): the answers to `statements`, in order, and the phrases by Id.
 */
export async function queryWithNames(
  ctx: OperationContext,
  statements: readonly SoqlFragment[],
  ids: readonly (string | null | undefined)[],
): Promise<{ results: QueryResult[]; names: Map<string, string> }> {
  const lookup = nameLookup(ids);
  const all = [...statements, ...lookup.statements];
  const answers = all.length ? await ctx.client.queryMany(all) : [];
  return {
    results: answers.slice(0, statements.length),
    names: lookup.read(answers.slice(statements.length)),
  };
}

/** The catalog's spec of an object, by API name. */

/** Salesforce's relationship name of a reference field: the spec's own, or `AccountId` → `Account`. */
function relationshipOf(spec: ObjectSpec, key: string): string | undefined {
  const declared = Object.values(spec.parents ?? {}).find((p) => p.field === key);
  if (declared) return declared.relationship;
  const apiName = spec.fields[key]?.apiName ?? '';
  if (apiName.endsWith('__c')) return `${apiName.slice(0, -3)}__r`;
  return /[a-z]Id$/.test(apiName) ? apiName.slice(0, -2) : undefined;
}

/**
 * The paths that name, in a query of the record itself, what one of its reference fields points at
 * (`Contact.Name`, or `Who.Name` for a lookup to several objects: Salesforce's polymorphic Name), and
 * how to read the phrase from the record. Undefined for a field with no relationship to follow.
 */
export function referenceName(
  spec: ObjectSpec,
  key: string,
): { paths: string[]; phrase(record: SalesforceRecord): string | null } | undefined {
  const field = spec.fields[key];
  const relationship = relationshipOf(spec, key);
  if (field?.kind !== 'reference' || !relationship) return undefined;
  const targets = field.references ?? [];
  const target = targets.length === 1 ? specNamed(targets[0] as string) : undefined;
  if (target)
    return {
      paths: phraseFields(target).map((f) => `${relationship}.${f}`),
      phrase: (record) => {
        const parent = record[relationship] as Record<string, unknown> | null | undefined;
        return parent ? recordPhrase(target, parent, text(record[field.apiName])) : null;
      },
    };
  return {
    paths: [`${relationship}.Name`],
    phrase: (record) => {
      const id = text(record[field.apiName]);
      const parent = record[relationship] as { Name?: unknown } | null | undefined;
      if (!id || !parent) return null;
      const of = specOfId(id);
      return of
        ? recordPhrase(of, { [(of.fields[of.nameField] as FieldSpec).apiName]: parent.Name }, id)
        : null;
    },
  };
}

/**
 * The key whose value names a record about to be made: its name field if the caller sets it, else
 * its subject or title (a case is known by its subject until Salesforce numbers it).
 */
export function titleKeyOf(spec: ObjectSpec, values: Readonly<Record<string, unknown>>): string | undefined {
  return [spec.nameField, ...SECONDARY].find(
    (key) => key in spec.fields && !spec.fields[key]?.readOnly && text(values[key]) !== undefined,
  );
}
