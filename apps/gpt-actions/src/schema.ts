import { isSchema, type JsonSchema } from '@sfgql/objects/json-schema';
import type { ObjectSpec } from '@sfgql/objects/spec';
import { externalName, recordSpecOf } from './naming.ts';

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
 * An output schema as the adapter answers it (see `toExternalValue`): the properties of the schemas
 * marked as records of an object renamed to that object's API names, the rest as it is.
 */
export function renameRecords(schema: JsonSchema): JsonSchema {
  const spec = recordSpecOf(schema);
  const out: JsonSchema = { ...schema };
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, s]) => [
        spec ? externalName(spec, key) : key,
        isSchema(s) ? renameRecords(s) : s,
      ]),
    );
    if (Array.isArray(schema.required) && spec)
      out.required = schema.required.map((key) => externalName(spec, String(key)));
  }
  if (isSchema(schema.items)) out.items = renameRecords(schema.items);
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) out[keyword] = list.map((s) => (isSchema(s) ? renameRecords(s) : s));
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
