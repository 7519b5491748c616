import type { FieldRef, ObjectFieldBuilder, ObjectRef } from '@pothos/core';
import { allowsNull, ID_OBJECTS, isSchema, type JsonSchema, primaryType } from '@sfgql/objects/json-schema';
import type { Builder, Types } from './builder.ts';
import type { ScalarName } from './kinds.ts';

/**
 * GraphQL types from the catalog's JSON Schemas: the inputs and results of mutations, and read
 * views such as a record's timeline.
 */

export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The GraphQL scalar of a JSON Schema value: JSON for objects and anything else without one. */
export type ValueScalar = ScalarName | 'JSON';

const SCALARS: Readonly<Record<string, ScalarName>> = {
  string: 'String',
  integer: 'Int',
  number: 'Float',
  boolean: 'Boolean',
};

/** Ids are typed ID: the catalog marks each with the objects it may name, and results name theirs `id`. */
const isId = (key: string, schema: JsonSchema) =>
  ID_OBJECTS in schema || key === 'id' || /[a-z]Id$/.test(key);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A schema's properties; the JSON Schema of an object operation always has them. */
export const propertiesOf = (schema: JsonSchema): [string, JsonSchema][] =>
  isSchema(schema.properties)
    ? Object.entries(schema.properties).filter((e): e is [string, JsonSchema] => isSchema(e[1]))
    : [];

export const requiredOf = (schema: JsonSchema): Set<string> =>
  new Set(
    Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [],
  );

/** A GraphQL type for a JSON Schema property: Ids as ID, picklists as String with their values. */
export function typeOf(
  key: string,
  prop: JsonSchema,
): { scalar: ValueScalar; list: boolean; description?: string } {
  const items = primaryType(prop) === 'array' && isSchema(prop.items) ? prop.items : null;
  const member = items ?? prop;
  const list = items !== null;
  const values = Array.isArray(member.enum)
    ? ` Values: ${member.enum.filter((v) => v !== null).join(', ')}.`
    : '';
  const description = typeof prop.description === 'string' ? `${prop.description}${values}` : values.trim();
  const scalar = isId(list ? key.replace(/s$/, '') : key, member)
    ? 'ID'
    : (SCALARS[primaryType(member) ?? ''] ?? 'JSON');
  return { scalar, list, ...(description ? { description } : {}) };
}

/**
 * The field of a value of a JSON Schema property, read from its source with `value`. What the
 * schema may leave empty is nullable: a write that happened never answers an error because a value
 * it did not have was promised, and a read view says what it did not find as null.
 */
export function valueField<S>(
  t: ObjectFieldBuilder<Types, S>,
  key: string,
  prop: JsonSchema,
  required: boolean,
  value: (source: S) => unknown,
): FieldRef<Types> {
  const { scalar, list, description } = typeOf(key, prop);
  const about = description ? { description } : {};
  const nullable = !required || allowsNull(prop);
  return list
    ? t.field({
        type: [scalar],
        nullable,
        ...about,
        resolve: (source) => {
          const found = value(source);
          return Array.isArray(found) ? found : null;
        },
      })
    : t.field({ type: scalar, nullable, ...about, resolve: (source) => value(source) ?? null });
}

export type ViewRef = ObjectRef<Types, Record<string, unknown>>;

/** The items of an array property whose items are objects, if it is one. */
const objectItems = (prop: JsonSchema): JsonSchema | null =>
  primaryType(prop) === 'array' && isSchema(prop.items) && primaryType(prop.items) === 'object'
    ? prop.items
    : null;

/**
 * An object type for a read view of the catalog (a timeline) from its JSON Schema: scalar
 * properties as value fields, arrays of objects as lists of their own types, named by `nameOf` from
 * the property (`activities` → `TimelineActivity`). Types are made once by name in `made`, so views
 * that share a part share its type.
 */
export function viewType(
  builder: Builder,
  name: string,
  schema: JsonSchema,
  made: Map<string, ViewRef>,
  nameOf: (key: string) => string,
): ViewRef {
  const existing = made.get(name);
  if (existing) return existing;
  const ref = builder.objectRef<Record<string, unknown>>(name);
  made.set(name, ref);
  const required = requiredOf(schema);
  ref.implement({
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    fields: (t) => {
      const fields: Record<string, FieldRef<Types>> = {};
      for (const [key, prop] of propertiesOf(schema)) {
        const items = objectItems(prop);
        if (!items) {
          fields[key] = valueField(t, key, prop, required.has(key), (source) => source[key]);
          continue;
        }
        const item = viewType(builder, nameOf(key), items, made, nameOf);
        fields[key] = t.field({
          type: [item],
          ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
          resolve: (source) => (Array.isArray(source[key]) ? (source[key] as Record<string, unknown>[]) : []),
        });
      }
      return fields;
    },
  });
  return ref;
}
