import type { SalesforceSession } from '@sfgql/auth';
import { type DemoOrg, loginAsDemo, startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BulkProgress, bulkExport, bulkQuery } from './bulk.ts';
import { createSalesforceClient, type SalesforceClient } from './client.ts';
import { soql } from './soql.ts';

// Bulk API 2.0 query jobs against the emulator, which serves them as Salesforce does (CSV pages,
// Sforce-Locator, maxRecords) and meters each call.
const CONTACTS = 2_500;
let org: DemoOrg;
let control: EmulatorControl;
let client: SalesforceClient;
let total: number;

beforeAll(async () => {
  org = await startDemoOrg({ scale: CONTACTS });
  control = emulatorControl(org.emulator.url);
  client = createSalesforceClient({ session: org.session, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  total = (await client.query(soql`SELECT COUNT() FROM Contact`)).totalSize;
});
afterAll(() => org.close());
beforeEach(async () => {
  await control.clearFaults();
  await control.resetMetrics();
});

const FIELDS = ['Id', 'FirstName', 'LastName', 'Email', 'AccountId', 'CreatedDate', 'Birthdate'];
const statement = soql`SELECT ${soql.fields(FIELDS)} FROM Contact`;

/** A REST value as Bulk API 2.0 writes it in CSV: text, datetimes with Z, null as empty. */
function asCsvText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value).replace(/^(\d{4}-\d{2}-\d{2}T[\d:.]+)\+0000$/, '$1Z');
}

/** The same records read through the REST API, keyed by Id, values as Bulk API 2.0 writes them. */
async function restRecords(): Promise<Map<string, Record<string, string | null>>> {
  const { records } = await client.query(statement);
  return new Map(
    records.map((r) => [r.Id as string, Object.fromEntries(FIELDS.map((f) => [f, asCsvText(r[f])]))]),
  );
}

/** Job ids left in the org. */
async function jobsLeft(): Promise<string[]> {
  const answer = await client.raw({ kind: 'test', method: 'GET', path: '/jobs/query' });
  return (JSON.parse(answer.text) as { records: { id: string }[] }).records.map((j) => j.id);
}

