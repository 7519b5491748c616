import { z } from 'zod';
import { FIELD_KINDS } from './field-kinds.ts';
import { idSchema } from './ids.ts';
import type { FieldSpec, ObjectSpec } from './spec.ts';

export { anyIdSchema, idSchema } from './ids.ts';

/** The zod type of a value a caller may write to a field. */
export function writeSchema(field: FieldSpec): z.ZodType {
  return FIELD_KINDS[field.kind].write(field);
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

/** Create input: required fields required, others optional; unknown fields refused by name. */
export function createInputSchema(spec: ObjectSpec) {
  const shape: Record<string, z.ZodType> = {};
  for (const key of creatableKeys(spec)) {
    const field = spec.fields[key] as FieldSpec;
    const schema = writeSchema(field).describe(field.description);
    shape[key] = field.required ? schema : schema.optional();
  }
  return z.strictObject(shape);
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
