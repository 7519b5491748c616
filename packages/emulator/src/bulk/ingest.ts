/**
 * Bulk API 2.0 ingest: the uploaded CSV goes to `_bulk_rows` as it streams in, and once the job is
 * closed (UploadComplete) its rows are processed in the background, a slice at a time, each record
 * through the same DML as the REST API (`POST /sobjects/X`, `PATCH`, upsert, `DELETE`), in its own
 * savepoint. Salesforce's CSV conventions: the header names fields (or `Relationship.ExternalIdField`
 * for a lookup by external id), an empty value leaves a field alone and `#N/A` sets it to null.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { savepoint } from '../composite/collections.ts';
import {
  createRecord,
  type DmlContext,
  deleteRecord,
  hardDeleteRecord,
  updateRecord,
  upsertRecord,
} from '../dml/dml.ts';
import { ApiError } from '../errors.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import { statement, transaction } from '../store/database.ts';
import { COLUMN_DELIMITERS, type Job, updateJob } from './jobs.ts';

/** Rows written to SQLite per transaction while a CSV streams in. */
const UPLOAD_CHUNK = 500;

/**
 * Reads an upload into the job's rows as it streams in: the first record is the header. A CSV that
 * cannot be read is remembered on the job (Salesforce accepts the upload and fails the job when it
 * is processed).
 */
export async function storeUpload(org: Org, job: Job, body: Readable): Promise<void> {
  const parser = body.pipe(
    parse({
      delimiter: COLUMN_DELIMITERS[job.columnDelimiter],
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
    }),
  );
  let header: string[] | null = null;
  let n = (
    statement(org.db, 'SELECT COALESCE(MAX(n), -1) + 1 AS next FROM _bulk_rows WHERE jobId = ?').get(
      job.id,
    ) as {
      next: number;
    }
  ).next;
  let chunk: string[][] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const rows = chunk;
    chunk = [];
    transaction(org.db, () => {
      const insert = statement(org.db, 'INSERT INTO _bulk_rows (jobId, n, data) VALUES (?, ?, ?)');
      for (const row of rows) insert.run(job.id, n++, JSON.stringify(row));
    });
  };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((name) => name.trim());
        continue;
      }
      chunk.push(record);
      if (chunk.length >= UPLOAD_CHUNK) flush();
    }
    flush();
    updateJob(org.db, job.id, {
      uploads: job.uploads + 1,
      columns: job.columns ?? JSON.stringify(header ?? []),
    });
  } catch (error) {
    body.resume();
    const message = error instanceof Error ? error.message : String(error);
    updateJob(org.db, job.id, {
      uploads: job.uploads + 1,
      uploadError: `InvalidBatch : Failed to parse CSV: ${message}`,
    });
  }
}

/** How a header column writes into a record. */
type ColumnTarget =
  | { name: string; kind: 'field' }
  | { name: string; kind: 'relationship'; externalId: string };

/** Reads the header against the object: each column a field, or `Relationship.ExternalIdField`. */
function columnTargets(org: Org, object: ObjectMeta, header: string[]): ColumnTarget[] {
  return header.map((column) => {
    const [relationship, field, ...rest] = column.split('.');
    if (field !== undefined && rest.length === 0) {
      const reference = org.catalog.parentRelationship(object, relationship as string);
      const targets = reference?.referenceTo.map((name) => org.catalog.object(name));
      if (reference && targets?.every((target) => target && org.catalog.field(target, field))) {
        return { name: reference.relationshipName as string, kind: 'relationship', externalId: field };
      }
    } else if (field === undefined) {
      const meta = org.catalog.field(object, column);
      if (meta) return { name: meta.name, kind: 'field' };
    }
    throw new BatchError(`InvalidBatch : Field name not found : ${column}`);
  });
}

class BatchError extends Error {}

