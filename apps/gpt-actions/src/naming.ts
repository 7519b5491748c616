import { operations } from '@sfgql/objects/catalog';
import type { ObjectSpec } from '@sfgql/objects/spec';

/**
 * The adapter's naming convention, applied generically to every operation of `@sfgql/objects`:
 *
 * - A key that is a field of the operation's object goes by its Salesforce API name (`Status`,
 *   `ContactId`, `Id`), in request bodies, query and path parameters, in the `fields` a search is
 *   asked for, and in the records of responses, as in Salesforce's own REST API.
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

/**
 * A response value with its record keys renamed to API names, and without the empty (null) fields,
 * so that a model reads only what is there.
 */
export function toExternalValue(value: unknown, spec: ObjectSpec | null): unknown {
  if (Array.isArray(value)) return value.map((item) => toExternalValue(item, spec));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  // `{ type: 'Contact', record: {...} }`: the record is named by its own type.
  const typed =
    typeof object.type === 'string' && object.record && typeof object.record === 'object'
      ? SPECS.get(object.type.toLowerCase())
      : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === null || item === undefined) continue;
    if (typed && key === 'record') out.record = toExternalValue(item, typed);
    else if (typed && key === 'type') out.type = item;
    else out[externalName(spec, key)] = toExternalValue(item, spec);
  }
  return out;
}
