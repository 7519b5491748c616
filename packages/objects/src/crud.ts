import { z } from 'zod';
import { checkAgainstDescribe } from './describe-check.ts';
import { OperationError } from './errors.ts';
import { createInputSchema, idSchema, updateInputSchema } from './input.ts';
import {
  fieldWords,
  queryWithNames,
  recordPhrase,
  referenceName,
  spokenList,
  spokenValue,
  titleKeyOf,
} from './names.ts';
import {
  defineRead,
  defineWrite,
  type FieldChange,
  newRecordPreview,
  type OperationContext,
  type ReadOperation,
  restRoute,
  typeName,
  type WriteOperation,
  type WritePreview,
} from './operation.ts';
import { oneStatement, runList, runOne, scopeShape } from './read.ts';
import {
  compactKeys,
  fromSalesforce,
  type ObjectSpec,
  recordSchema,
  selectFields,
  toSalesforce,
} from './spec.ts';
import { specOfId } from './specs.ts';
import { withArticle } from './words.ts';

/** Input of every search: an optional term, the object's scopes, a limit, and extra fields to return. */
export function searchInputSchema(spec: ObjectSpec) {
  const keys = Object.keys(spec.fields) as [string, ...string[]];
  return z.strictObject({
    term: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe(
        'Words, an email, a phone number in any format, or a number. Leave out for the 10 most recently modified.',
      ),
    ...scopeShape(spec, 'lists'),
    limit: z.int().min(1).max(50).default(10).describe('How many records to return (1-50, default 10).'),
    fields: z
      .array(z.enum(keys))
      .max(keys.length)
      .optional()
      .describe('Extra fields to return besides the compact view.'),
  });
}

/** Reads one record by Id with every field of the spec; null when it does not exist. */
export async function getRecord(
  ctx: OperationContext,
  spec: ObjectSpec,
  id: string,
  keys?: readonly string[],
) {
  return runOne(ctx, spec, { id, ...(keys ? { keys } : {}) });
}

/** Keys of the reference fields among the given values that name a record. */
const referenceKeys = (spec: ObjectSpec, values: Readonly<Record<string, unknown>>) =>
  Object.keys(values).filter((key) => spec.fields[key]?.kind === 'reference' && key !== 'id');

/**
 * The record an update or delete will change, as a preview shows it: its values, its
 * SystemModstamp, its phrase, and the names of what the given reference fields point at now and of
 * the records the given Ids name, all read in one call. A missing record is NOT_FOUND.
 */
async function currentRecord(
  ctx: OperationContext,
  spec: ObjectSpec,
  id: string,
  options: { references?: readonly string[]; ids?: readonly (string | null | undefined)[] } = {},
) {
  const references = (options.references ?? []).flatMap((key) => {
    const named = referenceName(spec, key);
    return named ? [[key, named] as const] : [];
  });
  const fields = [...selectFields(spec), 'SystemModstamp', ...references.flatMap(([, r]) => r.paths)];
  const {
    results: [result],
    names,
  } = await queryWithNames(ctx, [oneStatement(spec, { id }, fields)], options.ids ?? []);
  const record = result?.records[0];
  if (!record) throw new OperationError('NOT_FOUND', `No ${spec.label.toLowerCase()} has the Id ${id}.`);
  return {
    values: fromSalesforce(spec, record),
    systemModstamp: (record.SystemModstamp as string | undefined) ?? null,
    phrase: recordPhrase(spec, record, id),
    /** What each of the given reference fields points at now, named (null when empty). */
    linked: new Map(references.map(([key, r]) => [key, r.phrase(record)])),
    names,
  };
}

/** INVALID_INPUT naming each reference value that names no record the user can see. */
function checkNamed(
  values: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  names: ReadonlyMap<string, string>,
): void {
  const missing = keys.filter((key) => typeof values[key] === 'string' && !names.has(values[key] as string));
  if (missing.length)
    throw new OperationError(
      'INVALID_INPUT',
      missing
        .map((key) => {
          const of = specOfId(values[key] as string);
          return `✖ no ${of ? of.label.toLowerCase() : 'record'} has the Id ${String(values[key])}\n  → at ${key}`;
        })
        .join('\n'),
    );
}

