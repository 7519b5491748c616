import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCase, getCase } from '../src/case/index.ts';
import { searchContacts } from '../src/contact/index.ts';
import { getEvent, scheduleEvent } from '../src/event/index.ts';
import { getContactTimeline } from '../src/related.ts';
import { getTask, logCall } from '../src/task/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
// The call takes place on 11 February 2026; "tomorrow at 10:00" is the 12th.
const now = new Date('2026-02-11T15:20:00Z');
beforeAll(async () => {
  org = await startTestOrg({ now: () => now });
});
afterAll(() => org.close());

it("runs the reference document's phone call: find the caller, open a case, log the call, schedule a callback", async () => {
  // 1. The caller's number arrives formatted differently from how it is stored.
  const callers = (await searchContacts.run(org.ctx, { term: '+1 (555) 234-5678' })) as {
    records: { id: string; name: string; accountId: string }[];
  };
  expect(callers.records).toHaveLength(1);
  const caller = callers.records[0] as { id: string; name: string; accountId: string };
  expect(caller.name).toBe('Sarah Johnson');

  // 2. A high-priority case for the caller.
  const caseInput = {
    subject: 'Billing discrepancy on the February invoice',
    description: 'Charged twice for the Enterprise License.',
    priority: 'High',
    origin: 'Phone',
    contactId: caller.id,
    accountId: caller.accountId,
  };
  const casePreview = await createCase.prepare(org.ctx, caseInput);
  // Read to the caller as it is: her name and her company's, never their Ids.
  expect(casePreview.summary).toBe(
    'Create a case "Billing discrepancy on the February invoice" with description "Charged twice for the Enterprise License.", priority "High" and origin "Phone", linked to the contact "Sarah Johnson" and the account "Acme Corporation".',
  );
  await org.resetCalls();
  const opened = (await createCase.execute(org.ctx, caseInput)) as { id: string; caseNumber: string };
  // The case number to tell the caller comes with the create, in the same call.
  expect(await org.calls()).toBe(1);
  expect(opened.caseNumber).toMatch(/^\d{8}$/);

  // 3. The call itself, on the caller's timeline and the case.
  const callInput = {
    subject: 'Inbound call - billing question',
    callType: 'Inbound',
    callDisposition: 'Connected',
    description: 'Customer reported a duplicate charge; case opened.',
    whoId: caller.id,
    whatId: opened.id,
    durationSeconds: 420,
  };
  expect((await logCall.prepare(org.ctx, callInput)).summary).toBe(
    `Log a completed inbound call "Inbound call - billing question" (Connected) with the contact "Sarah Johnson" about case ${opened.caseNumber} ("Billing discrepancy on the February invoice").`,
  );
  const call = (await logCall.execute(org.ctx, callInput)) as { id: string };

  // 4. A callback tomorrow at 10:00 for half an hour.
  const tomorrow = new Date(now);
  tomorrow.setUTCDate(now.getUTCDate() + 1);
  tomorrow.setUTCHours(10, 0, 0, 0);
  const end = new Date(tomorrow.getTime() + 30 * 60_000);
  const callbackInput = {
    subject: 'Callback - confirm the refund',
    startDateTime: tomorrow.toISOString(),
    endDateTime: end.toISOString(),
    location: 'Phone',
    whoId: caller.id,
    whatId: opened.id,
  };
  expect((await scheduleEvent.prepare(org.ctx, callbackInput)).summary).toBe(
    `Schedule an event "Callback - confirm the refund" with start date time 12 February 2026 at 10:00 UTC, end date time 12 February 2026 at 10:30 UTC and location "Phone", linked to the contact "Sarah Johnson" and case ${opened.caseNumber} ("Billing discrepancy on the February invoice").`,
  );
  const callback = (await scheduleEvent.execute(org.ctx, callbackInput)) as { id: string };

  const savedCase = (await getCase.run(org.ctx, { id: opened.id })) as Record<string, unknown>;
  expect(savedCase).toMatchObject({ priority: 'High', status: 'New', contactId: caller.id, origin: 'Phone' });
  expect(await getTask.run(org.ctx, { id: call.id })).toMatchObject({
    taskSubtype: 'Call',
    status: 'Completed',
    activityDate: '2026-02-11',
    whoId: caller.id,
    whatId: opened.id,
  });
  expect(await getEvent.run(org.ctx, { id: callback.id })).toMatchObject({
    startDateTime: '2026-02-12T10:00:00.000+0000',
    endDateTime: '2026-02-12T10:30:00.000+0000',
    whoId: caller.id,
    whatId: opened.id,
  });

  // 5. The caller's timeline shows all three, in one call: the callback to come, the call just
  // logged (marked as a call), then what came before; the new case first among her cases.
  await org.resetCalls();
  const timeline = (await getContactTimeline.run(org.ctx, { id: caller.id })) as {
    name: string;
    activities: { id: string; kind: string; date: string; whatName: string | null }[];
    cases: { id: string; caseNumber: string }[];
  };
  expect(await org.calls()).toBe(1);
  expect(timeline.name).toBe('Sarah Johnson');
  expect(timeline.activities[0]).toMatchObject({
    id: callback.id,
    kind: 'event',
    whatName: opened.caseNumber,
  });
  expect(timeline.activities).toContainEqual(
    expect.objectContaining({ id: call.id, kind: 'call', date: '2026-02-11', whatName: opened.caseNumber }),
  );
  const dates = timeline.activities.map((a) => Date.parse(a.date));
  expect(dates).toEqual([...dates].sort((a, b) => b - a));
  expect(timeline.cases[0]).toMatchObject({ id: opened.id, caseNumber: opened.caseNumber });
});
