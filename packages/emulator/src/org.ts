import type { DatabaseSync } from 'node:sqlite';
import { purgeJobs } from './bulk/jobs.ts';
import { makeId } from './ids.ts';
import { type Catalog, type CustomMetadata, createCatalog } from './metadata/catalog.ts';
import { createMeter, type Meter } from './meter.ts';
import { ensureSearchIndexes } from './sosl/search-index.ts';
import { openDatabase } from './store/database.ts';
import { purgeDeleted } from './store/records.ts';

export interface OrgOptions {
  /** A folder for the org's data, or `:memory:` (the default). */
  dataDir?: string;
  /** Custom objects and fields added to the standard catalogue. */
  metadata?: CustomMetadata;
  /** How long an access token lives (default two hours, Salesforce's default session timeout). */
  sessionLifetimeMs?: number;
  /** The clock, for tests of expiry and date literals. */
  now?: () => Date;
  /** The DailyApiRequests allowance (default 15000). */
  dailyApiRequests?: number;
  /** How often to purge Recycle Bin rows older than 15 days (default hourly; 0 turns the timer off). */
  purgeIntervalMs?: number;
}

/** One emulated org: its schema, its data, its clock and its API meter. */
export interface Org {
  readonly db: DatabaseSync;
  readonly catalog: Catalog;
  readonly orgId: string;
  readonly sessionLifetimeMs: number;
  /** API usage (DailyApiRequests) and call metrics; the query route records its SOQL here. */
  readonly meter: Meter;
  now(): Date;
  /**
   * Counts a query's SOQL text in the metrics (the query route calls it for each query and each
   * next page, under the original SOQL). The call itself is counted by resource by the middleware.
   */
  meterQuery(soql: string): void;
  /** Permanently removes records deleted more than 15 days ago (by `now()`); returns how many. */
  purge(): number;
  close(): void;
}

/** Opens (or creates) an org. Records deleted more than 15 days ago are purged on open and then hourly. */
export function createOrg(options: OrgOptions = {}): Org {
  const catalog = createCatalog(options.metadata);
  const db = openDatabase({ dataDir: options.dataDir ?? ':memory:', catalog });
  // SOSL's full-text index, kept in step with each searchable object's table by triggers.
  ensureSearchIndexes(db, catalog);
  let orgId = (
    db.prepare(`SELECT value FROM _meta WHERE key = 'orgId'`).get() as { value: string } | undefined
  )?.value;
  if (!orgId) {
    orgId = makeId('00D', 1);
    db.prepare(`INSERT INTO _meta (key, value) VALUES ('orgId', ?)`).run(orgId);
  }
  const now = options.now ?? (() => new Date());
  const meter = createMeter({ db, now, dailyApiRequests: options.dailyApiRequests });
  // The Recycle Bin keeps deleted records 15 days; Bulk API jobs are kept 7 days.
  const purge = () => {
    purgeJobs(db, now());
    return purgeDeleted(db, catalog, now());
  };
  purge();
  const interval = options.purgeIntervalMs ?? 60 * 60 * 1000;
  const timer = interval > 0 ? setInterval(purge, interval) : undefined;
  timer?.unref();
  return {
    db,
    catalog,
    orgId,
    sessionLifetimeMs: options.sessionLifetimeMs ?? 2 * 60 * 60 * 1000,
    meter,
    now,
    meterQuery: (soql) => meter.recordSoql(soql),
    purge,
    close: () => {
      if (timer) clearInterval(timer);
      if (!db.isOpen) return;
      meter.flush();
      db.close();
    },
  };
}

/** True when the org has no users yet, i.e. nothing was seeded. */
export function isEmpty(org: Org): boolean {
  return (org.db.prepare('SELECT COUNT(*) AS n FROM "User"').get() as { n: number }).n === 0;
}
