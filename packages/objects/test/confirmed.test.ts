import { type ConfirmationError, createConfirmation, DEFAULT_GPT_ACTIONS_POLICY } from '@sfgql/confirm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, getCase, getCaseByNumber, updateCase } from '../src/case/index.ts';
import { type ConfirmedWriteContext, runConfirmedWrite } from '../src/confirmed.ts';
import { deleteContact } from '../src/contact/index.ts';
import { reportError } from '../src/errors.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
let caseId: string;
const principal = { userId: '005000000000001AAA', orgId: '00D000000000001AAA', clientId: 'gateway' };
const confirmation = createConfirmation({
  keys: { current: 'a-test-secret-of-at-least-32-bytes!!' },
  policy: { default: {}, clients: { 'gpt-actions': DEFAULT_GPT_ACTIONS_POLICY } },
});
const ctxWith = (token?: string, clientId = 'gateway', idempotencyKey?: string): ConfirmedWriteContext => ({
  ...org.ctx,
  principal: { ...principal, clientId },
  confirmation,
  token,
  idempotencyKey,
});
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ConfirmationError,
  );

beforeAll(async () => {
  org = await startTestOrg();
  caseId = ((await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })) as { id: string }).id;
});
afterAll(() => org.close());

describe('runConfirmedWrite', () => {
  it('previews without writing, then writes once with the token', async () => {
    const input = { id: caseId, status: 'Escalated' };
    await org.resetCalls();
    const required = await refusal(runConfirmedWrite(updateCase, ctxWith(), input));
    expect(required?.code).toBe('CONFIRMATION_REQUIRED');
    const request = required?.confirmation;
    expect(request).toMatchObject({
      action: 'update',
      object: 'Case',
      recordId: caseId,
      destructive: false,
      changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
    });
    expect(request?.summary).toBe(`Update case "00001104" (${caseId}): status from "New" to "Escalated".`);
    expect(reportError(required)).toMatchObject({
      status: 428,
      code: 'CONFIRMATION_REQUIRED',
      details: { confirmation: request },
    });
    expect(((await getCase.run(org.ctx, { id: caseId })) as { status: string }).status).toBe('New');

    await expect(runConfirmedWrite(updateCase, ctxWith(request?.token), input)).resolves.toMatchObject({
      id: caseId,
      success: true,
    });
    expect(((await getCase.run(org.ctx, { id: caseId })) as { status: string }).status).toBe('Escalated');
    expect((await refusal(runConfirmedWrite(updateCase, ctxWith(request?.token), input)))?.code).toBe(
      'CONFIRMATION_USED',
    );
  });

  it('refuses a token for other arguments or another caller, and a stale one with a fresh preview', async () => {
    const first = (await refusal(runConfirmedWrite(updateCase, ctxWith(), { id: caseId, priority: 'Low' })))
      ?.confirmation;
    expect(
      (
        await refusal(
          runConfirmedWrite(updateCase, ctxWith(first?.token), { id: caseId, priority: 'Medium' }),
        )
      )?.code,
    ).toBe('CONFIRMATION_MISMATCH');
    expect(
      (
        await refusal(
          runConfirmedWrite(updateCase, ctxWith(first?.token, 'someone-else'), {
            id: caseId,
            priority: 'Low',
          }),
        )
      )?.code,
    ).toBe('CONFIRMATION_MISMATCH');
    // Someone changes the case between the preview and the confirmation.
    await updateCase.execute(org.ctx, { id: caseId, subject: 'Changed meanwhile' });
    const stale = await refusal(
      runConfirmedWrite(updateCase, ctxWith(first?.token), { id: caseId, priority: 'Low' }),
    );
    expect(stale?.code).toBe('CONFIRMATION_STALE');
    expect(stale?.confirmation?.token).not.toBe(first?.token);
    await expect(
      runConfirmedWrite(updateCase, ctxWith(stale?.confirmation?.token), { id: caseId, priority: 'Low' }),
    ).resolves.toMatchObject({ success: true });
  });

  it('keeps the GPT Actions policy: no contact deletes, whatever the token', async () => {
    const contact = (
      (await org.ctx.client.query({ text: 'SELECT Id FROM Contact LIMIT 1' } as never)).records[0] as {
        Id: string;
      }
    ).Id;
    const forbidden = await runConfirmedWrite(deleteContact, ctxWith(undefined, 'gpt-actions'), {
      id: contact,
    }).catch((e: unknown) => e);
    expect(reportError(forbidden)).toMatchObject({ status: 403, code: 'WRITE_FORBIDDEN' });
  });

  it('returns the first result to a create retried with the same idempotency key, and creates once', async () => {
    const input = { subject: `Idempotent ${Date.now()}`, status: 'New', origin: 'Web' };
    const count = async () =>
      (
        await org.ctx.client.query({
          text: `SELECT COUNT() FROM Case WHERE Subject = '${input.subject}'`,
        } as never)
      ).totalSize;
    const key = 'c1b7e3a4-0d0e-4f51-9a43-0f6f1b3cbd11';
    const { token } = (
      await refusal(runConfirmedWrite(createCase, ctxWith(undefined, 'gateway', key), input))
    )?.confirmation ?? { token: '' };
    const first = await runConfirmedWrite(createCase, ctxWith(token, 'gateway', key), input);
    expect(first).toMatchObject({ id: expect.stringMatching(/^500/), success: true });
    // The answer was lost: the client repeats the call, with the spent token or after a new preview.
    expect(await runConfirmedWrite(createCase, ctxWith(token, 'gateway', key), input)).toEqual(first);
    const again = (await refusal(runConfirmedWrite(createCase, ctxWith(undefined, 'gateway', 'k2'), input)))
      ?.confirmation;
    expect(await runConfirmedWrite(createCase, ctxWith(again?.token, 'gateway', key), input)).toEqual(first);
    expect(await count()).toBe(1);
    const reused = await refusal(
      runConfirmedWrite(createCase, ctxWith(token, 'gateway', key), { ...input, subject: 'Other' }),
    );
    expect(reportError(reused)).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    const invalid = await refusal(runConfirmedWrite(createCase, ctxWith(token, 'gateway', 'a b'), input));
    expect(reportError(invalid)).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_INVALID' });
  });
});
