import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/**
 * Bulk API 2.0 through jsforce's bulk2 client (ingest and query jobs, polling, results) and raw
 * HTTP (the state machine, refusals, CSV options, paging with Sforce-Locator).
 */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;
const V = '/services/data/v60.0';
// biome-ignore lint/suspicious/noExplicitAny: CSV results are untyped.
type Rec = Record<string, any>;

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    metadata: {
      fields: {
        Account: [{ name: 'Ext_Id__c', type: 'string', length: 40, externalId: true, unique: true }],
      },
    },
  });
  conn = await connect(emulator);
  conn.bulk2.pollInterval = 20;
  conn.bulk2.pollTimeout = 60_000;
  token = await login(emulator);
});
afterAll(() => emulator.close());

const load = (operation: string, input: string, extra: Rec = {}) =>
  conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation,
    input,
    ...extra,
  } as never) as unknown as Promise<{
    successfulResults: Rec[];
    failedResults: Rec[];
    unprocessedRecords: Rec[];
  }>;
const count = async (soql: string, all = false) =>
  (await call(emulator, token, 'GET', `${V}/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`))
    .body.totalSize as number;
const limits = async () =>
  (await call(emulator, token, 'GET', `${V}/limits`)).body as Record<string, { Remaining: number }>;

/** Creates an ingest job and uploads CSV over raw HTTP; returns the job id. */
async function openJob(body: Rec, csv?: string, headers: Record<string, string> = {}) {
  const job = await call(emulator, token, 'POST', `${V}/jobs/ingest`, body);
  expect(job.status, JSON.stringify(job.body)).toBe(200);
  if (csv !== undefined) {
    const put = await call(emulator, token, 'PUT', `${V}/jobs/ingest/${job.body.id}/batches`, csv, {
      'content-type': 'text/csv',
      ...headers,
    });
    expect(put.status).toBe(201);
    expect(put.text).toBe('');
  }
  return job.body.id as string;
}
const close = (id: string) =>
  call(emulator, token, 'PATCH', `${V}/jobs/ingest/${id}`, { state: 'UploadComplete' });
