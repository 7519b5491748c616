import { createHash } from 'node:crypto';
import { isAuthError, type SalesforceSession, type SessionSource, staticSession } from '@sfgql/auth';
import { LRUCache } from 'lru-cache';
import { SalesforceError, toSalesforceError } from './errors.ts';
import { salesforceBytes, salesforceRequest } from './http.ts';
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

/**
 * The one way the project talks to Salesforce's data API. Queries accept only `soql` fragments,
 * so every literal in them was escaped. Reads are retried on transient failures; writes never are.
 */
export interface SalesforceClient {
  /** What this client has spent. */
  readonly meter: ApiMeter;
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
  /** An object's describe (fields, picklist values, relationships), cached per org for `describeTtlMs`. */
  describe(object: string): Promise<DescribeResult>;
  /** The org's API limits (`GET /limits`). */
  limits(): Promise<Record<string, { Max: number; Remaining: number }>>;
  /** The bytes of a base64 field (ContentNote.Content) from the URL a query gives for it. */
  blob(url: string): Promise<Buffer>;
  update(object: string, id: string, values: Record<string, unknown>): Promise<void>;
  delete(object: string, id: string): Promise<void>;
}

export const DEFAULT_API_VERSION = '60.0';

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

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const source = 'accessToken' in options.session ? staticSession(options.session) : options.session;
  const version = options.apiVersion ?? DEFAULT_API_VERSION;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const meter = options.meter ?? createApiMeter();
  const describeCache: DescribeCache = options.describeCache ?? createDescribeCache({ max: 200 });
  const describeTtlMs = options.describeTtlMs ?? 10 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.requestTimeoutMs ?? 120_000;

  async function send<T>(
    kind: string,
    method: Method,
    path: string,
    body: unknown,
    essential: boolean,
  ): Promise<T> {
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
        const url = path.startsWith('/services/') ? path : `/services/data/v${version}${path}`;
        const answer = await salesforceRequest<T>(session, { method, path: url, body, timeoutMs });
        if (answer.usage) {
          meter.observeLimitInfo(answer.usage.used, answer.usage.limit);
          options.budget?.observe(answer.usage.used, answer.usage.limit);
        }
        return answer.body;
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

  const build = (essential: boolean): SalesforceClient => {
    const page = <T extends SalesforceRecord>(kind: string, path: string) =>
      send<QueryResult<T>>(kind, 'GET', path, undefined, essential);
    return {
      meter,
      session: () => source.current(),
      queryPage: (statement) => page('query', `/query?q=${encodeURIComponent(statement.text)}`),
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
      nonEssential: () => build(false),
    };
  };
  return build(true);
}
