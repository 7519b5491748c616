import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/** sObject Tree and composite graph: shapes, all-or-none, limits, one API call each. */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;
// biome-ignore lint/suspicious/noExplicitAny: composite bodies are untyped JSON.
type Rec = Record<string, any>;
const V = '/services/data/v60.0';

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  conn = await connect(emulator);
  token = await login(emulator);
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' });
});

const count = async (soql: string) => (await conn.query(soql)).totalSize;
const metrics = async () =>
  (await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as { total: number };
const tree = (object: string, body: unknown, version = 'v60.0') =>
  call(emulator, token, 'POST', `/services/data/${version}/composite/tree/${object}`, body);
const account = (ref: string, name: string, extra: Rec = {}) => ({
  attributes: { type: 'Account', referenceId: ref },
  Name: name,
  ...extra,
});
const contact = (ref: string, lastName: string, extra: Rec = {}) => ({
  attributes: { type: 'Contact', referenceId: ref },
  LastName: lastName,
  ...extra,
});

describe('POST /composite/tree', () => {
  it('creates trees level by level, links children to parents, and answers every id', async () => {
    const response = await tree('Account', {
      records: [
        account('ref1', 'Tree One', {
          Phone: '1234567890',
          Contacts: { records: [contact('ref2', 'Smith', { Title: 'President' }), contact('ref3', 'Evans')] },
          Opportunities: {
            records: [
              {
                attributes: { type: 'Opportunity', referenceId: 'ref5' },
                Name: 'Tree Deal',
                StageName: 'Prospecting',
                CloseDate: '2026-06-30',
              },
            ],
          },
        }),
        account('ref4', 'Tree Two', { NumberOfEmployees: 100 }),
      ],
    });
    expect(response.status).toBe(201);
    expect((await metrics()).total).toBe(1);
    expect(response.body.hasErrors).toBe(false);
    expect(response.body.results.map((r: Rec) => r.referenceId)).toEqual([
      'ref1',
      'ref4',
      'ref2',
      'ref3',
      'ref5',
    ]);
    const ids = Object.fromEntries(response.body.results.map((r: Rec) => [r.referenceId, r.id]));
    expect(ids.ref1).toMatch(/^001/);
    const contacts = await conn.query<Rec>(
      `SELECT LastName, AccountId FROM Contact WHERE AccountId = '${ids.ref1}' ORDER BY LastName`,
    );
    expect(contacts.records.map((r) => r.LastName)).toEqual(['Evans', 'Smith']);
    const deal = await conn.query<Rec>(`SELECT AccountId FROM Opportunity WHERE Id = '${ids.ref5}'`);
    expect(deal.records[0]?.AccountId).toBe(ids.ref1);
  });

  it('creates nothing when one record fails, and lists only the records that failed', async () => {
    const before = await count("SELECT Id FROM Account WHERE Name LIKE 'Tree Fail%'");
    const response = await tree('Account', {
      records: [
        account('ok1', 'Tree Fail A', {
          Contacts: { records: [contact('bad', 'Nope', { Email: 'not-an-email' })] },
        }),
        account('ok2', 'Tree Fail B'),
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      hasErrors: true,
      results: [
        {
          referenceId: 'bad',
          errors: [
            {
              statusCode: 'INVALID_EMAIL_ADDRESS',
              message: 'Email: invalid email address: not-an-email',
              fields: ['Email'],
            },
          ],
        },
      ],
    });
    expect(await count("SELECT Id FROM Account WHERE Name LIKE 'Tree Fail%'")).toBe(before);
    expect(await count("SELECT Id FROM Contact WHERE LastName = 'Nope'")).toBe(0);
    const missing = await tree('Account', {
      records: [account('r1', 'Tree Fail C'), { attributes: { type: 'Account', referenceId: 'r2' } }],
    });
    expect(missing.body.results).toEqual([
      {
        referenceId: 'r2',
        errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] })],
      },
    ]);
  });

  it('refuses bad trees before writing anything', async () => {
    const unknownField = await tree('Account', { records: [account('a', 'X', { Nope__c: 1 })] });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toEqual([
      { errorCode: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Account" },
    ]);
    const unknownChild = await tree('Account', {
      records: [account('a', 'X', { Widgets: { records: [] } })],
    });
    expect(unknownChild.body[0].errorCode).toBe('INVALID_FIELD');
    const duplicate = await tree('Account', { records: [account('same', 'X'), account('same', 'Y')] });
    expect(duplicate.body.results[0]).toMatchObject({
      referenceId: 'same',
      errors: [{ statusCode: 'INVALID_INPUT' }],
    });
    const wrongRoot = await tree('Account', { records: [contact('c', 'Root')] });
    expect(wrongRoot.body).toMatchObject({
      hasErrors: true,
      results: [{ referenceId: 'c', errors: [{ statusCode: 'INVALID_INPUT' }] }],
    });
    const unknownType = await tree('Account', {
      records: [{ attributes: { type: 'UserRole', referenceId: 'r' } }],
    });
    expect(unknownType.body.results[0].errors[0].message).toBe(
      'Invalid entity type provided in the request: UserRole',
    );
    const noReference = await tree('Account', { records: [{ attributes: { type: 'Account' }, Name: 'X' }] });
    expect(noReference.body[0].errorCode).toBe('INVALID_INPUT');
    const tooMany = await tree('Account', {
      records: Array.from({ length: 201 }, (_, i) => account(`r${i}`, `Many ${i}`)),
    });
    expect(tooMany.body[0].errorCode).toBe('LIMIT_EXCEEDED');
    const notArray = await tree('Account', { records: {} });
    expect(notArray.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    expect((await tree('Nope__c', { records: [] })).status).toBe(404);
    expect(await count("SELECT Id FROM Account WHERE Name LIKE 'Many %'")).toBe(0);
  });

  it('creates 200 records of one type in one call', async () => {
    const response = await tree('Contact', {
      records: Array.from({ length: 200 }, (_, i) => contact(`c${i}`, `Bulk Tree ${i}`)),
    });
    expect(response.status).toBe(201);
    expect(response.body.results).toHaveLength(200);
    expect(await count("SELECT Id FROM Contact WHERE LastName LIKE 'Bulk Tree %'")).toBe(200);
  });
});

