import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ApiError } from '../errors.ts';
import type { Catalog } from '../metadata/catalog.ts';
import { type StoredValue, toJson } from '../store/values.ts';
import {
  type AggregatePlan,
  type ChildOutput,
  type ChildPlan,
  compileQuery,
  type QueryPlan,
  type RecordShape,
  type RecordsPlan,
  type ValueOutput,
} from './compile.ts';
import type { UserLocale } from './format.ts';
import { parseSoql, tooComplicated } from './parser.ts';

export interface QueryOptions {
  db: DatabaseSync;
  catalog: Catalog;
  /** `v60.0`: used in each record's `attributes.url`. */
  apiVersion: string;
  /** queryAll: include soft-deleted rows. */
  includeDeleted: boolean;
  /** The org's clock, for date literals (default: the system clock). */
  now?: Date;
  /** The running user, for `USING SCOPE mine`. */
  userId?: string | null;
  /** The running user's locale and time zone, for FORMAT(). */
  locale?: UserLocale;
}

/** Salesforce's QueryResult, as `/query` returns it. */
export interface QueryResult {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

/** One page of a cursor: its records, and where the next page starts (null on the last page). */
export interface QueryPage {
  records: Record<string, unknown>[];
  next: number | null;
}

/**
 * An executed query, read page by page. The top-level rows are read once, when the cursor opens
 * (a snapshot, as Salesforce's server-side cursor is); child subqueries run per page, for the page's
 * parents only.
 */
export interface QueryCursor {
  readonly totalSize: number;
  /** Reads from row `start`, at most `batchSize` records where each child row also counts as one. */
  page(start: number, batchSize: number, apiVersion: string): QueryPage;
}

/** Salesforce's largest batch, and the most aggregate rows a query may return (no queryMore). */
export const MAX_BATCH_SIZE = 2000;

type Row = Record<string, StoredValue>;

interface Prepared {
  statement: StatementSync;
  /** The named parameters the SQL uses: node:sqlite rejects a binding the SQL does not name. */
  names: string[];
}

const statementCache = new WeakMap<DatabaseSync, Map<string, Prepared>>();
const STATEMENT_CACHE_SIZE = 500;

/**
 * Prepared statements are cached per database, a bounded number of them (queries are as varied as
 * their callers): the same queries come back again and again.
 */
function prepare(db: DatabaseSync, sql: string): Prepared {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = {
      statement: db.prepare(sql),
      names: [...new Set(sql.match(/:\w+/g) ?? [])].map((n) => n.slice(1)),
    };
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, prepared);
  }
  return prepared;
}

function run(db: DatabaseSync, sql: string, params: Record<string, SQLInputValue>): Row[] {
  try {
    const { statement, names } = prepare(db, sql);
    const bound: Record<string, SQLInputValue> = {};
    for (const name of names) bound[name] = params[name] ?? null;
    return statement.all(bound) as Row[];
  } catch (error) {
    // SQLite's own limits (expression depth, number of terms, number of parameters) are what a
    // valid but enormous query runs into: Salesforce answers those QUERY_TOO_COMPLICATED.
    if ((error as { code?: string }).code === 'ERR_SQLITE_ERROR') {
      const message = String((error as Error).message);
      if (/too (large|many|deep|complex)|at most|limit/i.test(message)) throw tooComplicated();
    }
    throw error;
  }
}

function attributes(type: string, id: unknown, apiVersion: string) {
  return { type, url: `/services/data/${apiVersion}/sobjects/${type}/${String(id)}` };
}

function formatValue(output: ValueOutput, raw: StoredValue | undefined): unknown {
  const value = toJson(output.field, raw);
  if (output.labels && typeof value === 'string') return output.labels.get(value.toLowerCase()) ?? value;
  return output.localize ? output.localize(value) : value;
}

/** Child rows per child subquery, keyed by parent Id. */
type ChildRecords = Map<ChildOutput, Map<string, Record<string, unknown>[]>>;

