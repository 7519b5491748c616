import type { DatabaseSync } from 'node:sqlite';
import { makeId } from './ids.ts';
import { type Catalog, type CustomMetadata, createCatalog } from './metadata/catalog.ts';
import { openDatabase } from './store/database.ts';

export interface OrgOptions {
  /** A folder for the org's data, or `:memory:` (the default). */
  dataDir?: string;
  /** Custom objects and fields added to the standard catalogue. */
  metadata?: CustomMetadata;
  /** How long an access token lives (default two hours, Salesforce's default session timeout). */
  sessionLifetimeMs?: number;
  /** The clock, for tests of expiry and date literals. */
  now?: () => Date;
}

/** One emulated org: its schema, its data and its clock. */
export interface Org {
  readonly db: DatabaseSync;
  readonly catalog: Catalog;
  readonly orgId: string;
  readonly sessionLifetimeMs: number;
  now(): Date;
  close(): void;
}

export function createOrg(options: OrgOptions = {}): Org {
  const catalog = createCatalog(options.metadata);
  const db = openDatabase({ dataDir: options.dataDir ?? ':memory:', catalog });
  let orgId = (
    db.prepare(`SELECT value FROM _meta WHERE key = 'orgId'`).get() as { value: string } | undefined
  )?.value;
  if (!orgId) {
    orgId = makeId('00D', 1);
    db.prepare(`INSERT INTO _meta (key, value) VALUES ('orgId', ?)`).run(orgId);
  }
  return {
    db,
    catalog,
    orgId,
    sessionLifetimeMs: options.sessionLifetimeMs ?? 2 * 60 * 60 * 1000,
    now: options.now ?? (() => new Date()),
    close: () => db.close(),
  };
}

/** True when the org has no users yet, i.e. nothing was seeded. */
export function isEmpty(org: Org): boolean {
  return (org.db.prepare('SELECT COUNT(*) AS n FROM "User"').get() as { n: number }).n === 0;
}
