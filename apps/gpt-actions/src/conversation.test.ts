import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContractChecker, type Json, startStack, type TestStack } from './test-support.ts';

/**
 * The guide's example conversation ("Help me solve case 00001104"), as a GPT runs it: look the case
 * up, change its status, delete it, each change confirmed by the user in between. Every answer is
 * checked against the profile's OpenAPI document, and the emulator's call metrics and records show
 * exactly what reached Salesforce.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

/** The demo case as stored in the emulator, independently of any API. */
function storedCase(): { Status: string; IsDeleted: number } | undefined {
  return stack.emulator.org.db
    .prepare(`SELECT Status, IsDeleted FROM "Case" WHERE CaseNumber = '00001104'`)
    .get() as { Status: string; IsDeleted: number } | undefined;
}

/** API calls that changed data (everything but GET), by resource. */
async function writesSent(): Promise<Record<string, number>> {
  const { byResource } = await stack.metrics();
  return Object.fromEntries(Object.entries(byResource).filter(([resource]) => !resource.startsWith('GET ')));
}

interface Flow {
  profile: string;
  lookUp(): [string, string];
  updateStatus(id: string): string;
  remove(id: string): string;
  recordOf(body: Json): Json;
}

const flows: Flow[] = [
  {
    profile: 'cookbook',
    lookUp: () => [
      'getCaseDetailsFromNumber',
      `/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, CaseNumber, Status, Subject, Description FROM Case WHERE CaseNumber = '00001104'")}`,
    ],
    updateStatus: (id) => `/services/data/v60.0/sobjects/Case/${id}`,
    remove: (id) => `/services/data/v60.0/sobjects/Case/${id}`,
    recordOf: (body) => body.records[0],
  },
  {
    profile: 'service',
    lookUp: () => ['getCaseDetailsFromNumber', '/cases/by-number/00001104'],
    updateStatus: (id) => `/cases/${id}/status`,
    remove: (id) => `/cases/${id}`,
    recordOf: (body) => body,
  },
];

describe.each(flows)('the guide’s conversation against the $profile profile', (flow) => {
  let check: ReturnType<typeof createContractChecker>;
  let caseId: string;

  beforeAll(async () => {
    await emulatorControl(stack.emulator.url).reset();
    const doc = await (await stack.app.request(`/openapi.json?profile=${flow.profile}`)).json();
    check = createContractChecker(doc);
  });

  it('looks up case 00001104', async () => {
    const [operationId, path] = flow.lookUp();
    const answer = await stack.call('GET', path);
    expect(answer.status).toBe(200);
    expect(check(operationId, 200, answer.body)).toEqual([]);
    const record = flow.recordOf(answer.body);
    expect(record).toMatchObject({ CaseNumber: '00001104', Status: 'New', Subject: expect.any(String) });
    caseId = record.Id;
    expect(caseId).toMatch(/^500/);
  });

  it('updates its status only after the user confirms the summary', async () => {
    await stack.resetMetrics();
    const preview = await stack.call('PATCH', flow.updateStatus(caseId), { Status: 'Escalated' });
    expect(preview.status).toBe(200);
    expect(check('updateCaseStatus', 200, preview.body)).toEqual([]);
    expect(preview.body).toMatchObject({
      status: 'confirmation_required',
      confirmationToken: expect.any(String),
      summary:
        'Update case 00001104 ("Billing discrepancy on the January invoice"): status from "New" to "Escalated".',
      changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
      expiresAt: expect.any(String),
      next: expect.stringContaining('call updateCaseStatus again'),
    });
    // Nothing was written: the preview only read the case.
    expect(await writesSent()).toEqual({});
    expect(storedCase()?.Status).toBe('New');

    // "Yes, escalate it."
    const done = await stack.call('PATCH', flow.updateStatus(caseId), {
      Status: 'Escalated',
      confirmationToken: preview.body.confirmationToken,
    });
    expect(done.status).toBe(204);
    expect(done.body).toBeUndefined();
    // One call: the PATCH (sent only if the case is still as the user saw it) and its read-back.
    expect(await writesSent()).toEqual({ 'POST /composite': 1 });
    expect(storedCase()?.Status).toBe('Escalated');

    // The same token again (a retry, a double submission) writes nothing more.
    const replay = await stack.call('PATCH', flow.updateStatus(caseId), {
      Status: 'Escalated',
      confirmationToken: preview.body.confirmationToken,
    });
    expect(replay.status).toBe(409);
    expect(check('updateCaseStatus', 409, replay.body)).toEqual([]);
    expect(replay.body).toMatchObject({
      code: 'CONFIRMATION_USED',
      detail: expect.stringContaining('without confirmationToken'),
    });
    // One call: the PATCH (sent only if the case is still as the user saw it) and its read-back.
    expect(await writesSent()).toEqual({ 'POST /composite': 1 });
  });

  it('deletes it only after the user confirms, and then it is gone', async () => {
    await stack.resetMetrics();
    const preview = await stack.call('DELETE', flow.remove(caseId));
    expect(preview.status).toBe(200);
    expect(check('deleteCase', 200, preview.body)).toEqual([]);
    expect(preview.body).toMatchObject({
      status: 'confirmation_required',
      summary:
        'Delete case 00001104 ("Billing discrepancy on the January invoice"). It goes to the Recycle Bin and can be restored for 15 days.',
      destructive: true,
    });
    expect(await writesSent()).toEqual({});
    expect(storedCase()?.IsDeleted).toBe(0);

    const done = await stack.call(
      'DELETE',
      `${flow.remove(caseId)}?confirmationToken=${encodeURIComponent(preview.body.confirmationToken)}`,
    );
    expect(done.status).toBe(204);
    // One call: the DELETE, sent only if the case is still as the user saw it.
    expect(await writesSent()).toEqual({ 'POST /composite': 1 });
    expect(storedCase()?.IsDeleted).toBe(1);

    const [operationId, path] = flow.lookUp();
    const after = await stack.call('GET', path);
    if (flow.profile === 'cookbook') {
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ totalSize: 0, records: [] });
    } else {
      expect(after.status).toBe(404);
      expect(check(operationId, 404, after.body)).toEqual([]);
      expect(after.body).toMatchObject({
        code: 'NOT_FOUND',
        detail: expect.stringContaining('CaseNumber "00001104"'),
      });
    }
  });
});

