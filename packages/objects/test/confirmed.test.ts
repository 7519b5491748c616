import {
  type AuditEntry,
  type ConfirmationError,
  type ConfirmationRequest,
  createConfirmation,
} from '@sfgql/confirm';
import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCampaignMember } from '../src/campaign/index.ts';
import { createCase, deleteCase, getCase, getCaseByNumber, updateCase } from '../src/case/index.ts';
import {
  type ConfirmedWriteContext,
  type ConfirmedWriteResult,
  runConfirmedWrite,
} from '../src/confirmed.ts';
import { deleteContact } from '../src/contact/index.ts';
import { reportError } from '../src/errors.ts';
import { addProductToOpportunity } from '../src/product/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
let caseId: string;
// The emulator's clock, moved by hand between a preview and its confirmation so that a change made
// in between is unambiguously later than the version previewed.
let clock = Date.parse('2026-03-01T10:00:00.000Z');
const audit: AuditEntry[] = [];
const principal = { userId: '005000000000001AAA', orgId: '00D000000000001AAA', clientId: 'gateway' };
const confirmation = createConfirmation({
  keys: { current: 'a-test-secret-of-at-least-32-bytes!!' },
  policy: {
    default: {},
    clients: { 'gpt-actions': { objects: { Case: { actions: ['create', 'update'], fields: ['Status'] } } } },
  },
  audit: {
    async record(entry) {
      audit.push(entry);
    },
    async close() {},
  },
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
function previewOf(result: ConfirmedWriteResult): ConfirmationRequest {
  if (result.kind !== 'preview') throw new Error('expected a preview');
  return result.confirmation;
}
function resultOf(result: ConfirmedWriteResult): unknown {
  if (result.kind !== 'done') throw new Error('expected a result');
  return result.result;
}
const statusOf = async (id: string) => ((await getCase.run(org.ctx, { id })) as { status: string }).status;
const first = async <T>(text: string) =>
  (await org.ctx.client.query({ text } as never)).records[0] as unknown as T;

beforeAll(async () => {
  org = await startTestOrg({ now: () => new Date(clock) });
  caseId = ((await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })) as { id: string }).id;
});
afterAll(() => org.close());

describe('runConfirmedWrite', () => {
  it('previews without writing (one call), then writes once with the token (one call, no re-read)', async () => {
    const input = { id: caseId, status: 'Escalated' };
    // The org's describe is read once and kept (for the preview's checks).
    await org.ctx.client.describe('Case');
    await org.resetCalls();
    const request = previewOf(await runConfirmedWrite(updateCase, ctxWith(), input));
    expect(await org.calls()).toBe(1);
    expect(request).toMatchObject({
      action: 'update',
      object: 'Case',
      recordId: caseId,
      destructive: false,
      changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
    });
    expect(request.summary).toBe(
      'Update case 00001104 ("Billing discrepancy on the January invoice"): status from "New" to "Escalated".',
    );
    expect(await statusOf(caseId)).toBe('New');

    clock += 5_000;
    await org.resetCalls();
    const done = await runConfirmedWrite(updateCase, ctxWith(request.token), input);
    expect(done).toEqual({ kind: 'done', result: { id: caseId, success: true }, replayed: false });
    expect(await org.calls()).toBe(1);
    expect(await statusOf(caseId)).toBe('Escalated');
    // The audit trail has the write as Salesforce answered it, before and after.
    expect(audit.at(-1)).toMatchObject({
      operation: 'updateCase',
      recordId: caseId,
      changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
      outcome: { status: 'written' },
    });
    expect((await refusal(runConfirmedWrite(updateCase, ctxWith(request.token), input)))?.code).toBe(
      'CONFIRMATION_USED',
    );
  });

  it('refuses a token for other arguments or another caller', async () => {
    const preview = previewOf(
      await runConfirmedWrite(updateCase, ctxWith(), { id: caseId, priority: 'Low' }),
    );
    await org.resetCalls();
    expect(
      (
        await refusal(
          runConfirmedWrite(updateCase, ctxWith(preview.token), { id: caseId, priority: 'Medium' }),
        )
      )?.code,
    ).toBe('CONFIRMATION_MISMATCH');
    expect(
      (
        await refusal(
          runConfirmedWrite(updateCase, ctxWith(preview.token, 'someone-else'), {
            id: caseId,
            priority: 'Low',
          }),
        )
      )?.code,
    ).toBe('CONFIRMATION_MISMATCH');
    // Refused before anything reached Salesforce.
    expect(await org.calls()).toBe(0);
  });

  it('deletes only the version the person saw: a change in between answers CONFIRMATION_STALE with a fresh preview', async () => {
    const { id } = resultOf(
      await runConfirmedWrite(
        createCase,
        ctxWith(previewOf(await runConfirmedWrite(createCase, ctxWith(), { subject: 'To delete' })).token),
        { subject: 'To delete' },
      ),
    ) as { id: string };
    const preview = previewOf(await runConfirmedWrite(deleteCase, ctxWith(), { id }));
    clock += 5_000;
    await updateCase.execute(org.ctx, { id, subject: 'Still needed' });
    const stale = await refusal(runConfirmedWrite(deleteCase, ctxWith(preview.token), { id }));
    expect(stale?.code).toBe('CONFIRMATION_STALE');
    expect(reportError(stale)).toMatchObject({ status: 409, code: 'CONFIRMATION_STALE' });
    expect(stale?.confirmation?.token).not.toBe(preview.token);
    expect(((await getCase.run(org.ctx, { id })) as { subject: string }).subject).toBe('Still needed');
    // The fresh preview's token deletes it.
    clock += 5_000;
    expect((await runConfirmedWrite(deleteCase, ctxWith(stale?.confirmation?.token), { id })).kind).toBe(
      'done',
    );
    expect(await getCase.run(org.ctx, { id })).toBeNull();
  });

  it("keeps a client's policy, on the fields the person saw, whatever the token", async () => {
    const contact = (await first<{ Id: string }>('SELECT Id FROM Contact LIMIT 1')).Id;
    const forbidden = await runConfirmedWrite(deleteContact, ctxWith(undefined, 'gpt-actions'), {
      id: contact,
    }).catch((e: unknown) => e);
    expect(reportError(forbidden)).toMatchObject({ status: 403, code: 'WRITE_FORBIDDEN' });
    const priority = await runConfirmedWrite(updateCase, ctxWith(undefined, 'gpt-actions'), {
      id: caseId,
      priority: 'Low',
    }).catch((e: unknown) => e);
    expect(reportError(priority)).toMatchObject({
      status: 403,
      details: { reason: 'FIELD', fields: ['Priority'] },
    });
  });

  it('returns the first result to a create retried with the same idempotency key, and creates once', async () => {
    const input = { subject: `Idempotent ${Date.now()}`, status: 'New', origin: 'Web' };
    const count = async () =>
      (await org.ctx.client.query(soql`SELECT COUNT() FROM Case WHERE Subject = ${input.subject}`)).totalSize;
    const key = 'c1b7e3a4-0d0e-4f51-9a43-0f6f1b3cbd11';
    const { token } = previewOf(
      await runConfirmedWrite(createCase, ctxWith(undefined, 'gateway', key), input),
    );
    const created = await runConfirmedWrite(createCase, ctxWith(token, 'gateway', key), input);
    const value = resultOf(created);
    expect(value).toMatchObject({ id: expect.stringMatching(/^500/), success: true });
    // The answer was lost: the client repeats the call, with the spent token or after a new preview.
    expect(await runConfirmedWrite(createCase, ctxWith(token, 'gateway', key), input)).toEqual({
      kind: 'done',
      result: value,
      replayed: true,
    });
    const again = previewOf(await runConfirmedWrite(createCase, ctxWith(undefined, 'gateway', 'k2'), input));
    expect(
      resultOf(await runConfirmedWrite(createCase, ctxWith(again.token, 'gateway', key), input)),
    ).toEqual(value);
    expect(await count()).toBe(1);
    // The same key for other arguments is refused as soon as it is seen, at the preview.
    const reused = await refusal(
      runConfirmedWrite(createCase, ctxWith(undefined, 'gateway', key), { ...input, subject: 'Other' }),
    );
    expect(reportError(reused)).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    const invalid = await refusal(runConfirmedWrite(createCase, ctxWith(token, 'gateway', 'a b'), input));
    expect(reportError(invalid)).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_INVALID' });
  });
});