/**
 * The names of the records a write's values link to (contact, case, owner, ...), read in one call;
 * an Id that names no record the user can see is INVALID_INPUT, as Salesforce would refuse it.
 */
export async function linkedNames(
  ctx: OperationContext,
  spec: ObjectSpec,
  values: Readonly<Record<string, unknown>>,
): Promise<Map<string, string>> {
  const keys = referenceKeys(spec, values);
  const { names } = await queryWithNames(
    ctx,
    [],
    keys.map((key) => values[key] as string | undefined),
  );
  checkNamed(values, keys, names);
  return names;
}

/**
 * What a write sets, as a person hears it: the values (`priority "High" and origin "Phone"`) and,
 * apart, the records it links (`the contact "Sarah Johnson"`) and who will own it. `skip` leaves out
 * keys already said (the record's name).
 */
function describeValues(
  spec: ObjectSpec,
  values: Readonly<Record<string, unknown>>,
  names: ReadonlyMap<string, string>,
  skip: readonly string[] = [],
): { values: string; links: string; owner: string } {
  const said: string[] = [];
  const links: string[] = [];
  let owner = '';
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || skip.includes(key)) continue;
    const field = spec.fields[key];
    if (field?.kind === 'reference' && typeof value === 'string') {
      const named = names.get(value) ?? `${withArticle(field.references?.[0] ?? 'record')} ${value}`;
      if (key === 'ownerId') owner = named;
      else links.push(named);
    } else said.push(`${fieldWords(key)} ${spokenValue(field, value)}`);
  }
  return { values: spokenList(said), links: spokenList(links), owner };
}

/** `Create a case "Refund" with priority "High", linked to the contact "Sarah Johnson".` */
function createSentence(
  spec: ObjectSpec,
  values: Readonly<Record<string, unknown>>,
  names: ReadonlyMap<string, string>,
  verb = 'Create',
): string {
  const titleKey = titleKeyOf(spec, values);
  const title = titleKey ? ` ${JSON.stringify(String(values[titleKey]).trim())}` : '';
  const said = describeValues(spec, values, names, titleKey ? [titleKey] : []);
  return `${verb} ${withArticle(spec.label.toLowerCase())}${title}${said.values ? ` with ${said.values}` : ''}${said.links ? `, linked to ${said.links}` : ''}${said.owner ? `, owned by ${said.owner}` : ''}.`;
}

export { typeName };

export function searchOperation(spec: ObjectSpec): ReadOperation {
  const compact = compactKeys(spec);
  return defineRead({
    name: `search${typeName(spec.labelPlural)}`,
    object: spec,
    verb: 'search',
    summary: `Search ${spec.labelPlural.toLowerCase()} by name, email, phone or other fields; without a term, the 10 most recently modified.`,
    input: searchInputSchema(spec),
    // The compact view always; other fields when asked for.
    output: z.object({ records: z.array(recordSchema(spec, undefined, {}, compact)) }),
    rest: restRoute(spec, 'search'),
    view: { kind: 'list', object: spec },
    async execute(ctx, input) {
      const { term, limit, fields } = input;
      const records = await runList(ctx, spec, {
        term,
        limit,
        scopes: input,
        keys: [...new Set([...compact, ...(fields ?? [])])],
      });
      return { records };
    },
  });
}

export function getOperation(spec: ObjectSpec): ReadOperation {
  return defineRead({
    name: `get${typeName(spec.label)}`,
    object: spec,
    verb: 'get',
    summary: `Get one ${spec.label.toLowerCase()} by its Salesforce Id, with all its fields.`,
    input: z.strictObject({
      id: idSchema([spec.apiName]).describe(`The ${spec.label} Id.`),
      ...scopeShape(spec, 'one'),
    }),
    output: recordSchema(spec).nullable(),
    rest: restRoute(spec, 'get'),
    view: { kind: 'one', object: spec },
    execute: (ctx, input) => runOne(ctx, spec, { id: input.id, scopes: input }),
  });
}

