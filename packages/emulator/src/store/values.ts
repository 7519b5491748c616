import type { FieldMeta } from '../metadata/types.ts';

export type StoredValue = string | number | null;
export type JsonValue = string | number | boolean | null;

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
    default:
      return String(value);
  }
}

/** A datetime as stored: always UTC with milliseconds. */
export function storageDatetime(date: Date): string {
  return date.toISOString();
}
