import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO } from '@sfgql/emulator';
import { createSalesforceClient, soql } from '@sfgql/soql';
import { type DemoOrg, startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The command as a person runs it: a child process of its own, against the emulator over HTTP.
const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
const CONTACTS = 3_000;
let org: DemoOrg;
let control: EmulatorControl;
let dataDir: string;

beforeAll(async () => {
  org = await startDemoOrg({ scale: CONTACTS });
  control = emulatorControl(org.emulator.url);
  dataDir = mkdtempSync(join(tmpdir(), 'sfgql-cli-'));
});
afterAll(async () => {
  await org.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => control.resetMetrics());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a run: the demo admin's own token, nothing of the machine's `SF_*`. */
function env(): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && !e[0].startsWith('SF_') && !e[0].startsWith('SALESFORCE_'),
    ),
  );
  return {
    ...base,
    SALESFORCE_INSTANCE_URL: org.emulator.url,
    SALESFORCE_ACCESS_TOKEN: org.session.accessToken,
    SFGQL_DATA_DIR: dataDir,
  };
}

/**
 * Runs `sfgql ...args` (never synchronously: the emulator answers from this process) and collects
 * what it printed. `answer` is typed at a pseudo-terminal (`script`) once the prompt shows.
 */
function sfgql(args: string[], options: { answer?: string } = {}): Promise<Run> {
  const node = [process.execPath, '--disable-warning=ExperimentalWarning', MAIN, ...args];
  const quoted = node.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child =
    options.answer === undefined
      ? spawn(node[0] as string, node.slice(1), { env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('script', ['-qec', quoted, '/dev/null'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (options.answer !== undefined && stdout.includes('Proceed? [y/N]')) {
      child.stdin?.end(`${options.answer}\n`);
      options.answer = undefined;
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const client = () => createSalesforceClient({ session: org.session });
const FIELDS = ['Id', 'FirstName', 'LastName', 'Email', 'AccountId', 'LastModifiedDate'];

/** A REST value as Bulk API 2.0 writes it: text, datetimes with Z, null for nothing. */
const asCsvText = (value: unknown) =>
  value === null || value === undefined
    ? null
    : String(value).replace(/^(\d{4}-\d{2}-\d{2}T[\d:.]+)\+0000$/, '$1Z');

/** The same contacts read with the REST API, by Id, values as Bulk API 2.0 writes them. */
async function contactsByRest(where = soql``) {
  const { records } = await client().query(soql`SELECT ${soql.fields(FIELDS)} FROM Contact${where}`);
  return new Map(
    records.map((r) => [r.Id as string, Object.fromEntries(FIELDS.map((f) => [f, asCsvText(r[f])]))]),
  );
}

describe('sfgql export', () => {
  it('streams every contact as CSV, the same records and values as the REST API, for what Bulk API 2.0 costs', async () => {
    const run = await sfgql([
      'export',
      'Contact',
      '--fields',
      'id,firstName,LastName,email,accountId,lastModifiedDate',
      '--page-size',
      '1000',
    ]);
    expect(run.status).toBe(0);
    const { byResource } = await control.metrics();
    const rest = await contactsByRest();
    const rows = parse(run.stdout, {
      columns: true,
      cast: (v, c) => (c.header || v !== '' ? v : null),
    }) as Record<string, string | null>[];
    expect(rows.length).toBeGreaterThan(CONTACTS);
    expect(rows).toHaveLength(rest.size);
    for (const row of rows) expect(row).toEqual(rest.get(row.Id as string));
    expect(run.stdout.split('\n').filter((line) => line.startsWith('"Id"'))).toHaveLength(1);
    // Progress on stderr: the job's total, and the end.
    expect(run.stderr).toContain(
      `100% ${rest.size.toLocaleString('en-US')}/${rest.size.toLocaleString('en-US')} records`,
    );
    expect(run.stderr).toMatch(
      new RegExp(`Contacts: ${rest.size.toLocaleString('en-US')} records exported in`),
    );

    const polls = byResource['GET /jobs/query/{id}'] ?? 0;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(byResource).toEqual({
      'POST /jobs/query': 1,
      'GET /jobs/query/{id}': polls,
      'GET /jobs/query/{id}/results': Math.ceil(rest.size / 1000),
      'DELETE /jobs/query/{id}': 1,
    });
  });

  it('writes a filtered export as NDJSON to a file: the records a direct query finds, nulls for empty values', async () => {
    const out = join(dataDir, 'contacts.ndjson');
    const run = await sfgql([
      'export',
      'contacts',
      '--where',
      '{"or":[{"lastName":{"like":"S%"}},{"email":{"isNull":true}}]}',
      '--fields',
      FIELDS.join(','),
      '--format',
      'ndjson',
      '--out',
      out,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const rest = await contactsByRest(soql` WHERE LastName LIKE 'S%' OR Email = null`);
    const records = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string | null>);
    expect(rest.size).toBeGreaterThan(10);
    expect(records).toHaveLength(rest.size);
    for (const record of records) expect(record).toEqual(rest.get(record.Id as string));
  });

  it('writes NDJSON values as the REST API answers them: numbers, booleans, dates and nulls', async () => {
    const fields = ['Id', 'Name', 'Amount', 'Probability', 'IsClosed', 'IsWon', 'CloseDate'];
    const run = await sfgql(['export', 'opportunities', '--fields', fields.join(','), '--format', 'ndjson']);
    expect(run.status, run.stderr).toBe(0);
    const records = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const { records: rest } = await client().query(soql`SELECT ${soql.fields(fields)} FROM Opportunity`);
    const byId = new Map(
      rest.map((r) => [r.Id as string, Object.fromEntries(fields.map((f) => [f, r[f] ?? null]))]),
    );
    expect(records).toHaveLength(byId.size);
    for (const record of records) expect(record).toEqual(byId.get(record.Id as string));
    expect(records.some((r) => typeof r.Amount === 'number')).toBe(true);
    expect(records.some((r) => r.IsClosed === true) && records.some((r) => r.IsClosed === false)).toBe(true);
  });

  it('fails in one line when Salesforce does, leaving neither a file nor a job behind', async () => {
    await control.setFaults({ rules: [{ kind: 'error503', resources: ['jobs'], methods: ['GET'] }] });
    const out = join(dataDir, 'failed.csv');
    const run = await sfgql(['export', 'Case', '--out', out]);
    await control.clearFaults();
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^sfgql: .*\(SF_REQUEST_FAILED, SERVER_UNAVAILABLE\)$/,
    );
    expect(readdirSync(dataDir).filter((f) => f.startsWith('failed.csv'))).toEqual([]);
    const jobs = await client().raw({ kind: 'test', method: 'GET', path: '/jobs/query' });
    expect(JSON.parse(jobs.text)).toMatchObject({ records: [] });
  });

  it('refuses a bad object, field or filter in one line, with status 1, before any call', async () => {
    const runs = await Promise.all([
      sfgql(['export', 'Widget']),
      sfgql(['export', 'Contact', '--fields', 'id,shoeSize']),
      sfgql(['export', 'Contact', '--where', '{"email":']),
      sfgql(['export', 'Contact', '--where', '{"email":{"gt":3}}']),
      sfgql(['export', 'Contact', '--where', '{"shoeSize":{"eq":42}}']),
      sfgql(['export', 'User', '--scope', 'language=fr']),
    ]);
    const expected = [
      /"Widget" is not an object of the catalog; its objects: Contact, Lead/,
      /Contact has no field "shoeSize"/,
      /--where is not JSON/,
      /email address .*email\.gt/,
      /shoeSize/,
      /language/,
    ];
    runs.forEach((run, i) => {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(expected[i] as RegExp);
      expect(run.stderr).toMatch(/\(INVALID_INPUT\)$/m);
    });
    expect((await control.metrics()).total).toBe(0);
  });
});

describe('sfgql query and describe', () => {
  it("prints a person's own read-only SOQL as a table or JSON, and refuses anything else in one line", async () => {
    const [table, asJson, write] = await Promise.all([
      sfgql([
        'query',
        `SELECT CaseNumber, Status, Account.Name FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`,
      ]),
      sfgql(['query', 'SELECT Id, CaseNumber FROM Case ORDER BY CaseNumber', '--json', '--limit', '3']),
      sfgql(['query', 'SELECT Id FROM Case FOR UPDATE']),
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^CaseNumber\s+Status\s+Account\.Name\n-+/);
    expect(table.stdout).toMatch(new RegExp(`${DEMO.caseNumber}\\s+\\S+\\s+Acme Corporation`));
    expect(table.stdout).toContain('(1 records)');
    expect(asJson.status).toBe(0);
    const records = JSON.parse(asJson.stdout) as { CaseNumber: string; attributes?: unknown }[];
    expect(records).toHaveLength(3);
    expect(records[0]).not.toHaveProperty('attributes');
    expect(write.status).toBe(1);
    expect(write.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(write.stderr).toMatch(/The query was refused: .*FOR UPDATE.*\(INVALID_INPUT\)/);
  });

  it("describes an object's fields, and reports Salesforce's refusal of an unknown one", async () => {
    const [known, unknown] = await Promise.all([
      sfgql(['describe', 'Case']),
      sfgql(['describe', 'Widget__c']),
    ]);
    expect(known.status).toBe(0);
    expect(known.stdout).toMatch(/^Case \(Case\)/);
    expect(known.stdout).toMatch(/\nStatus\s+picklist\s+.*New/);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^sfgql: .*\(SF_NOT_FOUND, NOT_FOUND\)\n$/);
  });
});

describe('sfgql call', () => {
  const caseStatus = async () =>
    (await client().query(soql`SELECT Status FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`)).records[0]
      ?.Status;
  const caseId = async () =>
    (await client().query(soql`SELECT Id FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`)).records[0]
      ?.Id as string;
  const writesOf = (id: string, status: string) =>
    readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { recordId?: string; outcome: { status: string }; changes: unknown[] },
      )
      .filter(
        (e) =>
          e.recordId === id &&
          e.outcome.status === 'written' &&
          JSON.stringify(e.changes).includes(`"after":"${status}"`),
      );

  it('runs a read and prints its result', async () => {
    const run = await sfgql([
      'call',
      'getCaseDetailsFromNumber',
      JSON.stringify({ caseNumber: DEMO.caseNumber }),
    ]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ caseNumber: DEMO.caseNumber });
  });

  it('without a terminal and without --yes shows the change and writes nothing', async () => {
    const before = await caseStatus();
    const run = await sfgql([
      'call',
      'updateCase',
      JSON.stringify({ id: await caseId(), status: 'Escalated' }),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^Update case 00001104 \("Billing discrepancy on the January invoice"\): status from .*\n {2}Status: ".*" → "Escalated"\n/,
    );
    expect(run.stderr).toMatch(/Nothing was written: no terminal to ask at.*--yes\. \(NOT_CONFIRMED\)\n$/);
    expect(await caseStatus()).toBe(before);
  });

  it('with --yes writes once, through a confirmation recorded in the audit trail', async () => {
    const id = await caseId();
    const run = await sfgql(['call', 'updateCase', JSON.stringify({ id, status: 'Closed' }), '--yes']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id, success: true });
    expect(await caseStatus()).toBe('Closed');
    expect(writesOf(id, 'Closed')).toHaveLength(1);
    expect((await control.metrics()).byResource['POST /composite']).toBe(1);
  });

  it('refuses an unknown operation and input that does not fit, in one line', async () => {
    const [unknown, bad] = await Promise.all([
      sfgql(['call', 'launchRocket']),
      sfgql(['call', 'updateCase', '{"id":"not-an-id","status":"New"}', '--yes']),
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /^sfgql: "launchRocket" is not an operation of the catalog.*\(INVALID_INPUT\)\n$/,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/Salesforce Id → at id.*\(INVALID_INPUT\)$/m);
  });

  it('asks at a terminal and writes only on yes', async () => {
    const id = await caseId();
    const no = await sfgql(['call', 'updateCase', JSON.stringify({ id, status: 'Working' })], {
      answer: 'n',
    });
    expect(no.status).toBe(1);
    expect(no.stdout).toMatch(
      /Status: ".*" → "Working"[\s\S]*Proceed\? \[y\/N\][\s\S]*Nothing was written\. \(NOT_CONFIRMED\)/,
    );
    expect(await caseStatus()).not.toBe('Working');

    const yes = await sfgql(['call', 'updateCase', JSON.stringify({ id, status: 'Working' })], {
      answer: 'y',
    });
    expect(yes.status).toBe(0);
    expect(yes.stdout).toMatch(/Proceed\? \[y\/N\][\s\S]*"success": true/);
    expect(await caseStatus()).toBe('Working');
    expect(writesOf(id, 'Working')).toHaveLength(1);
  });
});
