/**
 * Bulk API 2.0 (`/jobs/ingest` from API 41.0, `/jobs/query` from 47.0): jobs, their state machine,
 * CSV uploads and CSV results. See bulk/jobs.ts for storage, bulk/ingest.ts and bulk/query.ts for
 * processing. Jobs are processed in the background, a slice at a time, holding the org's gate
 * shared (never inside an all-or-none composite's transaction), and resumed when the emulator
 * starts again with jobs left in UploadComplete or InProgress.
 *
 * Every call is one API call, as in Salesforce; besides, an ingest job counts one batch per
 * 10,000 records against DailyBulkApiBatches, a query job one against DailyBulkV2QueryJobs and its
 * results' size against DailyBulkV2QueryFileStorageMB.
 *
 * The error codes and wordings of refused job requests are unconfirmed unless a comment says
 * otherwise: Salesforce documents the resources but not each refusal.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Context, Hono } from 'hono';
import { processIngestSlice, storeUpload } from '../bulk/ingest.ts';
import {
  COLUMN_DELIMITERS,
  type ColumnDelimiter,
  deleteJob,
  getJob,
  type IngestOperation,
  insertJob,
  type Job,
  type LineEnding,
  listJobs,
  rowsOf,
  updateJob,
} from '../bulk/jobs.ts';
import { csvLine, planBulkQuery, queryJobAllowed, runQueryJob } from '../bulk/query.ts';
import type { Gate } from '../composite/gate.ts';
import { ApiError } from '../errors.ts';
import type { Org } from '../org.ts';
import { allocationAllows, useAllocation } from '../store/allocations.ts';
import { statement } from '../store/database.ts';
import type { Env } from './app.ts';
import { readJsonObject } from './body.ts';
import { toPlain } from './json.ts';
import { since, versionNumber } from './versions.ts';

const INGEST = '/services/data/:version/jobs/ingest';
const QUERY = '/services/data/:version/jobs/query';

/** The largest upload: 150 MB, Salesforce's limit for one job's data. */
export const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;
/** Records per internal batch, the unit of DailyBulkApiBatches. */
const BATCH_RECORDS = 10_000;
/** Query results per page when the client names no maxRecords (unconfirmed: Salesforce's default varies). */
const DEFAULT_MAX_RECORDS = 50_000;

const OPERATIONS: IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

const invalidJob = (message: string) => new ApiError(400, 'INVALIDJOB', message);
const invalidState = (message: string) => new ApiError(409, 'INVALIDJOBSTATE', message);

const wireDate = (iso: string) => iso.replace(/Z$/, '+0000');

/** JSON with `apiVersion` written as Salesforce writes it (`60.0`, not `60`). */
function jobJson(c: Context<Env>, body: unknown, status: 200 | 201 = 200) {
  const text = JSON.stringify(body).replace(/"apiVersion":(\d+)(?=[,}])/g, '"apiVersion":$1.0');
  return c.body(text, status, { 'Content-Type': 'application/json;charset=UTF-8' });
}

