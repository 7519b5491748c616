import { operations } from '@sfgql/objects/catalog';
import { isSchema, type JsonSchema, RECORD_OF } from '@sfgql/objects/json-schema';
import type { ObjectSpec } from '@sfgql/objects/spec';

/**
 * The adapter's naming convention, applied generically to every operation of `@sfgql/objects`:
 *
 * - A key that is a field of the operation's object goes by its Salesforce API name (`Status`,
 *   `ContactId`, `Id`), in request bodies, query and path parameters, and in the `fields` a search
 *   is asked for, as in Salesforce's own REST API.
 * - In answers, a record of an object (what the catalog marks `x-salesforce-record`: a search's
 *   records, a record read by Id, a timeline's cases) has its fields by their API names too, as
 *   Salesforce answers them; what is not a record (a timeline's activities, a list's wrapper, a
 *   write's result) keeps the catalog's camelCase names.
 * - Every other argument (a search `term`, `limit`, a conversation's `transcript`, `caseId` on a
 *   case comment, and the adapter's `confirmationToken`) keeps the operation's camelCase name.
 * - Names are matched case-insensitively on the way in, as Salesforce matches field names.
 * - Write results are Salesforce's save result (`id`, `success`) with what the operation adds.
 */

/** Specs by lower-cased API name, for records that carry their type (getRecordById, globalSearch). */
const SPECS: ReadonlyMap<string, ObjectSpec> = new Map(
  [...operations.values()]
    .map((op) => op.object)
    .filter((spec): spec is ObjectSpec => spec !== null)
    .map((spec) => [spec.apiName.toLowerCase(), spec]),
);

/** The name a caller sees for an operation's key: the field's API name, or the key itself. */
export function externalName(
  spec: ObjectSpec | null,
  key: string,
  rename: Readonly<Record<string, string>> = {},
) {
  return rename[key] ?? spec?.fields[key]?.apiName ?? key;
}

/** The spec of a field key's values in a `fields` list: the key of the field whose API name is given. */
export function fieldKeyOf(spec: ObjectSpec | null, apiName: string): string | undefined {
  if (!spec) return undefined;
  const wanted = apiName.toLowerCase();
  return Object.entries(spec.fields).find(
    ([key, field]) => field.apiName.toLowerCase() === wanted || key.toLowerCase() === wanted,
  )?.[0];
}

/** The spec of the object a schema is marked as a record of, if any. */
export function recordSpecOf(schema: JsonSchema | undefined): ObjectSpec | undefined {
  const object = schema?.[RECORD_OF];
  return typeof object === 'string' ? SPECS.get(object.toLowerCase()) : undefined;
}

/** A schema as the non-null value it describes: the object or array member of a nullable union. */
function nonNull(schema: JsonSchema | undefined): JsonSchema | undefined {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = schema?.[keyword];
    if (Array.isArray(list)) {
      const member = list.find((s) => isSchema(s) && (s.properties || s.items || s[RECORD_OF]));
      if (isSchema(member)) return member;
    }
  }
  return schema;
}

/**
 * A response value as the adapter answers it, walked with its output schema: the records in it
 * with their fields by API name, everything else as the catalog names it, and the empty (null)
 * fields left out, so that a model reads only what is there.
 */
export function toExternalValue(value: unknown, schema: JsonSchema | undefined): unknown {
  const described = nonNull(schema);
  if (Array.isArray(value))
    return value.map((item) =>
      toExternalValue(item, isSchema(described?.items) ? described.items : undefined),
    );
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const spec = recordSpecOf(described);
  const properties = (isSchema(described?.properties) ? described.properties : {}) as Record<
    string,
    JsonSchema
  >;
  // `{ type: 'Contact', record: {...} }` (any record by Id, a global search): the record is named
  // by its own type.
  const typed =
    typeof object.type === 'string' && object.record && typeof object.record === 'object'
      ? SPECS.get(object.type.toLowerCase())
      : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === null || item === undefined) continue;
    if (typed && key === 'record') out.record = toExternalValue(item, { [RECORD_OF]: typed.apiName });
    else out[spec ? externalName(spec, key) : key] = toExternalValue(item, properties[key]);
  }
  return out;
}
