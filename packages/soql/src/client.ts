import { createHash } from 'node:crypto';
import { isAuthError, type SalesforceSession, type SessionSource, staticSession } from '@sfgql/auth';
import { LRUCache } from 'lru-cache';
import { SalesforceError, toSalesforceError } from './errors.ts';
import { salesforceBytes, salesforceRequest, salesforceText } from './http.ts';
import { type ApiBudget, type ApiMeter, createApiMeter } from './meter.ts';
import { backoffDelay, DEFAULT_RETRY, isTransient, type RetryPolicy } from './retry.ts';
import type { SoqlFragment } from './soql.ts';
import type { SoslStatement } from './sosl.ts';

/** One record as Salesforce returns it: `attributes` plus fields, parents nested. */
export interface SalesforceRecord {
  attributes?: { type: string; url?: string };
  [field: string]: unknown;
}

export interface QueryResult<T extends SalesforceRecord = SalesforceRecord> {
  totalSize: number;
  done: boolean;
  records: T[];
  /** Present while more pages remain. */
  nextRecordsUrl?: string;
}

export interface SaveResult {
  id: string;
  success: boolean;
  errors: unknown[];
  /** For upserts: whether the record was created (true) or updated (false). */
  created?: boolean;
}

/** One record's outcome in an sObject Collections request: its save result, or its errors. */
export interface CollectionResult {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  created?: boolean;
}

/** At most this many records in one sObject Collections request (Salesforce's limit). */
export const COLLECTION_LIMIT = 200;

/** The parts of `describe` the project uses; the rest of Salesforce's answer is kept as is. */
export interface DescribeResult {
  name: string;
  label: string;
  keyPrefix: string | null;
  fields: {
    name: string;
    label: string;
    type: string;
    length: number;
    nillable: boolean;
    createable: boolean;
    updateable: boolean;
    custom: boolean;
    picklistValues: { value: string; label: string; active: boolean }[];
    restrictedPicklist?: boolean;
    referenceTo: string[];
    relationshipName: string | null;
  }[];
  childRelationships: { childSObject: string; field: string; relationshipName: string | null }[];
  [key: string]: unknown;
}

/**
 * Describes shared between clients (keyed by instance URL, user and object): Salesforce's describe
 * shows each user the fields their profile and permission sets let them see, so one user's
 * describe is never another's.
 */
export interface DescribeCache {
  get(key: string): { expiresAt: number; value: Promise<DescribeResult> } | undefined;
  set(key: string, entry: { expiresAt: number; value: Promise<DescribeResult> }): void;
  delete(key: string): void;
}

/** A describe cache that keeps at most `max` describes, dropping the least recently used first. */
export function createDescribeCache(options: { max?: number } = {}): DescribeCache {
  return new LRUCache<string, { expiresAt: number; value: Promise<DescribeResult> }>({
    max: options.max ?? 2_000,
  });
}

/** Who a session acts as, for caches that must not be shared between users. */
function userKeyOf(session: SalesforceSession): string {
  return session.userId ?? createHash('sha256').update(session.accessToken).digest('base64url').slice(0, 22);
}

export interface SalesforceClientOptions {
  /** A session, or a source that can refresh it when Salesforce says it expired. */
  session: SalesforceSession | SessionSource;
  /** REST API version without the `v` (default `60.0`). */
  apiVersion?: string;
  /** Retries for reads (writes are never retried). */
  retry?: Partial<RetryPolicy>;
  /** Where calls are counted; one per client by default. */
  meter?: ApiMeter;
  /** The org's daily API budget, shared by the clients of one org (see `createApiBudget`). */
  budget?: ApiBudget;
  /** Describes shared between clients (see `createDescribeCache`); a client keeps its own by default. */
  describeCache?: DescribeCache;
  /** How long a describe is reused (default 10 minutes). */
  describeTtlMs?: number;
  /** The deadline of one request, body included (default 2 minutes). */
  requestTimeoutMs?: number;
  /** For tests: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
}

export interface QueryOptions {
  /** Stop fetching pages once this many records are in hand (default: all). */
  maxRecords?: number;
}

/** A create's save result, with the new record's fields read back in the same call (null if that read failed). */
export interface CreatedRecord extends SaveResult {
  record: Record<string, unknown> | null;
}