async function settle(id: string, kind = 'ingest') {
  for (;;) {
    const info = await call(emulator, token, 'GET', `${V}/jobs/${kind}/${id}`);
    if (!['UploadComplete', 'InProgress'].includes(info.body.state)) return info.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ingest jobs through jsforce', () => {
  it('inserts, reporting successful and failed rows with their original values', async () => {
    const batches = (await limits()).DailyBulkApiBatches?.Remaining as number;
    const result = await load(
      'insert',
      'Name,Ext_Id__c,Phone,NumberOfEmployees\nBulk Alpha,BA-1,555-0101,10\n"Bulk, Beta",BA-2,,20\n,BA-3,555-0103,30\nBulk Delta,BA-4,,not-a-number\n',
    );
    expect(result.successfulResults.map((r) => [r.sf__Created, r.Name, r.Ext_Id__c])).toEqual([
      ['true', 'Bulk Alpha', 'BA-1'],
      ['true', 'Bulk, Beta', 'BA-2'],
    ]);
    expect(result.successfulResults[0]?.sf__Id).toMatch(/^001/);
    expect(result.failedResults.map((r) => [r.sf__Id, r.Ext_Id__c, r.sf__Error.split(':')[0]])).toEqual([
      ['', 'BA-3', 'REQUIRED_FIELD_MISSING'],
      ['', 'BA-4', 'JSON_PARSER_ERROR'],
    ]);
    expect(result.failedResults[0]?.sf__Error).toBe(
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --',
    );
    expect(result.unprocessedRecords).toEqual([]);
    expect(await count("SELECT Id FROM Account WHERE Ext_Id__c LIKE 'BA-%'")).toBe(2);
    // An empty value leaves the field alone: Bulk Beta has no phone.
    const beta = await conn.query<Rec>(
      "SELECT Phone, NumberOfEmployees FROM Account WHERE Ext_Id__c = 'BA-2'",
    );
    expect(beta.records[0]).toMatchObject({ Phone: null, NumberOfEmployees: 20 });
    expect((await limits()).DailyBulkApiBatches?.Remaining).toBe(batches - 1);
    const metrics = (await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as {
      byResource: Record<string, number>;
    };
    expect(metrics.byResource['GET /jobs/ingest/{id}']).toBeGreaterThan(0);
    expect(metrics.byResource['GET /jobs/ingest/{id}/successfulResults']).toBe(1);
  });

  it('updates (with #N/A for null), upserts by external id and links lookups by external id', async () => {
    const [alpha] = (await conn.query<Rec>("SELECT Id FROM Account WHERE Ext_Id__c = 'BA-1'")).records;
    const updated = await load(
      'update',
      `Id,Phone,Description\n${alpha?.Id},#N/A,updated by bulk\n001000000000000AAA,1,x\n`,
    );
    expect(updated.successfulResults).toEqual([
      expect.objectContaining({ sf__Id: alpha?.Id, sf__Created: 'false' }),
    ]);
    expect(updated.failedResults[0]).toMatchObject({
      sf__Id: '001000000000000AAA',
      sf__Error: expect.stringMatching(/^NOT_FOUND:/),
    });
    const row = await conn.query<Rec>(`SELECT Phone, Description FROM Account WHERE Id = '${alpha?.Id}'`);
    expect(row.records[0]).toEqual(expect.objectContaining({ Phone: null, Description: 'updated by bulk' }));

    const upserted = await load('upsert', 'Ext_Id__c,Name\nBA-1,Bulk Alpha Renamed\nBA-9,Bulk Nine\n', {
      externalIdFieldName: 'Ext_Id__c',
    });
    expect(upserted.successfulResults.map((r) => [r.Ext_Id__c, r.sf__Created])).toEqual([
      ['BA-1', 'false'],
      ['BA-9', 'true'],
    ]);
    // An upsert row without a key matches nothing: it is inserted (upsert on Id, Data Loader's way).
    const keyless = await load('upsert', 'Name\nKeyless Co\n', { externalIdFieldName: 'Id' });
    expect(keyless.successfulResults).toEqual([
      expect.objectContaining({ sf__Created: 'true', Name: 'Keyless Co' }),
    ]);
    const contacts = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input: 'LastName,Account.Ext_Id__c\nLinked,BA-9\n',
    });
    const [linked] = contacts.successfulResults as Rec[];
    const contact = await conn.query<Rec>(`SELECT Account.Name FROM Contact WHERE Id = '${linked?.sf__Id}'`);
    expect(contact.records[0]?.Account?.Name).toBe('Bulk Nine');
  });

  it('deletes to the Recycle Bin, and hard deletes for good', async () => {
    const ids = (
      await conn.query<Rec>("SELECT Id, Ext_Id__c FROM Account WHERE Ext_Id__c IN ('BA-1', 'BA-2')")
    ).records;
    const soft = ids.find((r) => r.Ext_Id__c === 'BA-1')?.Id;
    const hard = ids.find((r) => r.Ext_Id__c === 'BA-2')?.Id;
    expect((await load('delete', `Id\n${soft}\n`)).successfulResults).toHaveLength(1);
    expect((await load('hardDelete', `Id\n${hard}\n`)).successfulResults).toHaveLength(1);
    expect(await count(`SELECT Id FROM Account WHERE Id = '${soft}'`, true)).toBe(1);
    expect(await count(`SELECT Id FROM Account WHERE Id = '${hard}'`, true)).toBe(0);
    // Hard delete needs the System Administrator's permission.
    const agent = await login(emulator, DEMO.users.standard);
    const refused = await call(emulator, agent, 'POST', `${V}/jobs/ingest`, {
      object: 'Account',
      operation: 'hardDelete',
    });
    expect(refused.status).toBe(400);
    expect(refused.body[0].errorCode).toBe('FEATURENOTENABLED');
  });
});