/** Shapes one SQL row as Salesforce's record: attributes, fields, nested parents, child results. */
function shapeRecord(shape: RecordShape, row: Row, apiVersion: string, children: ChildRecords) {
  const record: Record<string, unknown> = { attributes: attributes(shape.object.name, row._id, apiVersion) };
  /** The object that holds a field behind `nodes`, creating parents on the way; null for an empty lookup. */
  const holder = (nodes: ValueOutput['nodes']): Record<string, unknown> | null => {
    let target = record;
    for (const node of nodes) {
      const existing = target[node.name];
      if (existing === null) return null;
      if (existing === undefined) {
        const id = row[node.idColumn];
        if (id === null || id === undefined) {
          target[node.name] = null;
          return null;
        }
        // A polymorphic parent is typed `Name` (Salesforce's entity for polymorphic lookups); its url
        // names the parent's real object.
        const real = node.object?.name ?? String(row[node.typeColumn]);
        target[node.name] = {
          attributes: { type: node.object ? real : 'Name', url: attributes(real, id, apiVersion).url },
        };
      }
      target = target[node.name] as Record<string, unknown>;
    }
    return target;
  };
  for (const output of shape.outputs) {
    switch (output.kind) {
      case 'value': {
        const target = holder(output.nodes);
        if (target) target[output.key] = formatValue(output, row[output.column]);
        break;
      }
      case 'child': {
        const found = children.get(output)?.get(String(row._id));
        // Salesforce gives `null`, not an empty QueryResult, for a parent without children.
        record[output.key] = found?.length ? { totalSize: found.length, done: true, records: found } : null;
        break;
      }
      case 'typeof': {
        const target = holder(output.nodes.slice(0, -1));
        if (!target) break;
        const id = row[output.node.idColumn];
        if (id === null || id === undefined) {
          target[output.key] = null;
          break;
        }
        const type = String(row[output.node.typeColumn]);
        // With TYPEOF the parent carries its real type.
        const parent: Record<string, unknown> = { attributes: attributes(type, id, apiVersion) };
        // (unconfirmed) A parent whose type matches no WHEN and with no ELSE: attributes only.
        for (const value of output.branches.get(type) ?? output.otherwise ?? []) {
          parent[value.key] = formatValue(value, row[value.column]);
        }
        target[output.key] = parent;
        break;
      }
    }
  }
  return record;
}

/** Runs each child subquery of `shape` for `parentIds`: one SQL statement per subquery. */
function runChildren(
  db: DatabaseSync,
  shape: RecordShape,
  parentIds: string[],
  apiVersion: string,
): ChildRecords {
  const result: ChildRecords = new Map();
  for (const child of shape.children) result.set(child, runChild(db, child.plan, parentIds, apiVersion));
  return result;
}

function runChild(
  db: DatabaseSync,
  plan: ChildPlan,
  parentIds: string[],
  apiVersion: string,
): Map<string, Record<string, unknown>[]> {
  const byParent = new Map<string, Record<string, unknown>[]>();
  if (parentIds.length === 0) return byParent;
  const rows = run(db, plan.sql, { ...plan.params, parentIds: JSON.stringify(parentIds) });
  const grandchildren = runChildren(
    db,
    plan,
    rows.map((r) => String(r._id)),
    apiVersion,
  );
  for (const row of rows) {
    const key = String(row._fk);
    let list = byParent.get(key);
    if (!list) {
      list = [];
      byParent.set(key, list);
    }
    list.push(shapeRecord(plan, row, apiVersion, grandchildren));
  }
  return byParent;
}

/**
 * A records plan's records one at a time, straight from SQLite (Bulk API 2.0 query jobs read
 * millions of rows this way without holding them). Only for plans without child subqueries.
 */
export function* iterateRecords(
  db: DatabaseSync,
  plan: RecordsPlan,
  apiVersion: string,
): Generator<Record<string, unknown>> {
  if (plan.children.length > 0) throw new Error('iterateRecords: child subqueries need recordsCursor');
  const { statement, names } = prepare(db, plan.sql);
  const bound: Record<string, SQLInputValue> = {};
  for (const name of names) bound[name] = plan.params[name] ?? null;
  for (const row of statement.iterate(bound) as Iterable<Row>)
    yield shapeRecord(plan, row, apiVersion, new Map());
}

