import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

let emulator: RunningEmulator;
let conn: Connection;
let token: string;
let clock = new Date('2026-03-02T12:00:00.000Z');
const V = '/services/data/v60.0';

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => clock,
    // The clock jumps past the Recycle Bin's 15 days; sessions must outlive it.
    sessionLifetimeMs: 365 * 24 * 60 * 60 * 1000,
    metadata: {
      fields: { Account: [{ name: 'External_Id__c', type: 'string', length: 40, externalId: true }] },
    },
  });
  conn = await connect(emulator);
  token = await login(emulator);
});
afterAll(() => emulator.close());

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(emulator, token, method, `${V}${path}`, body, headers);
const count = (table: string) =>
  (emulator.org.db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
const idOf = (sql: string, ...params: string[]) =>
  (emulator.org.db.prepare(sql).get(...params) as { Id: string }).Id;
const sarahId = () => idOf(`SELECT "Id" FROM "Contact" WHERE "Name" = 'Sarah Johnson'`);
const acmeId = () => idOf(`SELECT "Id" FROM "Account" WHERE "Name" = 'Acme Corporation'`);

/** The single error of a Salesforce error array, asserting its status. */
async function error(
  status: number,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  const response = await api(method, path, body, headers);
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(Array.isArray(response.body)).toBe(true);
  expect(response.body).toHaveLength(1);
  return response.body[0] as { errorCode: string; message: string; fields?: string[] };
}

describe('create', () => {
  it('creates through jsforce and answers 201 {id, success, errors}', async () => {
    const result = await conn
      .sobject('Contact')
      .create({ FirstName: 'Nora', LastName: 'Quist', AccountId: acmeId() });
    expect(result).toEqual({ id: expect.stringMatching(/^003\w{15}$/), success: true, errors: [] });
    const raw = await api('POST', '/sobjects/Contact/', { LastName: 'Raw' });
    expect(raw.status).toBe(201);
    expect(raw.body).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [] });
    expect(raw.headers.get('location')).toBe(`${V}/sobjects/Contact/${raw.body.id}`);
    const record = await conn.sobject('Contact').retrieve(result.id as string);
    expect(record).toMatchObject({
      attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${result.id}` },
      Name: 'Nora Quist',
      OwnerId: expect.stringMatching(/^005/),
      IsDeleted: false,
      HasOptedOutOfEmail: false,
      CreatedDate: '2026-03-02T12:00:00.000+0000',
      SystemModstamp: '2026-03-02T12:00:00.000+0000',
    });
  });

  it('reports an unknown field, and an Id in the body', async () => {
    expect(await error(400, 'POST', '/sobjects/Account', { Name: 'x', abcd: 1 })).toEqual({
      errorCode: 'INVALID_FIELD',
      message: "No such column 'abcd' on sobject of type Account",
    });
    await expect(conn.sobject('Account').create({ Name: 'x', abcd: 1 } as never)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    expect(await error(400, 'POST', '/sobjects/Account', { Id: acmeId(), Name: 'x' })).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: 'The Id field should not be specified in the sobject data.',
    });
  });

  it('reports every field that may not be written, in one error', async () => {
    const body = await error(400, 'POST', '/sobjects/Contact', {
      LastName: 'x',
      Name: 'x y',
      IsDeleted: true,
    });
    expect(body.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(body.message).toMatch(/^Unable to create\/update fields: Name, IsDeleted\. Please check/);
    expect(body.fields).toEqual(['Name', 'IsDeleted']);
  });

  it('lists every missing required field', async () => {
    expect(await error(400, 'POST', '/sobjects/Opportunity', { Amount: 5 })).toEqual({
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name, StageName, CloseDate]',
      fields: ['Name', 'StageName', 'CloseDate'],
    });
    expect((await error(400, 'POST', '/sobjects/Lead', { LastName: 'x' })).fields).toEqual(['Company']);
    // An empty string is null to Salesforce.
    expect((await error(400, 'POST', '/sobjects/Contact', { LastName: '' })).fields).toEqual(['LastName']);
    expect(
      (await error(400, 'POST', '/sobjects/Event', { StartDateTime: '2026-03-03T10:00:00Z' })).fields,
    ).toEqual(['DurationInMinutes']);
    const campaign = idOf(`SELECT "Id" FROM "Campaign" WHERE "Name" = 'Q1 2026 Outreach'`);
    expect((await error(400, 'POST', '/sobjects/CampaignMember', { CampaignId: campaign })).fields).toEqual([
      'ContactId',
      'LeadId',
    ]);
    await expect(conn.sobject('Contact').create({ FirstName: 'x' })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
    });
  });

  it('rejects a bad value for a restricted picklist, and accepts any for an open one', async () => {
    expect(await error(400, 'POST', '/sobjects/Case', { Subject: 'x', Status: 'Bogus' })).toEqual({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Status: bad value for restricted picklist field: Bogus',
      fields: ['Status'],
    });
    const open = await api('POST', '/sobjects/Account', { Name: 'Orbital', Industry: 'Space Mining' });
    expect(open.status).toBe(201);
  });

  it('reports wrong types and formats as the deserializer does, with the position', async () => {
    const date = await error(400, 'POST', '/sobjects/Opportunity', {
      Name: 'x',
      StageName: 'Prospecting',
      CloseDate: 'tomorrow',
    });
    expect(date).toEqual({
      errorCode: 'JSON_PARSER_ERROR',
      message:
        'Cannot deserialize instance of date from VALUE_STRING value tomorrow or request may be missing a required field at [line:1, column:51]',
    });
    expect(
      (await error(400, 'POST', '/sobjects/Account', { Name: 'x', NumberOfEmployees: 'many' })).message,
    ).toContain('Cannot deserialize instance of int from VALUE_STRING value many');
    expect(
      (await error(400, 'POST', '/sobjects/Account', { Name: 'x', NumberOfEmployees: 1.5 })).errorCode,
    ).toBe('JSON_PARSER_ERROR');
    expect(
      (await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', DoNotCall: 'yes' })).message,
    ).toContain('Cannot deserialize instance of boolean from VALUE_STRING value yes');
    expect(
      (await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', LeadSource: ['Web'] })).message,
    ).toBe('Cannot deserialize instance of picklist from START_ARRAY value [line:1, column:30]');
    expect(
      (
        await error(400, 'POST', '/sobjects/Event', {
          DurationInMinutes: 5,
          StartDateTime: '2026-02-30T10:00:00Z',
        })
      ).message,
    ).toContain('Cannot deserialize instance of datetime from VALUE_STRING value 2026-02-30T10:00:00Z');
    // Numbers and booleans may come as strings; datetimes with any offset.
    const ok = await api('POST', '/sobjects/Event', {
      Subject: 'Offsets',
      StartDateTime: '2026-03-03T10:00:00+01:00',
      DurationInMinutes: '30',
      IsPrivate: 'true',
    });
    expect(ok.status).toBe(201);
    const event = await api(
      'GET',
      `/sobjects/Event/${ok.body.id}?fields=StartDateTime,EndDateTime,IsPrivate`,
    );
    expect(event.body).toMatchObject({
      StartDateTime: '2026-03-03T09:00:00.000+0000',
      EndDateTime: '2026-03-03T09:30:00.000+0000',
      IsPrivate: true,
    });
  });

  it('checks e-mail addresses, lengths and numeric ranges', async () => {
    expect(await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', Email: 'not-an-email' })).toEqual({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: not-an-email',
      fields: ['Email'],
    });
    const long = 'x'.repeat(41);
    expect(await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', FirstName: long })).toEqual({
      errorCode: 'STRING_TOO_LONG',
      message: `First Name: data value too large: ${long} (max length=40)`,
      fields: ['FirstName'],
    });
    expect(
      await error(400, 'POST', '/sobjects/Opportunity', {
        Name: 'x',
        StageName: 'Prospecting',
        CloseDate: '2026-04-01',
        Amount: 1e17,
      }),
    ).toMatchObject({ errorCode: 'NUMBER_OUTSIDE_VALID_RANGE', fields: ['Amount'] });
  });

  it('checks references: form, type, existence and deletion; 15-character ids are accepted', async () => {
    expect(await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', AccountId: 'abc' })).toEqual({
      errorCode: 'MALFORMED_ID',
      message: 'Account ID: id value of incorrect type: abc',
      fields: ['AccountId'],
    });
    const sarah = sarahId();
    expect(
      (await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', AccountId: sarah })).errorCode,
    ).toBe('MALFORMED_ID');
    const lead = idOf(`SELECT "Id" FROM "Lead" LIMIT 1`);
    expect(await error(400, 'POST', '/sobjects/Task', { Subject: 'x', WhatId: lead })).toEqual({
      errorCode: 'MALFORMED_ID',
      message: `Related To ID: id value of incorrect type: ${lead}`,
      fields: ['WhatId'],
    });
    expect(
      await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', AccountId: '001000000000000AAA' }),
    ).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['AccountId'] });
    const created = await api('POST', '/sobjects/Contact', {
      LastName: 'Short Id',
      AccountId: acmeId().slice(0, 15),
    });
    expect(created.status).toBe(201);
    const stored = await api('GET', `/sobjects/Contact/${created.body.id.slice(0, 15)}?fields=AccountId`);
    expect(stored.body.AccountId).toBe(acmeId());
    expect(stored.body.Id).toBe(created.body.id);
    const doomed = await api('POST', '/sobjects/Account', { Name: 'Doomed' });
    await api('DELETE', `/sobjects/Account/${doomed.body.id}`);
    expect(
      await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', AccountId: doomed.body.id }),
    ).toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
      fields: ['AccountId'],
    });
  });

  it('answers bad bodies with Salesforce errors and writes nothing', async () => {
    const before = count('Account');
    expect((await error(400, 'POST', '/sobjects/Account', '{"Name": }')).message).toMatch(
      /^Unexpected character \('}' \(code 125\)\): expected a valid value .* at \[line:1, column:10\]$/,
    );
    expect((await error(400, 'POST', '/sobjects/Account', '')).errorCode).toBe('JSON_PARSER_ERROR');
    expect((await error(400, 'POST', '/sobjects/Account', '[{"Name":"x"}]')).message).toBe(
      'Cannot deserialize instance of Account from START_ARRAY value [line:1, column:1]',
    );
    expect((await error(400, 'POST', '/sobjects/Account', '{"Name":"x"')).message).toContain(
      'Unexpected end-of-input',
    );
    expect(
      await error(415, 'POST', '/sobjects/Account', 'Name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    ).toEqual({
      errorCode: 'UNSUPPORTED_MEDIA_TYPE',
      message:
        'Content-Type header specified in HTTP request is not supported: application/x-www-form-urlencoded',
    });
    // A failure after the row is prepared (a line item without a price) rolls everything back.
    const renewal = idOf(`SELECT "Id" FROM "Opportunity" WHERE "Name" LIKE 'Acme%'`);
    const entry = idOf(
      `SELECT "Id" FROM "PricebookEntry" WHERE "ProductCode" = 'ENT-001' AND "UnitPrice" = 5000`,
    );
    const items = count('OpportunityLineItem');
    expect(
      (
        await error(400, 'POST', '/sobjects/OpportunityLineItem', {
          OpportunityId: renewal,
          PricebookEntryId: entry,
          Quantity: 1,
        })
      ).errorCode,
    ).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(count('OpportunityLineItem')).toBe(items);
    expect(count('Account')).toBe(before);
  });

  it('refuses huge bodies with 413, never a 500', async () => {
    const small = await startEmulator({ dataDir: ':memory:', maxBodyBytes: 64 * 1024 });
    try {
      const smallToken = await login(small);
      const response = await call(small, smallToken, 'POST', `${V}/sobjects/Account`, {
        Name: 'big',
        Description: 'x'.repeat(200 * 1024),
      });
      expect(response.status).toBe(413);
      expect(response.body).toEqual([
        {
          errorCode: 'REQUEST_ENTITY_TOO_LARGE',
          message: 'Request body exceeds the maximum size of 65536 bytes',
        },
      ]);
      expect(count('Account')).toBeGreaterThan(0);
      expect(
        (
          small.org.db.prepare(`SELECT COUNT(*) AS n FROM "Account" WHERE "Name" = 'big'`).get() as {
            n: number;
          }
        ).n,
      ).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('answers unknown objects with 404 and objects that cannot be created with an error', async () => {
    expect(await error(404, 'POST', '/sobjects/Foo__c', { Name: 'x' })).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'The requested resource does not exist',
    });
    expect((await error(400, 'POST', '/sobjects/KnowledgeArticleVersion', { Title: 'x' })).errorCode).toBe(
      'INVALID_TYPE_FOR_OPERATION',
    );
    expect((await error(405, 'PUT', '/sobjects/Account', { Name: 'x' })).errorCode).toBe(
      'METHOD_NOT_ALLOWED',
    );
  });
});

describe('read', () => {
  it('returns the named fields only, with Id', async () => {
    const sarah = sarahId();
    const response = await api('GET', `/sobjects/Contact/${sarah}?fields=Name,Title,Phone`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${sarah}` },
      Name: 'Sarah Johnson',
      Title: 'VP of Operations',
      Phone: '+15552345678',
      Id: sarah,
    });
    const retrieved = await conn.sobject('Contact').retrieve(sarah, { fields: ['Email'] });
    expect(retrieved).toMatchObject({ Email: 'sarah.johnson@acme.example.com', Id: sarah });
    expect((await error(400, 'GET', `/sobjects/Contact/${sarah}?fields=Nope`)).errorCode).toBe(
      'INVALID_FIELD',
    );
  });

  it('answers ids that are malformed, of another object, unknown or deleted', async () => {
    expect(await error(404, 'GET', '/sobjects/Contact/not-an-id')).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'Provided external ID field does not exist or is not accessible: not-an-id',
    });
    expect((await error(404, 'GET', `/sobjects/Contact/${acmeId()}`)).errorCode).toBe('NOT_FOUND');
    expect(await error(404, 'GET', '/sobjects/Contact/003000000000000AAA')).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'The requested resource does not exist',
    });
    // An 18-character id whose suffix does not match its first 15 characters is not an id.
    expect((await error(404, 'GET', `/sobjects/Contact/${sarahId().slice(0, 15)}ZZZ`)).errorCode).toBe(
      'NOT_FOUND',
    );
  });

  it('serves a base64 field as a URL and its content at that URL', async () => {
    const text = 'Follow-up: refund approved.';
    const note = await conn.sobject('ContentNote').create({
      Title: 'Refund status',
      Content: Buffer.from(text).toString('base64'),
    });
    const record = await api('GET', `/sobjects/ContentNote/${note.id}`);
    expect(record.body).toMatchObject({
      Content: `${V}/sobjects/ContentNote/${note.id}/Content`,
      TextPreview: text,
      FileType: 'SNOTE',
      ContentSize: text.length,
    });
    const blob = await fetch(`${emulator.url}${record.body.Content}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await blob.text()).toBe(text);
    // The note is also a ContentDocument, with the owner's inferred link.
    const document = await api('GET', `/sobjects/ContentDocument/${note.id}?fields=Title,FileType`);
    expect(document.body).toMatchObject({ Title: 'Refund status', FileType: 'SNOTE' });
    const link = await api('POST', '/sobjects/ContentDocumentLink', {
      ContentDocumentId: note.id,
      LinkedEntityId: sarahId(),
      ShareType: 'V',
    });
    expect(link.status).toBe(201);
    expect(
      (
        await error(400, 'POST', '/sobjects/ContentDocumentLink', {
          ContentDocumentId: note.id,
          LinkedEntityId: sarahId(),
        })
      ).errorCode,
    ).toBe('DUPLICATE_VALUE');
    await api('DELETE', `/sobjects/ContentNote/${note.id}`);
    expect((await error(404, 'GET', `/sobjects/ContentDocument/${note.id}`)).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
    expect((await error(404, 'GET', `/sobjects/ContentDocumentLink/${link.body.id}`)).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
  });
});

describe('update', () => {
  it('answers 204, moves the audit fields and recomputes derived fields', async () => {
    const created = await conn.sobject('Contact').create({ FirstName: 'Ann', LastName: 'Lee' });
    const id = created.id as string;
    clock = new Date(clock.getTime() + 60_000);
    const response = await api('PATCH', `/sobjects/Contact/${id}`, {
      LastName: 'Leigh',
      Email: 'ann@example.com',
    });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const record = await api(
      'GET',
      `/sobjects/Contact/${id}?fields=Name,LastModifiedDate,SystemModstamp,CreatedDate`,
    );
    expect(record.body).toMatchObject({
      Name: 'Ann Leigh',
      CreatedDate: '2026-03-02T12:00:00.000+0000',
      LastModifiedDate: '2026-03-02T12:01:00.000+0000',
      SystemModstamp: '2026-03-02T12:01:00.000+0000',
    });
    expect(await conn.sobject('Contact').update({ Id: id, Title: 'CTO' })).toMatchObject({ success: true });
  });

  it('derives Case.IsClosed and ClosedDate from the status, and the account from the contact', async () => {
    const created = await api('POST', '/sobjects/Case', { Subject: 'Derived', ContactId: sarahId() });
    const id = created.body.id;
    const fields = '?fields=IsClosed,ClosedDate,AccountId,CaseNumber,Status,Priority';
    expect((await api('GET', `/sobjects/Case/${id}${fields}`)).body).toMatchObject({
      IsClosed: false,
      ClosedDate: null,
      AccountId: acmeId(),
      CaseNumber: expect.stringMatching(/^\d{8}$/),
      Status: 'New',
      Priority: 'Medium',
    });
    await api('PATCH', `/sobjects/Case/${id}`, { Status: 'Closed' });
    expect((await api('GET', `/sobjects/Case/${id}${fields}`)).body).toMatchObject({
      IsClosed: true,
      ClosedDate: clock.toISOString().replace('Z', '+0000'),
    });
    await api('PATCH', `/sobjects/Case/${id}`, { Status: 'Working' });
    expect((await api('GET', `/sobjects/Case/${id}${fields}`)).body).toMatchObject({
      IsClosed: false,
      ClosedDate: null,
    });
  });

  it('validates as create does, with update rules', async () => {
    const caseId = idOf(`SELECT "Id" FROM "Case" WHERE "CaseNumber" = ?`, DEMO.caseNumber);
    expect(
      await error(400, 'PATCH', `/sobjects/Case/${caseId}`, { CaseNumber: '1', Comments: 'x' }),
    ).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: ['CaseNumber', 'Comments'],
    });
    expect((await error(400, 'PATCH', `/sobjects/Contact/${sarahId()}`, { LastName: null })).fields).toEqual([
      'LastName',
    ]);
    expect((await error(400, 'PATCH', `/sobjects/Case/${caseId}`, { Priority: 'Urgent' })).errorCode).toBe(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    );
    expect((await error(400, 'PATCH', `/sobjects/Case/${caseId}`, { Bogus__c: 1 })).errorCode).toBe(
      'INVALID_FIELD',
    );
    expect((await error(400, 'PATCH', `/sobjects/Case/${sarahId()}`, { Subject: 'x' })).errorCode).toBe(
      'MALFORMED_ID',
    );
    expect((await error(404, 'PATCH', '/sobjects/Case/500000000000000AAA', { Subject: 'x' })).errorCode).toBe(
      'NOT_FOUND',
    );
    // Nothing changed on the failed updates.
    expect((await api('GET', `/sobjects/Case/${caseId}?fields=Priority,Subject`)).body).toMatchObject({
      Priority: 'High',
      Subject: 'Billing discrepancy on the January invoice',
    });
  });

  it('routes a case to a queue: OwnerId accepts a Group id', async () => {
    const queue = idOf(`SELECT "Id" FROM "Group" WHERE "DeveloperName" = 'Billing_Support'`);
    const created = await api('POST', '/sobjects/Case', { Subject: 'For the queue' });
    expect((await api('PATCH', `/sobjects/Case/${created.body.id}`, { OwnerId: queue })).status).toBe(204);
    expect((await api('GET', `/sobjects/Case/${created.body.id}?fields=OwnerId`)).body.OwnerId).toBe(queue);
    // A contact's owner must be a user.
    expect((await error(400, 'PATCH', `/sobjects/Contact/${sarahId()}`, { OwnerId: queue })).errorCode).toBe(
      'MALFORMED_ID',
    );
  });
});

describe('delete', () => {
  it('soft-deletes: 204, then ENTITY_IS_DELETED; queryAll still sees the row', async () => {
    const created = await conn.sobject('Lead').create({ LastName: 'Gone', Company: 'Nowhere' });
    const id = created.id as string;
    expect(await conn.sobject('Lead').destroy(id)).toMatchObject({ id, success: true });
    expect(await error(404, 'GET', `/sobjects/Lead/${id}`)).toEqual({
      errorCode: 'ENTITY_IS_DELETED',
      message: 'entity is deleted',
    });
    expect((await error(404, 'DELETE', `/sobjects/Lead/${id}`)).errorCode).toBe('ENTITY_IS_DELETED');
    expect((await error(404, 'PATCH', `/sobjects/Lead/${id}`, { LastName: 'x' })).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
    const all = await api(
      'GET',
      `/queryAll?q=${encodeURIComponent(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${id}'`)}`,
    );
    expect(all.body.records).toMatchObject([{ Id: id, IsDeleted: true }]);
    const live = await api('GET', `/query?q=${encodeURIComponent(`SELECT Id FROM Lead WHERE Id = '${id}'`)}`);
    expect(live.body.totalSize).toBe(0);
  });

  it('takes children along, clears lookups, and refuses while cases point at the record', async () => {
    const account = (await api('POST', '/sobjects/Account', { Name: 'Cascade Co' })).body.id;
    const boss = (await api('POST', '/sobjects/Contact', { LastName: 'Boss', AccountId: account })).body.id;
    const outsider = (await api('POST', '/sobjects/Contact', { LastName: 'Outsider', ReportsToId: boss }))
      .body.id;
    const task = (await api('POST', '/sobjects/Task', { Subject: 'Call', WhatId: account })).body.id;
    const opportunity = (
      await api('POST', '/sobjects/Opportunity', {
        Name: 'Deal',
        StageName: 'Prospecting',
        CloseDate: '2026-05-01',
        AccountId: account,
      })
    ).body.id;
    const kase = (await api('POST', '/sobjects/Case', { Subject: 'Blocker', ContactId: boss })).body.id;

    const refused = await error(400, 'DELETE', `/sobjects/Account/${account}`);
    expect(refused.errorCode).toBe('DELETE_FAILED');
    expect(refused.message).toContain('Cascade Co');
    expect((await api('GET', `/sobjects/Contact/${boss}`)).status).toBe(200);

    await api('DELETE', `/sobjects/Case/${kase}`);
    expect((await api('DELETE', `/sobjects/Account/${account}`)).status).toBe(204);
    for (const [type, id] of [
      ['Contact', boss],
      ['Task', task],
      ['Opportunity', opportunity],
    ]) {
      expect((await error(404, 'GET', `/sobjects/${type}/${id}`)).errorCode, type).toBe('ENTITY_IS_DELETED');
    }
    expect(
      (await api('GET', `/sobjects/Contact/${outsider}?fields=ReportsToId`)).body.ReportsToId,
    ).toBeNull();
  });

  it('refuses to delete Sarah Johnson, who has cases', async () => {
    const body = await error(400, 'DELETE', `/sobjects/Contact/${sarahId()}`);
    expect(body.errorCode).toBe('DELETE_FAILED');
    expect(body.message).toContain(DEMO.caseNumber);
  });

  it('lists updated and deleted ids, and purges the Recycle Bin after 15 days', async () => {
    const start = new Date(clock.getTime() - 5 * 60_000).toISOString();
    clock = new Date(clock.getTime() + 60_000);
    const kept = (await api('POST', '/sobjects/Campaign', { Name: 'Kept' })).body.id;
    const dropped = (await api('POST', '/sobjects/Campaign', { Name: 'Dropped' })).body.id;
    await api('DELETE', `/sobjects/Campaign/${dropped}`);
    clock = new Date(clock.getTime() + 2 * 60_000);
    const end = clock.toISOString();
    const updated = await conn.sobject('Campaign').updated(start, end);
    expect(updated.ids).toContain(kept);
    expect(updated.ids).not.toContain(dropped);
    expect(updated.latestDateCovered).toMatch(/\+0000$/);
    const deleted = await conn.sobject('Campaign').deleted(start, end);
    expect(deleted.deletedRecords).toEqual([{ id: dropped, deletedDate: expect.stringMatching(/\+0000$/) }]);
    expect(deleted).toHaveProperty('earliestDateAvailable');
    expect(
      (
        await error(
          400,
          'GET',
          `/sobjects/Campaign/updated?start=${encodeURIComponent(end)}&end=${encodeURIComponent(start)}`,
        )
      ).errorCode,
    ).toBe('INVALID_REPLICATION_DATE');

    const table = () => emulator.org.db.prepare(`SELECT "Id" FROM "Campaign" WHERE "Id" = ?`).get(dropped);
    expect(emulator.org.purge()).toBe(0);
    expect(table()).toBeDefined();
    clock = new Date(clock.getTime() + 16 * 24 * 60 * 60 * 1000);
    expect(emulator.org.purge()).toBeGreaterThan(0);
    expect(table()).toBeUndefined();
    expect((await error(404, 'GET', `/sobjects/Campaign/${dropped}`)).errorCode).toBe('NOT_FOUND');
  });
});

