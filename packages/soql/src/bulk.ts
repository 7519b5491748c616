/**
 * Bulk API 2.0 query jobs, streamed: jsforce's `QueryJobV2` runs the job (create, poll, abort,
 * delete) over this package's own HTTP layer, and the results are read here, one page at a time, so
 * that memory holds one page whatever the size of the export.
 *
 * Why not jsforce's `QueryJobV2.result()`: jsforce 3 fetches every results page (its
 * `Sforce-Locator` loop, each page awaited) before it hands back the record stream, so the whole
 * export sits in memory. Why not jsforce's HTTP transport: it pipes a response body without
 * forwarding the body's errors, so a connection dropped mid-body leaves the request unsettled and
 * raises an error no caller can catch, which ends the process. Every request of a job therefore goes
 * through {@link SalesforceClient.raw} (one deadline for the whole exchange, typed errors, the
 * client's session refresh, metering and retries of reads).
 */
import { PassThrough } from 'node:stream';
import { isAuthError } from '@sfgql/auth';
import { parse } from 'csv-parse/sync';
import { type QueryJobInfoV2, QueryJobV2 } from 'jsforce/lib/api/bulk2.js';
import { Connection } from 'jsforce/lib/connection.js';
import { Transport } from 'jsforce/lib/transport.js';
import type { HttpRequest, HttpResponse, Schema } from 'jsforce/lib/types/index.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { Method, SalesforceClient } from './client.ts';
import { isSalesforceError, SalesforceError, toSalesforceError } from './errors.ts';
import type { SoqlFragment } from './soql.ts';

/** Records per results page (`maxRecords`) unless told: what the export holds in memory at once. */
export const DEFAULT_BULK_PAGE_SIZE = 10_000;

/** How a job's progress is reported: its state, the records read so far and the job's total. */
export interface BulkProgress {
  /** The job's state in Salesforce: `UploadComplete` and `InProgress` while it runs, then `JobComplete`. */
  state: QueryJobInfoV2['state'];
  /** Records read from the results so far. */
  done: number;
  /** Records the job found (`numberRecordsProcessed`), known once the job is complete. */
  total: number | null;
}

export interface BulkQueryOptions {
  /** Records per results page (default {@link DEFAULT_BULK_PAGE_SIZE}): memory holds one page. */
  pageSize?: number;
  /** `queryAll`: deleted and archived records too. */
  includeDeleted?: boolean;
  /** Between two looks at the job's state (default 1 s, jsforce's). */
  pollIntervalMs?: number;
  /** How long the job may run before it is aborted (default 30 minutes). */
  pollTimeoutMs?: number;
  /** Told when the job's state changes and after every page. */
  onProgress?: (progress: BulkProgress) => void;
}

/** One page of a job's results: CSV with its header row, and how many records it holds. */
export interface BulkPage {
  csv: string;
  records: number;
}

/** What jsforce's job requests are counted as in the client's meter. */
const JOB_CALLS: Readonly<Record<Method, string>> = {
  POST: 'bulkQueryJobCreate',
  GET: 'bulkQueryJobState',
  PATCH: 'bulkQueryJobAbort',
  DELETE: 'bulkQueryJobDelete',
};

/**
 * jsforce's transport, replaced: each request of a job is made by the client. jsforce's URL names
 * the instance it was given and its token none (the Connection holds none): the client sends the
 * request to its own session's instance, with its own token, refreshed when Salesforce says it
 * expired. A refusal comes back as the client's `SalesforceError`, which jsforce passes on as is.
 */
class ClientTransport extends Transport {
  readonly client: SalesforceClient;

  constructor(client: SalesforceClient) {
    super();
    this.client = client;
  }

  override httpRequest(request: HttpRequest): StreamPromise<HttpResponse> {
    // jsforce pipes this stream into the one it hands to callers of the request; nobody reads it for
    // the JSON answers of a job, and it never errors.
    return StreamPromise.create(() => ({ stream: new PassThrough(), promise: this.send(request) }));
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase() as Method;
    const kind = JOB_CALLS[method];
    if (!kind || !/^\/services\/data\/v\d+\.\d\/jobs\/query(\/|$)/.test(url.pathname))
      throw new TypeError(`Not a request of a Bulk API 2.0 query job: ${request.method} ${url.pathname}`);
    const contentType = Object.entries(request.headers ?? {}).find(([name]) => /^content-type$/i.test(name));
    const answer = await this.client.raw({
      kind,
      method,
      path: url.pathname + url.search,
      ...(typeof request.body === 'string' ? { body: request.body } : {}),
      ...(contentType ? { headers: { 'content-type': contentType[1] } } : {}),
    });
    return { statusCode: answer.status, headers: answer.headers, body: answer.text };
  }
}

