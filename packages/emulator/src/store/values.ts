import type { FieldMeta } from '../metadata/types.ts';

export type StoredValue = string | number | null;
export type JsonValue = string | number | boolean | null | { [key: string]: JsonValue };

/** `2026-02-12T10:00:00.000Z` (storage) → `2026-02-12T10:00:00.000+0000` (Salesforce's wire form). */
export function formatDatetime(stored: string): string {
  return stored.replace(/Z$/, '+0000');
}

/** The wire (JSON) form of a stored value. */
export function toJson(field: FieldMeta, value: StoredValue | bigint | undefined): JsonValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'boolean':
      return Number(value) !== 0;
    case 'int':
      return Number(value);
    case 'double':
    case 'currency':
    case 'percent':
      return Number(value);
    case 'datetime':
      return formatDatetime(String(value));
    case 'address':
    case 'location':
      // SOQL reads a compound field as a JSON object built by SQLite (see compoundSql).
      return JSON.parse(String(value)) as JsonValue;
    default:
      return String(value);
  }
}

/**
 * The key of a compound field's component in its JSON value: `BillingPostalCode` of
 * `BillingAddress` is `postalCode`, `Location__Latitude__s` of `Location__c` is `latitude`.
 */
export function compoundKey(field: FieldMeta, part: string): string {
  const geo = /__(Latitude|Longitude)__s$/i.exec(part);
  if (geo?.[1]) return geo[1].toLowerCase();
  const prefix = field.name.replace(/Address$/, '');
  const rest = part.startsWith(prefix) ? part.slice(prefix.length) : part;
  return rest.charAt(0).toLowerCase() + rest.slice(1);
}

/**
 * A compound address or geolocation as Salesforce answers it: an object of its components, keys
 * in alphabetical order, or null when every component is null.
 */
export function compoundJson(
  field: FieldMeta,
  parts: readonly FieldMeta[],
  row: Record<string, StoredValue>,
): JsonValue {
  const entries = parts
    .map((part) => [compoundKey(field, part.name), toJson(part, row[part.name])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.every(([, value]) => value === null) ? null : Object.fromEntries(entries);
}

/** A datetime as stored: always UTC with milliseconds. */
export function storageDatetime(date: Date): string {
  return date.toISOString();
}
