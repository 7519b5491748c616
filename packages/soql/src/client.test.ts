import { loginWithPassword, type SalesforceSession } from '@sfgql/auth';
import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient } from './client.ts';
import { SalesforceError } from './errors.ts';
import { soql } from './soql.ts';

let emulator: RunningEmulator;
let session: SalesforceSession;
beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  session = await loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });
});
afterAll(() => emulator.close());

describe('SalesforceClient.query', () => {
  it('runs an escaped query against the org', async () => {
    const client = createSalesforceClient({ session });
    const result = await client.query(
      soql`SELECT Id, Subject FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`,
    );
    expect(result.totalSize).toBe(1);
    expect(result.records[0]).toMatchObject({ attributes: { type: 'Case' }, Subject: expect.any(String) });
  });

  it('matches a hostile value literally, never as SOQL', async () => {
    const client = createSalesforceClient({ session });
    const hostile = [
      "00001104' OR CaseNumber != '",
      "00001104\\' OR CaseNumber != \\'",
      '00001104\\',
      "' OR Id != null OR Subject = '",
      "%' OR Subject LIKE '%",
    ];
    for (const value of hostile) {
      const result = await client.query(soql`SELECT Id FROM Case WHERE CaseNumber = ${value}`);
      expect(result.totalSize).toBe(0);
    }
  });

  it('keeps any string one literal (property)', async () => {
    const client = createSalesforceClient({ session });
    const demo = await client.query<{ Subject: string }>(
      soql`SELECT Subject FROM Case WHERE CaseNumber = ${DEMO.caseNumber}`,
    );
    const subject = demo.records[0]?.Subject as string;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), async (junk) => {
        // The exact subject matches once; the subject with anything appended matches nothing.
        const exact = await client.query(
          soql`SELECT Id FROM Case WHERE Subject = ${subject} AND CaseNumber = ${DEMO.caseNumber}`,
        );
        expect(exact.totalSize).toBe(1);
        if (junk.length > 0) {
          const other = await client.query(soql`SELECT Id FROM Case WHERE Subject = ${subject + junk}`);
          expect(other.totalSize).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("maps Salesforce's errors to typed errors and keeps the errorCode", async () => {
    const client = createSalesforceClient({ session });
    const error = await client.query(soql`SELECT Nope FROM Case`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceError);
    expect(error).toMatchObject({ code: 'SF_QUERY_INVALID', errorCode: 'INVALID_FIELD' });

    const expired = createSalesforceClient({ session: { ...session, accessToken: 'revoked' } });
    await expect(expired.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({
      code: 'SF_SESSION_EXPIRED',
      errorCode: 'INVALID_SESSION_ID',
    });
  });
});
