import { COLLECTION_LIMIT, type CollectionResult, soql } from '@sfgql/soql';
import { z } from 'zod';
import { createChanges, updateChanges } from '../crud.ts';
import { OperationError } from '../errors.ts';
import { createInputSchema, idSchema, updatableKeys, updateInputSchema } from '../input.ts';
import { fieldWords, recordPhrase, spokenList, spokenValue } from '../names.ts';
import { defineWrite, type FieldChange, newRecordPreview, type OperationContext } from '../operation.ts';
import { readConditions } from '../read.ts';
import { fromSalesforce, type ObjectSpec, selectFields, toSalesforce } from '../spec.ts';
import { STANDARD_SPECS, specNamed } from '../specs.ts';
import { withArticle } from '../words.ts';

/**
 * Writes on sets of records, and upserts: a set of up to 200 records changes under one confirmation
 * bound to exactly those records and changes, in one sObject Collections call, all or none by
 * default, with a result per record; the preview names every record.
 */

const writable = (verb: 'create' | 'update' | 'delete') =>
  STANDARD_SPECS.filter((spec) => spec.operations.includes(verb));

const objectInput = (specs: readonly ObjectSpec[]) =>
  z.enum(specs.map((s) => s.apiName) as [string, ...string[]]).describe('The object, e.g. Contact.');

const specOf = (apiName: string) => specNamed(apiName) as ObjectSpec;

const plural = (spec: ObjectSpec, n: number) =>
  n === 1 ? spec.label.toLowerCase() : spec.labelPlural.toLowerCase();

