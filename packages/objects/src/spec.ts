import type { SalesforceClient, SalesforceRecord } from '@sfgql/soql';
import { z } from 'zod';
import { OperationError } from './errors.ts';

/** Salesforce field types as the specs use them. */
export type FieldKind =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference';

export interface FieldSpec {
  /** The Salesforce API name, e.g. `CaseNumber`. */
  apiName: string;
  kind: FieldKind;
  /** One line for GraphQL descriptions and OpenAPI documents. */
  description: string;
  /** Picklist values, for picklist fields. */
  values?: readonly string[];
}

/**
 * One CRM object, declared once: its fields drive the GraphQL type, the REST operations and the
 * OpenAPI schema. Field keys are the names users see (camelCase); `apiName` is Salesforce's.
 */
export interface ObjectSpec<Fields extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  apiName: string;
  label: string;
  description: string;
  fields: Fields;
}

export function defineObject<const Fields extends Record<string, FieldSpec>>(
  spec: ObjectSpec<Fields>,
): ObjectSpec<Fields> {
  return spec;
}

/** The user-facing record of an object: each field by its camelCase name, null when empty. */
export type RecordOf<S extends ObjectSpec> = {
  [K in keyof S['fields']]: ValueOf<S['fields'][K]['kind']> | null;
};
type ValueOf<K extends FieldKind> = K extends 'boolean'
  ? boolean
  : K extends 'int' | 'double' | 'currency' | 'percent'
    ? number
    : string;

function fieldSchema(field: FieldSpec): z.ZodType {
  switch (field.kind) {
    case 'boolean':
      return z.boolean();
    case 'int':
      return z.int();
    case 'double':
    case 'currency':
    case 'percent':
      return z.number();
    default:
      return z.string();
  }
}

/** The zod schema of an object's record, with each field's description (for OpenAPI). */
export function recordSchema<S extends ObjectSpec>(spec: S): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    shape[name] = fieldSchema(field).nullable().describe(field.description);
  }
  return z.object(shape).describe(spec.description);
}

/** The API names of an object's fields, for a SELECT list. */
export function selectFields(spec: ObjectSpec): string[] {
  return Object.values(spec.fields).map((f) => f.apiName);
}

/** Turns a Salesforce record into the user-facing record (camelCase names, nulls for missing). */
export function fromSalesforce<S extends ObjectSpec>(spec: S, record: SalesforceRecord): RecordOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) out[name] = record[field.apiName] ?? null;
  return out as RecordOf<S>;
}

/** What an operation needs to run: a client acting as the calling user. */
export interface OperationContext {
  client: SalesforceClient;
}

/** Reads change nothing; writes change data; destructive writes remove it. */
export type OperationKind = 'read' | 'write' | 'destructive';

/**
 * One thing users can do with an object. Both adapters (GraphQL and REST) expose the same
 * operations, so they cannot drift.
 */
export interface Operation<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType> {
  /** Unique, camelCase; also the REST operationId. */
  name: string;
  object: ObjectSpec;
  kind: OperationKind;
  /** A short sentence a model can act on. */
  summary: string;
  input: In;
  output: Out;
  /** Validates the input, then runs. Invalid input throws `INVALID_INPUT`. */
  run(ctx: OperationContext, input: unknown): Promise<z.output<Out>>;
}

export function defineOperation<In extends z.ZodType, Out extends z.ZodType>(definition: {
  name: string;
  object: ObjectSpec;
  kind: OperationKind;
  summary: string;
  input: In;
  output: Out;
  execute(ctx: OperationContext, input: z.output<In>): Promise<z.output<Out>>;
}): Operation<In, Out> {
  const { execute, ...rest } = definition;
  return {
    ...rest,
    async run(ctx, raw) {
      const parsed = definition.input.safeParse(raw);
      if (!parsed.success) {
        throw new OperationError('INVALID_INPUT', z.prettifyError(parsed.error), { cause: parsed.error });
      }
      return execute(ctx, parsed.data);
    },
  };
}
