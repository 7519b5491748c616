import fc from 'fast-check';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

/**
 * Composite, batch and sObject Collections through jsforce and raw HTTP: shapes, references,
 * all-or-none rollback, limits, and one API call per composite request.
 */
let emulator: RunningEmulator;
let conn: Connection;
let token: string;
// biome-ignore lint/suspicious/noExplicitAny: composite bodies are untyped JSON.
type Rec = Record<string, any>;

const V = '/services/data/v60.0';

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    metadata: { fields: { Account: [{ name: 'Ext_Id__c', type: 'string', length: 40, externalId: true }] } },
  });
  conn = await connect(emulator);
  token = await login(emulator);
});
afterAll(() => emulator.close());

const composite = (body: unknown) =>
  conn.request({
    method: 'POST',
    url: '/composite',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  }) as Promise<{ compositeResponse: Rec[] }>;

const post = (path: string, body: unknown) => call(emulator, token, 'POST', `${V}${path}`, body);

const count = async (soql: string) => (await conn.query(soql)).totalSize;

const metrics = async () =>
  (await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as {
    total: number;
    byResource: Record<string, number>;
  };

beforeEach(async () => {
  await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' });
});

describe('POST /composite', () => {
  it('runs subrequests in order, with @{ref.field} and @{ref.records[0].Id} references in urls and bodies', async () => {
    const { compositeResponse } = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/sobjects/Account`,
          referenceId: 'refAccount',
          body: { Name: 'Composite Works' },
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'refContact',
          body: { LastName: 'Referenced', AccountId: '@{refAccount.id}', Description: 'of @{refAccount.id}' },
        },
        {
          method: 'GET',
          url: `${V}/query?q=SELECT+Id,Name,AccountId+FROM+Contact+WHERE+AccountId='@{refAccount.id}'`,
          referenceId: 'refQuery',
        },
        {
          method: 'PATCH',
          url: `${V}/sobjects/Contact/@{refQuery.records[0].Id}`,
          referenceId: 'refUpdate',
          body: { Title: 'Found by @{refQuery.records[0].Name}' },
        },
        {
          method: 'GET',
          url: `${V}/sobjects/Contact/@{refContact.id}?fields=Title,Description`,
          referenceId: 'refGet',
        },
      ],
    });
    const [account, contact, query, update, get] = compositeResponse as [Rec, Rec, Rec, Rec, Rec];
    expect(account).toEqual({
      body: { id: expect.stringMatching(/^001/), success: true, errors: [] },
      httpHeaders: { Location: `${V}/sobjects/Account/${account.body.id}` },
      httpStatusCode: 201,
      referenceId: 'refAccount',
    });
    expect(contact.httpStatusCode).toBe(201);
    expect(query.body.records[0].AccountId).toBe(account.body.id);
    expect(update).toEqual({ body: null, httpHeaders: {}, httpStatusCode: 204, referenceId: 'refUpdate' });
    expect(get.body.Title).toBe('Found by Referenced');
    expect(get.body.Description).toBe(`of ${account.body.id}`);
  });

  it('rolls everything back when an all-or-none subrequest fails: no record is left behind', async () => {
    const before = await count("SELECT Id FROM Account WHERE Name = 'Rolled Back Inc'");
    const { compositeResponse } = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/sobjects/Account`,
          referenceId: 'acct',
          body: { Name: 'Rolled Back Inc' },
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'good',
          body: { LastName: 'Rollback', AccountId: '@{acct.id}' },
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'bad',
          body: { LastName: 'Rollback', Email: 'not an email', AccountId: '@{acct.id}' },
        },
        { method: 'POST', url: `${V}/sobjects/Case`, referenceId: 'never', body: { Subject: 'never runs' } },
      ],
    });
    const halted = (referenceId: string) => ({
      body: [
        {
          errorCode: 'PROCESSING_HALTED',
          message: 'The transaction was rolled back since another operation in the same transaction failed.',
        },
      ],
      httpHeaders: {},
      httpStatusCode: 400,
      referenceId,
    });
    expect(compositeResponse).toEqual([
      halted('acct'),
      halted('good'),
      {
        body: [
          {
            errorCode: 'INVALID_EMAIL_ADDRESS',
            message: 'Email: invalid email address: not an email',
            fields: ['Email'],
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId: 'bad',
      },
      halted('never'),
    ]);
    expect(await count("SELECT Id FROM Account WHERE Name = 'Rolled Back Inc'")).toBe(before);
    expect(await count("SELECT Id FROM Contact WHERE LastName = 'Rollback'")).toBe(0);
    expect(await count("SELECT Id FROM Case WHERE Subject = 'never runs'")).toBe(0);
    // One API call for the composite; its subrequests (two of them wrote) were not counted.
    const m = await metrics();
    expect(m.byResource['POST /composite']).toBe(1);
    expect(m.byResource['POST /sobjects/Account']).toBeUndefined();
    expect(m.byResource['POST /sobjects/Contact']).toBeUndefined();
  });

  it('without allOrNone keeps what succeeded, halts what depends on a failure and runs the rest', async () => {
    const { compositeResponse } = await composite({
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'kept', body: { Name: 'Partly Kept' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'failed', body: { Name: '' } },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'dependent',
          body: { LastName: 'Dependent', AccountId: '@{failed.id}' },
        },
        {
          method: 'PATCH',
          url: `${V}/sobjects/Account/@{kept.id}`,
          referenceId: 'independent',
          body: { Phone: '555' },
        },
      ],
    });
    expect(compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 400, 400, 204]);
    expect(compositeResponse[1]?.body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(compositeResponse[2]?.body).toEqual([
      {
        errorCode: 'PROCESSING_HALTED',
        message: 'Invalid reference specified. No value for failed.id found in failed.',
      },
    ]);
    const kept = await conn.sobject('Account').retrieve(compositeResponse[0]?.body.id);
    expect((kept as Rec).Phone).toBe('555');
    expect(await count("SELECT Id FROM Contact WHERE LastName = 'Dependent'")).toBe(0);
  });

  it('halts a subrequest whose reference names nothing, and rolls back under allOrNone', async () => {
    const { compositeResponse } = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/sobjects/Account`,
          referenceId: 'made',
          body: { Name: 'Broken Ref Corp' },
        },
        {
          method: 'GET',
          url: `${V}/query?q=SELECT+Id+FROM+Contact+WHERE+LastName='Nobody+At+All'`,
          referenceId: 'empty',
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Case`,
          referenceId: 'useEmpty',
          body: { Subject: 'x', ContactId: '@{empty.records[0].Id}' },
        },
      ],
    });
    expect(compositeResponse[2]).toEqual({
      body: [
        {
          errorCode: 'PROCESSING_HALTED',
          message: 'Invalid reference specified. No value for empty.records[0].Id found in empty.',
        },
      ],
      httpHeaders: {},
      httpStatusCode: 400,
      referenceId: 'useEmpty',
    });
    expect(compositeResponse.slice(0, 2).map((r) => r.body[0].errorCode)).toEqual([
      'PROCESSING_HALTED',
      'PROCESSING_HALTED',
    ]);
    expect(await count("SELECT Id FROM Account WHERE Name = 'Broken Ref Corp'")).toBe(0);
    const unknown = await composite({
      compositeRequest: [
        { method: 'GET', url: `${V}/sobjects/Account/@{nowhere.id}`, referenceId: 'a' },
        { method: 'GET', url: `${V}/sobjects/Nope__c/001000000000001`, referenceId: 'b' },
      ],
    });
    expect(unknown.compositeResponse.map((r) => [r.httpStatusCode, r.body[0].errorCode])).toEqual([
      [400, 'PROCESSING_HALTED'],
      [404, 'NOT_FOUND'],
    ]);
  });

  it('refuses bodies over the limits, with broken structure or bad JSON, before running anything', async () => {
    const create = (i: number) => ({
      method: 'POST',
      url: `${V}/sobjects/Account`,
      referenceId: `r${i}`,
      body: { Name: 'Over The Limit' },
    });
    const over = await post('/composite', {
      compositeRequest: Array.from({ length: 26 }, (_, i) => create(i)),
    });
    expect(over.status).toBe(400);
    expect(over.body[0].errorCode).toBe('LIMIT_EXCEEDED');
    const duplicate = await post('/composite', { compositeRequest: [create(1), create(1)] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body[0].message).toBe('Duplicate ReferenceId provided in the request: r1');
    for (const body of [
      {},
      { compositeRequest: [] },
      { compositeRequest: 'x' },
      { compositeRequest: [{ method: 'FETCH', url: `${V}/limits`, referenceId: 'a' }] },
      { compositeRequest: [{ method: 'GET', url: '/limits', referenceId: 'a' }] },
      { compositeRequest: [{ method: 'GET', url: `${V}/limits` }] },
      { compositeRequest: [{ method: 'GET', url: `${V}/composite`, referenceId: 'a', body: {} }] },
      { allOrNone: 'yes', compositeRequest: [create(1)] },
      { compositeRequest: [create(1), 'x'] },
    ]) {
      const response = await post('/composite', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    const badJson = await post('/composite', '{"compositeRequest": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    expect(await count("SELECT Id FROM Account WHERE Name = 'Over The Limit'")).toBe(0);
  });

  it('rolls back a collection subrequest and everything else when one of its records fails under allOrNone', async () => {
    const { compositeResponse } = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `${V}/composite/sobjects`,
          referenceId: 'collection',
          body: {
            allOrNone: false,
            records: [
              { attributes: { type: 'Account' }, Name: 'Inner Collection A' },
              { attributes: { type: 'Account' }, Name: '' },
            ],
          },
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'after',
          body: { LastName: 'After Collection' },
        },
      ],
    });
    expect(compositeResponse[0]?.httpStatusCode).toBe(200);
    expect(compositeResponse[0]?.body.map((r: Rec) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'REQUIRED_FIELD_MISSING',
    ]);
    expect(compositeResponse[1]?.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(await count("SELECT Id FROM Account WHERE Name = 'Inner Collection A'")).toBe(0);
  });
});