/** A record's fields before and after a write, as Salesforce answered them in the same call. */
export interface RecordChange {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * The one way the project talks to Salesforce's data API. Queries accept only `soql` fragments,
 * so every literal in them was escaped. Reads are retried on transient failures; writes never are.
 */
export interface SalesforceClient {
  /** What this client has spent. */
  readonly meter: ApiMeter;
  /** The REST API version it speaks, without the `v` (`60.0`). */
  readonly apiVersion: string;
  /**
   * The same client for work that can wait: its calls are refused with `SF_API_BUDGET_LOW` while
   * the org's remaining daily API calls are below the budget's low-water mark.
   */
  nonEssential(): SalesforceClient;
  /** The session currently in use. */
  session(): Promise<SalesforceSession>;
  /** Runs a query and follows `nextRecordsUrl` until done or `maxRecords` are in hand. */
  query<T extends SalesforceRecord = SalesforceRecord>(
    statement: SoqlFragment,
    options?: QueryOptions,
  ): Promise<QueryResult<T>>;
  /** One page: the first for a statement. */
  queryPage<T extends SalesforceRecord = SalesforceRecord>(statement: SoqlFragment): Promise<QueryResult<T>>;
  /** The next page of an earlier result. */
  queryMore<T extends SalesforceRecord = SalesforceRecord>(nextRecordsUrl: string): Promise<QueryResult<T>>;
  /** Runs a SOSL search; records of every RETURNING object come back in one list. */
  search<T extends SalesforceRecord = SalesforceRecord>(statement: SoslStatement): Promise<T[]>;
  retrieve<T extends SalesforceRecord = SalesforceRecord>(
    object: string,
    id: string,
    fields?: readonly string[],
  ): Promise<T>;
  create(object: string, values: Record<string, unknown>): Promise<SaveResult>;
  /**
   * Creates a record and reads the given fields of it back (its CaseNumber, its Name), in one call:
   * a composite of the POST and a GET naming the new record by the POST's answer. A refused create
   * throws as `create` does; a read that fails after the record was made leaves `record` null rather
   * than hiding a write that happened.
   */
  createAndRead(
    object: string,
    values: Record<string, unknown>,
    fields: readonly string[],
  ): Promise<CreatedRecord>;
  /**
   * Runs several queries in one call (a composite request): the first page of each, in order.
   * Salesforce takes at most five queries per composite request, so more than five take one call
   * per five. One statement is a plain query.
   */
  queryMany(statements: readonly SoqlFragment[]): Promise<QueryResult[]>;
  /** An object's describe (fields, picklist values, relationships), cached per org for `describeTtlMs`. */
  describe(object: string): Promise<DescribeResult>;
  /** The org's API limits (`GET /limits`). */
  limits(): Promise<Record<string, { Max: number; Remaining: number }>>;
  /** The bytes of a base64 field (ContentNote.Content) from the URL a query gives for it. */
  blob(url: string): Promise<Buffer>;
  update(object: string, id: string, values: Record<string, unknown>): Promise<void>;
  delete(object: string, id: string): Promise<void>;
  /**
   * Updates the record only if it was not modified after `since` (its SystemModstamp as read
   * earlier), atomically, in one call: a composite of the record's fields as they are, the PATCH
   * sent with `If-Unmodified-Since`, and the fields as they became. Salesforce refuses the PATCH with
   * 412 when the record changed: `SF_PRECONDITION_FAILED`, nothing written.
   *
   * `If-Unmodified-Since` is an HTTP date, whole seconds: `since` is rounded up to the second, so a
   * change in the same second as `since` is not seen (Salesforce's own stamps have whole seconds).
   */
  updateIfUnmodified(
    object: string,
    id: string,
    values: Record<string, unknown>,
    since: string,
  ): Promise<RecordChange>;
  /**
   * Deletes the record only if it was not modified after `since`, in one call. Salesforce ignores
   * conditional headers on DELETE, so the condition is a query in the same composite request: the
   * DELETE names the record through that query's result, and finds nothing to delete when the
   * record changed (`SF_PRECONDITION_FAILED`, nothing deleted).
   */
  deleteIfUnmodified(object: string, id: string, since: string): Promise<void>;
  /**
   * Creates or updates the record whose external id field holds `value` (`PATCH
   * /sobjects/X/Field/value`): `created` says which. Several records with the value answer
   * `SF_CONFLICT` (MULTIPLE_CHOICES).
   */
  upsert(object: string, field: string, value: string, values: Record<string, unknown>): Promise<SaveResult>;
  /**
   * Creates (records without Id) or updates (records with Id) up to 200 records of one object in
   * one sObject Collections call; all or none by default. One result per record, in order.
   */
  saveMany(
    object: string,
    records: readonly Record<string, unknown>[],
    options?: { allOrNone?: boolean },
  ): Promise<CollectionResult[]>;
  /** Deletes up to 200 records in one sObject Collections call; all or none by default. */
  deleteMany(ids: readonly string[], options?: { allOrNone?: boolean }): Promise<CollectionResult[]>;
  /**
   * One request of the REST API whose answer is kept as text with its headers, for the APIs the
   * other methods do not cover (Bulk API 2.0: `@sfgql/soql/bulk`). Counted under `kind`, refreshed
   * and (GET only) retried as every other call; a non-2xx answer throws a `SalesforceError`. `path`
   * is under `/services/data/`, or relative to this client's version (`/jobs/query`).
   */
  raw(request: RawRequest): Promise<RawAnswer>;
}

/** A request for {@link SalesforceClient.raw}. */
export interface RawRequest {
  /** What the meter counts it as, e.g. `bulkQueryResults`. */
  kind: string;
  method: Method;
  path: string;
  /** Sent as is; name its type in `headers` (`content-type`). */
  body?: string;
  headers?: Record<string, string>;
}

/** What {@link SalesforceClient.raw} answers: the status, the headers (lower-case names) and the body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export const DEFAULT_API_VERSION = '60.0';

/**
 * Salesforce refuses a request whose URI and headers together pass 16,384 bytes (431, or 414 for
 * the URI alone). Queries whose URL would pass this (leaving room for the headers) go in the body of
 * a composite request instead, as Salesforce advises; it is still one API call.
 */
export const MAX_QUERY_URL_BYTES = 14_336;

/** Salesforce's limit on the length of one SOQL statement (100,000 characters by default). */
export const MAX_SOQL_LENGTH = 100_000;

/** Query subrequests Salesforce takes in one composite request. */
export const MAX_QUERIES_PER_COMPOSITE = 5;

/** An HTTP date for `If-Unmodified-Since`: whole seconds, rounded up so as never to refuse `stamp` itself. */
export function httpDate(stamp: string): string {
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) throw new TypeError(`Not a date-time: ${JSON.stringify(stamp)}`);
  return new Date(Math.ceil(ms / 1000) * 1000).toUTCString();
}