describe('upsert', () => {
  it('creates (201), then updates (200 created:false), by external id', async () => {
    const first = await api('PATCH', '/sobjects/Account/External_Id__c/EXT-1', { Name: 'Upserted' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^001/),
      success: true,
      errors: [],
      created: true,
    });
    const second = await api('PATCH', '/sobjects/Account/External_Id__c/EXT-1', { Name: 'Upserted again' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: first.body.id, success: true, errors: [], created: false });
    expect(
      (await api('GET', `/sobjects/Account/${first.body.id}?fields=Name,External_Id__c`)).body,
    ).toMatchObject({
      Name: 'Upserted again',
      External_Id__c: 'EXT-1',
    });
    const viaJsforce = await conn
      .sobject('Account')
      .upsert({ Name: 'Via jsforce', External_Id__c: 'EXT-2' }, 'External_Id__c');
    expect(viaJsforce).toMatchObject({ success: true, created: true });
    // External ids match case-insensitively, and the record can be read through one.
    const byExternal = await api('GET', '/sobjects/Account/External_Id__c/ext-1?fields=Name');
    expect(byExternal.body).toMatchObject({ Name: 'Upserted again', Id: first.body.id });
  });

  it('answers 300 with every matching record when several match', async () => {
    const a = (await api('POST', '/sobjects/Account', { Name: 'Twin A', External_Id__c: 'TWIN' })).body.id;
    const b = (await api('POST', '/sobjects/Account', { Name: 'Twin B', External_Id__c: 'TWIN' })).body.id;
    const response = await api('PATCH', '/sobjects/Account/External_Id__c/TWIN', { Name: 'Which?' });
    expect(response.status).toBe(300);
    expect(response.body.sort()).toEqual([`${V}/sobjects/Account/${a}`, `${V}/sobjects/Account/${b}`].sort());
  });

  it('validates the body and the field', async () => {
    expect(await error(404, 'PATCH', '/sobjects/Account/Nope__c/1', { Name: 'x' })).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'Provided external ID field does not exist or is not accessible: Nope__c',
    });
    expect((await error(404, 'PATCH', '/sobjects/Account/Description/1', { Name: 'x' })).errorCode).toBe(
      'NOT_FOUND',
    );
    expect((await error(400, 'PATCH', '/sobjects/Account/External_Id__c/NEW-9', {})).fields).toEqual([
      'Name',
    ]);
    expect(
      (await error(400, 'PATCH', '/sobjects/Account/External_Id__c/EXT-1', { Rating: 'Lukewarm', Nope: 1 }))
        .errorCode,
    ).toBe('INVALID_FIELD');
  });
});

