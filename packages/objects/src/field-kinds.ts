import type { FieldKind } from './spec.ts';

/** What every door needs to know of a kind of field's values. */
export interface FieldKindRules {
  /** The JSON type of a value as Salesforce returns it. */
  value: 'string' | 'integer' | 'number' | 'boolean';
  /** Whether the field holds text with a length (`maxLength` applies; SOQL can filter it when short). */
  text: boolean;
}

/**
 * Every kind of field, once. The table is a `Record` over `FieldKind`: a new kind fails to compile
 * until it says how its values are read here and written (`writeSchema`), and every door's own
 * table (GraphQL scalars, filter operators) has a row for it.
 */
export const FIELD_KINDS = {
  id: { value: 'string', text: false },
  reference: { value: 'string', text: false },
  string: { value: 'string', text: true },
  textarea: { value: 'string', text: true },
  phone: { value: 'string', text: true },
  email: { value: 'string', text: true },
  url: { value: 'string', text: true },
  picklist: { value: 'string', text: false },
  multipicklist: { value: 'string', text: false },
  boolean: { value: 'boolean', text: false },
  int: { value: 'integer', text: false },
  double: { value: 'number', text: false },
  currency: { value: 'number', text: false },
  percent: { value: 'number', text: false },
  date: { value: 'string', text: false },
  datetime: { value: 'string', text: false },
  base64: { value: 'string', text: false },
} as const satisfies Record<FieldKind, FieldKindRules>;
