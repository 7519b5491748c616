import { z } from 'zod';

/**
 * The keyword an Id's schema carries with the objects it may name (`["Case"]`): an OpenAPI
 * extension for callers, and how a door (or a test) knows which records an input points at.
 */
export const ID_OBJECTS = 'x-salesforce-objects';

/**
 * The keyword an output schema of a record carries with its object (`"Case"`): the parts of an answer
 * that are records of an object, whose keys a door may name as that object's fields (the REST door's
 * API names), apart from the parts that are not (a timeline's activities, a write's result).
 */
export const RECORD_OF = 'x-salesforce-record';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [keyword: string]: unknown };

export const isSchema = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The JSON Schema of an operation's zod input or output, as a caller sends it (`input`) or receives
 * it (`output`): the one description every door renders (OpenAPI, GraphQL inputs, MCP tools).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return simplify(json);
}

/**
 * `anyOf: [X, { type: 'null' }]` (zod's nullable) becomes X with `type: [X.type, 'null']`: the same
 * schema, in the form models and GPT Actions' parser read most reliably.
 */
function simplify(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties' && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, isSchema(s) ? simplify(s) : s]),
      );
    } else if ((keyword === 'anyOf' || keyword === 'oneOf' || keyword === 'allOf') && Array.isArray(value)) {
      out[keyword] = value.map((s) => (isSchema(s) ? simplify(s) : s));
    } else if ((keyword === 'items' || keyword === 'additionalProperties') && isSchema(value)) {
      out[keyword] = simplify(value);
    } else {
      out[keyword] = value;
    }
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nonNull = anyOf.find((s) => !(isSchema(s) && s.type === 'null'));
    const hasNull = anyOf.some((s) => isSchema(s) && s.type === 'null' && Object.keys(s).length === 1);
    if (hasNull && isSchema(nonNull) && typeof nonNull.type === 'string') {
      const { anyOf: _, ...rest } = out;
      const merged: JsonSchema = { ...nonNull, ...rest, type: [nonNull.type, 'null'] };
      if (Array.isArray(nonNull.enum)) merged.enum = [...nonNull.enum, null];
      return merged;
    }
  }
  return out;
}

/** The first type a schema names, looking through nullable forms. */
export function primaryType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') as string | undefined;
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) {
      for (const s of list) {
        const type = isSchema(s) ? primaryType(s) : undefined;
        if (type && type !== 'null') return type;
      }
    }
  }
  return undefined;
}

/** Whether a schema admits null (`type: [..., 'null']`, or a null member of anyOf). */
export function allowsNull(schema: JsonSchema): boolean {
  if (schema.type === 'null') return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  const anyOf = schema.anyOf;
  return Array.isArray(anyOf) && anyOf.some((s) => isSchema(s) && allowsNull(s));
}