/** The same moment as `httpDate`, as a SOQL date-time literal (`2026-03-01T10:00:04Z`). */
const soqlSecond = (stamp: string) =>
  new Date(Math.ceil(Date.parse(stamp) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** One subrequest of a composite request and its answer. */
interface Subrequest {
  method: Method;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}
interface SubResult {
  body: unknown;
  httpStatusCode: number;
  referenceId: string;
}

/** A failed subrequest's error, as the client reports any Salesforce error. */
function subrequestError(result: SubResult): SalesforceError {
  const first = (Array.isArray(result.body) ? result.body[0] : result.body) as
    | { errorCode?: unknown; message?: unknown; fields?: unknown }
    | undefined;
  return toSalesforceError({
    errorCode: typeof first?.errorCode === 'string' ? first.errorCode : `ERROR_HTTP_${result.httpStatusCode}`,
    message:
      typeof first?.message === 'string'
        ? first.message
        : `Salesforce answered HTTP ${result.httpStatusCode}`,
    fields: first?.fields,
    status: result.httpStatusCode,
  });
}

/** The query resource of a statement, refusing unsent a statement longer than Salesforce takes. */
function queryPath(statement: SoqlFragment): string {
  if (statement.text.length > MAX_SOQL_LENGTH) {
    // Salesforce would refuse it (and a URL this long, long before): not sent at all.
    throw new SalesforceError(
      'SF_QUERY_INVALID',
      `The query is ${statement.text.length} characters long; Salesforce takes at most ${MAX_SOQL_LENGTH}. Ask for fewer values.`,
      { errorCode: 'QUERY_TOO_LONG' },
    );
  }
  return `/query?q=${encodeURIComponent(statement.text)}`;
}

/** A record as the REST API returns it, without its `attributes`. */
function fieldsOf(body: unknown): Record<string, unknown> {
  const { attributes: _, ...fields } = (body ?? {}) as Record<string, unknown>;
  return fields;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

function checkName(kind: string, value: string): string {
  if (!NAME.test(value)) throw new TypeError(`Not a valid ${kind} name: ${JSON.stringify(value)}`);
  return value;
}

function checkId(value: string): string {
  if (!ID.test(value))
    throw new SalesforceError('SF_INVALID_DATA', `Not a Salesforce record Id: ${JSON.stringify(value)}`, {
      errorCode: 'MALFORMED_ID',
    });
  return value;
}

/** The methods of Salesforce's REST API. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function checkBatch(size: number) {
  if (size < 1 || size > COLLECTION_LIMIT)
    throw new TypeError(`A collection holds 1 to ${COLLECTION_LIMIT} records, not ${size}`);
}

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const source = 'accessToken' in options.session ? staticSession(options.session) : options.session;
  const version = options.apiVersion ?? DEFAULT_API_VERSION;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const meter = options.meter ?? createApiMeter();
  const describeCache: DescribeCache = options.describeCache ?? createDescribeCache({ max: 200 });
  const describeTtlMs = options.describeTtlMs ?? 10 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.requestTimeoutMs ?? 120_000;

  /**
   * One call to Salesforce, counted: refused while the budget is low (non-essential work), sent
   * again once with a refreshed session when Salesforce says it expired, and, for a GET, tried again
   * on transient failures. `exchange` makes the request with the session it is given.
   */
  async function call<A extends { usage?: { used: number; limit: number } }>(
    kind: string,
    method: Method,
    essential: boolean,
    exchange: (session: SalesforceSession) => Promise<A>,
  ): Promise<A> {
    if (!essential && options.budget?.isLow()) {
      const { remaining, lowWaterMark } = options.budget.state();
      throw new SalesforceError(
        'SF_API_BUDGET_LOW',
        `The org has ${remaining} API calls left today, below the ${lowWaterMark} kept for essential work; this call was not made.`,
      );
    }
    let session = await source.current();
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      meter.record(kind);
      try {
        const answer = await exchange(session);
        if (answer.usage) {
          meter.observeLimitInfo(answer.usage.used, answer.usage.limit);
          options.budget?.observe(answer.usage.used, answer.usage.limit);
        }
        return answer;
      } catch (raw) {
        const error = toSalesforceError(raw);
        if (error.code === 'SF_SESSION_EXPIRED' && !refreshed && source.refresh) {
          // Refresh once and replay; a second INVALID_SESSION_ID goes to the caller.
          refreshed = true;
          try {
            session = await source.refresh(session);
          } catch (refreshError) {
            if (isAuthError(refreshError)) throw refreshError;
            throw error;
          }
          attempt--;
          continue;
        }
        if (method === 'GET' && attempt < retry.retries && isTransient(raw)) {
          await sleep(backoffDelay(retry, attempt));
          continue;
        }
        throw error;
      }
    }
  }

  const url = (path: string) => (path.startsWith('/services/') ? path : `/services/data/v${version}${path}`);

  async function send<T>(
    kind: string,
    method: Method,
    path: string,
    body: unknown,
    essential: boolean,
    headers?: Record<string, string>,
  ): Promise<T> {
    const answer = await call(kind, method, essential, (session) =>
      salesforceRequest<T>(session, {
        method,
        path: url(path),
        body,
        timeoutMs,
        ...(headers ? { headers } : {}),
      }),
    );
    return answer.body;
  }

  const base = `/services/data/v${version}`;

  const build = (essential: boolean): SalesforceClient => {
    const page = <T extends SalesforceRecord>(kind: string, path: string) =>
      send<QueryResult<T>>(kind, 'GET', path, undefined, essential);

    /** One composite request (one API call); its subrequests' answers, by reference id. */
    async function composite(kind: string, subrequests: Subrequest[]): Promise<Map<string, SubResult>> {
      // Not all-or-none: each read keeps its answer even when the write beside it is refused, and a
      // single write needs no rollback.
      const answer = await send<{ compositeResponse: SubResult[] }>(
        kind,
        'POST',
        '/composite',
        { allOrNone: false, compositeRequest: subrequests },
        essential,
      );
      return new Map(answer.compositeResponse.map((r) => [r.referenceId, r]));
    }

    /** The answer of one subrequest, or its error. */
    function answerOf(results: Map<string, SubResult>, referenceId: string): unknown {
      const result = results.get(referenceId);
      if (!result)
        throw new SalesforceError('SF_REQUEST_FAILED', `The composite answer has no ${referenceId}`);
      if (result.httpStatusCode >= 400) throw subrequestError(result);
      return result.body;
    }

    return {
      meter,
      apiVersion: version,
      session: () => source.current(),
      async queryPage<T extends SalesforceRecord>(statement: SoqlFragment) {
        const path = queryPath(statement);
        if (Buffer.byteLength(base + path) <= MAX_QUERY_URL_BYTES) return page<T>('query', path);
        const results = await composite('query', [{ method: 'GET', url: base + path, referenceId: 'query' }]);
        return answerOf(results, 'query') as QueryResult<T>;
      },
      async queryMore(nextRecordsUrl) {
        if (!/^\/services\/data\/v\d+\.\d\/query\/[\w-]+$/.test(nextRecordsUrl)) {
          throw new TypeError(`Not a query locator URL: ${JSON.stringify(nextRecordsUrl)}`);
        }
        return page('queryMore', nextRecordsUrl);
      },
      async query<T extends SalesforceRecord>(statement: SoqlFragment, queryOptions: QueryOptions = {}) {
        const max = queryOptions.maxRecords ?? Number.POSITIVE_INFINITY;
        const first = await this.queryPage<T>(statement);
        const records = [...first.records];
        let current = first;
        while (!current.done && current.nextRecordsUrl && records.length < max) {
          current = await this.queryMore<T>(current.nextRecordsUrl);
          records.push(...current.records);
        }
        const capped = records.length > max;
        return {
          totalSize: first.totalSize,
          done: current.done && !capped,
          records: capped ? records.slice(0, max) : records,
          ...(current.nextRecordsUrl && !current.done ? { nextRecordsUrl: current.nextRecordsUrl } : {}),
        };
      },
      async search<T extends SalesforceRecord>(statement: SoslStatement) {
        const result = await send<{ searchRecords?: T[] }>(
          'search',
          'GET',
          `/search?q=${encodeURIComponent(statement.text)}`,
          undefined,
          essential,
        );
        return result.searchRecords ?? [];
      },
      async retrieve(object, id, fields) {
        const query = fields?.length ? `?fields=${fields.map((f) => checkName('field', f)).join(',')}` : '';
        return send(
          'retrieve',
          'GET',
          `/sobjects/${checkName('object', object)}/${checkId(id)}${query}`,
          undefined,
          essential,
        );
      },
      async create(object, values) {
        return send<SaveResult>(
          'create',
          'POST',
          `/sobjects/${checkName('object', object)}`,
          values,
          essential,
        );
      },
      async createAndRead(object, values, fields) {
        const name = checkName('object', object);
        const names = fields.map((f) => checkName('field', f));
        const results = await composite('create', [
          { method: 'POST', url: `${base}/sobjects/${name}`, referenceId: 'create', body: values },
          {
            method: 'GET',
            url: `${base}/sobjects/${name}/@{create.id}?fields=${names.length ? names.join(',') : 'Id'}`,
            referenceId: 'record',
          },
        ]);
        const saved = answerOf(results, 'create') as SaveResult;
        const read = results.get('record');
        const record = read && read.httpStatusCode < 400 ? fieldsOf(read.body) : null;
        return { ...saved, record };
      },
      async queryMany(statements) {
        const paths = statements.map(queryPath);
        if (paths.length === 1) return [await this.queryPage(statements[0] as SoqlFragment)];
        const answers: QueryResult[] = [];
        for (let start = 0; start < paths.length; start += MAX_QUERIES_PER_COMPOSITE) {
          const chunk = paths.slice(start, start + MAX_QUERIES_PER_COMPOSITE);
          const results = await composite(
            'query',
            chunk.map((path, i) => ({ method: 'GET', url: base + path, referenceId: `q${i}` })),
          );
          for (let i = 0; i < chunk.length; i++) answers.push(answerOf(results, `q${i}`) as QueryResult);
        }
        return answers;
      },
      async describe(object) {
        checkName('object', object);
        const session = await source.current();
        const key = `${session.instanceUrl} ${userKeyOf(session)} ${object.toLowerCase()}`;
        const hit = describeCache.get(key);
        if (hit && hit.expiresAt > Date.now()) return hit.value;
        const value = send<DescribeResult>(
          'describe',
          'GET',
          `/sobjects/${object}/describe`,
          undefined,
          essential,
        );
        describeCache.set(key, { expiresAt: Date.now() + describeTtlMs, value });
        value.catch(() => describeCache.delete(key));
        return value;
      },
      limits: () => send('limits', 'GET', '/limits', undefined, essential),
      async blob(url) {
        if (!/^\/services\/data\/v\d+\.\d\/sobjects\/\w+\/[a-zA-Z0-9]{15,18}\/\w+$/.test(url)) {
          throw new TypeError(`Not a blob URL: ${JSON.stringify(url)}`);
        }
        const session = await source.current();
        meter.record('blob');
        try {
          return await salesforceBytes(session, url, timeoutMs);
        } catch (error) {
          throw toSalesforceError(error);
        }
      },
      async update(object, id, values) {
        await send(
          'update',
          'PATCH',
          `/sobjects/${checkName('object', object)}/${checkId(id)}`,
          values,
          essential,
        );
      },
      async delete(object, id) {
        await send(
          'delete',
          'DELETE',
          `/sobjects/${checkName('object', object)}/${checkId(id)}`,
          undefined,
          essential,
        );
      },
      async updateIfUnmodified(object, id, values, since) {
        const row = `${base}/sobjects/${checkName('object', object)}/${checkId(id)}`;
        const names = Object.keys(values).map((f) => checkName('field', f));
        const read = `${row}?fields=${names.length ? names.join(',') : 'Id'}`;
        const results = await composite('update', [
          { method: 'GET', url: read, referenceId: 'before' },
          {
            method: 'PATCH',
            url: row,
            referenceId: 'write',
            body: values,
            httpHeaders: { 'If-Unmodified-Since': httpDate(since) },
          },
          { method: 'GET', url: read, referenceId: 'after' },
        ]);
        answerOf(results, 'write');
        return { before: fieldsOf(answerOf(results, 'before')), after: fieldsOf(answerOf(results, 'after')) };
      },
      async upsert(object, field, value, values) {
        const name = checkName('object', object);
        return send<SaveResult>(
          'upsert',
          'PATCH',
          `/sobjects/${name}/${checkName('field', field)}/${encodeURIComponent(value)}`,
          values,
          essential,
        );
      },
      async saveMany(object, records, options = {}) {
        checkBatch(records.length);
        const type = checkName('object', object);
        const update = records.some((r) => r.Id !== undefined);
        if (update && records.some((r) => r.Id === undefined))
          throw new TypeError('A collection either creates (no Id) or updates (every record has its Id)');
        for (const record of records) if (record.Id !== undefined) checkId(String(record.Id));
        return send<CollectionResult[]>(
          update ? 'updateMany' : 'createMany',
          update ? 'PATCH' : 'POST',
          '/composite/sobjects',
          {
            allOrNone: options.allOrNone ?? true,
            records: records.map((r) => ({ attributes: { type }, ...r })),
          },
          essential,
        );
      },
      async deleteMany(ids, options = {}) {
        checkBatch(ids.length);
        const list = ids.map((id) => checkId(id)).join(',');
        return send<CollectionResult[]>(
          'deleteMany',
          'DELETE',
          `/composite/sobjects?ids=${list}&allOrNone=${options.allOrNone ?? true}`,
          undefined,
          essential,
        );
      },
      async deleteIfUnmodified(object, id, since) {
        const name = checkName('object', object);
        const row = `${base}/sobjects/${name}/${checkId(id)}`;
        // The record, only if unmodified since: `SystemModstamp` at or before the second named.
        const guard = `SELECT Id FROM ${name} WHERE Id = '${id}' AND SystemModstamp <= ${soqlSecond(since)}`;
        const results = await composite('delete', [
          { method: 'GET', url: `${row}?fields=Id`, referenceId: 'record' },
          { method: 'GET', url: `${base}/query?q=${encodeURIComponent(guard)}`, referenceId: 'guard' },
          { method: 'DELETE', url: `${base}/sobjects/${name}/@{guard.records[0].Id}`, referenceId: 'delete' },
        ]);
        // A missing or deleted record is reported as such; an unchanged one was deleted.
        answerOf(results, 'record');
        if ((answerOf(results, 'guard') as QueryResult).totalSize === 0) {
          throw new SalesforceError(
            'SF_PRECONDITION_FAILED',
            `The ${name} ${id} was modified after ${since}; it was not deleted.`,
            { errorCode: 'PRECONDITION_FAILED', status: 412 },
          );
        }
        answerOf(results, 'delete');
      },
      async raw(request) {
        const path = url(request.path);
        if (!path.startsWith('/services/data/'))
          throw new TypeError(`Not a path of the REST API: ${JSON.stringify(request.path)}`);
        const { text, status, headers } = await call(request.kind, request.method, essential, (session) =>
          salesforceText(session, {
            method: request.method,
            path,
            timeoutMs,
            ...(request.body === undefined ? {} : { body: request.body }),
            ...(request.headers ? { headers: request.headers } : {}),
          }),
        );
        return { status, headers, text };
      },
      nonEssential: () => build(false),
    };
  };
  return build(true);
}