describe('object behaviour', () => {
  it('keeps event start, end and duration consistent', async () => {
    const created = await api('POST', '/sobjects/Event', {
      Subject: 'Callback - invoice discrepancy follow-up',
      StartDateTime: '2026-03-03T10:00:00.000Z',
      EndDateTime: '2026-03-03T10:30:00.000Z',
      WhoId: sarahId(),
    });
    const fields = '?fields=DurationInMinutes,EndDateTime,ActivityDate,ActivityDateTime,AccountId';
    expect((await api('GET', `/sobjects/Event/${created.body.id}${fields}`)).body).toMatchObject({
      DurationInMinutes: 30,
      ActivityDate: '2026-03-03',
      ActivityDateTime: '2026-03-03T10:00:00.000+0000',
      AccountId: acmeId(),
    });
    await api('PATCH', `/sobjects/Event/${created.body.id}`, { DurationInMinutes: 45 });
    expect((await api('GET', `/sobjects/Event/${created.body.id}${fields}`)).body.EndDateTime).toBe(
      '2026-03-03T10:45:00.000+0000',
    );
    expect(
      (
        await error(400, 'POST', '/sobjects/Event', {
          StartDateTime: '2026-03-03T10:00:00Z',
          EndDateTime: '2026-03-03T09:00:00Z',
        })
      ).errorCode,
    ).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  it('prices line items from the price book entry and rolls them up to the opportunity', async () => {
    const opportunity = (
      await api('POST', '/sobjects/Opportunity', {
        Name: 'Line items',
        StageName: 'Qualification',
        CloseDate: '2026-06-01',
      })
    ).body.id;
    expect(
      (await api('GET', `/sobjects/Opportunity/${opportunity}?fields=Probability,ForecastCategoryName`)).body,
    ).toMatchObject({
      Probability: 10,
      ForecastCategoryName: 'Pipeline',
    });
    const entry = idOf(
      `SELECT "Id" FROM "PricebookEntry" WHERE "ProductCode" = 'ENT-001' AND "UnitPrice" = 5000`,
    );
    const item = await conn
      .sobject('OpportunityLineItem')
      .create({ OpportunityId: opportunity, PricebookEntryId: entry, Quantity: 3, UnitPrice: 4800 });
    expect(
      (
        await api(
          'GET',
          `/sobjects/OpportunityLineItem/${item.id}?fields=TotalPrice,ListPrice,Product2Id,Name`,
        )
      ).body,
    ).toMatchObject({
      TotalPrice: 14400,
      ListPrice: 5000,
      Product2Id: expect.stringMatching(/^01t/),
      Name: 'Line items Enterprise License',
    });
    expect(
      (
        await api(
          'GET',
          `/sobjects/Opportunity/${opportunity}?fields=Amount,HasOpportunityLineItem,Pricebook2Id`,
        )
      ).body,
    ).toMatchObject({
      Amount: 14400,
      HasOpportunityLineItem: true,
      Pricebook2Id: expect.stringMatching(/^01s/),
    });
    expect(
      (
        await error(400, 'POST', '/sobjects/OpportunityLineItem', {
          OpportunityId: opportunity,
          PricebookEntryId: entry,
          Quantity: 1,
          UnitPrice: 1,
          TotalPrice: 1,
        })
      ).message,
    ).toContain('only one of unit price or total price');
    await api('DELETE', `/sobjects/OpportunityLineItem/${item.id}`);
    expect(
      (await api('GET', `/sobjects/Opportunity/${opportunity}?fields=HasOpportunityLineItem`)).body
        .HasOpportunityLineItem,
    ).toBe(false);
  });

  it('refuses a second membership of the same campaign', async () => {
    const campaign = (await api('POST', '/sobjects/Campaign', { Name: 'Members' })).body.id;
    const member = await api('POST', '/sobjects/CampaignMember', {
      CampaignId: campaign,
      ContactId: sarahId(),
      Status: 'Sent',
    });
    expect(member.status).toBe(201);
    expect(
      (await api('GET', `/sobjects/CampaignMember/${member.body.id}?fields=FirstName,LastName,Type`)).body,
    ).toMatchObject({
      FirstName: 'Sarah',
      LastName: 'Johnson',
      Type: 'Contact',
    });
    expect(
      await error(400, 'POST', '/sobjects/CampaignMember', { CampaignId: campaign, ContactId: sarahId() }),
    ).toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
      message: 'Already a campaign member.',
    });
    expect(
      (await api('GET', `/sobjects/Campaign/${campaign}?fields=NumberOfContacts`)).body.NumberOfContacts,
    ).toBe(1);
  });
});

