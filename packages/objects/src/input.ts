import { isSalesforceId, toSalesforceId } from '@sfgql/soql';
import { z } from 'zod';
import { ID_OBJECTS } from './json-schema.ts';
import type { FieldSpec, ObjectSpec } from './spec.ts';
import { KEY_PREFIXES } from './specs.ts';
import { withArticle } from './words.ts';

/**
 * An Id of any of the given objects, whatever its key prefix: for inputs that find the object from
 * the Id itself (an Id of an object outside the list names no record, rather than a wrong input).
 */
export function anyIdSchema(objects: readonly string[]) {
  return z
    .string()
    .trim()
    .refine((v) => isSalesforceId(v), { message: 'must be a 15- or 18-character Salesforce Id' })
    .transform((v) => toSalesforceId(v) as string)
    .meta({ [ID_OBJECTS]: [...objects] });
}

/** An Id of one of the given objects, normalised to 18 characters. */
export function idSchema(objects: readonly string[]) {
  const prefixes = objects.map((o) => KEY_PREFIXES[o]).filter((p): p is string => p !== undefined);
  const names = objects.join(' or ');
  return z
    .string()
    .trim()
    .refine((v) => isSalesforceId(v), { message: `must be a 15- or 18-character Salesforce Id` })
    .refine((v) => prefixes.length === 0 || isSalesforceId(v, prefixes), {
      message: `must be the Id of ${withArticle(names)}`,
    })
    .transform((v) => toSalesforceId(v) as string)
    .meta({ [ID_OBJECTS]: [...objects] });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The zod type of a value a caller may write to a field. */
export function writeSchema(field: FieldSpec): z.ZodType {
  const max = field.maxLength ?? (field.kind === 'textarea' ? 32_000 : 255);
  switch (field.kind) {
    case 'email':
      return z.email({ message: 'must be an email address' }).max(max);
    case 'url':
      return z.string().trim().max(max);
    case 'picklist':
      if (field.restricted && field.values?.length) {
        return z.enum(field.values as [string, ...string[]], {
          message: `must be one of: ${field.values.join(', ')}`,
        });
      }
      return z.string().trim().max(max);
    case 'multipicklist':
      return z.array(z.string().min(1)).transform((values) => values.join(';'));
    case 'boolean':
      return z.boolean();
    case 'int':
      return z.int();
    case 'double':
    case 'currency':
    case 'percent':
      return z.number().finite();
    case 'date':
      return z
        .string()
        .regex(DATE, 'must be a date as YYYY-MM-DD')
        .refine(
          (v) =>
            !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
            new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
          {
            message: 'must be a real calendar date',
          },
        );
    case 'datetime':
      return z.iso.datetime({
        offset: true,
        message: 'must be an ISO 8601 date-time, e.g. 2026-02-12T10:00:00Z',
      });
    case 'id':
    case 'reference':
      return idSchema(field.references ?? []);
    case 'base64':
      return z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
    default:
      return z.string().max(max);
  }
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
