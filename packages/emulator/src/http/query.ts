import { randomInt } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { ApiError } from '../errors.ts';
import { makeId } from '../ids.ts';
import type { Org } from '../org.ts';
import { queryColumns } from '../soql/columns.ts';
import { MAX_BATCH_SIZE, openQuery, planQuery, type QueryCursor, type QueryResult } from '../soql/execute.ts';
import { explainPlan } from '../soql/explain.ts';
import { userLocale } from '../store/users.ts';
import type { Env } from './app.ts';
import { findListView } from './listviews.ts';

/** Salesforce's smallest batch size hint; smaller hints are raised to it. */
const MIN_BATCH_SIZE = 200;

/**
 * Query locators live in memory, per app: a restart forgets them, as a client would see after
 * Salesforce's cursor expiry. Salesforce documents a 15-minute inactivity expiry (newer notes say two
 * days) and at most ten open cursors per user, the oldest released first; the emulator keeps the
 * 15 minutes, measured on the org's clock so tests can move it.
 */
const LOCATOR_IDLE_MS = 15 * 60 * 1000;
const MAX_LOCATORS_PER_USER = 10;

interface Locator {
  id: string;
  soql: string;
  userId: string;
  cursor: QueryCursor;
  batchSize: number;
  lastUsed: number;
}

const invalidLocator = () => new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');

/**
 * `Sforce-Query-Options: batchSize=N` is a hint between 200 and 2000; out-of-range values are
 * clamped and unreadable ones ignored (unconfirmed: Salesforce may reject them).
 */
export function batchSizeFrom(header: string | undefined): number {
  const match = /(?:^|[,;\s])batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  if (!match?.[1]) return MAX_BATCH_SIZE;
  return Math.min(MAX_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
}

/**
 * `GET /query?q=` and `/queryAll?q=`, and `GET /query/<locator>-<offset>` for the next pages
 * (queryAll's locators are served under `/query/` too, as in Salesforce, and under `/queryAll/`).
 *
 * API usage: each query and each next page reports its SOQL text to `org.meterQuery` (a next page
 * under its original SOQL); the data middleware counts the call itself by resource. A query that
 * fails to parse is counted too, as Salesforce counts every call.
 */
export function registerQueryRoutes(app: Hono<Env>, org: Org): void {
  const locators = new Map<string, Locator>();

  const sweep = (now: number) => {
    for (const [id, locator] of locators) if (now - locator.lastUsed > LOCATOR_IDLE_MS) locators.delete(id);
  };

  const createLocator = (
    userId: string,
    soql: string,
    cursor: QueryCursor,
    batchSize: number,
    now: number,
  ) => {
    sweep(now);
    const mine = [...locators.values()].filter((l) => l.userId === userId);
    if (mine.length >= MAX_LOCATORS_PER_USER) locators.delete((mine[0] as Locator).id);
    const locator = {
      id: makeId('01g', randomInt(1, 2 ** 47)),
      userId,
      cursor,
      batchSize,
      lastUsed: now,
      soql,
    };
    locators.set(locator.id, locator);
    return locator;
  };

  /** One page as a QueryResult; a locator is made on the first page that leaves rows behind. */
  const respond = (
    c: Context<Env>,
    soql: string,
    cursor: QueryCursor,
    start: number,
    batchSize: number,
    existing: Locator | null,
  ) => {
    const version = c.get('version');
    const page = cursor.page(start, batchSize, version);
    if (page.next === null) {
      const body: QueryResult = { totalSize: cursor.totalSize, done: true, records: page.records };
      return c.json(body);
    }
    const locator = existing ?? createLocator(c.get('userId'), soql, cursor, batchSize, org.now().getTime());
    // Key order as Salesforce's: totalSize, done, nextRecordsUrl, records.
    const body: QueryResult = {
      totalSize: cursor.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/${version}/query/${locator.id}-${page.next}`,
      records: page.records,
    };
    return c.json(body);
  };

  const query = (includeDeleted: boolean) => (c: Context<Env>) => {
    const plan = (soql: string) =>
      planQuery(soql, { catalog: org.catalog, includeDeleted, now: org.now(), userId: c.get('userId') });
    const explain = c.req.query('explain');
    if (explain !== undefined) {
      // `?explain=` takes a query, or the id of a list view (whose query is explained).
      const soql = findListView(org, explain.trim())?.soql ?? explain;
      if (soql.trim() === '')
        throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      org.meterQuery(soql);
      return c.json({ ...explainPlan(org.db, org.catalog, plan(soql)), sourceQuery: soql });
    }
    const q = c.req.query('q');
    if (q === undefined || q.trim() === '') {
      throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    }
    org.meterQuery(q);
    // The query's columns instead of its records (the Salesforce CLI asks before printing rows).
    if (c.req.query('columns') === 'true') return c.json(queryColumns(plan(q)));
    const cursor = openQuery(q, {
      db: org.db,
      catalog: org.catalog,
      includeDeleted,
      now: org.now(),
      userId: c.get('userId'),
      locale: userLocale(org, c.get('userId')),
    });
    return respond(c, q, cursor, 0, batchSizeFrom(c.req.header('sforce-query-options')), null);
  };

  const more = (c: Context<Env>) => {
    const match = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(c.req.param('locator') ?? '');
    const now = org.now().getTime();
    sweep(now);
    const locator = match ? locators.get(match[1] as string) : undefined;
    const start = Number(match?.[2]);
    if (!locator || locator.userId !== c.get('userId') || !(start < locator.cursor.totalSize)) {
      throw invalidLocator();
    }
    org.meterQuery(locator.soql);
    locator.lastUsed = now;
    const header = c.req.header('sforce-query-options');
    const batchSize = header ? batchSizeFrom(header) : locator.batchSize;
    // The locator stays valid until it expires, so a client may fetch a page again after a failure.
    return respond(c, locator.soql, locator.cursor, start, batchSize, locator);
  };

  app.get('/services/data/:version/query', query(false));
  app.get('/services/data/:version/queryAll', query(true));
  app.get('/services/data/:version/query/:locator', more);
  app.get('/services/data/:version/queryAll/:locator', more);
}
