import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from './seed/demo.ts';
import { type RunningEmulator, startEmulator } from './server.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
});
afterAll(() => emulator.close());

async function login(password = DEMO.password + DEMO.securityToken) {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('password grant', () => {
  it('issues a token for the password followed by the security token', async () => {
    const { status, body } = await login();
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', instance_url: emulator.url });
    expect(body.access_token).toMatch(/^00D\w{12}!/);
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(body.signature).toBeTruthy();
  });

  it('rejects the password without the security token', async () => {
    const { status, body } = await login(DEMO.password);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
  });

  it('rejects an unknown client and a wrong secret', async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${emulator.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams(fields),
      }).then((r) => r.json());
    const base = {
      grant_type: 'password',
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    };
    expect(await post({ ...base, client_id: 'nope', client_secret: 'x' })).toMatchObject({
      error: 'invalid_client_id',
    });
    expect(await post({ ...base, client_id: DEMO.clientId, client_secret: 'wrong' })).toMatchObject({
      error: 'invalid_client',
    });
    expect(
      await post({
        ...base,
        grant_type: 'magic',
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
      }),
    ).toMatchObject({
      error: 'unsupported_grant_type',
    });
  });
});

describe('query through jsforce', () => {
  let conn: Connection;
  beforeAll(async () => {
    const { body } = await login();
    conn = new Connection({
      instanceUrl: body.instance_url,
      accessToken: body.access_token,
      version: '60.0',
    });
  });

  it('finds the demo case by number, with parent fields', async () => {
    const result = await conn.query<Record<string, unknown>>(
      `SELECT Id, CaseNumber, Subject, Description, Status, Contact.Name, Account.Name FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`,
    );
    expect(result.totalSize).toBe(1);
    expect(result.records[0]).toMatchObject({
      attributes: { type: 'Case' },
      CaseNumber: '00001104',
      Status: 'New',
      Contact: { attributes: { type: 'Contact' }, Name: 'Sarah Johnson' },
      Account: { Name: 'Acme Corporation' },
    });
  });

  it('treats an escaped quote as part of the literal', async () => {
    const result = await conn.query(
      `SELECT Id FROM Case WHERE CaseNumber = '00001104\\' OR CaseNumber != \\''`,
    );
    expect(result.totalSize).toBe(0);
  });

  it('compares strings case-insensitively and treats != as matching nulls', async () => {
    const upper = await conn.query(`SELECT Id FROM Case WHERE Status = 'NEW'`);
    expect(upper.totalSize).toBe(4);
    const notNew = await conn.query(`SELECT Id FROM Case WHERE Type != 'Billing'`);
    expect(notNew.totalSize).toBe(7);
  });

  it('reports syntax errors with row and column', async () => {
    await expect(conn.query('SELECT Id FROM Case WHERE')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
      message: expect.stringContaining('ERROR at Row:1:Column:26'),
    });
    await expect(conn.query(`SELECT Id FROM Case WHERE Subject = 'a\\qb'`)).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
  });

  it('reports unknown fields and objects', async () => {
    await expect(conn.query('SELECT Foo FROM Case')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Foo' on entity 'Case'"),
    });
    await expect(conn.query('SELECT Id FROM Bar__c')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
  });
});

describe('sessions', () => {
  it('answers 401 INVALID_SESSION_ID without a valid bearer token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const response = await fetch(`${emulator.url}/services/data/v60.0/query?q=SELECT+Id+FROM+Case`, {
        headers,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    }
  });

  it('serves userinfo for a valid token', async () => {
    const { body } = await login();
    const response = await fetch(`${emulator.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(await response.json()).toMatchObject({
      preferred_username: DEMO.username,
      organization_id: expect.stringMatching(/^00D/),
    });
  });
});
