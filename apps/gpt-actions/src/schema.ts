import type { ObjectSpec } from '@sfgql/objects/spec';
import { z } from 'zod';
import { externalName } from './naming.ts';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [keyword: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The JSON Schema of a zod schema, as a caller sends it (`input`) or receives it (`output`). */
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

/**
 * Renames the properties of (nested) objects that are fields of `spec` to their API names, and the
 * values of arrays that list field keys (a search's `fields`).
 */
export function renameSchema(
  schema: JsonSchema,
  spec: ObjectSpec | null,
  rename: Readonly<Record<string, string>> = {},
): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, s]) => [
        externalName(spec, key, rename),
        isSchema(s) ? renameSchema(s, spec) : s,
      ]),
    );
    if (Array.isArray(schema.required))
      out.required = schema.required.map((key) => externalName(spec, String(key), rename));
  }
  if (isSchema(schema.items)) {
    const items = renameSchema(schema.items, spec);
    if (
      spec &&
      Array.isArray(items.enum) &&
      items.enum.every((v) => typeof v === 'string' && v in spec.fields)
    )
      items.enum = items.enum.map((v) => externalName(spec, v as string));
    out.items = items;
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) out[keyword] = list.map((s) => (isSchema(s) ? renameSchema(s, spec) : s));
  }
  return out;
}

/**
 * A response schema as the adapter answers: records without their empty fields (nothing is
 * required), and a nullable result unwrapped (a missing record is a 404, not a null).
 */
export function responseSchema(schema: JsonSchema): JsonSchema {
  let root = schema;
  if (Array.isArray(root.type) && root.type.includes('null') && root.type.length === 2) {
    root = { ...root, type: root.type.find((t) => t !== 'null') };
  }
  const anyOf = root.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some((s) => isSchema(s) && s.type === 'null')) {
    const { anyOf: _, ...rest } = root;
    root = { ...rest, ...(anyOf.find((s) => !(isSchema(s) && s.type === 'null')) as JsonSchema) };
  }
  return dropRequired(root);
}

function dropRequired(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'required') continue;
    if (keyword === 'properties' && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, isSchema(s) ? dropRequired(s) : s]),
      );
    } else if (Array.isArray(value) && (keyword === 'anyOf' || keyword === 'oneOf' || keyword === 'allOf')) {
      out[keyword] = value.map((s) => (isSchema(s) ? dropRequired(s) : s));
    } else if (isSchema(value) && (keyword === 'items' || keyword === 'additionalProperties')) {
      out[keyword] = dropRequired(value);
    } else {
      out[keyword] = value;
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
