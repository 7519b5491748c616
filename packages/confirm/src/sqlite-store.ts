import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { IdempotencyEntry, IdempotencyStore } from './idempotency.ts';
import type { NonceStore } from './nonce-store.ts';

/** Where the apps keep the store in their data folder. */
export const SQLITE_STORE_FILE = 'confirm.db';

/** The nonce and idempotency stores of one SQLite file, and how to close it. */
export interface SqliteStores {
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  /** Closes the database (calls after this reject). */
  close(): void;
}

export interface SqliteStoreOptions {
  /** The database file; created (mode 0600, with its folder) when missing. */
  file: string;
  /**
   * How long a call waits for another process's transaction before it fails (SQLite's busy
   * timeout); 500 ms by default, the same budget the other stores get. node:sqlite is synchronous,
   * so this, not a timer, is what bounds a call.
   */
  busyTimeoutMs?: number;
  /** The clock, in epoch milliseconds (for tests). */
  now?: () => number;
  /** Expired rows are deleted at most this often (default a minute). */
  sweepEveryMs?: number;
}

/**
 * Used confirmation tokens and idempotency keys in one SQLite file (Node's `node:sqlite`), so that
 * they outlive the process: after a crash or a restart, a replayed token is still refused and a
 * retried key still answers with its first result. Several processes on one machine (the gateway
 * and the GPT Actions adapter with one data folder) share the file safely:
 *
 * - WAL journal, so readers never wait for the writer and a process killed mid-transaction leaves
 *   the file consistent (its uncommitted transaction is simply not there);
 * - `synchronous = FULL`: a claim is on disk before the write it protects is sent to Salesforce,
 *   even if the machine loses power;
 * - every check-and-set is one statement or one `BEGIN IMMEDIATE` transaction, which takes the
 *   write lock before reading, so two processes cannot both see a key as free;
 * - a busy timeout, so a process waits briefly for another's transaction instead of failing.
 */
export function createSqliteStores(options: SqliteStoreOptions): SqliteStores {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  if (options.file !== ':memory:') {
    mkdirSync(dirname(options.file), { recursive: true });
    // Created here first so that it is private to this user; SQLite keeps the mode for its -wal file.
    closeSync(openSync(options.file, 'a', 0o600));
  }
  const db = new DatabaseSync(options.file, { timeout: options.busyTimeoutMs ?? 500 });
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS idempotency (
      key TEXT PRIMARY KEY, entry TEXT NOT NULL, expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);

  const statements = new Map<string, StatementSync>();
  const sql = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };

  let lastSweep = 0;
  function sweep(at: number) {
    if (at - lastSweep < sweepEveryMs) return;
    lastSweep = at;
    sql('DELETE FROM nonces WHERE expires_at <= ?').run(at);
    sql('DELETE FROM idempotency WHERE expires_at <= ?').run(at);
  }

  const live = (key: string, at: number) =>
    sql('SELECT entry FROM idempotency WHERE key = ? AND expires_at > ?').get(key, at) as
      | { entry: string }
      | undefined;

  const nonces: NonceStore = {
    async claim(nonce, ttlMs) {
      const at = now();
      sweep(at);
      // One statement, atomic: a new nonce is inserted, an expired one taken over, a live one left
      // alone (no row changes).
      const { changes } = sql(
        `INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)
         ON CONFLICT (nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?`,
      ).run(nonce, at + Math.max(1, Math.ceil(ttlMs)), at);
      return changes === 1;
    },
  };

  const idempotency: IdempotencyStore = {
    async reserve(key, entry, ttlMs) {
      const at = now();
      sweep(at);
      db.exec('BEGIN IMMEDIATE');
      try {
        const held = live(key, at);
        if (!held) {
          sql('INSERT OR REPLACE INTO idempotency (key, entry, expires_at) VALUES (?, ?, ?)').run(
            key,
            JSON.stringify(entry),
            at + Math.max(1, Math.ceil(ttlMs)),
          );
        }
        db.exec('COMMIT');
        return held ? (JSON.parse(held.entry) as IdempotencyEntry) : null;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    async get(key) {
      const held = live(key, now());
      return held ? (JSON.parse(held.entry) as IdempotencyEntry) : undefined;
    },
    async put(key, entry, ttlMs) {
      sql('INSERT OR REPLACE INTO idempotency (key, entry, expires_at) VALUES (?, ?, ?)').run(
        key,
        JSON.stringify(entry),
        now() + Math.max(1, Math.ceil(ttlMs)),
      );
    },
    async release(key) {
      sql('DELETE FROM idempotency WHERE key = ?').run(key);
    },
  };

  return {
    nonces,
    idempotency,
    close() {
      if (db.isOpen) db.close();
    },
  };
}
