import { ApiError } from '../errors.ts';
import type { JsonLocation } from '../http/json.ts';
import { JsonNumber } from '../http/json.ts';
import { normalizeId } from '../ids.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { FieldMeta, ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { quoteIdent, statement } from '../store/database.ts';
import type { StoredValue } from '../store/values.ts';

/** A record's fields as a client sent them, with where each value sits in the JSON text when known. */
export interface FieldInput {
  value: Record<string, unknown>;
  locations?: Map<string, JsonLocation>;
}

export type WriteMode = 'create' | 'update';

const fieldError = (errorCode: string, message: string, field: FieldMeta) =>
  new ApiError(400, errorCode, message, [field.name]);

/** `No such column 'abcd' on sobject of type Account`: an unknown field in a DML body. */
export const noSuchColumn = (name: string, object: ObjectMeta) =>
  new ApiError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object.name}`);

/**
 * Salesforce's deserializer rejects a value of the wrong JSON type, or a string it cannot read as
 * the field's type, before any other check; the message quotes Jackson's token and the position.
 */
function cannotDeserialize(field: FieldMeta, raw: unknown, location: JsonLocation | undefined): ApiError {
  const token =
    location?.token ??
    (Array.isArray(raw)
      ? 'START_ARRAY'
      : raw !== null && typeof raw === 'object' && !(raw instanceof JsonNumber)
        ? 'START_OBJECT'
        : typeof raw === 'string'
          ? 'VALUE_STRING'
          : typeof raw === 'boolean'
            ? raw
              ? 'VALUE_TRUE'
              : 'VALUE_FALSE'
            : 'VALUE_NUMBER_FLOAT');
  const at = location ? ` at [line:${location.line}, column:${location.column}]` : '';
  if (token === 'START_ARRAY' || token === 'START_OBJECT') {
    return new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${field.type} from ${token} value${at ? ` ${at.trim().slice(3)}` : ''}`,
    );
  }
  const text = location?.text ?? String(raw instanceof JsonNumber ? raw.raw : raw);
  return new ApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${field.type} from ${token} value ${text} or request may be missing a required field${at}`,
  );
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A number as Salesforce reads it: a JSON number, or a string holding one. */
function readNumber(raw: unknown): number | null {
  if (raw instanceof JsonNumber) return Number(raw.raw);
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(raw))
    return Number(raw);
  return null;
}

const isIntegral = (raw: unknown, n: number) =>
  Number.isInteger(n) && !(raw instanceof JsonNumber && !raw.isInteger && !/\.0*$/.test(raw.raw));

/**
 * Converts one value from the request to its stored form, checking it as Salesforce does:
 * JSON type and format (JSON_PARSER_ERROR), length (STRING_TOO_LONG), e-mail format
 * (INVALID_EMAIL_ADDRESS), restricted picklists (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST) and
 * numeric range (NUMBER_OUTSIDE_VALID_RANGE). References are only checked for form here; see
 * {@link checkReferences}. Empty strings are null, as Salesforce stores them.
 */
export function convertValue(field: FieldMeta, raw: unknown, location?: JsonLocation): StoredValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object' && !(raw instanceof JsonNumber)) throw cannotDeserialize(field, raw, location);
  const text = raw instanceof JsonNumber ? raw.raw : String(raw);
  switch (field.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      // The deserializer also reads the strings "true" and "false" (GPT Action templates send them).
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true' ? 1 : 0;
      throw cannotDeserialize(field, raw, location);
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      if (typeof raw === 'string' && raw.trim() === '') return null;
      const n = readNumber(raw);
      if (n === null || !Number.isFinite(n) || typeof raw === 'boolean')
        throw cannotDeserialize(field, raw, location);
      if (field.type === 'int') {
        // A fraction for an int field is a type error (unconfirmed: Jackson may truncate instead).
        if (!isIntegral(raw, n)) throw cannotDeserialize(field, raw, location);
        if (Math.abs(n) > 2147483647) throw outOfRange(field, text);
        return n;
      }
      const integerDigits = Math.max(1, field.precision - field.scale);
      if (Math.abs(n) >= 10 ** integerDigits) throw outOfRange(field, text);
      // Salesforce stores currency and percent rounded to the field's scale.
      const factor = 10 ** field.scale;
      return field.scale >= 0 && field.type !== 'double' ? Math.round(n * factor) / factor : n;
    }
    case 'date': {
      if (typeof raw !== 'string') throw cannotDeserialize(field, raw, location);
      if (raw === '') return null;
      const m = DATE.exec(raw);
      if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])))
        throw cannotDeserialize(field, raw, location);
      return raw;
    }
    case 'datetime': {
      if (typeof raw !== 'string') throw cannotDeserialize(field, raw, location);
      if (raw === '') return null;
      const m = DATETIME.exec(raw);
      if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])))
        throw cannotDeserialize(field, raw, location);
      if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59)
        throw cannotDeserialize(field, raw, location);
      // No offset means GMT, as in Salesforce.
      const zone = m[8] ?? 'Z';
      const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}${zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')}`;
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) throw cannotDeserialize(field, raw, location);
      return date.toISOString();
    }
    case 'time': {
      if (typeof raw !== 'string') throw cannotDeserialize(field, raw, location);
      if (raw === '') return null;
      const m = TIME.exec(raw);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)
        throw cannotDeserialize(field, raw, location);
      return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '0').padEnd(3, '0')}Z`;
    }
    case 'id':
    case 'reference': {
      if (typeof raw !== 'string') throw cannotDeserialize(field, raw, location);
      if (raw === '') return null;
      const id = normalizeId(raw);
      if (!id) throw incorrectIdType(field, raw);
      return id;
    }
    case 'base64': {
      if (typeof raw !== 'string') throw cannotDeserialize(field, raw, location);
      const compact = raw.replace(/\s+/g, '');
      if (compact === '') return null;
      if (!BASE64.test(compact) || compact.length % 4 === 1) throw cannotDeserialize(field, raw, location);
      return compact;
    }
    default: {
      // Text types: a JSON number or boolean is read as its text.
      if (text === '') return null;
      if (field.type === 'email' && !EMAIL.test(text)) {
        throw fieldError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, field);
      }
      if (field.type === 'picklist' && field.restrictedPicklist && !isActiveValue(field, text)) {
        throw badPicklistValue(field, text);
      }
      if (field.type === 'multipicklist') {
        const values = [
          ...new Set(
            text
              .split(';')
              .map((v) => v.trim())
              .filter(Boolean),
          ),
        ];
        if (field.restrictedPicklist) {
          for (const value of values) if (!isActiveValue(field, value)) throw badPicklistValue(field, value);
        }
        return values.join(';') || null;
      }
      if (field.length > 0 && [...text].length > field.length) {
        throw fieldError(
          'STRING_TOO_LONG',
          `${field.label}: data value too large: ${text} (max length=${field.length})`,
          field,
        );
      }
      return text;
    }
  }
}

const isActiveValue = (field: FieldMeta, value: string) =>
  field.picklistValues.some((p) => p.active && p.value === value);

const badPicklistValue = (field: FieldMeta, value: string) =>
  fieldError(
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    `${field.label}: bad value for restricted picklist field: ${value}`,
    field,
  );

const outOfRange = (field: FieldMeta, text: string) =>
  fieldError(
    'NUMBER_OUTSIDE_VALID_RANGE',
    `${field.label}: value outside of valid range on numeric field: ${text}`,
    field,
  );

/** `Related To ID: id value of incorrect type: 006B000002nBrQ`. */
const incorrectIdType = (field: FieldMeta, value: string) =>
  fieldError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${value}`, field);