/** A cursor over a compiled records plan (SOSL runs its RETURNING clauses through it). */
export function recordsCursor(db: DatabaseSync, plan: RecordsPlan): QueryCursor {
  const rows = run(db, plan.sql, plan.params);
  return {
    totalSize: rows.length,
    page(start, batchSize, apiVersion) {
      const candidates = rows.slice(start, start + batchSize);
      const children = runChildren(
        db,
        plan,
        candidates.map((r) => String(r._id)),
        apiVersion,
      );
      // Child rows count toward the batch: stop before a parent whose children would overflow it,
      // but always return at least one parent. (unconfirmed: Salesforce's exact cut.)
      const records: Record<string, unknown>[] = [];
      let used = 0;
      for (const row of candidates) {
        let cost = 1;
        for (const byParent of children.values()) cost += byParent.get(String(row._id))?.length ?? 0;
        if (records.length > 0 && used + cost > batchSize) break;
        records.push(shapeRecord(plan, row, apiVersion, children));
        used += cost;
      }
      const next = start + records.length;
      // A query with OFFSET is not continued: Salesforce returns its first batch only.
      return { records, next: next < rows.length && !plan.hasOffset ? next : null };
    },
  };
}

function aggregateCursor(db: DatabaseSync, plan: AggregatePlan): QueryCursor {
  const rows = run(db, plan.sql, plan.params);
  if (rows.length > MAX_BATCH_SIZE) {
    // (unconfirmed) the error code; the wording is Salesforce's.
    throw new ApiError(
      400,
      'MALFORMED_QUERY',
      'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch',
    );
  }
  const records = rows.map((row) => {
    const record: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const output of plan.outputs) record[output.key] = output.format(row[output.column]);
    return record;
  });
  return {
    totalSize: records.length,
    // Aggregate results come in one page whatever the batch size: they cannot be continued.
    page: () => ({ records, next: null }),
  };
}

const planCache = new WeakMap<Catalog, Map<string, QueryPlan>>();
const PLAN_CACHE_SIZE = 500;

/**
 * Parses and compiles a query, throwing Salesforce's errors for bad syntax, fields or types.
 *
 * Plans are cached per catalogue: parsing and compiling cost more than running a lookup by Id. A
 * plan depends on the SOQL text, on queryAll, on the running user (`USING SCOPE mine`) and their
 * locale (FORMAT) and, through date literals, on the current UTC day, so all of them make the key.
 */
export function planQuery(soql: string, options: Omit<QueryOptions, 'db' | 'apiVersion'>): QueryPlan {
  const now = options.now ?? new Date();
  const locale = options.locale ? `${options.locale.locale}/${options.locale.timeZone}` : '';
  const key = `${options.includeDeleted ? 1 : 0}|${options.userId ?? ''}|${locale}|${now.toISOString().slice(0, 10)}|${soql}`;
  let cache = planCache.get(options.catalog);
  if (!cache) {
    cache = new Map();
    planCache.set(options.catalog, cache);
  }
  const cached = cache.get(key);
  if (cached) {
    // Least recently used goes first: move a hit to the end.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const plan = compileQuery(soql, parseSoql(soql), {
    catalog: options.catalog,
    now,
    includeDeleted: options.includeDeleted,
    userId: options.userId ?? null,
    locale: options.locale,
  });
  if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, plan);
  return plan;
}

/** Runs a query and returns a cursor over its results. */
export function openQuery(soql: string, options: Omit<QueryOptions, 'apiVersion'>): QueryCursor {
  const plan = planQuery(soql, options);
  switch (plan.kind) {
    case 'count': {
      const row = run(options.db, plan.sql, plan.params)[0];
      const totalSize = Number(row?.n ?? 0);
      return { totalSize, page: () => ({ records: [], next: null }) };
    }
    case 'aggregate':
      return aggregateCursor(options.db, plan);
    case 'records':
      return recordsCursor(options.db, plan);
  }
}

/** Runs a SOQL query and returns all its records in one QueryResult (no locator). */
export function executeSoql(soql: string, options: QueryOptions): QueryResult {
  const cursor = openQuery(soql, options);
  const records: Record<string, unknown>[] = [];
  let start: number | null = 0;
  while (start !== null) {
    const page = cursor.page(start, MAX_BATCH_SIZE, options.apiVersion);
    records.push(...page.records);
    start = page.next;
  }
  return { totalSize: cursor.totalSize, done: true, records };
}