/** A record's values from a CSV row: empty leaves a field out, `#N/A` is null. */
function recordValues(targets: ColumnTarget[], row: string[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  targets.forEach((target, i) => {
    const raw = row[i] ?? '';
    if (raw === '') return;
    const cell = raw === '#N/A' ? null : raw;
    if (target.kind === 'field') value[target.name] = cell;
    else value[target.name] = cell === null ? null : { [target.externalId]: cell };
  });
  return value;
}

/** Salesforce's sf__Error text: `STATUS_CODE:message:fields --`. */
function errorText(error: ApiError): string {
  return `${error.errorCode}:${error.message}:${(error.fields ?? []).join(',')} --`;
}

interface Outcome {
  sfId: string | null;
  created: boolean;
}

/** Runs one row's operation, as the single-record REST call would. */
function runRow(
  org: Org,
  job: Job,
  object: ObjectMeta,
  values: Record<string, unknown>,
  ctx: DmlContext,
): Outcome {
  const idKey = Object.keys(values).find((key) => key.toLowerCase() === 'id');
  const id = idKey ? values[idKey] : undefined;
  const withoutId = Object.fromEntries(Object.entries(values).filter(([key]) => key !== idKey));
  const requireId = (): string => {
    if (typeof id !== 'string' || id === '') {
      throw new ApiError(400, 'MISSING_ARGUMENT', `Id not specified in an ${job.operation} call`, []);
    }
    return id;
  };
  switch (job.operation) {
    case 'insert':
      return { sfId: createRecord(org, object, { value: values }, ctx), created: true };
    case 'update':
      updateRecord(org, object, requireId(), { value: withoutId }, ctx);
      return { sfId: requireId(), created: false };
    case 'upsert': {
      const field = job.externalIdFieldName as string;
      const keyName = Object.keys(values).find((key) => key.toLowerCase() === field.toLowerCase());
      const key = keyName ? values[keyName] : undefined;
      // A row without a key matches nothing: it is inserted (Data Loader's upsert on Id relies on it).
      if (typeof key !== 'string' || key === '') {
        const value = Object.fromEntries(Object.entries(values).filter(([name]) => name !== keyName));
        return { sfId: createRecord(org, object, { value }, ctx), created: true };
      }
      const result = upsertRecord(org, object, field, key, { value: values }, ctx);
      if ('multiple' in result) {
        // (unconfirmed) code and wording, as sObject Collections report it.
        throw new ApiError(
          400,
          'DUPLICATE_EXTERNAL_ID',
          `${field}: more than one record found for external id field: [${result.multiple.join(', ')}]`,
          [field],
        );
      }
      return { sfId: result.id, created: result.created };
    }
    case 'delete':
      deleteRecord(org, object, requireId(), ctx);
      return { sfId: requireId(), created: false };
    case 'hardDelete':
      hardDeleteRecord(org, object, requireId(), ctx);
      return { sfId: requireId(), created: false };
    default:
      throw new Error(`not an ingest operation: ${job.operation}`);
  }
}

/** Rows processed per step, and how long a slice may hold the event loop. */
const STEP = 200;
const SLICE_MS = 50;

/**
 * Processes a slice of a closed job's pending rows (about {@link SLICE_MS} of work) and returns
 * true when the job is finished. A job whose upload or header cannot be read fails whole.
 */
export function processIngestSlice(org: Org, jobId: string): boolean {
  const job = statement(org.db, 'SELECT * FROM _bulk_jobs WHERE id = ?').get(jobId) as Job | undefined;
  if (!job || (job.state !== 'UploadComplete' && job.state !== 'InProgress')) return true;
  const started = Date.now();
  const now = () => org.now().toISOString();
  const fail = (message: string) => {
    updateJob(org.db, job.id, { state: 'Failed', errorMessage: message, systemModstamp: now() });
    return true;
  };
  if (job.uploadError) return fail(job.uploadError);
  const object = org.catalog.object(job.object) as ObjectMeta;
  let targets: ColumnTarget[];
  try {
    targets = columnTargets(org, object, JSON.parse(job.columns ?? '[]') as string[]);
  } catch (error) {
    if (error instanceof BatchError) return fail(error.message);
    throw error;
  }
  if (job.state === 'UploadComplete')
    updateJob(org.db, job.id, { state: 'InProgress', systemModstamp: now() });
  const ctx: DmlContext = { userId: job.createdById, now: org.now() };
  let processed = job.processed;
  let failed = job.failed;
  let more = true;
  while (more && Date.now() - started < SLICE_MS) {
    transaction(org.db, () => {
      const rows = statement(
        org.db,
        `SELECT n, data FROM _bulk_rows WHERE jobId = ? AND status = 'pending' ORDER BY n LIMIT ${STEP}`,
      ).all(job.id) as { n: number; data: string }[];
      const done = statement(
        org.db,
        'UPDATE _bulk_rows SET status = ?, sfId = ?, created = ?, error = ? WHERE jobId = ? AND n = ?',
      );
      for (const row of rows) {
        const values = recordValues(targets, JSON.parse(row.data) as string[]);
        try {
          const outcome = savepoint(org, () => runRow(org, job, object, values, ctx));
          done.run('success', outcome.sfId, outcome.created ? 1 : 0, null, job.id, row.n);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          failed++;
          // A failed update or delete names the record it was for; a failed insert has no Id.
          const id =
            job.operation === 'insert'
              ? undefined
              : Object.entries(values).find(([k]) => k.toLowerCase() === 'id')?.[1];
          done.run('failed', typeof id === 'string' ? id : null, null, errorText(error), job.id, row.n);
        }
        processed++;
      }
      more = rows.length === STEP;
      updateJob(org.db, job.id, {
        processed,
        failed,
        processingMs: job.processingMs + (Date.now() - started),
      });
    });
  }
  if (more) return false;
  updateJob(org.db, job.id, { state: 'JobComplete', systemModstamp: now() });
  return true;
}