/** Checks each record against the object's own create or update input, naming the record that fails. */
function checkEach(spec: ObjectSpec, verb: 'create' | 'update', records: readonly Record<string, unknown>[]) {
  const schema = verb === 'create' ? createInputSchema(spec) : updateInputSchema(spec);
  return records.map((record, i) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}\n  → at records[${i}]`,
        { cause: parsed.error },
      );
    return parsed.data as Record<string, unknown>;
  });
}

/** Creates or updates the records, checked again, in one sObject Collections call: a result per record. */
async function saveChecked(
  ctx: OperationContext,
  verb: 'create' | 'update',
  input: { object: string; records: Record<string, unknown>[]; allOrNone: boolean },
) {
  const spec = specOf(input.object);
  const records = checkEach(spec, verb, input.records).map(({ id, ...values }) => ({
    ...(verb === 'update' ? { Id: id } : {}),
    ...toSalesforce(spec, values),
  }));
  return outcome(await ctx.client.saveMany(spec.apiName, records, { allOrNone: input.allOrNone }));
}

/** The records as they are now, by Id, with their names and the given fields; every one must exist. */
async function current(ctx: OperationContext, spec: ObjectSpec, ids: readonly string[], keys: string[]) {
  const fields = [...selectFields(spec, [...new Set(['id', spec.nameField, ...keys])]), 'SystemModstamp'];
  const where = [soql`Id IN ${[...ids]}`, ...readConditions(spec, 'one')];
  const result = await ctx.client.query(
    soql`SELECT ${soql.fields(fields)} FROM ${soql.ident(spec.apiName)} WHERE ${soql.join(where, ' AND ')}`,
  );
  const byId = new Map(result.records.map((r) => [String(r.Id), fromSalesforce(spec, r)]));
  // The newest version among them: the batch is refused as stale if any changes after it.
  const newest =
    result.records
      .map((r) => String(r.SystemModstamp ?? ''))
      .sort()
      .at(-1) ?? null;
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length)
    throw new OperationError(
      'NOT_FOUND',
      `No ${spec.label.toLowerCase()} has the Id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}.`,
    );
  return { byId, newest };
}

/** How a record is named: its name field, or (a person's name, before Salesforce composes it) first and last name. */
function nameOf(spec: ObjectSpec, values: Record<string, unknown>): string {
  if (values[spec.nameField]) return String(values[spec.nameField]);
  const person = ['firstName', 'lastName']
    .filter((key) => key in spec.fields && values[key])
    .map((key) => String(values[key]))
    .join(' ');
  return person || spec.label.toLowerCase();
}

/** A record as a summary says it (`the product "Gadget"`), from its values by field key. */
function phraseOf(spec: ObjectSpec, values: Record<string, unknown>): string {
  const nameField = spec.fields[spec.nameField];
  const record = toSalesforce(spec, values);
  if (nameField) record[nameField.apiName] = nameOf(spec, values);
  return recordPhrase(spec, record, values.id ? String(values.id) : undefined);
}

/** `title from empty to "Tester"`, as a summary says a change. */
const spokenChange = (spec: ObjectSpec, c: FieldChange) =>
  `${fieldWords(c.field)} from ${spokenValue(spec.fields[c.field], c.before)} to ${spokenValue(spec.fields[c.field], c.after)}`;

const resultsSchema = z.object({
  success: z.boolean().describe('Whether every record was written.'),
  results: z.array(
    z.object({
      id: z.string().nullable().describe('The record Id (null for a create that failed).'),
      success: z.boolean(),
      errors: z.array(z.object({ code: z.string(), message: z.string(), fields: z.array(z.string()) })),
    }),
  ),
});

const allOrNone = z
  .boolean()
  .default(true)
  .describe('Write every record or none (default). False writes those that can be written.');

function outcome(results: readonly CollectionResult[]) {
  return {
    success: results.every((r) => r.success),
    results: results.map((r) => ({
      id: r.id ?? null,
      success: r.success,
      errors: r.errors.map((e) => ({ code: e.statusCode, message: e.message, fields: e.fields })),
    })),
  };
}

const records = z.array(z.record(z.string(), z.unknown())).min(1).max(COLLECTION_LIMIT);

export const createRecords = defineWrite({
  name: 'createRecords',
  objectOf: (input) => input.object,
  action: 'create',
  object: null,
  summary: `Create up to ${COLLECTION_LIMIT} records of one object at once, under one confirmation.`,
  rest: { method: 'post', path: '/records/batch' },
  input: z.strictObject({
    object: objectInput(writable('create')),
    records: records.describe('The records, each with the fields of a create of that object.').meta({
      examples: [
        [
          { firstName: 'Ann', lastName: 'Lee' },
          { firstName: 'Bo', lastName: 'Chen' },
        ],
      ],
    }),
    allOrNone,
  }),
  output: resultsSchema,
  async prepare(_ctx, input) {
    const spec = specOf(input.object);
    const checked = checkEach(spec, 'create', input.records);
    const changes = checked.flatMap(createChanges);
    return newRecordPreview(
      spec.apiName,
      changes,
      `Create ${checked.length} ${plural(spec, checked.length)}: ${spokenList(checked.map((v) => nameOf(spec, v)))}.`,
    );
  },
  execute: (ctx, input) => saveChecked(ctx, 'create', input),
});

export const updateRecords = defineWrite({
  name: 'updateRecords',
  objectOf: (input) => input.object,
  action: 'update',
  object: null,
  summary: `Change fields of up to ${COLLECTION_LIMIT} records of one object at once, under one confirmation.`,
  rest: { method: 'patch', path: '/records/batch' },
  input: z.strictObject({
    object: objectInput(writable('update')),
    records: records.describe('The records, each with its id and the fields to change.'),
    allOrNone,
  }),
  output: resultsSchema,
  async prepare(ctx, input) {
    const spec = specOf(input.object);
    const checked = checkEach(spec, 'update', input.records);
    const ids = checked.map((r) => String(r.id));
    if (new Set(ids).size !== ids.length)
      throw new OperationError('INVALID_INPUT', '✖ a record appears twice\n  → at records');
    const keys = updatableKeys(spec).filter((k) => checked.some((r) => r[k] !== undefined));
    const { byId: now, newest } = await current(ctx, spec, ids, keys);
    const changes: FieldChange[] = [];
    const lines = checked.map((record) => {
      const before = now.get(String(record.id)) as Record<string, unknown>;
      const changed = updateChanges(before, record).map((c) => ({ ...c, recordId: String(record.id) }));
      changes.push(...changed);
      const what = changed.length ? spokenList(changed.map((c) => spokenChange(spec, c))) : 'nothing';
      return `${nameOf(spec, before)} (${what})`;
    });
    return {
      action: 'update',
      object: spec.apiName,
      recordId: null,
      recordIds: ids,
      changes,
      destructive: false,
      summary: `Update ${checked.length} ${plural(spec, checked.length)}: ${spokenList(lines)}.`,
      systemModstamp: newest,
    };
  },
  execute: (ctx, input) => saveChecked(ctx, 'update', input),
});

export const deleteRecords = defineWrite({
  name: 'deleteRecords',
  objectOf: (input) => input.object,
  action: 'delete',
  object: null,
  summary: `Delete up to ${COLLECTION_LIMIT} records of one object at once, under one confirmation (they go to the Recycle Bin for 15 days).`,
  rest: { method: 'delete', path: '/records/batch' },
  input: z.strictObject({
    object: objectInput(writable('delete')),
    ids: z.array(z.string()).min(1).max(COLLECTION_LIMIT).describe('The Ids of the records to delete.'),
    allOrNone,
  }),
  output: resultsSchema,
  async prepare(ctx, input) {
    const spec = specOf(input.object);
    const ids = checkIds(spec, input.ids);
    const { byId: now, newest } = await current(ctx, spec, ids, []);
    return {
      action: 'delete',
      object: spec.apiName,
      recordId: null,
      recordIds: ids,
      changes: [],
      destructive: true,
      summary: `Delete ${ids.length} ${plural(spec, ids.length)}: ${spokenList(ids.map((id) => nameOf(spec, now.get(id) as Record<string, unknown>)))}. They go to the Recycle Bin and can be restored for 15 days.`,
      systemModstamp: newest,
    };
  },
  async execute(ctx, input) {
    const spec = specOf(input.object);
    return outcome(await ctx.client.deleteMany(checkIds(spec, input.ids), { allOrNone: input.allOrNone }));
  },
});

/** Ids of the object only, each once. */
function checkIds(spec: ObjectSpec, ids: readonly string[]): string[] {
  const schema = idSchema([spec.apiName]);
  const checked = ids.map((id, i) => {
    const parsed = schema.safeParse(id);
    if (!parsed.success)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ must be the Id of ${withArticle(spec.label)}\n  → at ids[${i}]`,
      );
    return parsed.data;
  });
  if (new Set(checked).size !== checked.length)
    throw new OperationError('INVALID_INPUT', '✖ an Id appears twice\n  → at ids');
  return checked;
}

