/**
 * Bulk API 2.0 query jobs: the SOQL is checked when the job is created (with Bulk API 2.0's
 * restrictions: no aggregates, no child subqueries, no TYPEOF, no OFFSET, no compound fields), then
 * run once, its rows streamed from SQLite and written back to SQLite as CSV lines, so that the
 * results are a snapshot read page by page (`locator`, `maxRecords`) without being held in memory.
 * The whole run is one transaction (a consistent snapshot); it holds one row at a time.
 */
import { stringify } from 'csv-stringify/sync';
import { ApiError } from '../errors.ts';
import { isVirtualCompound } from '../metadata/types.ts';
import type { Org } from '../org.ts';
import type { RecordsPlan, ValueOutput } from '../soql/compile.ts';
import { iterateRecords, planQuery } from '../soql/execute.ts';
import { allocationAllows, useAllocation } from '../store/allocations.ts';
import { statement, transaction } from '../store/database.ts';
import { COLUMN_DELIMITERS, type Job, updateJob } from './jobs.ts';

// (unconfirmed) the code; the wordings follow Bulk API's FeatureNotEnabled errors.
const notSupported = (what: string) => new ApiError(400, 'FEATURENOTENABLED', `FeatureNotEnabled : ${what}`);

/** The plan of a bulk query, refused as Salesforce refuses what Bulk API 2.0 cannot run. */
export function planBulkQuery(org: Org, soql: string, includeDeleted: boolean, userId: string): RecordsPlan {
  const plan = planQuery(soql, { catalog: org.catalog, includeDeleted, now: org.now(), userId });
  if (plan.kind !== 'records') throw notSupported('Aggregate queries are not supported by Bulk API 2.0');
  if (plan.children.length > 0) throw notSupported('Cannot use nested queries in Bulk API 2.0');
  if (plan.outputs.some((o) => o.kind === 'typeof'))
    throw notSupported('TYPEOF is not supported by Bulk API 2.0');
  if (plan.hasOffset) throw notSupported('OFFSET is not supported by Bulk API 2.0');
  if (plan.outputs.some((o) => o.kind === 'value' && isVirtualCompound(o.field))) {
    throw notSupported('Compound data not supported in Bulk Query');
  }
  return plan;
}

/** A result column's header: the path as selected (`Account.Owner.Name`). */
const header = (output: ValueOutput) => [...output.nodes.map((n) => n.name), output.key].join('.');

/** The value at a column's path in a shaped record, as Bulk API 2.0 writes it in CSV. */
function cell(record: Record<string, unknown>, output: ValueOutput): string {
  let value: unknown = record;
  for (const step of [...output.nodes.map((n) => n.name), output.key]) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string, unknown>)[step];
  }
  if (value === null || value === undefined) return '';
  // Datetimes in ISO 8601 with Z, as Bulk API answers them.
  return typeof value === 'string'
    ? value.replace(/^(\d{4}-\d{2}-\d{2}T[\d:.]+)\+0000$/, '$1Z')
    : String(value);
}

/**
 * One CSV line, every value quoted as Bulk API 2.0 quotes them (an empty value too), without its
 * line ending (the job's lineEnding is added when results are read).
 */
export function csvLine(values: string[], delimiter: string): string {
  return stringify([values], { delimiter, quoted: true, quoted_empty: true, eof: false });
}

/** Runs a query job: every row becomes a stored CSV line. */
export function runQueryJob(org: Org, jobId: string): void {
  const job = statement(org.db, 'SELECT * FROM _bulk_jobs WHERE id = ?').get(jobId) as Job | undefined;
  if (job?.state !== 'UploadComplete') return;
  const started = Date.now();
  updateJob(org.db, job.id, { state: 'InProgress', systemModstamp: org.now().toISOString() });
  try {
    const plan = planBulkQuery(org, job.query as string, job.operation === 'queryAll', job.createdById);
    const outputs = plan.outputs.filter((o): o is ValueOutput => o.kind === 'value');
    const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
    let n = 0;
    let bytes = 0;
    transaction(org.db, () => {
      const insert = statement(
        org.db,
        `INSERT INTO _bulk_rows (jobId, n, data, status) VALUES (?, ?, ?, 'result')`,
      );
      for (const record of iterateRecords(org.db, plan, `v${job.apiVersion}`)) {
        const line = csvLine(
          outputs.map((output) => cell(record, output)),
          delimiter,
        );
        insert.run(job.id, n++, line);
        bytes += Buffer.byteLength(line) + 1;
      }
      useAllocation(org, 'DailyBulkV2QueryFileStorageMB', bytes / 1024 / 1024);
      updateJob(org.db, job.id, {
        state: 'JobComplete',
        columns: JSON.stringify(outputs.map(header)),
        processed: n,
        processingMs: Date.now() - started,
        systemModstamp: org.now().toISOString(),
      });
    });
  } catch (error) {
    // Nothing is kept of a failed run; the job tells it failed, as Salesforce's does (no message).
    updateJob(org.db, job.id, {
      state: 'Failed',
      errorMessage: error instanceof Error ? error.message : String(error),
      systemModstamp: org.now().toISOString(),
    });
  }
}

/** Whether today's allocation allows one more query job. */
export const queryJobAllowed = (org: Org) => allocationAllows(org, 'DailyBulkV2QueryJobs');
