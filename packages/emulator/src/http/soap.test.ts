import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_MS, MAX_LOGIN_FAILURES } from '../auth/sessions.ts';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';

/** SOAP partner login() and logout(), through jsforce's own SOAP login and as raw envelopes. */
let emulator: RunningEmulator;
let clock = new Date('2026-02-12T10:00:00.000Z');

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:', now: () => clock });
});
afterAll(() => emulator.close());

const soap = async (envelope: string, path = '/services/Soap/u/60.0') => {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', SOAPAction: '""' },
    body: envelope,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

const loginEnvelope = (username: string, password: string) =>
  `<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>${username}</username><password>${password}</password></login></se:Body></se:Envelope>`;

const tokenGrant = (username: string, password: string) =>
  fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username,
      password,
    }),
  }).then((r) => r.status);

describe("jsforce's conn.login() through SOAP", () => {
  it('logs in with the password and security token, queries, and logs out', async () => {
    const conn = new Connection({ loginUrl: emulator.url, version: '60.0' });
    const info = await conn.login(DEMO.username, DEMO.password + DEMO.securityToken);
    expect(info).toMatchObject({
      id: expect.stringMatching(/^005/),
      organizationId: emulator.org.orgId,
      url: `${emulator.url}/id/${emulator.org.orgId}/${info.id}`,
    });
    expect(conn.instanceUrl).toBe(emulator.url);
    expect(conn.accessToken).toMatch(/^00D\w{12}!/);
    const { records } = await conn.query<{ CaseNumber: string }>(
      `SELECT CaseNumber FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`,
    );
    expect(records[0]?.CaseNumber).toBe(DEMO.caseNumber);
    const identity = await conn.identity();
    expect(identity.username).toBe(DEMO.username);

    const token = conn.accessToken as string;
    await conn.logout();
    const after = await fetch(`${emulator.url}/services/data/v60.0/limits`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
  });

  it('refuses a wrong password, or the password without the token, with INVALID_LOGIN', async () => {
    for (const password of [DEMO.password, `${DEMO.password}WRONGTOKEN`, '']) {
      const conn = new Connection({ loginUrl: emulator.url, version: '60.0' });
      await expect(conn.login(DEMO.username, password || 'x')).rejects.toThrow(
        'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
      );
    }
    await expect(new Connection({ loginUrl: emulator.url }).login('nobody@example.com', 'x')).rejects.toThrow(
      /INVALID_LOGIN/,
    );
  });
});

describe('SOAP envelopes', () => {
  it('answers the loginResponse in the partner shape', async () => {
    const response = await soap(loginEnvelope(DEMO.username, DEMO.password + DEMO.securityToken));
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/xml/);
    const value = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(response.text)?.[1];
    expect(value('serverUrl')).toBe(`${emulator.url}/services/Soap/u/60.0/${emulator.org.orgId}`);
    expect(value('metadataServerUrl')).toBe(`${emulator.url}/services/Soap/m/60.0/${emulator.org.orgId}`);
    expect(value('passwordExpired')).toBe('false');
    expect(value('sessionId')).toMatch(/^00D\w{12}!/);
    expect(value('userName')).toBe(DEMO.username);
    expect(value('organizationId')).toBe(emulator.org.orgId);
    expect(value('sessionSecondsValid')).toBe('7200');
  });

  it('reads other prefixes, entities and CDATA, and the org id in the path', async () => {
    const readOnly = DEMO.users.readOnly;
    const envelope = `<?xml version="1.0" encoding="utf-8"?>
      <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:n1="urn:partner.soap.sforce.com">
        <env:Body><n1:login><n1:username>${readOnly.username}</n1:username>
        <n1:password><![CDATA[${readOnly.password}]]>${readOnly.securityToken}</n1:password></n1:login></env:Body>
      </env:Envelope>`;
    const response = await soap(envelope, `/services/Soap/u/45.0/${emulator.org.orgId}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('/services/Soap/u/45.0/');
    // An escaped character in the password is the character.
    const escaped = loginEnvelope(DEMO.username, `${DEMO.password}&amp;${DEMO.securityToken}`);
    expect((await soap(escaped)).text).toContain('INVALID_LOGIN');
  });

  it('answers faults for what it does not serve or cannot read', async () => {
    const unknown = await soap(
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><query xmlns="urn:partner.soap.sforce.com"><queryString>SELECT Id FROM Case</queryString></query></soapenv:Body></soapenv:Envelope>',
    );
    expect(unknown.status).toBe(500);
    expect(unknown.text).toContain('No operation available for request {urn:partner.soap.sforce.com}query');
    for (const body of ['not xml at all', '<a><b></a>', '<Envelope/>', '']) {
      const bad = await soap(body);
      expect(bad.status, body).toBe(500);
      expect(bad.text, body).toContain('<faultcode>soapenv:Client</faultcode>');
    }
    const dtd = await soap(
      `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(10)}">]>${loginEnvelope(DEMO.username, '&a;')}`,
    );
    expect(dtd.text).toContain('DOCTYPE is not allowed');
    const version = await soap(loginEnvelope(DEMO.username, 'x'), '/services/Soap/u/20.0');
    expect(version.text).toContain('<faultcode>sf:UNSUPPORTED_API_VERSION</faultcode>');
    const logout = await soap(
      '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader xmlns="urn:partner.soap.sforce.com"><sessionId>nope</sessionId></SessionHeader></se:Header><se:Body><logout xmlns="urn:partner.soap.sforce.com"/></se:Body></se:Envelope>',
    );
    expect(logout.text).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
  });
});

describe('lockout', () => {
  it(`locks a user out after ${MAX_LOGIN_FAILURES} failures for every way in, for 15 minutes`, async () => {
    const user = DEMO.users.standard;
    const good = user.password + user.securityToken;
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      expect((await soap(loginEnvelope(user.username, `wrong${i}`))).text).toContain('INVALID_LOGIN');
    }
    // The right password now fails too, through SOAP and the OAuth password grant alike.
    expect((await soap(loginEnvelope(user.username, good))).text).toContain('INVALID_LOGIN');
    expect(await tokenGrant(user.username, good)).toBe(400);
    // Other users are not affected.
    expect(await tokenGrant(DEMO.username, DEMO.password + DEMO.securityToken)).toBe(200);
    clock = new Date(clock.getTime() + LOCKOUT_MS + 1000);
    expect(await tokenGrant(user.username, good)).toBe(200);
    expect((await soap(loginEnvelope(user.username, good))).status).toBe(200);
  });

  it('resets the count after a successful login', async () => {
    const user = DEMO.users.readOnly;
    const good = user.password + user.securityToken;
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) await tokenGrant(user.username, 'wrong');
    expect(await tokenGrant(user.username, good)).toBe(200);
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) await tokenGrant(user.username, 'wrong');
    expect(await tokenGrant(user.username, good)).toBe(200);
  });
});