describe('POST /composite/batch', () => {
  it('runs independent subrequests and reports hasErrors', async () => {
    const account = (await conn.sobject('Account').create({ Name: 'Batch Target' })) as { id: string };
    const response = await post('/composite/batch', {
      batchRequests: [
        {
          method: 'PATCH',
          url: `v60.0/sobjects/Account/${account.id}`,
          richInput: { Name: 'Batch Renamed' },
        },
        { method: 'GET', url: `v60.0/sobjects/Account/${account.id}?fields=Name` },
        { method: 'GET', url: `${V}/sobjects/Account/001000000000000AAA` },
        { method: 'GET', url: 'v60.0/limits' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.hasErrors).toBe(true);
    expect(response.body.results.map((r: Rec) => r.statusCode)).toEqual([204, 200, 404, 200]);
    expect(response.body.results[0].result).toBeNull();
    expect(response.body.results[1].result).toEqual({
      attributes: { type: 'Account', url: `${V}/sobjects/Account/${account.id}` },
      Name: 'Batch Renamed',
      Id: account.id,
    });
    expect((await metrics()).byResource).toEqual({ 'POST /sobjects/Account': 1, 'POST /composite/batch': 1 });
  });

  it('halts after an error with haltOnError: 412 BATCH_PROCESSING_HALTED for the rest', async () => {
    const response = await post('/composite/batch', {
      haltOnError: true,
      batchRequests: [
        { method: 'POST', url: 'v60.0/sobjects/Account', richInput: { Name: 'Before Halt' } },
        { method: 'POST', url: 'v60.0/sobjects/Account', richInput: { Nope__c: 1 } },
        { method: 'POST', url: 'v60.0/sobjects/Account', richInput: { Name: 'After Halt' } },
      ],
    });
    expect(response.body.hasErrors).toBe(true);
    expect(response.body.results.map((r: Rec) => r.statusCode)).toEqual([201, 400, 412]);
    expect(response.body.results[2].result).toEqual([
      { errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' },
    ]);
    expect(await count("SELECT Id FROM Account WHERE Name = 'Before Halt'")).toBe(1);
    expect(await count("SELECT Id FROM Account WHERE Name = 'After Halt'")).toBe(0);
    const over = await post('/composite/batch', {
      batchRequests: Array.from({ length: 26 }, () => ({ method: 'GET', url: 'v60.0/limits' })),
    });
    expect(over.status).toBe(400);
  });
});

describe('sObject Collections with jsforce', () => {
  it('creates, retrieves, updates, upserts and deletes many records in one call each', async () => {
    const created = (await conn.sobject('Account').create(
      [
        { Name: 'Collection One', Ext_Id__c: 'C-1' },
        { Name: 'Collection Two', Ext_Id__c: 'C-2' },
      ],
      { allOrNone: true },
    )) as unknown as Rec[];
    expect(created.map((r) => [r.success, r.errors])).toEqual([
      [true, []],
      [true, []],
    ]);
    const ids = created.map((r) => r.id as string);
    const fetched = (await conn
      .sobject('Account')
      .retrieve(ids, { fields: ['Name', 'Ext_Id__c'] })) as unknown as Rec[];
    expect(fetched.map((r) => [r.Id, r.Name])).toEqual([
      [ids[0], 'Collection One'],
      [ids[1], 'Collection Two'],
    ]);
    const updated = (await conn
      .sobject('Account')
      .update(ids.map((Id, i) => ({ Id, Phone: `555-010${i}` })))) as unknown as Rec[];
    expect(updated).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
    const upserted = (await conn.sobject('Account').upsert(
      [
        { Ext_Id__c: 'C-2', Name: 'Collection Two Upserted' },
        { Ext_Id__c: 'C-3', Name: 'Collection Three' },
      ],
      'Ext_Id__c',
    )) as unknown as Rec[];
    expect(upserted.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
    ]);
    expect(upserted[0]?.id).toBe(ids[1]);
    // Failed and rolled-back upsert results carry `created` too: whether they were creating their
    // record (C-10 and C-9 are new, C-2 exists), as Salesforce reports them.
    const failing = await call(emulator, token, 'PATCH', `${V}/composite/sobjects/Account/Ext_Id__c`, {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Ext_Id__c: 'C-2', Name: 'Rolled back' },
        { attributes: { type: 'Account' }, Ext_Id__c: 'C-10', Name: 'Rolled back too' },
        { attributes: { type: 'Account' }, Ext_Id__c: 'C-9', Name: '' },
      ],
    });
    expect(failing.body).toEqual([
      {
        success: false,
        errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })],
        created: false,
      },
      {
        success: false,
        errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })],
        created: true,
      },
      {
        success: false,
        errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })],
        created: true,
      },
    ]);
    const all = [...ids, upserted[1]?.id as string];
    const get = await call(
      emulator,
      token,
      'GET',
      `${V}/composite/sobjects/Account?ids=${all.join(',')},001000000000000AAA&fields=Name,Phone`,
    );
    expect(get.body.map((r: Rec | null) => r && [r.Name, r.Phone])).toEqual([
      ['Collection One', '555-0100'],
      ['Collection Two Upserted', '555-0101'],
      ['Collection Three', null],
      null,
    ]);
    const deleted = (await conn.sobject('Account').destroy(all, { allOrNone: true })) as unknown as Rec[];
    expect(deleted).toEqual(all.map((id) => ({ id, success: true, errors: [] })));
    expect(await count("SELECT Id FROM Account WHERE Name LIKE 'Collection %'")).toBe(0);
    const again = (await conn.sobject('Account').destroy(all)) as unknown as Rec[];
    expect(again.map((r) => r.errors[0].statusCode)).toEqual([
      'ENTITY_IS_DELETED',
      'ENTITY_IS_DELETED',
      'ENTITY_IS_DELETED',
    ]);
    const m = await metrics();
    expect(m.byResource['POST /composite/sobjects']).toBe(1);
    expect(m.byResource['DELETE /composite/sobjects']).toBe(2);
  });

  it('with allOrNone, one bad record rolls back the others, which report ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const results = (await conn
      .sobject('Contact')
      .create(
        [
          { LastName: 'All Or None A' },
          { LastName: 'All Or None B', Email: 'nope' },
          { LastName: 'All Or None C' },
        ],
        { allOrNone: true },
      )) as unknown as Rec[];
    expect(results).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message:
              'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'INVALID_EMAIL_ADDRESS',
            message: 'Email: invalid email address: nope',
            fields: ['Email'],
          },
        ],
      },
      expect.objectContaining({ success: false }),
    ]);
    expect(await count("SELECT Id FROM Contact WHERE LastName LIKE 'All Or None%'")).toBe(0);
    const partial = (await conn
      .sobject('Contact')
      .create([{ LastName: 'Partial A' }, { Email: 'x@y.example.com' }])) as unknown as Rec[];
    expect(partial.map((r) => r.success)).toEqual([true, false]);
    expect(partial[1]?.errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(await count("SELECT Id FROM Contact WHERE LastName = 'Partial A'")).toBe(1);
  });

  it('answers bad collections as Salesforce does, writing nothing', async () => {
    const records = Array.from({ length: 201 }, () => ({
      attributes: { type: 'Account' },
      Name: 'Too Many',
    }));
    const tooMany = await post('/composite/sobjects', { records });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual([
      {
        errorCode: 'EXCEEDED_ID_LIMIT',
        message: 'record limit reached. cannot submit more than 200 records into this call',
      },
    ]);
    const noType = await post('/composite/sobjects', { records: [{ Name: 'No Type' }] });
    expect(noType.body[0].errorCode).toBe('INVALID_TYPE');
    const unknown = await post('/composite/sobjects', {
      records: [
        { attributes: { type: 'Account' }, Name: 'Known' },
        { attributes: { type: 'Nope__c' }, Name: 'Unknown' },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body[0].errorCode).toBe('INVALID_TYPE');
    const noId = await call(emulator, token, 'PATCH', `${V}/composite/sobjects`, {
      records: [{ attributes: { type: 'Account' }, Name: 'No Id' }],
    });
    expect(noId.body).toEqual([
      {
        success: false,
        errors: [
          { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
        ],
      },
    ]);
    const badJson = await post('/composite/sobjects', '{"records": [}');
    expect(badJson.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    expect(await count("SELECT Id FROM Account WHERE Name IN ('Too Many', 'Known', 'No Id')")).toBe(0);
    const badField = await call(
      emulator,
      token,
      'GET',
      `${V}/composite/sobjects/Account?ids=001000000000000AAA&fields=Name,Bogus`,
    );
    expect(badField.body[0].errorCode).toBe('INVALID_FIELD');
    const injected = await call(
      emulator,
      token,
      'GET',
      `${V}/composite/sobjects/Account?ids=001000000000000AAA&fields=${encodeURIComponent('Name FROM Contact')}`,
    );
    expect(injected.body[0].errorCode).toBe('INVALID_FIELD');
  });
});

describe('all-or-none, whatever the subrequests', () => {
  it('leaves either every record or none, and never answers 500', async () => {
    const sub = fc.record({
      name: fc.constantFrom('Prop Co', '', 'x'.repeat(300), null),
      extra: fc.constantFrom(
        {},
        { Nope__c: 1 },
        { NumberOfEmployees: 'many' },
        { Phone: '555' },
        { Website: 42 },
      ),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(sub, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (subs, allOrNone) => {
          const tag = `prop${++run}`;
          const response = await post('/composite', {
            allOrNone,
            compositeRequest: subs.map((s, i) => ({
              method: 'POST',
              url: `${V}/sobjects/Account`,
              referenceId: `r${i}`,
              body: { ...(s.name === null ? {} : { Name: s.name }), AccountNumber: tag, ...s.extra },
            })),
          });
          expect(response.status).toBe(200);
          const codes = response.body.compositeResponse.map((r: Rec) => r.httpStatusCode as number);
          expect(codes.every((c: number) => c === 201 || c === 400)).toBe(true);
          const created = await count(`SELECT Id FROM Account WHERE AccountNumber = '${tag}'`);
          const succeeded = codes.filter((c: number) => c === 201).length;
          expect(created).toBe(succeeded);
          if (allOrNone) expect([0, subs.length]).toContain(created);
        },
      ),
      { numRuns: 40 },
    );
  });
});
