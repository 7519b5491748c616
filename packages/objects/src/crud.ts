import { z } from 'zod';
import { checkAgainstDescribe } from './describe-check.ts';
import { OperationError } from './errors.ts';
import { createInputSchema, idSchema, updateInputSchema } from './input.ts';
import {
  defineRead,
  defineWrite,
  type FieldChange,
  type OperationContext,
  type ReadOperation,
  restRoute,
  typeName,
  type WriteOperation,
} from './operation.ts';
import { readOne, runList, runOne, scopeShape } from './read.ts';
import {
  compactKeys,
  fromSalesforce,
  type ObjectSpec,
  recordSchema,
  selectFields,
  toSalesforce,
} from './spec.ts';

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

/** Like getRecord, but for writes: a missing record is NOT_FOUND, and SystemModstamp comes along. */
async function currentRecord(ctx: OperationContext, spec: ObjectSpec, id: string) {
  const record = await readOne(ctx, spec, { id }, [...selectFields(spec), 'SystemModstamp']);
  if (!record) throw new OperationError('NOT_FOUND', `No ${spec.label} has the Id ${id}.`);
  return {
    values: fromSalesforce(spec, record),
    systemModstamp: (record.SystemModstamp as string | undefined) ?? null,
  };
}

/** How a summary names a record: its object and its name, and its Id when given. */
export function describeRecord(
  spec: ObjectSpec,
  values: Record<string, unknown>,
  id?: string | null,
): string {
  const name = values[spec.nameField];
  const label = spec.label.toLowerCase();
  return name ? `${label} "${String(name)}"${id ? ` (${id})` : ''}` : `${label}${id ? ` ${id}` : ''}`;
}

export { typeName };

/** A value as a summary reads it (`empty` for nothing). */
export const formatValue = (v: unknown) =>
  v === null || v === undefined || v === '' ? 'empty' : JSON.stringify(v);

export function searchOperation(spec: ObjectSpec): ReadOperation {
  const compact = compactKeys(spec);
  return defineRead({
    name: `search${typeName(spec.labelPlural)}`,
    object: spec,
    verb: 'search',
    summary: `Search ${spec.labelPlural.toLowerCase()} by name, email, phone or other fields; without a term, the 10 most recently modified.`,
    input: searchInputSchema(spec),
    output: z.object({ records: z.array(recordSchema(spec)) }),
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

export function createOperation(spec: ObjectSpec): WriteOperation {
  return defineWrite({
    name: `create${typeName(spec.label)}`,
    action: 'create',
    object: spec,
    verb: 'create',
    rest: restRoute(spec, 'create'),
    summary: `Create a ${spec.label.toLowerCase()}.`,
    input: createInputSchema(spec),
    output: createdSchema,
    async prepare(ctx, input) {
      await checkAgainstDescribe(ctx, spec, input, 'create');
      const changes: FieldChange[] = Object.entries(input)
        .filter(([, v]) => v !== undefined)
        .map(([field, after]) => ({ field, before: null, after }));
      return {
        action: 'create',
        object: spec.apiName,
        recordId: null,
        changes,
        destructive: false,
        summary: `Create ${describeRecord(spec, input)} with ${changes.map((c) => `${c.field} ${formatValue(c.after)}`).join(', ')}.`,
        systemModstamp: null,
      };
    },
    async execute(ctx, input) {
      const result = await ctx.client.create(spec.apiName, toSalesforce(spec, input));
      return { id: result.id, success: result.success };
    },
  });
}

/** Compares the requested values with the record's current ones; only real changes are kept. */
function diff(current: Record<string, unknown>, requested: Record<string, unknown>): FieldChange[] {
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
    summary: `Change fields of a ${spec.label.toLowerCase()}; only the fields given are changed.`,
    input: updateInputSchema(spec),
    output: doneSchema,
    async prepare(ctx, input) {
      const id = input.id as string;
      const [{ values, systemModstamp }] = await Promise.all([
        currentRecord(ctx, spec, id),
        checkAgainstDescribe(ctx, spec, input, 'update'),
      ]);
      const changes = diff(values, input);
      const what = changes.length
        ? changes.map((c) => `${c.field} from ${formatValue(c.before)} to ${formatValue(c.after)}`).join(', ')
        : 'nothing (the values are already set)';
      return {
        action: 'update',
        object: spec.apiName,
        recordId: id,
        changes,
        destructive: false,
        summary: `Update ${describeRecord(spec, values, id)}: ${what}.`,
        systemModstamp,
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

export function deleteOperation(spec: ObjectSpec): WriteOperation {
  return defineWrite({
    name: `delete${typeName(spec.label)}`,
    action: 'delete',
    object: spec,
    verb: 'delete',
    rest: restRoute(spec, 'delete'),
    summary: `Delete a ${spec.label.toLowerCase()} (it goes to the Recycle Bin for 15 days).`,
    input: z.strictObject({ id: idSchema([spec.apiName]).describe(`The ${spec.label} Id.`) }),
    output: doneSchema,
    async prepare(ctx, { id }) {
      const { values, systemModstamp } = await currentRecord(ctx, spec, id);
      return {
        action: 'delete',
        object: spec.apiName,
        recordId: id,
        changes: [],
        destructive: true,
        summary: `Delete ${describeRecord(spec, values, id)}. It goes to the Recycle Bin and can be restored for 15 days.`,
        systemModstamp,
      };
    },
    async execute(ctx, { id }) {
      await ctx.client.delete(spec.apiName, id);
      return { id, success: true };
    },
  });
}
