import type { DescribeResult } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseByNumber, updateCaseStatus } from '../src/case/index.ts';
import { reportError } from '../src/errors.ts';
import type { OperationContext } from '../src/operation.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
let caseId: string;
beforeAll(async () => {
  org = await startTestOrg();
  const found = (await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })) as { id: string };
  caseId = found.id;
});
afterAll(() => org.close());

/** The demo org's client, with the Case Status picklist of an org that has its own values. */
function orgWithStatuses(values: { value: string; active: boolean }[]): OperationContext {
  const client = org.ctx.client;
  return {
    client: {
      ...client,
      query: client.query.bind(client),
      update: client.update.bind(client),
      async describe(object: string) {
        const real = await client.describe(object);
        return {
          ...real,
          fields: real.fields.map((f) =>
            f.name === 'Status' ? { ...f, picklistValues: values.map((v) => ({ ...v, label: v.value })) } : f,
          ),
        } as DescribeResult;
      },
    },
  };
}

describe('updateCaseStatus', () => {
  it('previews the change with the current status, then writes only Status', async () => {
    const preview = await updateCaseStatus.prepare(org.ctx, { id: caseId, status: 'Working' });
    expect(preview).toMatchObject({
      action: 'update',
      object: 'Case',
      recordId: caseId,
      changes: [{ field: 'status', before: 'New', after: 'Working' }],
      summary:
        'Update case 00001104 ("Billing discrepancy on the January invoice"): status from "New" to "Working".',
      systemModstamp: expect.any(String),
    });
    await org.resetCalls();
    await updateCaseStatus.execute(org.ctx, { id: caseId, status: 'working' });
    // The describe is cached: one call, the update, with the org's spelling of the value.
    expect(await org.calls()).toBe(1);
    expect(await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })).toMatchObject({
      status: 'Working',
    });
  });

  it("accepts the org's own values and refuses inactive ones, listing what the org accepts", async () => {
    const ctx = orgWithStatuses([
      { value: 'New', active: true },
      { value: 'Waiting on Customer', active: true },
      { value: 'Escalated', active: false },
    ]);
    const preview = await updateCaseStatus.prepare(ctx, { id: caseId, status: 'waiting on customer' });
    expect(preview.changes).toEqual([{ field: 'status', before: 'Working', after: 'Waiting on Customer' }]);
    const refused = await updateCaseStatus.prepare(ctx, { id: caseId, status: 'Escalated' }).catch((e) => e);
    expect(reportError(refused)).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: expect.stringContaining(
        "must be one of the org's Case Status values: New, Waiting on Customer",
      ),
    });
    expect(refused.message).toContain('→ at status');
  });

  it('says when nothing would change, and NOT_FOUND for a case that does not exist', async () => {
    const same = await updateCaseStatus.prepare(org.ctx, { id: caseId, status: 'Working' });
    expect(same.changes).toEqual([]);
    expect(same.summary).toContain('nothing (the status is already "Working")');
    const missing = await updateCaseStatus
      .prepare(org.ctx, { id: '500000000000000AAA', status: 'New' })
      .catch((e) => e);
    expect(reportError(missing)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const notACase = await updateCaseStatus
      .prepare(org.ctx, { id: '003000000000000AAA', status: 'New' })
      .catch((e) => e);
    expect(reportError(notACase)).toMatchObject({
      status: 400,
      message: expect.stringContaining('Id of a Case'),
    });
  });
});