describe('POST /composite/graph', () => {
  it('runs each graph all or none, independently of the others', async () => {
    const response = await call(emulator, token, 'POST', `${V}/composite/graph`, {
      graphs: [
        {
          graphId: 'good',
          compositeRequest: [
            {
              method: 'POST',
              url: `${V}/sobjects/Account`,
              referenceId: 'acct',
              body: { Name: 'Graph Good' },
            },
            {
              method: 'POST',
              url: `${V}/sobjects/Contact`,
              referenceId: 'person',
              body: { LastName: 'Graphed', AccountId: '@{acct.id}' },
            },
          ],
        },
        {
          graphId: 'bad',
          compositeRequest: [
            {
              method: 'POST',
              url: `${V}/sobjects/Account`,
              referenceId: 'acct',
              body: { Name: 'Graph Bad' },
            },
            {
              method: 'POST',
              url: `${V}/sobjects/Contact`,
              referenceId: 'person',
              body: { Email: 'x@example.com' },
            },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect((await metrics()).total).toBe(1);
    const [good, bad] = response.body.graphs;
    expect(good).toMatchObject({ graphId: 'good', isSuccessful: true });
    expect(good.graphResponse.compositeResponse.map((r: Rec) => r.httpStatusCode)).toEqual([201, 201]);
    expect(bad.isSuccessful).toBe(false);
    expect(bad.graphResponse.compositeResponse).toEqual([
      expect.objectContaining({
        referenceId: 'acct',
        httpStatusCode: 400,
        body: [expect.objectContaining({ errorCode: 'PROCESSING_HALTED' })],
      }),
      expect.objectContaining({
        referenceId: 'person',
        httpStatusCode: 400,
        body: [expect.objectContaining({ errorCode: 'REQUIRED_FIELD_MISSING' })],
      }),
    ]);
    expect(await count("SELECT Id FROM Account WHERE Name = 'Graph Good'")).toBe(1);
    expect(await count("SELECT Id FROM Account WHERE Name = 'Graph Bad'")).toBe(0);
  });

  it('refuses malformed graphs before running any, and is served from API 50.0', async () => {
    const post = (body: unknown, version = 'v60.0') =>
      call(emulator, token, 'POST', `/services/data/${version}/composite/graph`, body);
    expect((await post({ graphs: [] })).status).toBe(400);
    const duplicate = await post({
      graphs: [
        { graphId: 'g', compositeRequest: [{ method: 'GET', url: `${V}/limits`, referenceId: 'a' }] },
        { graphId: 'g', compositeRequest: [{ method: 'GET', url: `${V}/limits`, referenceId: 'a' }] },
      ],
    });
    expect(duplicate.status).toBe(400);
    const nested = await post({
      graphs: [
        {
          graphId: 'g',
          compositeRequest: [{ method: 'POST', url: `${V}/composite/tree/Account`, referenceId: 'a' }],
        },
      ],
    });
    expect(nested.status).toBe(400);
    const tooMany = await post({
      graphs: [
        {
          graphId: 'g',
          compositeRequest: Array.from({ length: 501 }, (_, i) => ({
            method: 'GET',
            url: `${V}/limits`,
            referenceId: `r${i}`,
          })),
        },
      ],
    });
    expect(tooMany.body[0].errorCode).toBe('LIMIT_EXCEEDED');
    expect((await post({ graphs: [{ graphId: 'g', compositeRequest: [] }] }, 'v49.0')).status).toBe(404);
  });
});