describe('access', () => {
  it('lets the read-only user read but not write', async () => {
    const reader = await connect(emulator, DEMO.users.readOnly);
    const readerToken = await login(emulator, DEMO.users.readOnly);
    expect((await reader.sobject('Contact').retrieve(sarahId())).Name).toBe('Sarah Johnson');
    const expected = { status: 400, errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' };
    for (const [method, path, body] of [
      ['POST', '/sobjects/Contact', { LastName: 'x' }],
      ['PATCH', `/sobjects/Contact/${sarahId()}`, { Title: 'x' }],
      ['DELETE', `/sobjects/Contact/${sarahId()}`, undefined],
      ['PATCH', '/sobjects/Account/External_Id__c/RO-1', { Name: 'x' }],
    ] as const) {
      const response = await call(emulator, readerToken, method, `${V}${path}`, body);
      expect(
        { status: response.status, errorCode: response.body[0]?.errorCode },
        `${method} ${path}`,
      ).toEqual(expected);
    }
    await expect(reader.sobject('Contact').create({ LastName: 'x' })).rejects.toMatchObject({
      errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
    });
    const describe = await reader.sobject('Contact').describe();
    expect(describe).toMatchObject({
      createable: false,
      updateable: false,
      deletable: false,
      queryable: true,
    });
    expect(describe.fields.find((f) => f.name === 'LastName')?.createable).toBe(false);
  });

  it('lets the standard user write', async () => {
    const agent = await connect(emulator, DEMO.users.standard);
    const created = await agent.sobject('Task').create({ Subject: 'Agent task', WhoId: sarahId() });
    expect(created.success).toBe(true);
  });
});

describe('products in use', () => {
  it('refuses to delete a product that opportunity line items use', async () => {
    const product = idOf(`SELECT "Id" FROM "Product2" WHERE "ProductCode" = 'ENT-001'`);
    const body = await error(400, 'DELETE', `/sobjects/Product2/${product}`);
    expect(body.errorCode).toBe('DELETE_FAILED');
    expect((await api('GET', `/sobjects/Product2/${product}?fields=Name`)).body.Name).toBe(
      'Enterprise License',
    );
    // An unused product goes, with its price book entries.
    const unused = idOf(`SELECT "Id" FROM "Product2" WHERE "ProductCode" = 'LEG-001'`);
    const entry = idOf(`SELECT "Id" FROM "PricebookEntry" WHERE "Product2Id" = ?`, unused);
    expect((await api('DELETE', `/sobjects/Product2/${unused}`)).status).toBe(204);
    expect((await error(404, 'GET', `/sobjects/PricebookEntry/${entry}`)).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
  });
});

describe('parents by external id', () => {
  it('resolves a parent named by its external id in the body', async () => {
    const parent = await api('PATCH', '/sobjects/Account/External_Id__c/PARENT-1', { Name: 'Parent by key' });
    const child = await api('POST', '/sobjects/Contact', {
      LastName: 'Keyed',
      Account: { External_Id__c: 'PARENT-1' },
    });
    expect(child.status).toBe(201);
    expect((await api('GET', `/sobjects/Contact/${child.body.id}?fields=AccountId`)).body.AccountId).toBe(
      parent.body.id,
    );
    expect(
      await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', Account: { External_Id__c: 'NOPE' } }),
    ).toEqual({
      errorCode: 'INVALID_FIELD',
      message: 'Foreign key external ID: NOPE not found for field External_Id__c in entity Account',
    });
    expect(
      (await error(400, 'POST', '/sobjects/Contact', { LastName: 'x', Account: { Description: 'x' } }))
        .errorCode,
    ).toBe('INVALID_FIELD');
    // A polymorphic lookup needs the parent's type.
    const task = await api('POST', '/sobjects/Task', {
      Subject: 'Keyed',
      What: { attributes: { type: 'Account' }, External_Id__c: 'PARENT-1' },
    });
    expect(task.status).toBe(201);
    expect(
      (await error(400, 'POST', '/sobjects/Task', { Subject: 'x', What: { External_Id__c: 'PARENT-1' } }))
        .message,
    ).toContain('requires attributes.type');
  });
});
