/**
 * sObject Collections: create, update, upsert, delete and retrieve up to 200 records (2,000 for
 * retrieve) in one call, through the same DML functions as the single-record routes, so that every
 * record is validated exactly as `POST /sobjects/X` would validate it.
 *
 * Each record runs in its own savepoint: a record that fails leaves nothing behind, the others
 * stay. With `allOrNone`, every record is still attempted (so each failure reports its own error),
 * then all are rolled back and the records that had succeeded report
 * ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
import {
  createRecord,
  type DmlContext,
  deleteRecord,
  updateRecord,
  upsertMatches,
  upsertRecord,
} from '../dml/dml.ts';
import { ApiError } from '../errors.ts';
import { JsonNumber } from '../http/json.ts';
import { normalizeId } from '../ids.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { openQuery } from '../soql/execute.ts';

/** Salesforce's limit on records in one collection write. */
export const MAX_COLLECTION_RECORDS = 200;
/** And on ids in one collection retrieve (unconfirmed: 800 through GET in Salesforce's notes). */
export const MAX_RETRIEVE_IDS = 2000;

/** One record's error, as collections report it: `statusCode`, not `errorCode`. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A SaveResult (or DeleteResult, or UpsertResult with `created`). */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

export type CollectionOperation = 'create' | 'update' | 'upsert';

const rolledBack: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/** `record limit reached. cannot submit more than 200 records into this call` (unconfirmed code). */
export const tooManyRecords = (max = MAX_COLLECTION_RECORDS) =>
  new ApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${max} records into this call`,
  );

/** A record's failure with more to say in its result than its error (an upsert's `created`). */
class RecordFailure extends Error {
  readonly error: ApiError;
  readonly extra: Partial<SaveResult>;
  constructor(error: ApiError, extra: Partial<SaveResult>) {
    super(error.message);
    this.error = error;
    this.extra = extra;
  }
}

function failure(error: unknown): SaveResult {
  if (error instanceof RecordFailure)
    return { success: false, errors: [recordError(error.error)], ...error.extra };
  return { success: false, errors: [recordError(error)] };
}

function recordError(error: unknown): RecordError {
  if (error instanceof ApiError) {
    return { statusCode: error.errorCode, message: error.message, fields: error.fields ?? [] };
  }
  throw error;
}

let savepoints = 0;

/** Runs `fn` in a savepoint (inside the current transaction, if any): kept when it returns, undone when it throws. */
export function savepoint<T>(org: Org, fn: () => T): T {
  const name = `sfgql_record_${++savepoints}`;
  org.db.exec(`SAVEPOINT ${name}`);
  try {
    const result = fn();
    org.db.exec(`RELEASE ${name}`);
    return result;
  } catch (error) {
    org.db.exec(`ROLLBACK TO ${name}`);
    org.db.exec(`RELEASE ${name}`);
    throw error;
  }
}

/**
 * Runs one operation per item, each in its own savepoint, and all of them in an outer one that
 * is rolled back when `allOrNone` and any item failed.
 */
function runAll<T>(org: Org, items: T[], allOrNone: boolean, run: (item: T) => SaveResult): SaveResult[] {
  const name = `sfgql_collection_${++savepoints}`;
  org.db.exec(`SAVEPOINT ${name}`);
  let results: SaveResult[];
  try {
    results = items.map((item) => {
      try {
        return savepoint(org, () => run(item));
      } catch (error) {
        return failure(error);
      }
    });
  } catch (error) {
    org.db.exec(`ROLLBACK TO ${name}`);
    org.db.exec(`RELEASE ${name}`);
    throw error;
  }
  if (allOrNone && results.some((r) => !r.success)) {
    org.db.exec(`ROLLBACK TO ${name}`);
    // A rolled-back upsert still tells whether it created its record.
    results = results.map((r) =>
      r.success
        ? { success: false, errors: [rolledBack], ...(r.created === undefined ? {} : { created: r.created }) }
        : r,
    );
  }
  org.db.exec(`RELEASE ${name}`);
  return results;
}

/** The records of a collection body, each an object with `attributes.type` naming a known object. */
export function collectionRecords(
  org: Org,
  records: unknown,
): { object: ObjectMeta; value: Record<string, unknown> }[] {
  if (!Array.isArray(records)) {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of `java.util.ArrayList` for records: expected an array of sObjects',
    );
  }
  if (records.length > MAX_COLLECTION_RECORDS) throw tooManyRecords();
  return records.map((record) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new ApiError(
        400,
        'JSON_PARSER_ERROR',
        'Cannot deserialize instance of SObject from a non-object value',
      );
    }
    const value = record as Record<string, unknown>;
    const attributes = value.attributes as { type?: unknown } | undefined;
    const type = attributes && typeof attributes === 'object' ? attributes.type : undefined;
    // (unconfirmed) Salesforce's wording for a record without a type.
    if (typeof type !== 'string' || type === '') {
      throw new ApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
    }
    const object = org.catalog.object(type);
    if (!object) {
      throw new ApiError(
        400,
        'INVALID_TYPE',
        `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return { object, value };
  });
}

/** Splits a record's Id (any case of the key, as jsforce sends `id`) from its other fields. */
function withoutId(value: Record<string, unknown>): { id: unknown; fields: Record<string, unknown> } {
  let id: unknown;
  const fields: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.toLowerCase() === 'id') id = v;
    else fields[key] = v;
  }
  return { id, fields };
}

