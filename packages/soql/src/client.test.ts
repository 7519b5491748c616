import type { SalesforceSession } from '@sfgql/auth';
import { DEMO, type RunningEmulator } from '@sfgql/emulator';
import { loginAsDemo, startDemoOrg } from '@sfgql/testing/demo-org';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDescribeCache, createSalesforceClient } from './client.ts';
import { SalesforceError } from './errors.ts';
import { soql } from './soql.ts';

let emulator: RunningEmulator;
let session: SalesforceSession;
beforeAll(async () => {
  ({ emulator, session } = await startDemoOrg());
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

  it('sends any string as exactly that literal: the record it names is found, and only it (property)', async () => {
    const client = createSalesforceClient({ session });
    // Quotes, backslashes, LIKE wildcards, SOSL reserved characters, control characters and unicode.
    const hostile = fc.constantFrom(
      "'",
      '"',
      '\\',
      '%',
      '_',
      '\n',
      '\r',
      '\t',
      '\b',
      '\f',
      '{',
      '}',
      '*',
      '?',
      ':',
      '-',
      '+',
      '&',
      '|',
      '!',
      'é',
      '漢',
      '😀',
      ' OR ',
      ' AND ',
    );
    const text = fc
      .array(fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 })
      .map((parts) => parts.join('').slice(0, 200))
      .filter((t) => t.trim().length > 0 && !t.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(text, async (subject) => {
        // The record is written through the REST body (JSON), never through SOQL.
        const { id } = await client.create('Case', { Subject: subject });
        const exact = await client.query<{ Id: string; Subject: string }>(
          soql`SELECT Id, Subject FROM Case WHERE Subject = ${subject} AND Id = ${id}`,
        );
        expect(exact.records.map((r) => r.Subject)).toEqual([subject]);
        const like = await client.query(
          soql`SELECT Id FROM Case WHERE Id = ${id} AND Subject LIKE ${soql.like(subject, 'equals')}`,
        );
        expect(like.totalSize).toBe(1);
        const other = await client.query(
          soql`SELECT Id FROM Case WHERE Id = ${id} AND Subject = ${`${subject}x`}`,
        );
        expect(other.totalSize).toBe(0);
      }),
      { numRuns: 1000 },
    );
  }, 180_000);

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

describe('SalesforceClient.describe', () => {
  it("keeps each user's describe apart, and reuses it for that user only", async () => {
    const cache = createDescribeCache();
    const agent = await loginAsDemo(emulator.url, DEMO.users.standard);
    const asAdmin = createSalesforceClient({ session, describeCache: cache });
    const asAgent = createSalesforceClient({ session: agent, describeCache: cache });
    await asAdmin.describe('Case');
    await asAgent.describe('Case');
    await asAdmin.describe('Case');
    await asAgent.describe('case');
    // Salesforce's describe reflects each user's field-level security: one call per user.
    expect(asAdmin.meter.snapshot().byKind.describe).toBe(1);
    expect(asAgent.meter.snapshot().byKind.describe).toBe(1);
  });

  it('holds at most the bound it was given, dropping the least recently used', async () => {
    const client = createSalesforceClient({ session, describeCache: createDescribeCache({ max: 2 }) });
    for (const object of ['Case', 'Contact', 'Account', 'Case']) await client.describe(object);
    expect(client.meter.snapshot().byKind.describe).toBe(4);
    await client.describe('Account');
    expect(client.meter.snapshot().byKind.describe).toBe(4);
  });
});