describe('hostile q values against the cookbook', () => {
  let check: ReturnType<typeof createContractChecker>;
  beforeAll(async () => {
    await emulatorControl(stack.emulator.url).reset();
    check = createContractChecker(await (await stack.app.request('/openapi.json?profile=cookbook')).json());
  });

  const query = (q: string) => stack.call('GET', `/services/data/v60.0/query?q=${encodeURIComponent(q)}`);
  const caseCount = () =>
    (
      stack.emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Case" WHERE IsDeleted = 0').get() as {
        n: number;
      }
    ).n;

  it.each([
    ['a DELETE', "DELETE FROM Case WHERE CaseNumber = '00001104'", /not valid SOQL/],
    [
      'a second statement',
      "SELECT Id FROM Case WHERE CaseNumber = '00001104'; DELETE FROM Case",
      /not valid SOQL/,
    ],
    [
      'an object outside the allowlist',
      'SELECT Id, Username, Email FROM User',
      /object User may not be queried; allowed: Case/,
    ],
    [
      'a field outside the allowlist',
      'SELECT Id, Owner.Email FROM Case',
      /fields Owner\.Email may not be used/,
    ],
    ['a subquery', 'SELECT Id, (SELECT Id FROM CaseComments) FROM Case', /subqueries/],
    ['a lock', 'SELECT Id FROM Case FOR UPDATE', /FOR UPDATE is not allowed/],
    ['view tracking, which writes', 'SELECT Id FROM Case UPDATE TRACKING', /UPDATE TRACKING/],
    ['view statistics, which write', 'SELECT Id FROM Case UPDATE VIEWSTAT', /UPDATE VIEWSTAT/],
    ['system mode', 'SELECT Id FROM Case WITH SYSTEM_MODE', /WITH SYSTEM_MODE is not allowed/],
    ['clauses out of order', "SELECT Id FROM Case LIMIT 5 WHERE Status = 'New'", /not valid SOQL/],
    ['an aggregate', 'SELECT COUNT() FROM Case', /functions/],
    ['an empty q', '', /SELECT statement/],
  ])('refuses %s with a reason, and sends nothing to Salesforce', async (_, q, reason) => {
    const before = caseCount();
    await stack.resetMetrics();
    const answer = await query(q);
    expect(answer.status).toBe(400);
    expect(check('getCaseDetailsFromNumber', 400, answer.body)).toEqual([]);
    expect(answer.body).toMatchObject({
      code: 'QUERY_REFUSED',
      detail: expect.stringMatching(reason),
      invalidParams: [{ name: 'q', reason: expect.stringMatching(reason) }],
    });
    expect(answer.body.detail).toContain('SELECT Id, CaseNumber, Status, Subject, Description FROM Case');
    expect((await stack.metrics()).total).toBe(0);
    expect(caseCount()).toBe(before);
  });

  it('runs an unbounded SELECT with its LIMIT capped at 50, as the one query sent', async () => {
    await stack.resetMetrics();
    const answer = await query('SELECT Id, CaseNumber, Status FROM Case');
    expect(answer.status).toBe(200);
    expect(check('getCaseDetailsFromNumber', 200, answer.body)).toEqual([]);
    expect(answer.body.records.length).toBeLessThanOrEqual(50);
    expect(answer.body.records[0]).not.toHaveProperty('attributes');
    const metrics = await stack.metrics();
    expect(metrics.total).toBe(1);
    expect(Object.keys(metrics.bySoql)).toEqual(['SELECT Id, CaseNumber, Status FROM Case LIMIT 50']);
  });

  it('sends WITH SECURITY_ENFORCED where Salesforce takes it, before ORDER BY and LIMIT', async () => {
    await stack.resetMetrics();
    const answer = await query(
      "SELECT Id, CaseNumber FROM Case WHERE Status != 'Closed' WITH SECURITY_ENFORCED ORDER BY CaseNumber",
    );
    expect(answer.status).toBe(200);
    expect(Object.keys((await stack.metrics()).bySoql)).toEqual([
      "SELECT Id, CaseNumber FROM Case WHERE Status != 'Closed' WITH SECURITY_ENFORCED ORDER BY CaseNumber LIMIT 50",
    ]);
  });

  it('lowers a LIMIT above 50, and keeps a lower one', async () => {
    await stack.resetMetrics();
    expect((await query('SELECT Id FROM Case LIMIT 5000')).status).toBe(200);
    expect((await query('SELECT Id FROM Case ORDER BY CaseNumber LIMIT 2')).body.totalSize).toBe(2);
    expect(Object.keys((await stack.metrics()).bySoql)).toEqual([
      'SELECT Id FROM Case LIMIT 50',
      'SELECT Id FROM Case ORDER BY CaseNumber LIMIT 2',
    ]);
  });

  it('matches an injected literal as text, never as SOQL', async () => {
    await stack.resetMetrics();
    const answer = await query("SELECT Id FROM Case WHERE CaseNumber = '00001104\\' OR CaseNumber != \\''");
    expect(answer.status).toBe(200);
    expect(answer.body.totalSize).toBe(0);
  });
});
