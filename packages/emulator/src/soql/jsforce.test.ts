import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { transaction } from '../store/database.ts';
import { insertRow } from '../store/records.ts';
import { login } from '../test-helpers.ts';
import { SOQL_TEST_METADATA, type SoqlFixtures, seedSoqlFixtures } from './fixtures.ts';

/**
 * The SOQL engine through a real client: jsforce against the emulator over HTTP, with the clock
 * fixed at Thursday 2026-02-12T10:00Z.
 */
const NOW = new Date('2026-02-12T10:00:00.000Z');
const BULK = 4500;
let emulator: RunningEmulator;
let clock = NOW;
let conn: Connection;
let token: string;
let f: SoqlFixtures;
// biome-ignore lint/suspicious/noExplicitAny: records are untyped JSON, navigated freely in assertions.
type Rec = Record<string, any>;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:', metadata: SOQL_TEST_METADATA, now: () => clock });
  const { org } = emulator;
  f = seedSoqlFixtures(org);
  const remark = org.catalog.object('Remark__c');
  if (!remark) throw new Error('Remark__c missing');
  transaction(org.db, () => {
    for (let i = 0; i < BULK; i++) {
      insertRow(
        org.db,
        org.catalog,
        remark,
        { Name: `bulk ${String(i).padStart(5, '0')}` },
        { userId: f.userId, now: NOW },
      );
    }
  });
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    }),
  });
  const body = (await response.json()) as { access_token: string; instance_url: string };
  token = body.access_token;
  conn = new Connection({ instanceUrl: body.instance_url, accessToken: token, version: '60.0' });
});
afterAll(() => emulator.close());

/** A raw GET, to see status, headers and body exactly as the wire carries them. */
async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: response.status, body: (await response.json()) as Rec };
}
const queryPath = (q: string, resource = 'query') =>
  `/services/data/v60.0/${resource}?q=${encodeURIComponent(q)}`;

describe('records through jsforce', () => {
  it('returns parent paths, polymorphic parents and empty lookups', async () => {
    const result = await conn.query<Rec>(
      `SELECT Subject, Contact.Name, Contact.Account.Name, Owner.Name, Owner.Type FROM Case WHERE Subject LIKE 'SoqlTest%' ORDER BY Subject`,
    );
    expect(result.totalSize).toBe(3);
    expect(result.done).toBe(true);
    expect(result.records[0]).toEqual({
      attributes: { type: 'Case', url: `/services/data/v60.0/sobjects/Case/${f.cases[1]}` },
      Subject: 'SoqlTest 100% broken_link',
      Contact: {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${f.sarah}` },
        Name: 'Sarah SoqlJohnson',
        Account: {
          attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${f.acme}` },
          Name: 'SoqlTest Acme',
        },
      },
      Owner: {
        attributes: { type: 'Name', url: `/services/data/v60.0/sobjects/Group/${f.queueId}` },
        Name: 'Billing Queue',
        Type: 'Queue',
      },
    });
    const orphan = await conn.query<Rec>(
      `SELECT LastName, Account.Name FROM Contact WHERE LastName = 'SoqlNobody'`,
    );
    expect(orphan.records[0]?.Account).toBeNull();
  });

  it('returns child subqueries as nested QueryResults, null when empty', async () => {
    const result = await conn.query<Rec>(
      `SELECT Name, (SELECT Name, Qty__c FROM Widgets__r ORDER BY Name) FROM Account WHERE Name LIKE 'SoqlTest%' ORDER BY Name`,
    );
    expect(
      result.records.map((r) =>
        r.Widgets__r === null ? null : r.Widgets__r.records.map((w: Rec) => [w.Name, w.Qty__c]),
      ),
    ).toEqual([
      [
        ['Anvil', 3],
        ['bolt', 10],
      ],
      [['Crate', 1]],
      null,
    ]);
    expect(result.records[0]?.Widgets__r).toMatchObject({ totalSize: 2, done: true });
  });

  it('formats values as Salesforce does: datetimes, dates, booleans, numbers', async () => {
    const result = await conn.query<Rec>(
      `SELECT Seen__c, Due__c, Active__c, Price__c, Qty__c, CreatedDate, Tags__c FROM Widget__c WHERE Name = 'Anvil'`,
    );
    expect(result.records[0]).toMatchObject({
      Seen__c: '2026-02-12T09:30:00.000+0000',
      Due__c: '2026-02-12',
      Active__c: true,
      Price__c: 10.5,
      Qty__c: 3,
      CreatedDate: '2026-02-12T10:00:00.000+0000',
      Tags__c: 'Alpha;Beta',
    });
  });

  it('filters with date literals relative to the org clock', async () => {
    const names = async (where: string) =>
      (await conn.query<Rec>(`SELECT Name FROM Widget__c WHERE ${where} ORDER BY Name`)).records.map(
        (r) => r.Name,
      );
    expect(await names('Seen__c = TODAY')).toEqual(['Anvil']);
    expect(await names('Due__c = LAST_N_DAYS:1')).toEqual(['Anvil', 'bolt']);
    expect(await names('Due__c = LAST_MONTH')).toEqual(['Crate']);
    expect(await names('Due__c > THIS_YEAR')).toEqual([]);
    expect(await names('Seen__c < 2026-02-01T00:00:00-05:00')).toEqual(['Crate']);
  });

  it('runs semi-joins, anti-joins, INCLUDES and LIKE escapes', async () => {
    const contacts = await conn.query<Rec>(
      `SELECT LastName FROM Contact WHERE LastName LIKE 'Soql%' AND Id NOT IN (SELECT ContactId FROM Case) ORDER BY LastName`,
    );
    expect(contacts.records.map((r) => r.LastName)).toEqual(['SoqlNobody']);
    const tagged = await conn.query<Rec>(
      `SELECT Name FROM Widget__c WHERE Tags__c INCLUDES ('gamma', 'alpha;beta') ORDER BY Name`,
    );
    expect(tagged.records.map((r) => r.Name)).toEqual(['Anvil', 'bolt']);
    const escaped = await conn.query(`SELECT Id FROM Case WHERE Subject LIKE '%100\\%%'`);
    expect(escaped.totalSize).toBe(1);
  });
});

