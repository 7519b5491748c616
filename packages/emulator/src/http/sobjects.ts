import type { Context, Hono } from 'hono';
import { createRecord, deleteRecord, findRecord, updateRecord, upsertRecord } from '../dml/dml.ts';
import { ApiError, notFound } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { type FieldMeta, isVirtualCompound, type ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { quoteIdent, statement } from '../store/database.ts';
import { compoundJson, type StoredValue, toJson } from '../store/values.ts';
import type { AppOptions, Env } from './app.ts';
import { readJsonObject } from './body.ts';
import { checkPreconditions, conditionalHeaders, lastModifiedHeader, recordETag } from './preconditions.ts';
import { versionNumber } from './versions.ts';

const BASE = '/services/data/:version/sobjects';

/** The object a URL names (case-insensitively), or 404 NOT_FOUND as Salesforce answers. */
export function objectParam(org: Org, name: string): ObjectMeta {
  const object = org.catalog.object(name);
  if (!object) throw notFound();
  return object;
}

export function recordUrl(version: string, object: ObjectMeta, id: string): string {
  return `/services/data/${version}/sobjects/${object.name}/${id}`;
}

/**
 * A row as `GET /sobjects/X/{id}` returns it: `attributes`, then each field in its wire form. A
 * base64 field's value is the URL of its content, not the content, as in Salesforce.
 */
export function recordJson(
  version: string,
  object: ObjectMeta,
  row: Record<string, StoredValue>,
  fields: readonly FieldMeta[] = object.fields,
): Record<string, unknown> {
  const id = row.Id as string;
  const record: Record<string, unknown> = {
    attributes: { type: object.name, url: recordUrl(version, object, id) },
  };
  for (const field of fields) {
    const value = row[field.name];
    if (isVirtualCompound(field)) {
      const parts = object.fields.filter((f) => field.compound?.includes(f.name));
      record[field.name] = compoundJson(field, parts, row);
      continue;
    }
    record[field.name] =
      field.type === 'base64'
        ? value === null || value === undefined
          ? null
          : `${recordUrl(version, object, id)}/${field.name}`
        : toJson(field, value);
  }
  return record;
}

/** `?fields=A,B`: the named fields in the order given, Id always last when not asked for. */
function selectedFields(object: ObjectMeta, org: Org, list: string | undefined): FieldMeta[] {
  if (list === undefined) return object.fields;
  const fields: FieldMeta[] = [];
  for (const name of list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    const field = org.catalog.field(object, name);
    if (!field) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    if (!fields.includes(field)) fields.push(field);
  }
  const id = org.catalog.field(object, 'Id');
  if (id && !fields.includes(id)) fields.push(id);
  return fields;
}

/** A replication window (`?start=&end=`), validated and rounded down to the minute as Salesforce does. */
function replicationWindow(c: Context<Env>, org: Org): { start: Date; end: Date } {
  const parse = (name: string): Date => {
    // An unencoded `+` in the offset arrives as a space.
    const raw = c.req.query(name)?.replace(/ /g, '+');
    const date = raw && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? new Date(raw) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new ApiError(
        400,
        'INVALID_REPLICATION_DATE',
        `${name} parameter is missing or not a valid dateTime: ${raw ?? ''}`,
      );
    }
    return new Date(Math.floor(date.getTime() / 60000) * 60000);
  };
  const start = parse('start');
  let end = parse('end');
  const now = new Date(Math.floor(org.now().getTime() / 60000) * 60000);
  if (end > now) end = now;
  if (start >= end) {
    throw new ApiError(
      400,
      'INVALID_REPLICATION_DATE',
      'startDate must chronologically precede endDate by more than one minute',
    );
  }
  // Salesforce serves at most the last 30 days (unconfirmed wording).
  if (now.getTime() - start.getTime() > 30 * 24 * 60 * 60 * 1000) {
    throw new ApiError(400, 'INVALID_REPLICATION_DATE', 'startDate can not be more than 30 days ago');
  }
  return { start, end };
}

