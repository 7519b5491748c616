import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from './errors.ts';
import { statement, transaction } from './store/database.ts';

/** Salesforce's default DailyApiRequests allowance for a developer org. */
export const DEFAULT_DAILY_API_REQUESTS = 15000;

/** API calls counted since the metrics were last reset. */
export interface Metrics {
  /** When counting started (ISO datetime). */
  since: string;
  /** Every call under `/services/data/vXX.X`. */
  total: number;
  /** Calls by resource, e.g. `GET /query`, `POST /sobjects/Case`, `GET /sobjects/Contact/{id}`. */
  byResource: Record<string, number>;
  /** Query calls by SOQL text, as sent. */
  bySoql: Record<string, number>;
}

/** The org's API usage counter and call metrics. */
export interface Meter {
  /** The daily allowance (DailyApiRequests.Max). */
  readonly max: number;
  /**
   * Counts one API request against today's allowance, or throws 403 REQUEST_LIMIT_EXCEEDED when
   * none is left. Returns the usage including this request, for `Sforce-Limit-Info`.
   */
  consume(): { used: number; max: number };
  /** Today's usage without counting anything. */
  usage(): { used: number; max: number };
  /**
   * Records one call in the metrics, by resource and (for queries) by SOQL text. A route that calls
   * this itself (the query route, with its SOQL) is not counted again by the data middleware.
   */
  count(resource: string, soql?: string): void;
  /** Records one query's SOQL text without naming the call's resource (the middleware names it). */
  recordSoql(soql: string): void;
  /** Runs a request handler and reports whether it called {@link Meter.count}. */
  track<T>(fn: () => Promise<T>): Promise<{ result: T; counted: boolean }>;
  metrics(): Metrics;
  resetMetrics(): void;
  /** Forgets today's usage (a reset org starts with a fresh allowance). */
  resetUsage(): void;
  /** Writes pending counters to the database (done shortly after each call, and on close). */
  flush(): void;
}

export interface MeterOptions {
  db: DatabaseSync;
  now: () => Date;
  /** DailyApiRequests maximum (default 15000). */
  dailyApiRequests?: number;
}

/**
 * Creates the meter. Usage is kept per UTC day of the org's clock and persisted in SQLite, so it
 * survives restarts. Salesforce's window is a rolling 24 hours; a calendar day is close enough for a
 * local org and easier to reason about in tests. Counters are written to SQLite shortly after they
 * change rather than on every call, so that reads do not pay for a disk sync; a crash can lose the
 * last fraction of a second of counts, never data.
 */
export function createMeter(options: MeterOptions): Meter {
  const { db, now } = options;
  const max = options.dailyApiRequests ?? DEFAULT_DAILY_API_REQUESTS;
  const store = new AsyncLocalStorage<{ counted: boolean }>();
  const today = () => now().toISOString().slice(0, 10);

  let day = today();
  let used =
    (statement(db, 'SELECT used FROM _api_usage WHERE day = ?').get(day) as { used: number } | undefined)
      ?.used ?? 0;
  const pending = new Map<string, number>();
  let since =
    (
      statement(db, `SELECT value FROM _meta WHERE key = 'metricsSince'`).get() as
        | { value: string }
        | undefined
    )?.value ?? now().toISOString();
  let timer: NodeJS.Timeout | undefined;
  let usageDirty = false;

  const loadMetrics = () => {
    const metrics: Metrics = { since, total: 0, byResource: {}, bySoql: {} };
    const rows = statement(db, 'SELECT kind, key, count FROM _metrics').all() as {
      kind: string;
      key: string;
      count: number;
    }[];
    const add = (kind: string, key: string, count: number) => {
      if (kind === 'resource') {
        metrics.byResource[key] = (metrics.byResource[key] ?? 0) + count;
        metrics.total += count;
      } else if (kind === 'soql') metrics.bySoql[key] = (metrics.bySoql[key] ?? 0) + count;
    };
    for (const row of rows) add(row.kind, row.key, row.count);
    for (const [composite, count] of pending) {
      const [kind, key] = splitKey(composite);
      add(kind, key, count);
    }
    return metrics;
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!db.isOpen || (!usageDirty && pending.size === 0)) return;
    const write = () => {
      if (usageDirty) {
        statement(
          db,
          'INSERT INTO _api_usage (day, used) VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET used = excluded.used',
        ).run(day, used);
        usageDirty = false;
      }
      for (const [composite, count] of pending) {
        const [kind, key] = splitKey(composite);
        statement(
          db,
          'INSERT INTO _metrics (kind, key, count) VALUES (?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET count = count + excluded.count',
        ).run(kind, key, count);
      }
      pending.clear();
    };
    // Inside a caller's transaction the counters simply join it.
    if (db.isTransaction) write();
    else transaction(db, write);
  };

  const schedule = () => {
    if (timer) return;
    timer = setTimeout(flush, 200);
    timer.unref();
  };

  const rollDay = () => {
    const current = today();
    if (current !== day) {
      flush();
      day = current;
      used =
        (statement(db, 'SELECT used FROM _api_usage WHERE day = ?').get(day) as { used: number } | undefined)
          ?.used ?? 0;
    }
  };

  return {
    max,
    consume() {
      rollDay();
      if (used >= max) throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      used++;
      usageDirty = true;
      schedule();
      return { used, max };
    },
    usage() {
      rollDay();
      return { used, max };
    },
    count(resource, soql) {
      const state = store.getStore();
      if (state) {
        // Only the first count of a request names its resource.
        if (!state.counted) bump('resource', resource);
        state.counted = true;
      } else bump('resource', resource);
      if (soql !== undefined) bump('soql', soql);
      schedule();
    },
    recordSoql(soql) {
      bump('soql', soql);
      schedule();
    },
    async track(fn) {
      const state = { counted: false };
      const result = await store.run(state, fn);
      return { result, counted: state.counted };
    },
    metrics: loadMetrics,
    resetMetrics() {
      pending.clear();
      since = now().toISOString();
      transaction(db, () => {
        statement(db, 'DELETE FROM _metrics').run();
        statement(db, `INSERT OR REPLACE INTO _meta (key, value) VALUES ('metricsSince', ?)`).run(since);
      });
    },
    resetUsage() {
      used = 0;
      usageDirty = false;
      statement(db, 'DELETE FROM _api_usage').run();
    },
    flush,
  };

  function bump(kind: string, key: string) {
    const composite = `${kind}\u0000${key}`;
    pending.set(composite, (pending.get(composite) ?? 0) + 1);
  }
}

function splitKey(composite: string): [string, string] {
  const at = composite.indexOf('\u0000');
  return [composite.slice(0, at), composite.slice(at + 1)];
}
