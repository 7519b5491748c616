import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient } from './client.ts';
import { sessionFromJsforce } from './jsforce.ts';
import { soql } from './soql.ts';

// A jsforce Connection a user already holds, shared with the client: one session, refreshed by the
// Connection's own refresher when it expires.
const LIFETIME_MS = 30 * 60 * 1000;
let clock = Date.parse('2026-05-01T08:00:00.000Z');
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => new Date(clock),
    sessionLifetimeMs: LIFETIME_MS,
  });
});
afterAll(() => emulator.close());

const caseQuery = soql`SELECT Id, CaseNumber FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`;

describe('sessionFromJsforce', () => {
  it("queries with the Connection's session, and has it refreshed once it expires", async () => {
    const conn = new Connection({
      loginUrl: emulator.url,
      version: '60.0',
      oauth2: { loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret },
    });
    await conn.login(DEMO.username, `${DEMO.password}${DEMO.securityToken}`);
    const client = createSalesforceClient({ session: sessionFromJsforce(conn), retry: { retries: 0 } });
    expect((await client.query(caseQuery)).records).toHaveLength(1);
    expect((await client.session()).userId).toBe(conn.userInfo?.id);

    const before = conn.accessToken;
    clock += LIFETIME_MS + 60_000;
    expect((await client.query(caseQuery)).records).toHaveLength(1);
    // The Connection holds the new token too: one session for both.
    expect(conn.accessToken).not.toBe(before);
    expect((await conn.query(`SELECT Id FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`)).totalSize).toBe(
      1,
    );
  });

  it('says the session expired when the Connection cannot refresh it', async () => {
    const first = new Connection({
      loginUrl: emulator.url,
      version: '60.0',
      oauth2: { loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret },
    });
    await first.login(DEMO.username, `${DEMO.password}${DEMO.securityToken}`);
    const bare = new Connection({ instanceUrl: first.instanceUrl, accessToken: first.accessToken as string });
    const client = createSalesforceClient({ session: sessionFromJsforce(bare), retry: { retries: 0 } });
    expect((await client.query(caseQuery)).records).toHaveLength(1);
    clock += LIFETIME_MS + 60_000;
    await expect(client.query(caseQuery)).rejects.toMatchObject({ code: 'SF_SESSION_EXPIRED' });
  });
});