/** The result of a create: the new record's Id. */
export const createdSchema = z.object({
  id: z.string().describe('The new record Id.'),
  success: z.boolean(),
});
/** The result of an update or delete. */
export const doneSchema = z.object({ id: z.string(), success: z.boolean() });

/**
 * What else names a new record to people besides its Id: the keys Salesforce gives it (a case's
 * CaseNumber) and its Name where it has one (a contact's, made of the names given).
 */
function humanKeys(spec: ObjectSpec): string[] {
  return [...new Set([...(spec.read?.keys ?? []), ...('name' in spec.fields ? ['name'] : [])])].filter(
    (key) => key in spec.fields,
  );
}

/** A create's result: its Id, and its human keys (nullable: read back after the write). */
function createdSchemaOf(spec: ObjectSpec): z.ZodObject {
  return createdSchema.extend(
    Object.fromEntries(
      humanKeys(spec).map((key) => [
        key,
        z
          .string()
          .nullable()
          .describe(
            `${(spec.fields[key] as { description: string }).description.replace(/\.$/, '')}, read back after the create.`,
          ),
      ]),
    ),
  );
}

/**
 * Creates a record (`values` keyed by the spec) and answers its Id with its human keys, read back
 * in the same call (a create and a read in one composite request).
 */
export async function createRecord(
  ctx: OperationContext,
  spec: ObjectSpec,
  values: Readonly<Record<string, unknown>>,
): Promise<{ id: string; success: boolean } & Record<string, unknown>> {
  const body = toSalesforce(spec, { ...values });
  const keys = humanKeys(spec);
  if (keys.length === 0) {
    const result = await ctx.client.create(spec.apiName, body);
    return { id: result.id, success: result.success };
  }
  const result = await ctx.client.createAndRead(spec.apiName, body, selectFields(spec, keys));
  const read = result.record ? fromSalesforce(spec, result.record, keys) : {};
  return {
    id: result.id,
    success: result.success,
    ...Object.fromEntries(keys.map((key) => [key, read[key] ?? null])),
  };
}

/** The changes of a create: every field given, from nothing to its value. */
export const createChanges = (values: Readonly<Record<string, unknown>>): FieldChange[] =>
  Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([field, after]) => ({ field, before: null, after }));

/**
 * The preview of a generic create: the values checked against the org's describe, and a summary
 * naming the records they link, read in one call (`verb`: what the summary says is done).
 */
export async function createPreview(
  ctx: OperationContext,
  spec: ObjectSpec,
  input: Readonly<Record<string, unknown>>,
  verb = 'Create',
): Promise<WritePreview> {
  const [names] = await Promise.all([
    linkedNames(ctx, spec, input),
    checkAgainstDescribe(ctx, spec, input, 'create'),
  ]);
  const changes = createChanges(input);
  return newRecordPreview(spec.apiName, changes, createSentence(spec, input, names, verb));
}

export function createOperation(spec: ObjectSpec): WriteOperation {
  return defineWrite({
    name: `create${typeName(spec.label)}`,
    action: 'create',
    object: spec,
    verb: 'create',
    rest: restRoute(spec, 'create'),
    summary: `Create ${withArticle(spec.label.toLowerCase())}.`,
    input: createInputSchema(spec),
    output: createdSchemaOf(spec),
    prepare: (ctx, input) => createPreview(ctx, spec, input),
    execute: (ctx, input) => createRecord(ctx, spec, input),
  });
}

/** Compares the requested values with the record's current ones; only real changes are kept. */
export function updateChanges(
  current: Record<string, unknown>,
  requested: Record<string, unknown>,
): FieldChange[] {
  return Object.entries(requested)
    .filter(([field, after]) => field !== 'id' && after !== undefined && current[field] !== after)
    .map(([field, after]) => ({ field, before: current[field] ?? null, after }));
}