/** A job's failure in the project's terms: Salesforce's and the session's errors as they are. */
function jobError(error: unknown, job: QueryJobV2<Schema>, pollTimeoutMs: number): Error {
  if (isSalesforceError(error) || isAuthError(error)) return error;
  const info = (() => {
    try {
      return job.getInfo();
    } catch {
      return undefined;
    }
  })();
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'JobPollingTimeout')
    return new SalesforceError(
      'SF_REQUEST_FAILED',
      `The Bulk API query job ${job.id} did not finish within ${Math.round(pollTimeoutMs / 1000)} s; it was aborted.`,
      { errorCode: 'JOB_POLLING_TIMEOUT', cause: error },
    );
  if (info?.state === 'Failed' || info?.state === 'Aborted') {
    // A failed query job's info may carry no reason (jsforce's own notes say Salesforce gives none);
    // `errorMessage`, when there is one, is shown.
    const reason = (info as { errorMessage?: unknown }).errorMessage;
    return new SalesforceError(
      'SF_REQUEST_FAILED',
      `The Bulk API query job ${job.id} ${info.state === 'Failed' ? 'failed' : 'was aborted'} in Salesforce${typeof reason === 'string' && reason ? `: ${reason}` : '.'}`,
      { errorCode: info.state === 'Failed' ? 'JOB_FAILED' : 'JOB_ABORTED', cause: error },
    );
  }
  return toSalesforceError(error);
}

/**
 * Runs a SOQL query as a Bulk API 2.0 query job and yields its results page by page (CSV, each with
 * its header row), fetching the next page only when the consumer asks for it. The job is created,
 * polled and deleted with jsforce's `QueryJobV2`; every request goes through `client` (its session,
 * meter and deadlines). An export of N records costs one call to create the job, one per look at
 * its state, one per page of `pageSize` records and one to delete it: no call per record.
 *
 * The job is deleted when the generator ends, however it ends (done, failed, or the consumer
 * stopped early); a job that did not complete is aborted first. Those last calls are made on a
 * best-effort basis: Salesforce deletes jobs after seven days anyway. Failures are
 * `SalesforceError`s (or the session's `AuthError`).
 *
 * @example
 * import { bulkQuery } from '@sfgql/soql/bulk';
 *
 * for await (const page of bulkQuery(client, soql`SELECT Id, Name FROM Contact`)) {
 *   process.stdout.write(page.csv);
 * }
 */
export async function* bulkQuery(
  client: SalesforceClient,
  statement: SoqlFragment,
  options: BulkQueryOptions = {},
): AsyncGenerator<BulkPage, void, undefined> {
  const pageSize = options.pageSize ?? DEFAULT_BULK_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new TypeError(`pageSize must be a positive integer, not ${pageSize}`);
  const pollTimeoutMs = options.pollTimeoutMs ?? 30 * 60_000;
  const session = await client.session();
  // The Connection only carries the instance and version jsforce builds its URLs from.
  const connection = new Connection({ instanceUrl: session.instanceUrl, version: client.apiVersion });
  connection._transport = new ClientTransport(client);
  const job = new QueryJobV2(connection, {
    bodyParams: { operation: options.includeDeleted ? 'queryAll' : 'query', query: statement.text },
    pollingOptions: { pollInterval: options.pollIntervalMs ?? 1_000, pollTimeout: pollTimeoutMs },
  });
  const report = options.onProgress ?? (() => {});
  job.on('inProgress', (info: QueryJobInfoV2) => report({ state: info.state, done: 0, total: null }));
  const step = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw jobError(error, job, pollTimeoutMs);
    }
  };

  let opened = false;
  let complete = false;
  try {
    await step(() => job.open());
    opened = true;
    await step(() => job.poll());
    complete = true;
    const total = job.getInfo().numberRecordsProcessed;
    report({ state: 'JobComplete', done: 0, total });
    let done = 0;
    let locator: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ maxRecords: String(pageSize) });
      if (locator) query.set('locator', locator);
      const page = await client.raw({
        kind: 'bulkQueryResults',
        method: 'GET',
        path: `/jobs/query/${encodeURIComponent(job.id)}/results?${query}`,
        headers: { accept: 'text/csv' },
      });
      const counted = Number(page.headers['sforce-numberofrecords']);
      const records = Number.isInteger(counted) ? counted : parse(page.text, { columns: true }).length;
      done += records;
      yield { csv: page.text, records };
      report({ state: 'JobComplete', done, total });
      // The last page's locator is the string `null`.
      locator = page.headers['sforce-locator'];
      if (!locator || locator === 'null') break;
    }
  } finally {
    if (opened) {
      if (!complete) await job.abort().catch(() => {});
      await job.delete().catch(() => {});
    }
  }
}

