import { type ConfirmationError, createConfirmation } from '@sfgql/confirm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, getCase, updateCase, updateCaseStatus } from '../src/case/index.ts';
import { type ConfirmedWriteContext, runConfirmedWrite } from '../src/confirmed.ts';
import { startTestOrg, type TestOrg } from './support.ts';

/**
 * The lost update: a change made between the preview and the confirmed update is never overwritten
 * silently. Salesforce refuses the update (412 to `If-Unmodified-Since`), and the caller gets
 * CONFIRMATION_STALE with a preview of the record as it is now. (This needs the emulator's
 * conditional request headers.)
 */

let org: TestOrg;
let clock = Date.parse('2026-03-01T10:00:00.000Z');
const confirmation = createConfirmation({ keys: { current: 'a-test-secret-of-at-least-32-bytes!!' } });
const ctxWith = (token?: string): ConfirmedWriteContext => ({
  ...org.ctx,
  principal: { userId: '005000000000001AAA', orgId: '00D000000000001AAA', clientId: 'gateway' },
  confirmation,
  token,
});

beforeAll(async () => {
  org = await startTestOrg({ now: () => new Date(clock) });
});
afterAll(() => org.close());

async function newCase(): Promise<string> {
  const input = { subject: 'Lost update', status: 'New' };
  const preview = await runConfirmedWrite(createCase, ctxWith(), input);
  if (preview.kind !== 'preview') throw new Error('expected a preview');
  const done = await runConfirmedWrite(createCase, ctxWith(preview.confirmation.token), input);
  return (done as { result: { id: string } }).result.id;
}

describe.each([
  ['updateCase', updateCase],
  ['updateCaseStatus', updateCaseStatus],
])('%s between a preview and its confirmation', (_, operation) => {
  it('refuses to overwrite a change made meanwhile: CONFIRMATION_STALE with a fresh preview', async () => {
    const id = await newCase();
    const input = { id, status: 'Escalated' };
    const preview = await runConfirmedWrite(operation, ctxWith(), input);
    if (preview.kind !== 'preview') throw new Error('expected a preview');
    // Another client closes the case before the person confirms.
    clock += 5_000;
    await updateCase.execute(org.ctx, { id, status: 'Closed' });
    const stale = (await runConfirmedWrite(operation, ctxWith(preview.confirmation.token), input).catch(
      (e: unknown) => e,
    )) as ConfirmationError;
    expect(stale.code).toBe('CONFIRMATION_STALE');
    expect(stale.confirmation?.changes).toEqual([{ field: 'Status', before: 'Closed', after: 'Escalated' }]);
    expect(((await getCase.run(org.ctx, { id })) as { status: string }).status).toBe('Closed');
    // Confirmed again on the fresh preview, the write goes through.
    clock += 5_000;
    await runConfirmedWrite(operation, ctxWith(stale.confirmation?.token), input);
    expect(((await getCase.run(org.ctx, { id })) as { status: string }).status).toBe('Escalated');
  });
});