export function updateOperation(spec: ObjectSpec): WriteOperation {
  return defineWrite({
    name: `update${typeName(spec.label)}`,
    action: 'update',
    object: spec,
    verb: 'update',
    rest: restRoute(spec, 'update'),
    summary: `Change fields of ${withArticle(spec.label.toLowerCase())}; only the fields given are changed.`,
    input: updateInputSchema(spec),
    output: doneSchema,
    async prepare(ctx, input) {
      const id = input.id as string;
      const references = referenceKeys(spec, input).filter((key) => input[key] !== undefined);
      const [current] = await Promise.all([
        currentRecord(ctx, spec, id, { references, ids: references.map((key) => input[key] as string) }),
        checkAgainstDescribe(ctx, spec, input, 'update'),
      ]);
      checkNamed(input, references, current.names);
      const changes = updateChanges(current.values, input);
      const said = (key: string, value: unknown, before: boolean) =>
        spec.fields[key]?.kind === 'reference' && typeof value === 'string'
          ? ((before ? current.linked.get(key) : current.names.get(value)) ?? value)
          : spokenValue(spec.fields[key], value);
      const what = changes.length
        ? spokenList(
            changes.map(
              (c) =>
                `${fieldWords(c.field.replace(/Id$/, ''))} from ${said(c.field, c.before, true)} to ${said(c.field, c.after, false)}`,
            ),
          )
        : 'nothing (the values are already set)';
      return {
        action: 'update',
        object: spec.apiName,
        recordId: id,
        changes,
        destructive: false,
        summary: `Update ${current.phrase}: ${what}.`,
        systemModstamp: current.systemModstamp,
      };
    },
    async execute(ctx, input) {
      const { id, ...values } = input as { id: string } & Record<string, unknown>;
      // Partial update: only the fields the caller gave are sent.
      await ctx.client.update(spec.apiName, id, toSalesforce(spec, values));
      return { id, success: true };
    },
  });
}

const RECYCLE_BIN = 'It goes to the Recycle Bin and can be restored for 15 days.';

/**
 * The delete of one of an object's records. A record without a name of its own (a campaign member)
 * is named by the records it links; `options` give an operation of its own (removeCampaignMember)
 * its name, summary and sentence, made from the record's phrase and its parents' names.
 */
export function deleteOperation(
  spec: ObjectSpec,
  options: {
    name?: string;
    summary?: string;
    /** The whole summary, from the record's phrase and the names of its parents (by field key). */
    sentence?(said: { record: string; parents: ReadonlyMap<string, string | null> }): string;
  } = {},
): WriteOperation {
  const parents = Object.values(spec.parents ?? {}).map((p) => p.field);
  const nameless = spec.nameField === 'id';
  return defineWrite({
    name: options.name ?? `delete${typeName(spec.label)}`,
    action: 'delete',
    object: spec,
    verb: 'delete',
    rest: restRoute(spec, 'delete'),
    summary:
      options.summary ??
      `Delete ${withArticle(spec.label.toLowerCase())} (it goes to the Recycle Bin for 15 days).`,
    input: z.strictObject({ id: idSchema([spec.apiName]).describe(`The ${spec.label} Id.`) }),
    output: doneSchema,
    async prepare(ctx, { id }) {
      const current = await currentRecord(ctx, spec, id, {
        references: options.sentence || nameless ? parents : [],
      });
      const linked = [...current.linked.values()].filter((p): p is string => p !== null);
      const record =
        nameless && linked.length
          ? `the ${spec.label.toLowerCase()} of ${spokenList(linked)}`
          : current.phrase;
      return {
        action: 'delete',
        object: spec.apiName,
        recordId: id,
        changes: [],
        destructive: true,
        summary: options.sentence
          ? options.sentence({ record, parents: current.linked })
          : `Delete ${record}. ${RECYCLE_BIN}`,
        systemModstamp: current.systemModstamp,
      };
    },
    async execute(ctx, { id }) {
      await ctx.client.delete(spec.apiName, id);
      return { id, success: true };
    },
  });
}