/** `POST /composite/sobjects` (create) and `PATCH /composite/sobjects` (update). */
export function saveCollection(
  org: Org,
  operation: 'create' | 'update',
  records: unknown,
  allOrNone: boolean,
  ctx: DmlContext,
): SaveResult[] {
  const items = collectionRecords(org, records);
  return runAll(org, items, allOrNone, ({ object, value }) => {
    if (operation === 'create') {
      return { id: createRecord(org, object, { value }, ctx), success: true, errors: [] };
    }
    const { id, fields } = withoutId(value);
    if (typeof id !== 'string' || id === '') {
      throw new ApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
    }
    updateRecord(org, object, id, { value: fields }, ctx);
    return { id: normalizeId(id) ?? id, success: true, errors: [] };
  });
}

/** `PATCH /composite/sobjects/X/ExternalIdField`: upsert by an external id, record by record. */
export function upsertCollection(
  org: Org,
  object: ObjectMeta,
  fieldName: string,
  records: unknown,
  allOrNone: boolean,
  ctx: DmlContext,
): SaveResult[] {
  const field = org.catalog.field(object, fieldName);
  if (!field || !(field.externalId || field.idLookup)) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const items = collectionRecords(org, records);
  for (const item of items) {
    if (item.object !== object) {
      // (unconfirmed) wording.
      throw new ApiError(
        400,
        'INVALID_TYPE',
        `The record type ${item.object.name} does not match the type ${object.name} in the URL`,
      );
    }
  }
  const results = runAll(org, items, allOrNone, ({ value }) => {
    const keyName = Object.keys(value).find((k) => k.toLowerCase() === field.name.toLowerCase());
    const raw = keyName === undefined ? undefined : value[keyName];
    if (raw === undefined || raw === null || raw === '') {
      // (unconfirmed) wording.
      throw new ApiError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
    }
    const key = raw instanceof JsonNumber ? raw.raw : String(raw);
    // A failed upsert reports whether it was creating its record (no record had its key), as
    // Salesforce's UpsertResult does.
    let created = false;
    try {
      created = upsertMatches(org, object, field, key).length === 0;
      const result = upsertRecord(org, object, field.name, key, { value }, ctx);
      if ('multiple' in result) {
        // (unconfirmed) code and wording.
        throw new ApiError(
          400,
          'DUPLICATE_EXTERNAL_ID',
          `${field.label}: more than one record found for external id field: [${result.multiple.join(', ')}]`,
          [field.name],
        );
      }
      return { id: result.id, success: true, errors: [], created: result.created };
    } catch (error) {
      if (error instanceof ApiError) throw new RecordFailure(error, { created });
      throw error;
    }
  });
  // Every UpsertResult carries `created`, a failed one (or one rolled back) too.
  return results.map((result) => ({ ...result, created: result.created ?? false }));
}

/** `DELETE /composite/sobjects?ids=...`: each id's object comes from its key prefix. */
export function deleteCollection(org: Org, ids: string[], allOrNone: boolean, ctx: DmlContext): SaveResult[] {
  if (ids.length > MAX_COLLECTION_RECORDS) throw tooManyRecords();
  return runAll(org, ids, allOrNone, (raw) => {
    const id = normalizeId(raw);
    if (!id) throw new ApiError(400, 'MALFORMED_ID', `malformed id ${raw}`, []);
    const object = org.catalog.objectByKeyPrefix(id.slice(0, 3));
    try {
      if (!object) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      deleteRecord(org, object, id, ctx);
    } catch (error) {
      // A record that does not exist is, for a collection, an invalid reference (unconfirmed).
      if (error instanceof ApiError && error.errorCode === 'NOT_FOUND') {
        throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
      }
      throw error;
    }
    return { id, success: true, errors: [] };
  });
}

/**
 * `GET /composite/sobjects/X?ids=&fields=` and its POST form: the records in the order asked, null
 * for an id that matches no live record of the object. The fields are read with SOQL, so parent
 * fields (`Account.Name`) work and unknown fields get SOQL's INVALID_FIELD.
 */
export function retrieveCollection(
  org: Org,
  object: ObjectMeta,
  ids: string[],
  fields: string[],
  userId: string,
  apiVersion: string,
): (Record<string, unknown> | null)[] {
  if (ids.length > MAX_RETRIEVE_IDS) throw tooManyRecords(MAX_RETRIEVE_IDS);
  if (fields.length === 0) {
    // (unconfirmed) code and wording.
    throw new ApiError(400, 'MISSING_ARGUMENT', 'The fields parameter is required');
  }
  for (const field of fields) {
    if (!/^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/.test(field)) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${field}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
  }
  const normalized = ids.map((raw) => {
    const id = normalizeId(raw);
    if (!id) throw new ApiError(400, 'MALFORMED_ID', `malformed id ${raw}`);
    return id;
  });
  if (normalized.length === 0) return [];
  const select = fields.some((f) => f.toLowerCase() === 'id') ? fields : [...fields, 'Id'];
  const wanted = [...new Set(normalized.filter((id) => id.startsWith(object.keyPrefix)))];
  const byId = new Map<string, Record<string, unknown>>();
  if (wanted.length > 0) {
    const soql = `SELECT ${select.join(', ')} FROM ${object.name} WHERE Id IN (${wanted.map((id) => `'${id}'`).join(', ')})`;
    const cursor = openQuery(soql, {
      db: org.db,
      catalog: org.catalog,
      includeDeleted: false,
      now: org.now(),
      userId,
    });
    for (let start: number | null = 0; start !== null; ) {
      const page = cursor.page(start, MAX_RETRIEVE_IDS, apiVersion);
      for (const record of page.records) {
        const url = (record.attributes as { url: string }).url;
        byId.set(url.slice(url.lastIndexOf('/') + 1), record);
      }
      start = page.next;
    }
  }
  return normalized.map((id) => byId.get(id) ?? null);
}