/**
 * Reads a DML body into stored values. Errors come in Salesforce's order: an unknown field, an Id
 * in a create body, fields the caller may not write (all of them in one error), then each value's
 * type and format, then references.
 */
export function convertInput(
  org: Org,
  object: ObjectMeta,
  input: FieldInput,
  mode: WriteMode,
): Record<string, StoredValue> {
  const entries: [FieldMeta, unknown, JsonLocation | undefined][] = [];
  for (const [key, raw] of Object.entries(input.value)) {
    // jsforce and sObject Collections send `attributes` with the record; it is not a field.
    if (key === 'attributes') continue;
    const field = org.catalog.field(object, key);
    if (!field) {
      const reference = org.catalog.parentRelationship(object, key);
      if (
        reference &&
        raw !== null &&
        typeof raw === 'object' &&
        !Array.isArray(raw) &&
        !(raw instanceof JsonNumber)
      ) {
        entries.push([
          reference,
          resolveForeignKey(org, reference, raw as Record<string, unknown>),
          undefined,
        ]);
        continue;
      }
      throw noSuchColumn(key, object);
    }
    entries.push([field, raw, input.locations?.get(key)]);
  }
  if (entries.some(([f]) => f.name === 'Id')) {
    throw new ApiError(400, 'INVALID_FIELD', 'The Id field should not be specified in the sobject data.');
  }
  const readOnly = entries
    .filter(([f]) => (mode === 'create' ? !f.createable : !f.updateable))
    .map(([f]) => f.name);
  if (readOnly.length > 0) {
    throw new ApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  const values: Record<string, StoredValue> = {};
  for (const [field, raw, location] of entries) values[field.name] = convertValue(field, raw, location);
  checkReferences(org.catalog, org, object, values);
  return values;
}

/**
 * A parent named by one of its external ids instead of its Id: `"Account": {"External_Id__c": "A-1"}`
 * (with `attributes.type` when the lookup is polymorphic). Returns the parent's Id. The messages
 * follow Salesforce's "Foreign key external ID" errors (unconfirmed wording).
 */
function resolveForeignKey(org: Org, reference: FieldMeta, value: Record<string, unknown>): string {
  const attributes = value.attributes as { type?: unknown } | undefined;
  const typeName =
    typeof attributes?.type === 'string'
      ? attributes.type
      : reference.referenceTo.length === 1
        ? reference.referenceTo[0]
        : undefined;
  const target =
    typeName && reference.referenceTo.some((n) => n.toLowerCase() === typeName.toLowerCase())
      ? org.catalog.object(typeName)
      : undefined;
  if (!target) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Polymorphic foreign key ${reference.relationshipName} requires attributes.type, one of: ${reference.referenceTo.join(', ')}`,
    );
  }
  const keys = Object.keys(value).filter((k) => k !== 'attributes');
  const field = keys.length === 1 ? org.catalog.field(target, keys[0] as string) : undefined;
  if (!field || !(field.externalId || field.idLookup)) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID field for ${reference.relationshipName} must be one external ID or indexed field of ${target.name}: ${keys.join(', ')}`,
    );
  }
  const key = convertValue(field, value[keys[0] as string]);
  const rows = statement(
    org.db,
    `SELECT "Id" FROM ${quoteIdent(target.name)} WHERE ${quoteIdent(field.name)} = ? AND "IsDeleted" = 0 LIMIT 2`,
  ).all(key) as { Id: string }[];
  if (rows.length !== 1) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID: ${String(key)} ${rows.length === 0 ? 'not found' : 'matches more than one record'} for field ${field.name} in entity ${target.name}`,
    );
  }
  return (rows[0] as { Id: string }).Id;
}

/** The object a reference value points to, chosen among the field's targets by key prefix. */
export function referenceTarget(catalog: Catalog, field: FieldMeta, id: string): ObjectMeta | undefined {
  const prefix = id.slice(0, 3);
  for (const name of field.referenceTo) {
    const target = catalog.object(name);
    if (target?.keyPrefix === prefix) return target;
  }
  return undefined;
}

/**
 * Checks each reference: an id of another object's type is MALFORMED_ID; one that matches no row is
 * INVALID_CROSS_REFERENCE_KEY; one whose row is in the Recycle Bin is ENTITY_IS_DELETED.
 */
export function checkReferences(
  catalog: Catalog,
  org: Org,
  object: ObjectMeta,
  values: Record<string, StoredValue>,
): void {
  for (const [name, value] of Object.entries(values)) {
    const field = catalog.field(object, name);
    if (field?.type !== 'reference' || value === null) continue;
    const target = referenceTarget(catalog, field, String(value));
    if (!target) throw incorrectIdType(field, String(value));
    const row = statement(
      org.db,
      `SELECT "IsDeleted" AS deleted FROM ${quoteIdent(target.name)} WHERE "Id" = ?`,
    ).get(value) as { deleted: number } | undefined;
    if (!row) {
      throw fieldError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', field);
    }
    if (row.deleted) throw fieldError('ENTITY_IS_DELETED', 'entity is deleted', field);
  }
}

/**
 * REQUIRED_FIELD_MISSING, listing every missing field. On create, a field is required when it is
 * createable, not nillable and not defaulted (describe's own definition); the object's
 * "one of these" rules apply too. On update, only fields the body sets to null are checked.
 */
export function checkRequired(
  object: ObjectMeta,
  row: Record<string, StoredValue>,
  mode: WriteMode,
  provided: Record<string, StoredValue>,
): void {
  const isEmpty = (v: StoredValue | undefined) => v === null || v === undefined || v === '';
  const missing: string[] = [];
  for (const field of object.fields) {
    if (field.nillable || field.type === 'boolean') continue;
    if (mode === 'create') {
      if (field.createable && !field.defaultedOnCreate && isEmpty(row[field.name])) missing.push(field.name);
    } else if (field.name in provided && isEmpty(provided[field.name])) {
      missing.push(field.name);
    }
  }
  if (mode === 'create') {
    for (const rule of object.requiredOneOf) {
      if (rule.fields.every((name) => isEmpty(row[name]))) missing.push(...rule.missing);
    }
  }
  if (missing.length > 0) {
    throw new ApiError(
      400,
      'REQUIRED_FIELD_MISSING',
      `Required fields are missing: [${missing.join(', ')}]`,
      missing,
    );
  }
}

/** DUPLICATE_VALUE for a unique field (Username, a product SKU, a unique custom field). */
export function checkUnique(org: Org, object: ObjectMeta, row: Record<string, StoredValue>): void {
  for (const field of object.fields) {
    if (!field.unique || field.name === 'Id') continue;
    const value = row[field.name];
    if (value === null || value === undefined) continue;
    const other = statement(
      org.db,
      `SELECT "Id" FROM ${quoteIdent(object.name)} WHERE ${quoteIdent(field.name)} = ? AND "Id" != ? AND "IsDeleted" = 0 LIMIT 1`,
    ).get(value, row.Id ?? '') as { Id: string } | undefined;
    if (other) {
      throw new ApiError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${other.Id}`,
        [field.name],
      );
    }
  }
}