/** A job's JobInfo; `detail` adds the counters of `GET /jobs/.../{id}`. */
function jobInfo(job: Job, detail: boolean) {
  const ingest = job.kind === 'ingest';
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: wireDate(job.createdDate),
    systemModstamp: wireDate(job.systemModstamp),
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    ...(ingest && job.state === 'Open'
      ? { contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches` }
      : {}),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
  if (!detail) return info;
  if (ingest) {
    return {
      ...info,
      jobType: 'V2Ingest',
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failed,
      retries: 0,
      totalProcessingTime: job.processingMs,
      apiActiveProcessingTime: job.processingMs,
      apexProcessingTime: 0,
      ...(job.state === 'Failed' ? { errorMessage: job.errorMessage } : {}),
    };
  }
  return {
    ...info,
    jobType: 'V2Query',
    numberRecordsProcessed: job.processed,
    retries: 0,
    totalProcessingTime: job.processingMs,
    isPkChunkingSupported: false,
  };
}

/** The CSV options of a job request, with Salesforce's defaults (COMMA, LF). */
function csvOptions(body: Record<string, unknown>): {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
} {
  const { contentType = 'CSV', columnDelimiter = 'COMMA', lineEnding = 'LF' } = body;
  if (contentType !== 'CSV')
    throw invalidJob(`InvalidJob : Invalid contentType: ${String(contentType)}; only CSV is supported`);
  if (typeof columnDelimiter !== 'string' || !(columnDelimiter in COLUMN_DELIMITERS)) {
    throw invalidJob(`InvalidJob : Invalid columnDelimiter: ${String(columnDelimiter)}`);
  }
  if (lineEnding !== 'LF' && lineEnding !== 'CRLF')
    throw invalidJob(`InvalidJob : Invalid lineEnding: ${String(lineEnding)}`);
  return { columnDelimiter: columnDelimiter as ColumnDelimiter, lineEnding };
}

/** Streams a CSV built from a header and stored lines, with the job's line ending. */
function csvResponse(
  c: Context<Env>,
  job: Job,
  header: string[],
  lines: Iterable<string>,
  headers: Record<string, string> = {},
) {
  const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
  const iterator = lines[Symbol.iterator]();
  let headerSent = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = '';
      if (!headerSent) {
        headerSent = true;
        if (header.length > 0) text += csvLine(header, delimiter) + eol;
      }
      for (let i = 0; i < 1000; i++) {
        const next = iterator.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += next.value + eol;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
  return c.body(stream, 200, { 'Content-Type': 'text/csv', ...headers });
}

export function registerBulkRoutes(app: Hono<Env>, org: Org, gate: Gate): void {
  app.use(`${INGEST}`, since(41));
  app.use(`${INGEST}/*`, since(41));
  app.use(`${QUERY}`, since(47));
  app.use(`${QUERY}/*`, since(47));

  /** `GET /jobs`: the two kinds of jobs (unconfirmed: the shape of this listing). */
  app.get('/services/data/:version/jobs', since(41), (c) => {
    const base = `/services/data/${c.get('version')}/jobs`;
    return c.json({
      ingest: `${base}/ingest`,
      ...(versionNumber(c.get('version')) >= 47 ? { query: `${base}/query` } : {}),
    });
  });

  const running = new Set<string>();
  /** Processes a job in the background until it is finished, a slice per turn of the event loop. */
  const schedule = (job: Pick<Job, 'id' | 'kind'>) => {
    if (running.has(job.id)) return;
    running.add(job.id);
    const step = async () => {
      if (!org.db.isOpen) return running.delete(job.id);
      try {
        const finished = await gate.shared(async () => {
          if (job.kind === 'query') {
            runQueryJob(org, job.id);
            return true;
          }
          return processIngestSlice(org, job.id);
        });
        if (finished) running.delete(job.id);
        else setImmediate(step);
      } catch (error) {
        running.delete(job.id);
        if (!org.db.isOpen) return;
        console.error('[emulator] bulk job', job.id, error);
        updateJob(org.db, job.id, {
          state: 'Failed',
          errorMessage: 'UNKNOWN_EXCEPTION: An unexpected error occurred.',
        });
      }
    };
    setImmediate(step);
  };
  // Jobs left mid-way by a previous run carry on.
  for (const kind of ['ingest', 'query'] as const) {
    for (const job of listJobs(org.db, kind)) {
      if (job.state === 'UploadComplete' || job.state === 'InProgress') schedule(job);
    }
  }

  const version = (c: Context<Env>) => c.get('version').replace(/^v/, '');
  const now = () => org.now().toISOString();

  // ------------------------------------------------------------------ ingest

  app.post(INGEST, async (c) => {
    const body = toPlain((await readJsonObject(c, 'JobInfo', 1024 * 1024)).value) as Record<string, unknown>;
    const { object: objectName, operation, externalIdFieldName } = body;
    if (typeof operation !== 'string' || !OPERATIONS.includes(operation as IngestOperation)) {
      throw invalidJob(`InvalidJob : Invalid operation: ${String(operation)}`);
    }
    if (typeof objectName !== 'string') throw invalidJob('InvalidJob : Object is required');
    const object = org.catalog.object(objectName);
    if (!object)
      throw new ApiError(
        400,
        'INVALIDENTITY',
        `InvalidEntity : Entity '${objectName}' is not supported by the Bulk API.`,
      );
    let externalId: string | null = null;
    if (operation === 'upsert') {
      if (typeof externalIdFieldName !== 'string' || externalIdFieldName === '') {
        throw invalidJob('InvalidJob : External ID was blank for upsert');
      }
      const field = org.catalog.field(object, externalIdFieldName);
      if (!field || !(field.externalId || field.idLookup)) {
        throw invalidJob(
          `InvalidJob : Field name provided, ${externalIdFieldName} is not an External ID or indexed field for ${object.name}`,
        );
      }
      externalId = field.name;
    }
    if (operation === 'hardDelete') {
      // Salesforce reserves hard deletes to users with "Bulk API Hard Delete", a System
      // Administrator permission; the emulator reads it from Modify All Data.
      const allowed = statement(
        org.db,
        `SELECT p."PermissionsModifyAllData" AS ok FROM "User" u JOIN "Profile" p ON p."Id" = u."ProfileId" WHERE u."Id" = ?`,
      ).get(c.get('userId')) as { ok: number } | undefined;
      if (!allowed?.ok) {
        throw new ApiError(
          400,
          'FEATURENOTENABLED',
          'hardDelete operation requires special user profile permission, please contact your system administrator',
        );
      }
    }
    const created = now();
    const job = insertJob(org.db, {
      kind: 'ingest',
      object: object.name,
      operation: operation as IngestOperation,
      externalIdFieldName: externalId,
      ...csvOptions(body),
      state: 'Open',
      createdById: c.get('userId'),
      createdDate: created,
      systemModstamp: created,
      apiVersion: version(c),
      query: null,
    });
    return jobJson(c, jobInfo(job, false));
  });

  app.get(INGEST, (c) =>
    jobJson(c, {
      done: true,
      records: listJobs(org.db, 'ingest').map((job) => jobInfo(job, false)),
      nextRecordsUrl: null,
    }),
  );

  app.get(`${INGEST}/:id`, (c) => jobJson(c, jobInfo(getJob(org.db, c.req.param('id'), 'ingest'), true)));

  app.put(`${INGEST}/:id/batches`, async (c) => {
    const job = getJob(org.db, c.req.param('id'), 'ingest');
    if (job.state !== 'Open')
      throw invalidState(
        `InvalidJobState : Job ${job.id} is not open for uploads: its state is ${job.state}`,
      );
    const type = c.req.header('content-type') ?? '';
    if (!/^text\/csv\s*(?:;|$)/i.test(type.trim())) {
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type header specified in HTTP request is not supported: ${type}`,
      );
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_UPLOAD_BYTES) {
      throw new ApiError(
        413,
        'REQUEST_ENTITY_TOO_LARGE',
        `Request body exceeds the maximum size of ${MAX_UPLOAD_BYTES} bytes`,
      );
    }
    const stream = c.req.raw.body;
    let size = 0;
    const source = stream
      ? Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>).on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_UPLOAD_BYTES)
            source?.destroy(new Error(`the upload exceeds ${MAX_UPLOAD_BYTES} bytes`));
        })
      : Readable.from([]);
    await storeUpload(org, job, source);
    if (size > MAX_UPLOAD_BYTES) {
      throw new ApiError(
        413,
        'REQUEST_ENTITY_TOO_LARGE',
        `Request body exceeds the maximum size of ${MAX_UPLOAD_BYTES} bytes`,
      );
    }
    return c.body(null, 201);
  });

  app.patch(`${INGEST}/:id`, async (c) => {
    const job = getJob(org.db, c.req.param('id'), 'ingest');
    const { state } = toPlain((await readJsonObject(c, 'JobInfo', 1024 * 1024)).value) as { state?: unknown };
    if (state === 'UploadComplete') {
      if (job.state !== 'Open')
        throw invalidState(`InvalidJobState : Job ${job.id} is ${job.state}, not Open`);
      if (job.uploads > 1) {
        // Salesforce's own wording (its typo included).
        throw invalidJob(
          `Found multipe contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
        );
      }
      const rows = (
        statement(org.db, 'SELECT COUNT(*) AS n FROM _bulk_rows WHERE jobId = ?').get(job.id) as { n: number }
      ).n;
      const batches = Math.max(1, Math.ceil(rows / BATCH_RECORDS));
      if (!allocationAllows(org, 'DailyBulkApiBatches', batches)) {
        updateJob(org.db, job.id, {
          state: 'Failed',
          errorMessage: 'LIMIT_EXCEEDED : DailyBulkApiBatches exceeded',
          systemModstamp: now(),
        });
      } else {
        useAllocation(org, 'DailyBulkApiBatches', batches);
        updateJob(org.db, job.id, {
          state: 'UploadComplete',
          systemModstamp: now(),
          ...(job.uploads === 0 ? { uploadError: 'InvalidBatch : No data was uploaded for the job' } : {}),
        });
        schedule(job);
      }
    } else if (state === 'Aborted') {
      if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state)) {
        throw invalidState(`InvalidJobState : Job ${job.id} is ${job.state} and cannot be aborted`);
      }
      updateJob(org.db, job.id, { state: 'Aborted', systemModstamp: now() });
    } else {
      throw invalidJob(`InvalidJob : Invalid state: ${String(state)}; UploadComplete or Aborted expected`);
    }
    // Processing starts on a later turn of the event loop: the answer has the state just set.
    return jobJson(c, jobInfo(getJob(org.db, job.id, 'ingest'), false));
  });

  app.delete(`${INGEST}/:id`, (c) => {
    const job = getJob(org.db, c.req.param('id'), 'ingest');
    if (job.state === 'Open' || job.state === 'InProgress') {
      throw invalidState(
        `InvalidJobState : Job ${job.id} is ${job.state}: close or abort it before deleting it`,
      );
    }
    deleteJob(org.db, job.id);
    return c.body(null, 204);
  });

  const ingestResults = (status: 'success' | 'failed' | 'pending', extra: string[]) => (c: Context<Env>) => {
    const job = getJob(org.db, c.req.param('id') ?? '', 'ingest');
    if (job.state === 'Open') throw invalidState(`InvalidJobState : Job ${job.id} is still Open`);
    const delimiter = COLUMN_DELIMITERS[job.columnDelimiter];
    const columns = JSON.parse(job.columns ?? '[]') as string[];
    function* lines() {
      for (const row of rowsOf(org.db, job.id, status)) {
        const values = JSON.parse(row.data) as string[];
        const prefix =
          status === 'success'
            ? [row.sfId ?? '', row.created ? 'true' : 'false']
            : status === 'failed'
              ? [row.sfId ?? '', row.error ?? '']
              : [];
        yield csvLine([...prefix, ...values], delimiter);
      }
    }
    return csvResponse(c, job, [...extra, ...columns], lines());
  };
  app.get(`${INGEST}/:id/successfulResults`, ingestResults('success', ['sf__Id', 'sf__Created']));
  app.get(`${INGEST}/:id/failedResults`, ingestResults('failed', ['sf__Id', 'sf__Error']));
  app.get(`${INGEST}/:id/unprocessedrecords`, ingestResults('pending', []));

  // ------------------------------------------------------------------ query

  app.post(QUERY, async (c) => {
    const body = toPlain((await readJsonObject(c, 'QueryJobInfo', 1024 * 1024)).value) as Record<
      string,
      unknown
    >;
    const { operation = 'query', query } = body;
    if (operation !== 'query' && operation !== 'queryAll') {
      throw invalidJob(`InvalidJob : Invalid operation: ${String(operation)}; query or queryAll expected`);
    }
    if (typeof query !== 'string' || query.trim() === '') throw invalidJob('InvalidJob : query is required');
    const options = csvOptions(body);
    org.meterQuery(query);
    const plan = planBulkQuery(org, query, operation === 'queryAll', c.get('userId'));
    if (!queryJobAllowed(org)) {
      throw new ApiError(400, 'LIMIT_EXCEEDED', 'LIMIT_EXCEEDED : DailyBulkV2QueryJobs exceeded');
    }
    useAllocation(org, 'DailyBulkV2QueryJobs');
    const created = now();
    const job = insertJob(org.db, {
      kind: 'query',
      object: plan.object.name,
      operation,
      externalIdFieldName: null,
      ...options,
      state: 'UploadComplete',
      createdById: c.get('userId'),
      createdDate: created,
      systemModstamp: created,
      apiVersion: version(c),
      query,
    });
    schedule(job);
    return jobJson(c, jobInfo(job, false));
  });

  app.get(QUERY, (c) =>
    jobJson(c, {
      done: true,
      records: listJobs(org.db, 'query').map((job) => jobInfo(job, false)),
      nextRecordsUrl: null,
    }),
  );

  app.get(`${QUERY}/:id`, (c) => jobJson(c, jobInfo(getJob(org.db, c.req.param('id'), 'query'), true)));

  app.patch(`${QUERY}/:id`, async (c) => {
    const job = getJob(org.db, c.req.param('id'), 'query');
    const { state } = toPlain((await readJsonObject(c, 'QueryJobInfo', 1024 * 1024)).value) as {
      state?: unknown;
    };
    if (state !== 'Aborted')
      throw invalidJob(`InvalidJob : Invalid state: ${String(state)}; Aborted expected`);
    if (job.state !== 'UploadComplete' && job.state !== 'InProgress') {
      throw invalidState(`InvalidJobState : Job ${job.id} is ${job.state} and cannot be aborted`);
    }
    updateJob(org.db, job.id, { state: 'Aborted', systemModstamp: now() });
    return jobJson(c, jobInfo(getJob(org.db, job.id, 'query'), false));
  });

  app.delete(`${QUERY}/:id`, (c) => {
    const job = getJob(org.db, c.req.param('id'), 'query');
    if (job.state === 'InProgress') throw invalidState(`InvalidJobState : Job ${job.id} is InProgress`);
    deleteJob(org.db, job.id);
    return c.body(null, 204);
  });

  /**
   * `GET /jobs/query/{id}/results?locator=&maxRecords=`: a page of the results, with the locator of
   * the next page in `Sforce-Locator` (`null` on the last page). Locators are the base64 of the
   * offset, as Salesforce's look.
   */
  app.get(`${QUERY}/:id/results`, (c) => {
    const job = getJob(org.db, c.req.param('id'), 'query');
    if (job.state !== 'JobComplete')
      throw invalidState(`InvalidJobState : Job ${job.id} is ${job.state}, its results are not ready`);
    if (version(c) !== job.apiVersion) {
      // Salesforce documents the 409 for results asked with another version than the job's.
      throw new ApiError(
        409,
        'INVALIDJOBSTATE',
        `The results of job ${job.id} must be read with API version ${job.apiVersion}`,
      );
    }
    const rawLocator = c.req.query('locator');
    let from = 0;
    if (rawLocator !== undefined && rawLocator !== '') {
      const decoded = Buffer.from(rawLocator, 'base64').toString('utf8');
      from = /^\d+$/.test(decoded) ? Number(decoded) : Number.NaN;
      if (!Number.isSafeInteger(from) || from > job.processed) {
        throw new ApiError(400, 'INVALID_LOCATOR', `Invalid locator: ${rawLocator}`);
      }
    }
    const rawMax = c.req.query('maxRecords');
    const max = rawMax === undefined ? DEFAULT_MAX_RECORDS : Number(rawMax);
    if (!Number.isInteger(max) || max < 1) throw invalidJob(`InvalidJob : Invalid maxRecords: ${rawMax}`);
    const count = Math.max(0, Math.min(max, job.processed - from));
    const next = from + count < job.processed ? Buffer.from(String(from + count)).toString('base64') : 'null';
    function* lines() {
      for (const row of rowsOf(org.db, job.id, 'result', from, count)) yield row.data;
    }
    return csvResponse(c, job, JSON.parse(job.columns ?? '[]') as string[], lines(), {
      'Sforce-Locator': next,
      'Sforce-NumberOfRecords': String(count),
    });
  });
}
