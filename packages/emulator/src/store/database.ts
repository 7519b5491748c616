import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ensureOAuthTables } from '../auth/store.ts';
import { ensureBulkTables } from '../bulk/jobs.ts';
import type { Catalog } from '../metadata/catalog.ts';
import { type FieldMeta, type ObjectMeta, storedFields } from '../metadata/types.ts';
import { registerLike } from '../soql/like.ts';

/**
 * How values live in SQLite:
 * - text-like fields are TEXT with NOCASE collation, because SOQL compares strings case-insensitively;
 *   ids and references stay case-sensitive (BINARY), as 15-character ids are;
 * - booleans are INTEGER 0/1, numbers INTEGER or REAL;
 * - dates are `YYYY-MM-DD` and datetimes `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, both sortable as text;
 * - multi-select picklists are `a;b;c`.
 */
export function columnType(field: FieldMeta): string {
  switch (field.type) {
    case 'id':
    case 'reference':
    case 'base64':
      return 'TEXT';
    case 'address':
    case 'location':
      throw new Error(`${field.name} is a compound field without a column`);
    case 'boolean':
    case 'int':
      return 'INTEGER';
    case 'double':
    case 'currency':
    case 'percent':
      return 'REAL';
    default:
      return 'TEXT COLLATE NOCASE';
  }
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface OpenDatabaseOptions {
  /** A folder for `org.db`, or `:memory:`. */
  dataDir: string;
  catalog: Catalog;
}

/**
 * Opens (creating when needed) the org's database: one table per object, plus the emulator's own
 * tables (sessions, credentials, connected apps, sequences), which start with an underscore.
 */
export function openDatabase({ dataDir, catalog }: OpenDatabaseOptions): DatabaseSync {
  let path = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    path = join(dataDir, 'org.db');
  }
  const db = new DatabaseSync(path);
  // WAL with synchronous=FULL: a write acknowledged to a client is on disk, even after kill -9.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;');
  db.exec(`
    CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS _sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS _credentials (userId TEXT PRIMARY KEY, password TEXT NOT NULL, securityToken TEXT NOT NULL, access TEXT NOT NULL DEFAULT 'full');
    CREATE TABLE IF NOT EXISTS _connected_apps (clientId TEXT PRIMARY KEY, clientSecret TEXT NOT NULL, name TEXT NOT NULL, callbackUrls TEXT NOT NULL DEFAULT '[]');
    CREATE TABLE IF NOT EXISTS _sessions (token TEXT PRIMARY KEY, userId TEXT NOT NULL, clientId TEXT NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS _deleted (id TEXT PRIMARY KEY, object TEXT NOT NULL, deletedAt TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS ix__deleted_object ON _deleted (object, deletedAt);
    CREATE TABLE IF NOT EXISTS _api_usage (day TEXT PRIMARY KEY, used INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS _metrics (kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (kind, key));
    CREATE TABLE IF NOT EXISTS _allocations (day TEXT NOT NULL, name TEXT NOT NULL, used REAL NOT NULL, PRIMARY KEY (day, name));
  `);
  ensureBulkTables(db);
  ensureOAuthTables(db);
  registerLike(db);
  // Another process (or a test) may hold the write lock for a moment; wait instead of failing.
  db.exec('PRAGMA busy_timeout = 5000;');
  for (const object of catalog.objects) ensureTable(db, object);
  return db;
}

function ensureTable(db: DatabaseSync, object: ObjectMeta): void {
  const table = quoteIdent(object.name);
  const existing = new Set(
    (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(object.name) as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  // Addresses and geolocations are read from their components: they have no column.
  const stored = storedFields(object);
  if (existing.size === 0) {
    const columns = stored.map((f) =>
      f.name === 'Id' ? `"Id" TEXT PRIMARY KEY` : `${quoteIdent(f.name)} ${columnType(f)}`,
    );
    db.exec(`CREATE TABLE ${table} (${columns.join(', ')})`);
  } else {
    // Custom fields added by a later metadata file become new columns.
    for (const f of stored) {
      if (!existing.has(f.name))
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(f.name)} ${columnType(f)}`);
    }
  }
  for (const f of object.fields) {
    if (
      f.type === 'reference' ||
      f.nameField ||
      f.unique ||
      f.externalId ||
      f.idLookup ||
      f.autoNumber ||
      f.name === 'SystemModstamp'
    ) {
      db.exec(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(`ix_${object.name}_${f.name}`)} ON ${table} (${quoteIdent(f.name)})`,
      );
    }
  }
}

const statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** A prepared statement, compiled once per database and SQL text. */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** Returns the next value of a named counter, atomically within the current transaction. */
export function nextSequence(db: DatabaseSync, name: string): number {
  const row = statement(
    db,
    'INSERT INTO _sequences (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
  ).get(name) as { value: number };
  return row.value;
}

/** Runs `fn` in a transaction (nested calls join the outer one). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