describe('the ingest job state machine', () => {
  it('answers JobInfo as Salesforce does, through Open, UploadComplete and JobComplete', async () => {
    const created = await call(emulator, token, 'POST', `${V}/jobs/ingest`, {
      object: 'account',
      operation: 'insert',
    });
    expect(created.text).toMatch(/"apiVersion":60\.0[,}]/);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^750/),
      operation: 'insert',
      object: 'Account',
      state: 'Open',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      contentUrl: `services/data/v60.0/jobs/ingest/${created.body.id}/batches`,
    });
    const id = created.body.id;
    await call(emulator, token, 'PUT', `${V}/jobs/ingest/${id}/batches`, 'Name\nState Machine\n', {
      'content-type': 'text/csv',
    });
    const closed = await close(id);
    expect(closed.body.state).toBe('UploadComplete');
    const done = await settle(id);
    expect(done).toMatchObject({
      state: 'JobComplete',
      jobType: 'V2Ingest',
      numberRecordsProcessed: 1,
      numberRecordsFailed: 0,
      retries: 0,
    });
    const list = await call(emulator, token, 'GET', `${V}/jobs/ingest`);
    expect(list.body.records.map((r: Rec) => r.id)).toContain(id);
    // A finished job takes no more data and cannot be closed again.
    expect(
      (
        await call(emulator, token, 'PUT', `${V}/jobs/ingest/${id}/batches`, 'Name\nx\n', {
          'content-type': 'text/csv',
        })
      ).status,
    ).toBe(409);
    expect((await close(id)).status).toBe(409);
    expect((await call(emulator, token, 'DELETE', `${V}/jobs/ingest/${id}`)).status).toBe(204);
    expect((await call(emulator, token, 'GET', `${V}/jobs/ingest/${id}`)).status).toBe(404);
  });

  it("refuses a second upload when the job is closed, with Salesforce's message", async () => {
    const id = await openJob({ object: 'Account', operation: 'insert' }, 'Name\nTwice A\n');
    await call(emulator, token, 'PUT', `${V}/jobs/ingest/${id}/batches`, 'Name\nTwice B\n', {
      'content-type': 'text/csv',
    });
    const response = await close(id);
    expect(response.status).toBe(400);
    expect(response.body[0]).toEqual({
      errorCode: 'INVALIDJOB',
      message: `Found multipe contents for job: <${id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
    });
  });

  it('leaves the rows of an aborted job unprocessed', async () => {
    const id = await openJob({ object: 'Account', operation: 'insert' }, 'Name\nAborted A\nAborted B\n');
    const aborted = await call(emulator, token, 'PATCH', `${V}/jobs/ingest/${id}`, { state: 'Aborted' });
    expect(aborted.body.state).toBe('Aborted');
    const unprocessed = await call(emulator, token, 'GET', `${V}/jobs/ingest/${id}/unprocessedrecords`);
    expect(unprocessed.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(unprocessed.text).toBe('"Name"\n"Aborted A"\n"Aborted B"\n');
    expect(await count("SELECT Id FROM Account WHERE Name LIKE 'Aborted%'")).toBe(0);
  });

  it('fails a job whose header names an unknown field, or whose CSV cannot be read', async () => {
    const unknown = await openJob({ object: 'Account', operation: 'insert' }, 'Name,Nope__c\nX,1\n');
    await close(unknown);
    expect(await settle(unknown)).toMatchObject({
      state: 'Failed',
      errorMessage: 'InvalidBatch : Field name not found : Nope__c',
      numberRecordsProcessed: 0,
    });
    const broken = await openJob({ object: 'Account', operation: 'insert' }, 'Name,Phone\n"unclosed,1\n');
    await close(broken);
    expect((await settle(broken)).errorMessage).toMatch(/^InvalidBatch : Failed to parse CSV/);
    const empty = await openJob({ object: 'Account', operation: 'insert' });
    await close(empty);
    expect((await settle(empty)).state).toBe('Failed');
  });

  it('reads and writes the CSV options of the job: tab delimiters and CRLF line endings', async () => {
    const id = await openJob(
      { object: 'Account', operation: 'insert', columnDelimiter: 'TAB', lineEnding: 'CRLF' },
      'Name\tDescription\r\nTabbed One\thas, a comma\r\nTabbed Two\t"has\ta tab"\r\n',
    );
    await close(id);
    await settle(id);
    const results = await call(emulator, token, 'GET', `${V}/jobs/ingest/${id}/successfulResults`);
    const lines = results.text.split('\r\n');
    expect(lines[0]).toBe('"sf__Id"\t"sf__Created"\t"Name"\t"Description"');
    expect(lines[2]).toMatch(/^"001\w+"\t"true"\t"Tabbed Two"\t"has\ta tab"$/);
    const stored = await conn.query<Rec>("SELECT Description FROM Account WHERE Name = 'Tabbed One'");
    expect(stored.records[0]?.Description).toBe('has, a comma');
  });

  it('refuses bad job requests before creating anything', async () => {
    const post = (body: Rec, version = 'v60.0') =>
      call(emulator, token, 'POST', `/services/data/${version}/jobs/ingest`, body);
    expect((await post({ object: 'Account', operation: 'merge' })).body[0].errorCode).toBe('INVALIDJOB');
    expect((await post({ object: 'Nope__c', operation: 'insert' })).body[0].errorCode).toBe('INVALIDENTITY');
    expect((await post({ object: 'Account', operation: 'upsert' })).body[0].errorCode).toBe('INVALIDJOB');
    expect(
      (await post({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Phone' })).body[0]
        .errorCode,
    ).toBe('INVALIDJOB');
    expect((await post({ object: 'Account', operation: 'insert', columnDelimiter: 'COLON' })).status).toBe(
      400,
    );
    expect((await post({ object: 'Account', operation: 'insert' }, 'v40.0')).status).toBe(404);
    const id = await openJob({ object: 'Account', operation: 'insert' });
    const json = await call(emulator, token, 'PUT', `${V}/jobs/ingest/${id}/batches`, 'Name\nx\n', {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    expect((await call(emulator, token, 'GET', `${V}/jobs/ingest/750000000000000AAA`)).status).toBe(404);
    expect((await call(emulator, token, 'DELETE', `${V}/jobs/ingest/${id}`)).status).toBe(409);
  });

  it('processes thousands of rows in slices, and counts a batch per 10,000 records', async () => {
    const rows = 12_000;
    const csv = `LastName,Email\n${Array.from({ length: rows }, (_, i) => `Volume ${i},volume${i}@example.com`).join('\n')}\n`;
    const before = (await limits()).DailyBulkApiBatches?.Remaining as number;
    const id = await openJob({ object: 'Contact', operation: 'insert' }, csv);
    await close(id);
    const seen = new Set<string>();
    let info: Rec;
    for (;;) {
      info = (await call(emulator, token, 'GET', `${V}/jobs/ingest/${id}`)).body;
      seen.add(info.state);
      if (info.state === 'JobComplete') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(info.numberRecordsProcessed).toBe(rows);
    expect(await count("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Volume %'")).toBe(rows);
    expect((await limits()).DailyBulkApiBatches?.Remaining).toBe(before - 2);
    const success = await call(emulator, token, 'GET', `${V}/jobs/ingest/${id}/successfulResults`);
    expect(success.text.trim().split('\n')).toHaveLength(rows + 1);
  });
});

describe('query jobs', () => {
  it('runs a query through jsforce and answers every record as CSV values', async () => {
    const jobs = (await limits()).DailyBulkV2QueryJobs?.Remaining as number;
    const records = (await (
      await conn.bulk2.query(
        "SELECT Id, Name, Account.Name, CreatedDate, IsDeleted FROM Contact WHERE LastName = 'Linked'",
      )
    ).toArray()) as Rec[];
    expect(records).toEqual([
      {
        Id: expect.stringMatching(/^003/),
        Name: 'Linked',
        'Account.Name': 'Bulk Nine',
        CreatedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        IsDeleted: 'false',
      },
    ]);
    expect((await limits()).DailyBulkV2QueryJobs?.Remaining).toBe(jobs - 1);
  });

  it('pages results with maxRecords and Sforce-Locator, and sees deleted rows with queryAll', async () => {
    const created = await call(emulator, token, 'POST', `${V}/jobs/query`, {
      operation: 'queryAll',
      query: "SELECT Name FROM Account WHERE Name LIKE 'Bulk%' ORDER BY Name",
    });
    expect(created.body).toMatchObject({ operation: 'queryAll', object: 'Account', state: 'UploadComplete' });
    const done = await settle(created.body.id, 'query');
    // Bulk Alpha Renamed was deleted (queryAll sees it); Bulk, Beta was hard deleted (gone).
    expect(done).toMatchObject({ state: 'JobComplete', jobType: 'V2Query', numberRecordsProcessed: 2 });
    const page = (locator?: string) =>
      call(
        emulator,
        token,
        'GET',
        `${V}/jobs/query/${created.body.id}/results?maxRecords=1${locator ? `&locator=${locator}` : ''}`,
      );
    const first = await page();
    expect(first.text).toBe('"Name"\n"Bulk Alpha Renamed"\n');
    expect(first.headers.get('sforce-numberofrecords')).toBe('1');
    const locator = first.headers.get('sforce-locator') as string;
    expect(locator).toBe(Buffer.from('1').toString('base64'));
    const second = await page(locator);
    expect(second.text).toBe('"Name"\n"Bulk Nine"\n');
    expect(second.headers.get('sforce-locator')).toBe('null');
    const all = await call(emulator, token, 'GET', `${V}/jobs/query/${created.body.id}/results`);
    expect(all.text.split('\n')).toHaveLength(4);
    expect((await page('bm9wZQ')).status).toBe(400);
    const other = await call(
      emulator,
      token,
      'GET',
      `/services/data/v59.0/jobs/query/${created.body.id}/results`,
    );
    expect(other.status).toBe(409);
    expect((await call(emulator, token, 'DELETE', `${V}/jobs/query/${created.body.id}`)).status).toBe(204);
  });

  it('refuses what Bulk API 2.0 cannot run when the job is created', async () => {
    const post = (query: string, version = 'v60.0') =>
      call(emulator, token, 'POST', `/services/data/${version}/jobs/query`, { operation: 'query', query });
    expect((await post('SELECT Nope FROM Account')).body[0].errorCode).toBe('INVALID_FIELD');
    expect((await post('SELECT COUNT() FROM Account')).body[0].errorCode).toBe('FEATURENOTENABLED');
    expect((await post('SELECT Name, (SELECT Id FROM Contacts) FROM Account')).body[0].errorCode).toBe(
      'FEATURENOTENABLED',
    );
    expect((await post('SELECT BillingAddress FROM Account')).body[0].message).toContain(
      'Compound data not supported',
    );
    expect((await post('SELECT Id FROM Account', 'v46.0')).status).toBe(404);
    const jobs = await call(emulator, token, 'GET', `${V}/jobs/query`);
    expect(jobs.body.records.every((r: Rec) => r.operation === 'query' || r.operation === 'queryAll')).toBe(
      true,
    );
  });
});

describe('jobs across restarts', () => {
  it('carries on processing a closed job after the emulator restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfgql-bulk-'));
    try {
      let own = await startEmulator({ dataDir: dir });
      let ownToken = await login(own);
      const job = await call(own, ownToken, 'POST', `${V}/jobs/ingest`, {
        object: 'Account',
        operation: 'insert',
      });
      await call(
        own,
        ownToken,
        'PUT',
        `${V}/jobs/ingest/${job.body.id}/batches`,
        'Name\nRestart A\nRestart B\n',
        {
          'content-type': 'text/csv',
        },
      );
      // Closed as the previous process stopped, before any row was processed.
      own.org.db.prepare(`UPDATE _bulk_jobs SET state = 'UploadComplete' WHERE id = ?`).run(job.body.id);
      await own.close();
      own = await startEmulator({ dataDir: dir });
      ownToken = await login(own);
      for (;;) {
        const info = await call(own, ownToken, 'GET', `${V}/jobs/ingest/${job.body.id}`);
        if (info.body.state === 'JobComplete') {
          expect(info.body.numberRecordsProcessed).toBe(2);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await own.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
