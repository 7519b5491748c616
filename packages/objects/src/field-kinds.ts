import { isCalendarDate } from '@sfgql/soql';
import { z } from 'zod';
import { idSchema } from './ids.ts';
import type { FieldKind, FieldSpec } from './spec.ts';

/** What every door needs to know of a kind of field. */
export interface FieldKindRules {
  /** The JSON type of a value as Salesforce returns it. */
  value: 'string' | 'integer' | 'number' | 'boolean';
  /** Whether the field holds text with a length (`maxLength` applies; SOQL can filter it when short). */
  text: boolean;
  /** The zod type of a value a caller may write to a field of this kind. */
  write(field: FieldSpec): z.ZodType;
}

const maxLength = (field: FieldSpec) => field.maxLength ?? (field.kind === 'textarea' ? 32_000 : 255);
const text = (field: FieldSpec) => z.string().max(maxLength(field));

/**
 * Every kind of field, once. The table is a `Record` over `FieldKind`: a new kind fails to compile
 * until it says how it is read and written (and the doors' own tables, likewise).
 */
export const FIELD_KINDS = {
  id: { value: 'string', text: false, write: (f) => idSchema(f.references ?? []) },
  reference: { value: 'string', text: false, write: (f) => idSchema(f.references ?? []) },
  string: { value: 'string', text: true, write: text },
  textarea: { value: 'string', text: true, write: text },
  phone: { value: 'string', text: true, write: text },
  email: {
    value: 'string',
    text: true,
    write: (f) => z.email({ message: 'must be an email address' }).max(maxLength(f)),
  },
  url: { value: 'string', text: true, write: (f) => z.string().trim().max(maxLength(f)) },
  picklist: {
    value: 'string',
    text: false,
    write: (f) =>
      f.restricted && f.values?.length
        ? z.enum(f.values as [string, ...string[]], { message: `must be one of: ${f.values.join(', ')}` })
        : z.string().trim().max(maxLength(f)),
  },
  multipicklist: {
    value: 'string',
    text: false,
    // A list of values, which Salesforce takes joined by semicolons.
    write: () => z.array(z.string().min(1)).transform((values) => values.join(';')),
  },
  boolean: { value: 'boolean', text: false, write: () => z.boolean() },
  int: { value: 'integer', text: false, write: () => z.int() },
  double: { value: 'number', text: false, write: () => z.number().finite() },
  currency: { value: 'number', text: false, write: () => z.number().finite() },
  percent: { value: 'number', text: false, write: () => z.number().finite() },
  date: {
    value: 'string',
    text: false,
    write: () =>
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
        .refine(isCalendarDate, 'must be a real calendar date'),
  },
  datetime: {
    value: 'string',
    text: false,
    write: () =>
      z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-02-12T10:00:00Z' }),
  },
  base64: {
    value: 'string',
    text: false,
    write: () => z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  },
} as const satisfies Record<FieldKind, FieldKindRules>;