export const upsertRecord = defineWrite({
  name: 'upsertRecord',
  confirmByPreview: true,
  action: 'update',
  object: null,
  summary:
    'Create or update the record whose external id field holds a value (an integration keeping Salesforce in step); the confirmation says which.',
  rest: { method: 'patch', path: '/records/upsert' },
  input: z.strictObject({
    object: objectInput(writable('create').filter((s) => s.operations.includes('update'))),
    externalIdField: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name')
      .describe("The External ID field's API name, e.g. ERP_Id__c."),
    externalId: z.string().trim().min(1).max(255).describe('Its value for this record.'),
    values: z.record(z.string(), z.unknown()).describe('The fields to set, as on a create of that object.'),
  }),
  output: z.object({
    id: z.string(),
    success: z.boolean(),
    created: z.boolean().describe('Whether the record was created (true) or updated (false).'),
  }),
  async prepare(ctx, input) {
    const { spec, field } = await externalIdOf(ctx, input.object, input.externalIdField);
    const [found, ...more] = await matching(ctx, spec, field, input.externalId, input.values);
    const match = found?.values;
    if (more.length)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ ${more.length + 1} ${spec.labelPlural.toLowerCase()} have ${field} ${input.externalId}: an external id must name one record\n  → at externalId`,
      );
    const where = `${field} ${input.externalId}`;
    if (!match) {
      const values = checkEach(spec, 'create', [input.values])[0] as Record<string, unknown>;
      const changes = createChanges(values);
      return newRecordPreview(
        spec.apiName,
        changes,
        `Create ${phraseOf(spec, values)} (${where}: none has it yet) with ${spokenList(changes.map((c) => `${fieldWords(c.field)} ${spokenValue(spec.fields[c.field], c.after)}`))}.`,
      );
    }
    const values = checkEach(spec, 'update', [{ id: match.id, ...input.values }])[0] as Record<
      string,
      unknown
    >;
    const changes = updateChanges(match, values);
    return {
      action: 'update',
      object: spec.apiName,
      recordId: String(match.id),
      changes,
      destructive: false,
      summary: `Update ${phraseOf(spec, match)} (${where}): ${changes.length ? spokenList(changes.map((c) => spokenChange(spec, c))) : 'nothing (the values are already set)'}.`,
      systemModstamp: found?.systemModstamp ?? null,
    };
  },
  async execute(ctx, input) {
    const { spec, field } = await externalIdOf(ctx, input.object, input.externalIdField);
    const values = toSalesforce(
      spec,
      checkEach(spec, 'create', [input.values])[0] as Record<string, unknown>,
    );
    const saved = await ctx.client.upsert(spec.apiName, field, input.externalId, values);
    return { id: saved.id, success: saved.success, created: saved.created === true };
  },
});

/** The object's spec and the External ID field named, as the org describes it (any other is refused). */
async function externalIdOf(ctx: OperationContext, object: string, name: string) {
  const spec = specOf(object);
  const describe = await ctx.client.describe(spec.apiName);
  const field = describe.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field || (field as { externalId?: boolean }).externalId !== true)
    throw new OperationError(
      'INVALID_INPUT',
      `✖ ${name} is not an External ID field of ${spec.apiName}; its External ID fields: ${
        describe.fields
          .filter((f) => (f as { externalId?: boolean }).externalId === true)
          .map((f) => f.name)
          .join(', ') || 'none'
      }\n  → at externalIdField`,
    );
  return { spec, field: field.name };
}

/** The records whose external id holds the value (at most two: one is expected), with the fields to change. */
async function matching(
  ctx: OperationContext,
  spec: ObjectSpec,
  field: string,
  value: string,
  values: Record<string, unknown>,
) {
  const keys = [...new Set(['id', spec.nameField, ...Object.keys(values).filter((k) => k in spec.fields)])];
  const result = await ctx.client.query(
    soql`SELECT ${soql.fields([...selectFields(spec, keys), 'SystemModstamp'])} FROM ${soql.ident(spec.apiName)} WHERE ${soql.ident(field)} = ${value} LIMIT 2`,
  );
  return result.records.map((r) => ({
    values: fromSalesforce(spec, r, keys),
    systemModstamp: String(r.SystemModstamp ?? ''),
  }));
}

export const recordOperations = [createRecords, updateRecords, deleteRecords, upsertRecord];
