import { isCalendarDate } from '@sfgql/soql';
import { z } from 'zod';
import { idSchema } from './ids.ts';
import type { FieldKind, FieldSpec, ObjectSpec } from './spec.ts';

export { anyIdSchema, idSchema } from './ids.ts';

const maxLength = (field: FieldSpec) => field.maxLength ?? (field.kind === 'textarea' ? 32_000 : 255);
const text = (field: FieldSpec) => z.string().max(maxLength(field));
const finite = () => z.number().finite();

/** How a caller writes each kind of field (a new kind fails to compile until it has a row). */
const WRITE_SCHEMAS = {
  id: (f) => idSchema(f.references ?? []),
  reference: (f) => idSchema(f.references ?? []),
  string: text,
  textarea: text,
  phone: text,
  email: (f) => z.email({ message: 'must be an email address' }).max(maxLength(f)),
  url: (f) => z.string().trim().max(maxLength(f)),
  picklist: (f) =>
    f.restricted && f.values?.length
      ? z.enum(f.values as [string, ...string[]], { message: `must be one of: ${f.values.join(', ')}` })
      : z.string().trim().max(maxLength(f)),
  // A list of values, which Salesforce takes joined by semicolons.
  multipicklist: () => z.array(z.string().min(1)).transform((values) => values.join(';')),
  boolean: () => z.boolean(),
  int: () => z.int(),
  double: finite,
  currency: finite,
  percent: finite,
  date: () =>
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
      .refine(isCalendarDate, 'must be a real calendar date'),
  datetime: () =>
    z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-02-12T10:00:00Z' }),
  base64: () => z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
} as const satisfies Record<FieldKind, (field: FieldSpec) => z.ZodType>;

/** The zod type of a value a caller may write to a field. */
export function writeSchema(field: FieldSpec): z.ZodType {
  return WRITE_SCHEMAS[field.kind](field);
}

/** Fields a caller may set on create (not read-only). */
export function creatableKeys(spec: ObjectSpec): string[] {
  return Object.entries(spec.fields)
    .filter(([, f]) => !f.readOnly)
    .map(([k]) => k);
}

/** Fields a caller may change on update. */
export function updatableKeys(spec: ObjectSpec): string[] {
  return Object.entries(spec.fields)
    .filter(([, f]) => !f.readOnly && !f.createOnly)
    .map(([k]) => k);
}

/**
 * Create input: required fields required, others optional; unknown fields refused by name, and a
 * create with no field at all (which would make an empty record) refused.
 */
export function createInputSchema(spec: ObjectSpec) {
  const shape: Record<string, z.ZodType> = {};
  for (const key of creatableKeys(spec)) {
    const field = spec.fields[key] as FieldSpec;
    const schema = writeSchema(field).describe(field.description);
    shape[key] = field.required ? schema : schema.optional();
  }
  return z.strictObject(shape).refine((v) => Object.values(v).some((value) => value !== undefined), {
    message: `give at least one field of the new ${spec.label.toLowerCase()}`,
  });
}

/** Update input: the record's Id and at least one field to change (null clears a field). */
export function updateInputSchema(spec: ObjectSpec) {
  const shape: Record<string, z.ZodType> = { id: idSchema([spec.apiName]).describe(`The ${spec.label} Id.`) };
  for (const key of updatableKeys(spec)) {
    const field = spec.fields[key] as FieldSpec;
    // A required field can be changed but not cleared.
    const schema =
      field.required || field.kind === 'boolean' ? writeSchema(field) : writeSchema(field).nullable();
    shape[key] = schema.optional().describe(field.description);
  }
  return z.strictObject(shape).refine((v) => Object.keys(v).some((k) => k !== 'id' && v[k] !== undefined), {
    message: 'give at least one field to change',
  });
}
