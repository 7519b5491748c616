import type { SalesforceSession } from '@sfgql/auth';
import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceClient } from './client.ts';

/**
 * `If-Unmodified-Since` on a record update, answered by the emulator as Salesforce answers it: 412
 * and nothing written when the record was modified after the date. (This needs the emulator's
 * conditional request headers.)
 */

let emulator: RunningEmulator;
let session: SalesforceSession;
let clock = Date.parse('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  ({ emulator, session } = await startDemoOrg({ now: () => new Date(clock) }));
});
afterAll(() => emulator.close());

describe('updateIfUnmodified against the emulator', () => {
  it('refuses with SF_PRECONDITION_FAILED, writing nothing, when the record changed after the stamp', async () => {
    const client = createSalesforceClient({ session, retry: { retries: 0 } });
    const { id } = await client.create('Case', { Subject: 'Lost update', Status: 'New' });
    const stamp = (await client.retrieve('Case', id, ['SystemModstamp'])).SystemModstamp as string;
    clock += 5_000;
    // Another client closes the case between the preview and the confirmed write.
    await client.update('Case', id, { Status: 'Closed' });
    await expect(client.updateIfUnmodified('Case', id, { Status: 'Escalated' }, stamp)).rejects.toMatchObject(
      {
        code: 'SF_PRECONDITION_FAILED',
        status: 412,
      },
    );
    expect((await client.retrieve('Case', id, ['Status'])).Status).toBe('Closed');
  });

  it('writes when the record is as it was at the stamp', async () => {
    const client = createSalesforceClient({ session, retry: { retries: 0 } });
    const { id } = await client.create('Case', { Subject: 'Unchanged', Status: 'New' });
    const stamp = (await client.retrieve('Case', id, ['SystemModstamp'])).SystemModstamp as string;
    clock += 5_000;
    await client.updateIfUnmodified('Case', id, { Status: 'Escalated' }, stamp);
    expect((await client.retrieve('Case', id, ['Status'])).Status).toBe('Escalated');
  });
});