const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('bulkQuery', () => {
  it('yields every record once, page by page, the same as the REST API reads them', async () => {
    expect(total).toBeGreaterThan(CONTACTS);
    const progress: BulkProgress[] = [];
    const pages = await collect(
      bulkQuery(client, statement, { pageSize: 1_000, onProgress: (p) => progress.push(p) }),
    );
    expect(pages.map((p) => p.records)).toEqual(
      Array.from({ length: Math.ceil(total / 1_000) }, (_, i) => Math.min(1_000, total - i * 1_000)),
    );
    const rows = pages.flatMap(
      (p) =>
        parse(p.csv, { columns: true, cast: (v, c) => (c.header || v !== '' ? v : null) }) as Record<
          string,
          string | null
        >[],
    );
    const rest = await restRecords();
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.Id)).size).toBe(total);
    for (const row of rows) expect(row).toEqual(rest.get(row.Id as string));
    expect(progress.at(-1)).toEqual({ state: 'JobComplete', done: total, total });
    expect(progress.filter((p) => p.total === total).map((p) => p.done)).toEqual([
      0,
      ...pages.map((_, i) => Math.min((i + 1) * 1_000, total)),
    ]);
  });

  it('costs what Bulk API 2.0 costs: the job, its polls, one call a page and the delete, none a record', async () => {
    const counted = createSalesforceClient({ session: org.session });
    await collect(bulkQuery(counted, statement, { pageSize: 1_000, pollIntervalMs: 10 }));
    const { byResource, total: calls } = await control.metrics();
    const pages = Math.ceil(total / 1_000);
    const polls = byResource['GET /jobs/query/{id}'] ?? 0;
    expect(byResource).toEqual({
      'POST /jobs/query': 1,
      'GET /jobs/query/{id}': polls,
      'GET /jobs/query/{id}/results': pages,
      'DELETE /jobs/query/{id}': 1,
    });
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(calls).toBe(2 + polls + pages);
    expect(counted.meter.snapshot().byKind).toEqual({
      bulkQueryJobCreate: 1,
      bulkQueryJobState: polls,
      bulkQueryResults: pages,
      bulkQueryJobDelete: 1,
    });
    expect(await jobsLeft()).toEqual([]);
  });

  it('deletes the job when the consumer stops early', async () => {
    for await (const page of bulkQuery(client, statement, { pageSize: 100 })) {
      expect(page.records).toBe(100);
      break;
    }
    expect((await control.metrics()).byResource['GET /jobs/query/{id}/results']).toBe(1);
    expect(await jobsLeft()).toEqual([]);
  });

  it("refuses what Salesforce refuses, with Salesforce's errorCode, and leaves no job", async () => {
    await expect(collect(bulkQuery(client, soql`SELECT Id FROM Contact WHERE`))).rejects.toMatchObject({
      name: 'SalesforceError',
      code: 'SF_QUERY_INVALID',
      errorCode: 'MALFORMED_QUERY',
      status: 400,
    });
    await expect(collect(bulkQuery(client, soql`SELECT COUNT() FROM Contact`))).rejects.toMatchObject({
      name: 'SalesforceError',
      code: 'SF_REFUSED',
      errorCode: 'FEATURENOTENABLED',
    });
    await expect(collect(bulkQuery(client, soql`SELECT Nope__c FROM Contact`))).rejects.toMatchObject({
      code: 'SF_QUERY_INVALID',
      errorCode: 'INVALID_FIELD',
    });
    expect(await jobsLeft()).toEqual([]);
  });

  it('reports a connection dropped mid-body as a typed error, never as an uncaught one', async () => {
    // jsforce's own transport would leave this request pending and raise an uncaught stream error.
    await control.setFaults({
      rules: [{ kind: 'dropConnection', resources: ['jobs'], methods: ['POST'], times: 1 }],
    });
    const error = await collect(bulkQuery(client, statement)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'SalesforceError', code: 'SF_REQUEST_FAILED' });
    expect((error as { status?: number }).status).toBeUndefined();
  });

  it('reads a page again when its connection drops, and still gets every record once', async () => {
    await control.setFaults({
      rules: [{ kind: 'dropConnection', resources: ['jobs'], methods: ['GET'], times: 2 }],
    });
    const pages = await collect(bulkQuery(client, statement, { pageSize: 1_000, pollIntervalMs: 10 }));
    expect(pages.reduce((n, p) => n + p.records, 0)).toBe(total);
    expect((await control.metrics()).faults?.total).toBe(2);
    expect(await jobsLeft()).toEqual([]);
  });

  it("refreshes an expired session for jsforce's job calls and the pages alike", async () => {
    // Every token serves two calls; the export makes about six.
    await control.setFaults({ rules: [{ kind: 'expireSession', afterCalls: 2 }] });
    let session: SalesforceSession = await loginAsDemo(org.emulator.url);
    let logins = 0;
    const refreshing = createSalesforceClient({
      session: {
        current: async () => session,
        refresh: async () => {
          logins++;
          session = await loginAsDemo(org.emulator.url);
          return session;
        },
      },
    });
    const pages = await collect(bulkQuery(refreshing, statement, { pageSize: 1_000, pollIntervalMs: 10 }));
    expect(pages.reduce((n, p) => n + p.records, 0)).toBe(total);
    expect(logins).toBeGreaterThanOrEqual(2);
    expect((await control.metrics()).faults?.byKind).toEqual({ expireSession: logins });
    await control.clearFaults();
    expect(await jobsLeft()).toEqual([]);
  });

  it('aborts and deletes a job that outlives its polling timeout', async () => {
    await expect(collect(bulkQuery(client, statement, { pollTimeoutMs: 0 }))).rejects.toMatchObject({
      code: 'SF_REQUEST_FAILED',
      errorCode: 'JOB_POLLING_TIMEOUT',
    });
    expect(await jobsLeft()).toEqual([]);
  });
});

describe('bulkExport', () => {
  it('writes CSV with the header row once, and every record', async () => {
    const text = (await collect(bulkExport(client, statement, { format: 'csv', pageSize: 700 }))).join('');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(FIELDS.map((f) => `"${f}"`).join(','));
    expect(lines.filter((l) => l === lines[0])).toHaveLength(1);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.Id)).size).toBe(total);
  });

  it('writes one JSON object a line, empty values null, the same as the REST API reads them', async () => {
    const text = (await collect(bulkExport(client, statement, { format: 'ndjson', pageSize: 900 }))).join('');
    expect(text.endsWith('\n')).toBe(true);
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string | null>);
    const rest = await restRecords();
    expect(records).toHaveLength(total);
    for (const record of records) expect(record).toEqual(rest.get(record.Id as string));
    // Demo contacts without a birth date come out as null, not "".
    expect(records.some((r) => r.Birthdate === null)).toBe(true);
  });

  it('types the columns it is told: numbers and booleans as the REST API answers them', async () => {
    const fields = ['Id', 'Amount', 'Probability', 'IsClosed', 'CloseDate'];
    const opportunities = soql`SELECT ${soql.fields(fields)} FROM Opportunity`;
    const types = { Amount: 'number', Probability: 'number', IsClosed: 'boolean' } as const;
    const text = (await collect(bulkExport(client, opportunities, { format: 'ndjson', types }))).join('');
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const { records: rest } = await client.query(opportunities);
    const byId = new Map(rest.map((r) => [r.Id, Object.fromEntries(fields.map((f) => [f, r[f] ?? null]))]));
    expect(records.length).toBeGreaterThan(0);
    expect(records).toHaveLength(byId.size);
    for (const record of records) expect(record).toEqual(byId.get(record.Id));
    expect(records.some((r) => typeof r.Amount === 'number' && typeof r.IsClosed === 'boolean')).toBe(true);
  });
});
