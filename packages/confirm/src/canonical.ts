import { createHash } from 'node:crypto';

/**
 * The canonical JSON text of a value, so that the same arguments always hash the same: object keys
 * sorted (by UTF-16 code units, as RFC 8785 does), keys whose value is `undefined` dropped (as
 * JSON.stringify drops them), strings in Unicode NFC (a model may send "é" either composed or not),
 * `-0` as `0`, dates as ISO 8601 strings. `null` stays distinct from a missing key, because for a
 * Salesforce update "set this field to null" and "leave it alone" are different writes.
 *
 * Throws a TypeError for what JSON cannot carry faithfully: NaN, Infinity, bigints, functions,
 * symbols and cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

/** SHA-256 of the canonical JSON of `value`, base64url: the arguments hash bound into a token. */
export function hashArgs(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Arguments cannot contain ${value}`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object':
      break;
    default:
      throw new TypeError(`Arguments cannot contain a ${typeof value}`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Arguments cannot contain an invalid date');
    return JSON.stringify(value.toISOString());
  }
  if (seen.has(value)) throw new TypeError('Arguments cannot contain a cycle');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // As JSON.stringify does, undefined in an array is null (the position matters).
      return `[${value.map((item) => (item === undefined ? 'null' : write(item, seen))).join(',')}]`;
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return write((value as { toJSON(): unknown }).toJSON(), seen);
    }
    const entries = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const normalized = key.normalize('NFC');
      if (entries.has(normalized)) throw new TypeError(`Arguments contain the key "${normalized}" twice`);
      entries.set(normalized, item);
    }
    const keys = [...entries.keys()].sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${write(entries.get(key), seen)}`).join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