const wireDate = (date: Date) => date.toISOString().replace(/Z$/, '+0000');

/** sObject rows: create, retrieve (by Id or external id), update, upsert, delete, blobs, updated/deleted. */
export function registerSObjectRoutes(app: Hono<Env>, org: Org, options: Required<AppOptions>): void {
  const dml = (c: Context<Env>) => ({ userId: c.get('userId'), now: org.now() });

  app.post(BASE, () => {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', "HTTP Method 'POST' not allowed. Allowed are GET,HEAD");
  });

  app.post(`${BASE}/:type`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const body = await readJsonObject(c, object.name, options.maxBodyBytes);
    const id = createRecord(org, object, body, dml(c));
    c.header('Location', recordUrl(c.get('version'), object, id));
    return c.json({ id, success: true, errors: [] }, 201);
  });

  app.get(`${BASE}/:type/updated`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const { start, end } = replicationWindow(c, org);
    const rows = statement(
      org.db,
      `SELECT "Id" FROM ${quoteIdent(object.name)} WHERE "SystemModstamp" >= ? AND "SystemModstamp" < ? AND "IsDeleted" = 0 ORDER BY "Id"`,
    ).all(start.toISOString(), end.toISOString()) as { Id: string }[];
    if (rows.length > 600000) throw new ApiError(400, 'EXCEEDED_ID_LIMIT', 'too many ids');
    return c.json({ ids: rows.map((r) => r.Id), latestDateCovered: wireDate(end) });
  });

  app.get(`${BASE}/:type/deleted`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const { start, end } = replicationWindow(c, org);
    const rows = statement(
      org.db,
      'SELECT id, deletedAt FROM _deleted WHERE object = ? AND deletedAt >= ? AND deletedAt < ? ORDER BY deletedAt, id',
    ).all(object.name, start.toISOString(), end.toISOString()) as { id: string; deletedAt: string }[];
    // What the Recycle Bin still holds: 15 days back (unconfirmed; Salesforce reports its last purge).
    const earliest = new Date(Math.floor((org.now().getTime() - 15 * 24 * 60 * 60 * 1000) / 60000) * 60000);
    return c.json({
      deletedRecords: rows.map((r) => ({ id: r.id, deletedDate: r.deletedAt.replace(/Z$/, '+0000') })),
      earliestDateAvailable: wireDate(earliest),
      latestDateCovered: wireDate(end),
    });
  });

  app.get(`${BASE}/:type/:id`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const row = findRecord(org, object, c.req.param('id'), 'GET');
    const outcome = checkPreconditions('GET', conditionalHeaders(c.req.header.bind(c.req)), object, row);
    c.header('ETag', recordETag(object, row));
    const lastModified = lastModifiedHeader(row);
    if (lastModified) c.header('Last-Modified', lastModified);
    if (outcome === 'not-modified') return c.body(null, 304);
    return c.json(
      recordJson(c.get('version'), object, row, selectedFields(object, org, c.req.query('fields'))),
    );
  });

  /**
   * A write's preconditions (If-Match, If-None-Match, If-Unmodified-Since), checked against the
   * record as it is now; nothing awaits between this check and the write, so no other request can
   * change the record in between.
   */
  const guard = (c: Context<Env>, object: ObjectMeta) => {
    const headers = conditionalHeaders(c.req.header.bind(c.req));
    const { ifMatch, ifNoneMatch, ifUnmodifiedSince } = headers;
    if (ifMatch === undefined && ifNoneMatch === undefined && ifUnmodifiedSince === undefined) return;
    checkPreconditions(
      c.req.method,
      headers,
      object,
      findRecord(org, object, c.req.param('id') ?? '', c.req.method),
    );
  };

  app.patch(`${BASE}/:type/:id`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const body = await readJsonObject(c, object.name, options.maxBodyBytes);
    guard(c, object);
    updateRecord(org, object, c.req.param('id'), body, dml(c));
    return c.body(null, 204);
  });

  app.delete(`${BASE}/:type/:id`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    guard(c, object);
    deleteRecord(org, object, c.req.param('id'), dml(c));
    return c.body(null, 204);
  });

  /** The record an external id names, or 404/300 as Salesforce answers. */
  const byExternalId = (c: Context<Env>, object: ObjectMeta): Record<string, StoredValue> => {
    const fieldName = c.req.param('field') ?? '';
    const field = org.catalog.field(object, fieldName);
    if (!field || !(field.externalId || field.idLookup)) {
      throw new ApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      );
    }
    const rows = statement(
      org.db,
      `SELECT * FROM ${quoteIdent(object.name)} WHERE ${quoteIdent(field.name)} = ? AND "IsDeleted" = 0 LIMIT 200`,
    ).all(c.req.param('value') ?? '') as Record<string, StoredValue>[];
    if (rows.length === 0) throw notFound();
    if (rows.length > 1)
      throw new MultipleChoices(rows.map((r) => recordUrl(c.get('version'), object, r.Id as string)));
    return rows[0] as Record<string, StoredValue>;
  };

  app.get(`${BASE}/:type/:field/:value`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    const id = normalizeId(c.req.param('field'));
    const blob = org.catalog.field(object, c.req.param('value'));
    if (id?.startsWith(object.keyPrefix) && blob?.type === 'base64') {
      // `GET /sobjects/ContentNote/{id}/Content`: the raw content of a base64 field.
      const row = findRecord(org, object, id, 'GET');
      const value = row[blob.name];
      if (typeof value !== 'string') throw notFound();
      return c.body(Buffer.from(value, 'base64'), 200, { 'content-type': 'application/octet-stream' });
    }
    try {
      const row = byExternalId(c, object);
      return c.json(
        recordJson(c.get('version'), object, row, selectedFields(object, org, c.req.query('fields'))),
      );
    } catch (error) {
      if (error instanceof MultipleChoices) return c.json(error.urls, 300);
      throw error;
    }
  });

  app.patch(`${BASE}/:type/:field/:value`, async (c) => {
    const object = objectParam(org, c.req.param('type'));
    const body = await readJsonObject(c, object.name, options.maxBodyBytes);
    const result = upsertRecord(org, object, c.req.param('field'), c.req.param('value'), body, dml(c));
    if ('multiple' in result)
      return c.json(
        result.multiple.map((id) => recordUrl(c.get('version'), object, id)),
        300,
      );
    // Since API 46.0 an update by upsert answers 200 with `created: false`; before, 204.
    if (!result.created && versionNumber(c.get('version')) < 46) return c.body(null, 204);
    if (result.created) c.header('Location', recordUrl(c.get('version'), object, result.id));
    return c.json(
      { id: result.id, success: true, errors: [], created: result.created },
      result.created ? 201 : 200,
    );
  });

  app.delete(`${BASE}/:type/:field/:value`, (c) => {
    const object = objectParam(org, c.req.param('type'));
    try {
      const row = byExternalId(c, object);
      deleteRecord(org, object, row.Id as string, dml(c));
    } catch (error) {
      if (error instanceof MultipleChoices) return c.json(error.urls, 300);
      throw error;
    }
    return c.body(null, 204);
  });

  // Other methods on these resources: 405, as Salesforce answers (it lists what is allowed).
  const notAllowed = (allowed: string) => (c: Context<Env>) => {
    throw new ApiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${c.req.method}' not allowed. Allowed are ${allowed}`,
    );
  };
  app.on(['PUT', 'PATCH', 'DELETE'], `${BASE}/:type`, notAllowed('HEAD,GET,POST'));
  app.on(['PUT', 'POST'], `${BASE}/:type/:id`, notAllowed('HEAD,GET,PATCH,DELETE'));
}

class MultipleChoices extends Error {
  readonly urls: string[];
  constructor(urls: string[]) {
    super('multiple records match');
    this.urls = urls;
  }
}
