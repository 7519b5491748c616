import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from './test-support.ts';

/**
 * The lost update through the REST adapter: a status change confirmed after someone else changed
 * the case is refused (Salesforce's 412 to `If-Unmodified-Since`) with a fresh confirmation, and
 * the other change stays. (This needs the emulator's conditional request headers.)
 */

let stack: TestStack;
let skew = 0;
beforeAll(async () => {
  stack = await startStack({ emulator: { now: () => new Date(Date.now() + skew) } });
});
afterAll(() => stack.close());

describe('a change between the preview and the confirmation', () => {
  it('is never overwritten: CONFIRMATION_STALE (409) with a fresh confirmation', async () => {
    const caseId = (await stack.call('GET', '/cases/by-number/00001104')).body.Id;
    const first = await stack.call('PATCH', `/cases/${caseId}/status`, { Status: 'Escalated' });
    // Another client closes the case before the user confirms.
    skew += 3_000;
    const meanwhile = await stack.call('PATCH', `/cases/${caseId}/status`, { Status: 'Closed' });
    await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Closed',
      confirmationToken: meanwhile.body.confirmationToken,
    });
    const stale = await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Escalated',
      confirmationToken: first.body.confirmationToken,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'CONFIRMATION_STALE',
      changes: [{ field: 'Status', before: 'Closed', after: 'Escalated' }],
    });
    const stored = () =>
      (
        stack.emulator.org.db.prepare(`SELECT Status FROM "Case" WHERE Id = ?`).get(caseId) as {
          Status: string;
        }
      ).Status;
    expect(stored()).toBe('Closed');
    skew += 3_000;
    const done = await stack.call('PATCH', `/cases/${caseId}/status`, {
      Status: 'Escalated',
      confirmationToken: stale.body.confirmationToken,
    });
    expect(done.status).toBe(204);
    expect(stored()).toBe('Escalated');
  });
});