describe('aggregates through jsforce', () => {
  it('answers COUNT() in totalSize', async () => {
    const result = await conn.query(`SELECT COUNT() FROM Widget__c WHERE Active__c = true`);
    expect(result).toMatchObject({ totalSize: 2, done: true, records: [] });
  });

  it('returns AggregateResult rows with aliases and expr0..n', async () => {
    const result = await conn.query<Rec>(
      `SELECT Account__r.Name, COUNT(Id) n, SUM(Qty__c), MAX(Due__c) FROM Widget__c WHERE Account__c != null GROUP BY Account__r.Name ORDER BY Account__r.Name`,
    );
    expect(result.records).toEqual([
      {
        attributes: { type: 'AggregateResult' },
        Name: 'SoqlTest Acme',
        n: 2,
        expr0: 13,
        expr1: '2026-02-12',
      },
      {
        attributes: { type: 'AggregateResult' },
        Name: 'SoqlTest Globex',
        n: 1,
        expr0: 1,
        expr1: '2026-01-20',
      },
    ]);
  });
});

describe('query locators', () => {
  const bulk = `SELECT Id, Name FROM Remark__c WHERE Name LIKE 'bulk%' ORDER BY Name`;

  it('pages by 2000 with nextRecordsUrl until done', async () => {
    const first = await conn.query<Rec>(bulk);
    expect(first.totalSize).toBe(BULK);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v60\.0\/query\/01g\w{15}-2000$/);
    const second = await conn.queryMore<Rec>(first.nextRecordsUrl as string);
    expect(second).toMatchObject({ totalSize: BULK, done: false });
    expect(second.nextRecordsUrl).toMatch(/-4000$/);
    const third = await conn.queryMore<Rec>(second.nextRecordsUrl as string);
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    const all = [...first.records, ...second.records, ...third.records].map((r) => r.Name);
    expect(all).toHaveLength(BULK);
    expect(all[0]).toBe('bulk 00000');
    expect(all[BULK - 1]).toBe(`bulk ${String(BULK - 1).padStart(5, '0')}`);
    expect(new Set(all).size).toBe(BULK);
  });

  it('fetches every page with autoFetch', async () => {
    const records: Rec[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query<Rec>(bulk)
        .on('record', (record: Rec) => records.push(record))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 10000 });
    });
    expect(records).toHaveLength(BULK);
    expect(records.map((r) => r.Name)).toEqual([...records.map((r) => r.Name)].sort());
  });

  it('honours the Sforce-Query-Options batch size, clamped to 200..2000', async () => {
    const page = await get(queryPath(bulk), { 'Sforce-Query-Options': 'batchSize=500' });
    expect(page.status).toBe(200);
    expect(page.body.records).toHaveLength(500);
    expect(Object.keys(page.body)).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records']);
    const next = await get(page.body.nextRecordsUrl);
    expect(next.body.records).toHaveLength(500);
    expect(next.body.records[0].Name).toBe('bulk 00500');
    const tiny = await get(queryPath(bulk), { 'Sforce-Query-Options': 'batchSize=10' });
    expect(tiny.body.records).toHaveLength(200);
    const huge = await get(queryPath(bulk), { 'Sforce-Query-Options': 'batchSize=9000' });
    expect(huge.body.records).toHaveLength(2000);
  });

  it('serves queryAll locators under /query, with deleted rows', async () => {
    emulator.org.db.prepare(`UPDATE "Remark__c" SET "IsDeleted" = 1 WHERE "Name" = 'bulk 00001'`).run();
    try {
      const live = await conn.query(`SELECT COUNT() FROM Remark__c WHERE Name LIKE 'bulk%'`);
      expect(live.totalSize).toBe(BULK - 1);
      const first = await conn.query<Rec>(bulk, { scanAll: true });
      expect(first.totalSize).toBe(BULK);
      expect(first.records[1]?.Name).toBe('bulk 00001');
      expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v60\.0\/query\/01g/);
      const second = await conn.queryMore<Rec>(first.nextRecordsUrl as string);
      expect(second.records[0]?.Name).toBe('bulk 02000');
    } finally {
      emulator.org.db.prepare(`UPDATE "Remark__c" SET "IsDeleted" = 0 WHERE "Name" = 'bulk 00001'`).run();
    }
  });

  it('counts child rows toward the batch', async () => {
    const q = `SELECT Name, (SELECT Name FROM Remarks__r) FROM Account WHERE Name LIKE 'SoqlTest%' ORDER BY Name`;
    const result = await get(queryPath(q), { 'Sforce-Query-Options': 'batchSize=200' });
    expect(result.body).toMatchObject({ totalSize: 3, done: true });
    expect(result.body.records[0].Remarks__r.records[0].Name).toBe('on account');
  });

  it('expires a locator after 15 idle minutes on the org clock', async () => {
    const first = await get(queryPath(bulk));
    try {
      clock = new Date(NOW.getTime() + 14 * 60 * 1000);
      expect((await get(first.body.nextRecordsUrl)).status).toBe(200);
      clock = new Date(clock.getTime() + 14 * 60 * 1000);
      expect((await get(first.body.nextRecordsUrl.replace(/-2000$/, '-4000'))).status).toBe(200);
      clock = new Date(clock.getTime() + 16 * 60 * 1000);
      expect(await get(first.body.nextRecordsUrl)).toEqual({
        status: 400,
        body: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
      });
    } finally {
      clock = NOW;
    }
  });

  it('meters each query and each next page under the SOQL text', async () => {
    const q = `${bulk} LIMIT 2500`;
    const before = emulator.org.meter.metrics().bySoql[q] ?? 0;
    const first = await conn.query<Rec>(q);
    await conn.queryMore(first.nextRecordsUrl as string);
    expect(emulator.org.meter.metrics().bySoql[q]).toBe(before + 2);
  });

  it('refuses an aggregate query with more than 2000 rows', async () => {
    await expect(conn.query(`SELECT Name, COUNT(Id) FROM Remark__c GROUP BY Name`)).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
      message: expect.stringContaining('Aggregate query does not support queryMore()'),
    });
    const limited = await conn.query(`SELECT Name, COUNT(Id) FROM Remark__c GROUP BY Name LIMIT 2000`);
    expect(limited).toMatchObject({ totalSize: 2000, done: true });
  });

  it('keeps ten open locators per user, releasing the oldest, and serves them to their user only', async () => {
    const oldest = await get(queryPath(bulk));
    for (let i = 0; i < 10; i++) await get(queryPath(`${bulk} LIMIT ${3000 + i}`));
    expect((await get(oldest.body.nextRecordsUrl)).body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
    const mine = await get(queryPath(bulk));
    const other = await login(emulator, DEMO.users.standard);
    const response = await fetch(`${emulator.url}${mine.body.nextRecordsUrl}`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Rec[])[0]?.errorCode).toBe('INVALID_QUERY_LOCATOR');
    expect((await get(mine.body.nextRecordsUrl)).status).toBe(200);
  });

  it('rejects an unknown or malformed locator with INVALID_QUERY_LOCATOR', async () => {
    await expect(conn.queryMore('01g5g0000000000AAA-2000')).rejects.toMatchObject({
      errorCode: 'INVALID_QUERY_LOCATOR',
    });
    const raw = await get('/services/data/v60.0/query/not-a-locator');
    expect(raw).toEqual({
      status: 400,
      body: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
    });
    const first = await get(queryPath(bulk));
    const past = (first.body.nextRecordsUrl as string).replace(/-2000$/, `-${BULK}`);
    expect((await get(past)).body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});

describe('errors through jsforce', () => {
  const rejects = (q: string, errorCode: string, text: string) =>
    expect(conn.query(q)).rejects.toMatchObject({ errorCode, message: expect.stringContaining(text) });

  it('answers each error with Salesforce code and wording', async () => {
    await rejects(
      'SELECT Id FROM Widget__c WHERE',
      'MALFORMED_QUERY',
      "ERROR at Row:1:Column:31\nunexpected token: '<EOF>'",
    );
    await rejects(
      'SELECT Id FROM Widget__c WHERE Qty__c = 1 AND Qty__c = 2 OR Qty__c = 3',
      'MALFORMED_QUERY',
      "unexpected token: 'OR'",
    );
    await rejects(
      'SELECT Bogus__c FROM Widget__c',
      'INVALID_FIELD',
      "No such column 'Bogus__c' on entity 'Widget__c'",
    );
    await rejects(
      'SELECT Bogus__r.Name FROM Widget__c',
      'INVALID_FIELD',
      "Didn't understand relationship 'Bogus__r' in field path",
    );
    await rejects('SELECT Id FROM Gadget__c', 'INVALID_TYPE', "sObject type 'Gadget__c' is not supported");
    await rejects(
      'SELECT Id, (SELECT Id FROM Gadgets__r) FROM Account',
      'INVALID_TYPE',
      "Didn't understand relationship 'Gadgets__r' in FROM part of query call",
    );
    await rejects(
      'SELECT Id FROM Widget__c OFFSET 2001',
      'NUMBER_OUTSIDE_VALID_RANGE',
      'Maximum SOQL offset allowed is 2000',
    );
    await rejects(
      `SELECT Id FROM Widget__c WHERE Qty__c = 'many'`,
      'INVALID_QUERY_FILTER_OPERATOR',
      "value of filter criterion for field 'Qty__c'",
    );
    await rejects(
      `SELECT Id FROM Widget__c WHERE Id = 'bad'`,
      'INVALID_QUERY_FILTER_OPERATOR',
      'invalid ID field: bad',
    );
    await rejects(
      'SELECT Name, COUNT(Id) FROM Widget__c',
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: Name',
    );
    await rejects(
      `SELECT Id FROM Widget__c WHERE Name = '${'x'.repeat(4001)}'`,
      'MALFORMED_QUERY',
      'String literal too long',
    );
    await rejects(
      `SELECT Id FROM Widget__c WHERE Name = 'a\\zb'`,
      'MALFORMED_QUERY',
      "Illegal character sequence '\\z'",
    );
  });

  it('sends errors as a JSON array with status 400, never a 500', async () => {
    for (const q of [
      'SELECT',
      "SELECT Id FROM Widget__c WHERE Name = '\u0000'",
      'SELECT Id FROM Widget__c WHERE Due__c = 2026-02-30',
      'SELECT (SELECT (SELECT Id FROM X) FROM Y) FROM Z',
    ]) {
      const { status, body } = await get(queryPath(q));
      expect(status, q).toBeLessThan(500);
      if (status !== 200)
        expect(body, q).toEqual([{ message: expect.any(String), errorCode: expect.any(String) }]);
    }
    const missing = await get('/services/data/v60.0/query');
    expect(missing).toEqual({
      status: 400,
      body: [{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }],
    });
  });
});
