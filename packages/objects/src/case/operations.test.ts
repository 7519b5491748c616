import { loginWithPassword } from '@sfgql/auth';
import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { createSalesforceClient, type SalesforceClient } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationError, reportError } from '../errors.ts';
import { getCaseByNumber } from './operations.ts';

let emulator: RunningEmulator;
let client: SalesforceClient;
beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  const session = await loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });
  client = createSalesforceClient({ session });
});
afterAll(() => emulator.close());

describe('getCaseByNumber', () => {
  it('returns the case with camelCase fields', async () => {
    const found = await getCaseByNumber.run({ client }, { caseNumber: '00001104' });
    expect(found).toMatchObject({
      id: expect.stringMatching(/^500\w{15}$/),
      caseNumber: '00001104',
      status: 'New',
      subject: expect.any(String),
      description: expect.any(String),
    });
    expect(getCaseByNumber.output.safeParse(found).success).toBe(true);
  });

  it('returns null for an unknown or hostile case number', async () => {
    for (const caseNumber of [
      '99999999',
      "00001104' OR CaseNumber != '",
      '00001104\\',
      "\\' OR Id != null OR CaseNumber = \\'",
    ]) {
      expect(await getCaseByNumber.run({ client }, { caseNumber })).toBeNull();
    }
  });

  it('refuses missing, empty and oversized case numbers as INVALID_INPUT', async () => {
    for (const input of [
      {},
      { caseNumber: '  ' },
      { caseNumber: 'x'.repeat(81) },
      { caseNumber: 42 },
      null,
    ]) {
      const error = await getCaseByNumber.run({ client }, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationError);
      expect(reportError(error)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    }
  });
});

describe('reportError', () => {
  it('masks errors the project does not know', () => {
    expect(reportError(new Error('secret detail'))).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Unexpected error',
    });
  });
});
