import type { SalesforceClient, SalesforceRecord } from '@sfgql/soql';
import { z } from 'zod';
import { FIELD_KINDS } from './field-kinds.ts';
import { RECORD_OF } from './json-schema.ts';
import type { ReadRules } from './read.ts';

/** Salesforce field types as the specs use them. */
export type FieldKind =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'base64';

/** How a field takes part in a term search. */
export type SearchMode =
  /** Partial, case-insensitive match (`LIKE '%term%'`). */
  | 'like'
  /** Exact match only (CaseNumber). */
  | 'exact'
  /** Digits match whatever the formatting (`+1 (555) 234-5678` finds `+15552345678`). */
  | 'phone';

export interface FieldSpec {
  /** The Salesforce API name, e.g. `CaseNumber`. */
  apiName: string;
  kind: FieldKind;
  /** One line for GraphQL descriptions and OpenAPI documents. */
  description: string;
  /** Picklist values, for picklist fields. */
  values?: readonly string[];
  /** Only these values are accepted (a restricted picklist). */
  restricted?: boolean;
  /** Must be given on create. */
  required?: boolean;
  /** Worth asking the caller for on create. */
  recommended?: boolean;
  /** Set by Salesforce: never written. */
  readOnly?: boolean;
  /** Written on create only. */
  createOnly?: boolean;
  /** Maximum length of text. */
  maxLength?: number;
  /** How the field takes part in term searches, if at all. */
  search?: SearchMode;
  /** Returned by searches (the compact view); everything is returned by get. */
  compact?: boolean;
  /** For references: the objects the Id may point to. */
  references?: readonly string[];
}

export interface ParentSpec {
  /** The reference field's key in `fields`. */
  field: string;
  /** Salesforce's relationship name (`Account` for AccountId). */
  relationship: string;
  /** The objects it may point to (several for polymorphic lookups such as Task.WhoId). */
  objects: readonly string[];
}

export interface ChildSpec {
  object: string;
  /** Salesforce's child relationship name on this object (`Cases` on Contact). */
  relationship: string;
  /** The reference field on the child (`ContactId`). */
  field: string;
}

export type CrudOperation = 'search' | 'get' | 'create' | 'update' | 'delete';

/**
 * One CRM object, declared once: its fields drive the GraphQL type, the REST operations, the
 * OpenAPI schema and input validation. Field keys are the names users see (camelCase); `apiName`
 * is Salesforce's.
 */
export interface ObjectSpec<Fields extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  apiName: string;
  label: string;
  labelPlural: string;
  description: string;
  /** The Id key prefix (`003` for Contact), to refuse Ids of other objects early. */
  keyPrefix: string;
  fields: Fields;
  /** The field that names a record in summaries (`name`, `caseNumber`, `subject`). */
  nameField: string;
  /** Which generic operations exist. */
  operations: readonly CrudOperation[];
  parents?: Readonly<Record<string, ParentSpec>>;
  children?: Readonly<Record<string, ChildSpec>>;
  /** How the object is read through every door: base filter, default filters, order, keys. */
  read?: ReadRules;
}

export function defineObject<const Fields extends Record<string, FieldSpec>>(
  spec: ObjectSpec<Fields> & { nameField: keyof Fields & string },
): ObjectSpec<Fields> {
  for (const [key, parent] of Object.entries(spec.parents ?? {})) {
    if (!(parent.field in spec.fields)) throw new Error(`${spec.apiName}.${key}: no field ${parent.field}`);
  }
  return spec;
}

/** The user-facing record: each field by its key, null when empty. */
export type RecordOf<S extends ObjectSpec> = {
  [K in keyof S['fields']]: ValueOf<S['fields'][K]['kind']> | null;
};
type ValueOf<K extends FieldKind> = K extends 'boolean'
  ? boolean
  : K extends 'int' | 'double' | 'currency' | 'percent'
    ? number
    : string;

const OUTPUT = {
  string: () => z.string(),
  integer: () => z.int(),
  number: () => z.number(),
  boolean: () => z.boolean(),
} as const;

/** The zod type of one field's value as Salesforce returns it. */
function outputSchema(field: FieldSpec): z.ZodType {
  return OUTPUT[FIELD_KINDS[field.kind].value]();
}

/**
 * The zod schema of an object's record (all fields, or the given keys), with descriptions, marked as
 * a record of the object (`RECORD_OF`); `extra` adds what an operation answers besides the fields.
 */
export function recordSchema(
  spec: ObjectSpec,
  keys?: readonly string[],
  extra: Record<string, z.ZodType> = {},
  /** The fields always present; the others only when asked for (a search's `fields`). All by default. */
  present?: readonly string[],
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    if (keys && !keys.includes(name)) continue;
    const value = outputSchema(field).nullable().describe(field.description);
    shape[name] = present && !present.includes(name) ? value.optional() : value;
  }
  return z.object({ ...shape, ...extra }).meta({ description: spec.description, [RECORD_OF]: spec.apiName });
}

/** Keys of the compact view returned by searches. */
export function compactKeys(spec: ObjectSpec): string[] {
  return Object.entries(spec.fields)
    .filter(([name, f]) => name === 'id' || f.compact)
    .map(([name]) => name);
}

/** API names of the given keys (all fields by default), for a SELECT list. */
export function selectFields(spec: ObjectSpec, keys: readonly string[] = Object.keys(spec.fields)): string[] {
  return keys.map((k) => {
    const field = spec.fields[k];
    if (!field) throw new Error(`${spec.apiName} has no field ${k}`);
    return field.apiName;
  });
}

/** Turns a Salesforce record into the user-facing record (keys of the spec, nulls for missing). */
export function fromSalesforce(
  spec: ObjectSpec,
  record: SalesforceRecord,
  keys: readonly string[] = Object.keys(spec.fields),
) {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const field = spec.fields[key];
    if (field) out[key] = record[field.apiName] ?? null;
  }
  return out;
}

/** Turns user-facing values (spec keys) into a Salesforce body (API names). */
export function toSalesforce(spec: ObjectSpec, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = spec.fields[key];
    if (field && value !== undefined) body[field.apiName] = value;
  }
  return body;
}

/**
 * The values a picklist field accepts in the connected org: the active values of its describe
 * (describes are cached per org by the client). Orgs add, rename and deactivate values (Case Status
 * is the usual example), so a spec's `values` are only the defaults; this falls back to them when
 * the org does not describe the field.
 */
export async function orgPicklistValues(
  client: Pick<SalesforceClient, 'describe'>,
  spec: ObjectSpec,
  key: string,
): Promise<string[]> {
  const field = spec.fields[key];
  if (!field) throw new Error(`${spec.apiName} has no field ${key}`);
  const describe = await client.describe(spec.apiName);
  const described = describe.fields.find((f) => f.name.toLowerCase() === field.apiName.toLowerCase());
  if (!described || described.picklistValues.length === 0) return [...(field.values ?? [])];
  return described.picklistValues.filter((v) => v.active).map((v) => v.value);
}