describe('previews catch what Salesforce would refuse', () => {
  it('a price book entry outside the opportunity’s price book, before anything is written', async () => {
    const opportunity = await first<{ Id: string; Pricebook2Id: string }>(
      'SELECT Id, Pricebook2Id FROM Opportunity WHERE Pricebook2Id != null LIMIT 1',
    );
    const other = await first<{ Id: string }>(
      `SELECT Id FROM PricebookEntry WHERE Pricebook2Id != '${opportunity.Pricebook2Id}' AND IsActive = true LIMIT 1`,
    );
    const error = await runConfirmedWrite(addProductToOpportunity, ctxWith(), {
      opportunityId: opportunity.Id,
      pricebookEntryId: other.Id,
      quantity: 1,
    }).catch((e: unknown) => e);
    expect(reportError(error)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(/another price book.*\n.*→ at pricebookEntryId/);
  });

  it('a contact already in the campaign', async () => {
    const member = await first<{ CampaignId: string; ContactId: string }>(
      'SELECT CampaignId, ContactId FROM CampaignMember WHERE ContactId != null LIMIT 1',
    );
    const error = await runConfirmedWrite(addCampaignMember, ctxWith(), {
      campaignId: member.CampaignId,
      contactId: member.ContactId,
    }).catch((e: unknown) => e);
    expect(reportError(error)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(/already a member of this campaign\n.*→ at contactId/);
  });

  it('turns a refusal Salesforce makes at the confirmed write into a 4xx with its errorCode', async () => {
    const contact = await first<{ Id: string }>(
      'SELECT Id FROM Contact WHERE Id NOT IN (SELECT ContactId FROM CampaignMember) LIMIT 1',
    );
    const campaign = await first<{ Id: string }>('SELECT Id FROM Campaign LIMIT 1');
    const input = { campaignId: campaign.Id, contactId: contact.Id };
    const preview = previewOf(await runConfirmedWrite(addCampaignMember, ctxWith(), input));
    // Someone adds the contact between the preview and the confirmation.
    await addCampaignMember.execute(org.ctx, input);
    const error = await runConfirmedWrite(addCampaignMember, ctxWith(preview.token), input).catch(
      (e: unknown) => e,
    );
    expect(reportError(error)).toMatchObject({
      status: 409,
      code: 'SF_CONFLICT',
      salesforceErrorCode: 'DUPLICATE_VALUE',
    });
    expect(audit.at(-1)).toMatchObject({ outcome: { status: 'refused', errorCode: 'DUPLICATE_VALUE' } });
  });
});
