/**
 * Bulk API 2.0 jobs as the org stores them: one row per job in `_bulk_jobs`, and one row per CSV
 * record in `_bulk_rows` (an ingest job's uploaded records with their outcome, or a query job's
 * result lines). Records go to SQLite as they arrive and come back from it in pages, so a job of a
 * million rows never sits in memory.
 */
import type { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../errors.ts';
import { makeId } from '../ids.ts';
import { nextSequence, statement } from '../store/database.ts';

/** A job's lifecycle (Salesforce's `state`). */
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
export type QueryOperation = 'query' | 'queryAll';

/** Column delimiters Bulk API 2.0 accepts, by name. */
export const COLUMN_DELIMITERS = {
  COMMA: ',',
  TAB: '\t',
  SEMICOLON: ';',
  PIPE: '|',
  CARET: '^',
  BACKQUOTE: '`',
} as const;
export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;
export type LineEnding = 'LF' | 'CRLF';

/** A job as stored. */
export interface Job {
  id: string;
  kind: 'ingest' | 'query';
  object: string;
  operation: IngestOperation | QueryOperation;
  externalIdFieldName: string | null;
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
  state: JobState;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  /** `60.0`. */
  apiVersion: string;
  query: string | null;
  /** The CSV header (ingest: as uploaded; query: the result columns), a JSON array. */
  columns: string | null;
  /** How many times data was uploaded (Salesforce takes one upload per job). */
  uploads: number;
  /** Why the uploaded CSV could not be read, if it could not. */
  uploadError: string | null;
  processed: number;
  failed: number;
  errorMessage: string | null;
  processingMs: number;
}

export function ensureBulkTables(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS _bulk_jobs (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, object TEXT NOT NULL, operation TEXT NOT NULL,
      externalIdFieldName TEXT, columnDelimiter TEXT NOT NULL, lineEnding TEXT NOT NULL,
      state TEXT NOT NULL, createdById TEXT NOT NULL, createdDate TEXT NOT NULL,
      systemModstamp TEXT NOT NULL, apiVersion TEXT NOT NULL, query TEXT, columns TEXT,
      uploads INTEGER NOT NULL DEFAULT 0, uploadError TEXT, processed INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0, errorMessage TEXT, processingMs INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS _bulk_rows (
      jobId TEXT NOT NULL, n INTEGER NOT NULL, data TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', sfId TEXT, created INTEGER, error TEXT,
      PRIMARY KEY (jobId, n)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ix__bulk_rows_status ON _bulk_rows (jobId, status, n);
  `);
}

const jobNotFound = () => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');

export function getJob(db: DatabaseSync, id: string, kind: Job['kind']): Job {
  const job = statement(db, 'SELECT * FROM _bulk_jobs WHERE id = ? AND kind = ?').get(id, kind) as
    | Job
    | undefined;
  if (!job) throw jobNotFound();
  return job;
}

export function listJobs(db: DatabaseSync, kind: Job['kind']): Job[] {
  return statement(db, 'SELECT * FROM _bulk_jobs WHERE kind = ? ORDER BY createdDate, id').all(
    kind,
  ) as unknown as Job[];
}

export function insertJob(
  db: DatabaseSync,
  job: Omit<
    Job,
    'id' | 'uploads' | 'uploadError' | 'processed' | 'failed' | 'errorMessage' | 'processingMs' | 'columns'
  >,
): Job {
  const id = makeId('750', nextSequence(db, 'id.750'));
  statement(
    db,
    `INSERT INTO _bulk_jobs (id, kind, object, operation, externalIdFieldName, columnDelimiter, lineEnding, state, createdById, createdDate, systemModstamp, apiVersion, query)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    job.kind,
    job.object,
    job.operation,
    job.externalIdFieldName,
    job.columnDelimiter,
    job.lineEnding,
    job.state,
    job.createdById,
    job.createdDate,
    job.systemModstamp,
    job.apiVersion,
    job.query,
  );
  return getJob(db, id, job.kind);
}

/** Updates some of a job's columns (systemModstamp included when given). */
export function updateJob(db: DatabaseSync, id: string, values: Partial<Omit<Job, 'id' | 'kind'>>): void {
  const names = Object.keys(values) as (keyof typeof values)[];
  if (names.length === 0) return;
  statement(db, `UPDATE _bulk_jobs SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(
    ...names.map((n) => (values[n] ?? null) as string | number | null),
    id,
  );
}

/** Removes a job and its rows. */
export function deleteJob(db: DatabaseSync, id: string): void {
  statement(db, 'DELETE FROM _bulk_rows WHERE jobId = ?').run(id);
  statement(db, 'DELETE FROM _bulk_jobs WHERE id = ?').run(id);
}

/** Salesforce keeps a job's data and results for seven days. */
export const JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Deletes the jobs created more than seven days before `now`; returns how many. */
export function purgeJobs(db: DatabaseSync, now: Date): number {
  const cutoff = new Date(now.getTime() - JOB_RETENTION_MS).toISOString();
  const old = statement(db, 'SELECT id FROM _bulk_jobs WHERE createdDate < ?').all(cutoff) as {
    id: string;
  }[];
  for (const { id } of old) deleteJob(db, id);
  return old.length;
}

/** Reads a job's rows with one status, in order, page by page (never all at once). */
export function* rowsOf(
  db: DatabaseSync,
  jobId: string,
  status: string,
  from = 0,
  limit = Number.MAX_SAFE_INTEGER,
): Generator<{ n: number; data: string; sfId: string | null; created: number | null; error: string | null }> {
  const PAGE = 1000;
  let after = from - 1;
  let left = limit;
  while (left > 0) {
    const rows = statement(
      db,
      'SELECT n, data, sfId, created, error FROM _bulk_rows WHERE jobId = ? AND status = ? AND n > ? ORDER BY n LIMIT ?',
    ).all(jobId, status, after, Math.min(PAGE, left)) as {
      n: number;
      data: string;
      sfId: string | null;
      created: number | null;
      error: string | null;
    }[];
    for (const row of rows) yield row;
    if (rows.length < Math.min(PAGE, left)) return;
    left -= rows.length;
    after = (rows.at(-1) as { n: number }).n;
  }
}