/** The formats of an export: CSV as Salesforce writes it, or one JSON object per line. */
export type BulkExportFormat = 'csv' | 'ndjson';

/** The first line of a CSV page (its header row), and the rest. */
function splitHeader(csv: string): [string, string] {
  const end = csv.indexOf('\n');
  return end === -1 ? [csv, ''] : [csv.slice(0, end + 1), csv.slice(end + 1)];
}

/** The JSON type of a column's values in an NDJSON export (what the REST API would answer). */
export type BulkValueType = 'string' | 'integer' | 'number' | 'boolean';

/**
 * A CSV cell as a JSON value: empty is null (Salesforce keeps no empty text: an empty cell is a null
 * field); a number or boolean column's cell its JSON number or boolean when it reads as one, and
 * its text otherwise, so that nothing is lost; any other cell its text.
 */
function jsonCell(value: string | undefined, type: BulkValueType | undefined): string {
  if (value === undefined || value === '') return 'null';
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value;
  if ((type === 'integer' || type === 'number') && Number.isFinite(Number(value)))
    return String(Number(value));
  return JSON.stringify(value);
}

/**
 * A page's records as JSON lines: each CSV row an object keyed by its column (`Account.Name` for a
 * parent's field), each value typed by `types` (by column) and otherwise text as Bulk API 2.0 gives
 * it. Rows are parsed as arrays and each line written with the keys encoded once.
 */
function ndjsonOf(csv: string, types: Readonly<Record<string, BulkValueType>>): string {
  const [header, ...rows] = parse(csv) as string[][];
  if (!header) return '';
  const keys = header.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);
  const columnTypes = header.map((name) => (Object.hasOwn(types, name) ? types[name] : undefined));
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < keys.length; i++) line += keys[i] + jsonCell(row[i], columnTypes[i]);
    out += `${line}}\n`;
  }
  return out;
}

/**
 * {@link bulkQuery}'s results as text to write out, one chunk per page: CSV with the header row
 * once, or NDJSON (one JSON object per record, values typed by `types`). Memory holds one page.
 *
 * @example
 * import { pipeline } from 'node:stream/promises';
 * import { Readable } from 'node:stream';
 * import { bulkExport } from '@sfgql/soql/bulk';
 *
 * await pipeline(
 *   Readable.from(bulkExport(client, soql`SELECT Id, Email FROM Contact`, { format: 'ndjson' })),
 *   createWriteStream('contacts.ndjson'),
 * );
 */
export async function* bulkExport(
  client: SalesforceClient,
  statement: SoqlFragment,
  options: BulkQueryOptions & {
    format: BulkExportFormat;
    /**
     * NDJSON only: the JSON type of columns by name (`{ Amount: 'number', IsClosed: 'boolean' }`),
     * as `exportValueTypes` of `@sfgql/objects/export` gives them for a catalog object. A column
     * left out is written as text.
     */
    types?: Readonly<Record<string, BulkValueType>>;
  },
): AsyncGenerator<string, void, undefined> {
  let header: string | undefined;
  const types = options.types ?? {};
  for await (const page of bulkQuery(client, statement, options)) {
    if (options.format === 'ndjson') {
      yield ndjsonOf(page.csv, types);
      continue;
    }
    // Every page starts with the header row; the export has it once.
    const [first, rows] = splitHeader(page.csv);
    if (header === undefined) {
      header = first;
      yield page.csv;
    } else if (first !== header) {
      throw new SalesforceError(
        'SF_REQUEST_FAILED',
        'The pages of the Bulk API results have different columns; the export was stopped.',
      );
    } else if (rows) yield rows;
  }
}
