import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../src/catalog.ts';
import { contactSpec } from '../src/contact/spec.ts';
import { reportError } from '../src/errors.ts';
import { scheduleEvent } from '../src/event/index.ts';
import { createNote } from '../src/note/index.ts';
import {
  getAccountTimeline,
  getCaseTimeline,
  getContactTimeline,
  getLeadTimeline,
  readTimeline,
  relatedOperations,
  timelineStatement,
} from '../src/related.ts';
import { createTask } from '../src/task/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
const ids = { sarah: '', acme: '', kase: '', lead: '' };
type Timeline = {
  id: string;
  name: string;
  activities: { id: string; type: string; kind: string; date: string | null; whoName: string | null }[];
  cases?: { id: string; caseNumber: string }[];
  notes: { id: string; title: string }[];
};

beforeAll(async () => {
  org = await startTestOrg();
  const first = async (statement: ReturnType<typeof soql>) =>
    String((await org.ctx.client.query(statement)).records[0]?.Id);
  ids.sarah = await first(soql`SELECT Id FROM Contact WHERE Name = 'Sarah Johnson'`);
  ids.acme = await first(soql`SELECT Id FROM Account WHERE Name = 'Acme Corporation'`);
  ids.kase = await first(soql`SELECT Id FROM Case WHERE CaseNumber = '00001104'`);
  // The lead of the demo's outbound call.
  ids.lead = await first(soql`SELECT Id FROM Lead WHERE Name = ${"Kevin O'Brien"}`);
});
afterAll(() => org.close());

describe('related lists', () => {
  it("list a record's related records through its lookup, in one call", async () => {
    const list = operations.get('listContactCases');
    expect(list?.rest).toEqual({ method: 'get', path: '/contacts/{Id}/cases', rename: { contactId: 'Id' } });
    await org.resetCalls();
    const found = (await (list as typeof getContactTimeline).run(org.ctx, { contactId: ids.sarah })) as {
      records: { caseNumber: string; contactId: string }[];
    };
    expect(await org.calls()).toBe(1);
    expect(found.records.map((r) => r.caseNumber).sort()).toEqual([
      '00001101',
      '00001102',
      '00001103',
      '00001104',
    ]);
    expect(found.records.every((r) => r.contactId === ids.sarah)).toBe(true);
  });

  it("list an account's tasks and events by their WhatId, and refuse an Id of another object", async () => {
    const made = (await createTask.execute(org.ctx, { subject: 'Account review', whatId: ids.acme })) as {
      id: string;
    };
    const list = operations.get('listAccountTasks') as typeof getContactTimeline;
    expect(
      ((await list.run(org.ctx, { accountId: ids.acme })) as { records: { id: string }[] }).records,
    ).toEqual([expect.objectContaining({ id: made.id })]);
    const refused = await list.run(org.ctx, { accountId: ids.sarah }).catch((e: unknown) => e);
    expect(reportError(refused)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('exist for every child relationship of contacts, leads, accounts, cases and opportunities', () => {
    expect(relatedOperations.map((op) => op.name)).toEqual(
      expect.arrayContaining([
        'listContactCases',
        'listContactTasks',
        'listContactEvents',
        'listContactOpportunities',
        'listLeadTasks',
        'listAccountCases',
        'listAccountOpportunities',
        'listCaseTasks',
        'listOpportunityLineItems',
      ]),
    );
    // A case's comments keep their own list.
    expect(relatedOperations.map((op) => op.name)).not.toContain('listCaseComments');
  });
});

describe('timelines', () => {
  it("merge a contact's tasks and events newest first, mark calls, and add her cases and notes, in one call", async () => {
    await createNote.execute(org.ctx, {
      title: 'Prefers email',
      body: 'After 3pm.',
      linkedRecordId: ids.sarah,
    });
    await org.resetCalls();
    const timeline = (await getContactTimeline.run(org.ctx, { id: ids.sarah, limit: 10 })) as Timeline;
    expect(await org.calls()).toBe(1);
    expect(timeline).toMatchObject({ id: ids.sarah, name: 'Sarah Johnson' });
    expect(timeline.activities.map((a) => [a.type, a.kind, a.date?.slice(0, 10)])).toEqual([
      ['Event', 'event', '2026-02-12'],
      ['Task', 'task', '2026-01-20'],
      ['Task', 'call', '2026-01-14'],
    ]);
    expect(timeline.activities.every((a) => a.whoName === 'Sarah Johnson')).toBe(true);
    expect(timeline.cases?.map((c) => c.caseNumber)).toEqual([
      '00001104',
      '00001103',
      '00001102',
      '00001101',
    ]);
    expect(timeline.notes.map((n) => n.title)).toEqual(['Prefers email', 'Call summary - billing question']);
  });

  it('keep the newest of tasks and events when cut at the limit', async () => {
    const timeline = (await getContactTimeline.run(org.ctx, { id: ids.sarah, limit: 2 })) as Timeline;
    expect(timeline.activities.map((a) => a.kind)).toEqual(['event', 'task']);
    expect(timeline.cases).toHaveLength(2);
  });

  it("show a case's activities and notes, a lead's, an account's with its cases", async () => {
    const kase = (await getCaseTimeline.run(org.ctx, { id: ids.kase })) as Timeline;
    expect(kase.name).toBe('00001104');
    expect(kase.activities.map((a) => a.kind)).toEqual(['call']);
    expect(kase.notes.map((n) => n.title)).toEqual(['Call summary - billing question']);
    expect(kase).not.toHaveProperty('cases');
    const account = (await getAccountTimeline.run(org.ctx, { id: ids.acme })) as Timeline;
    expect(account.cases?.length).toBeGreaterThan(0);
    const lead = (await getLeadTimeline.run(org.ctx, { id: ids.lead })) as Timeline | null;
    expect(lead?.activities.map((a) => a.kind)).toContain('call');
  });

  it('answer null for a record that does not exist, and refuse an Id of another object', async () => {
    expect(await getContactTimeline.run(org.ctx, { id: '003000000000000AAA' })).toBeNull();
    const refused = await getContactTimeline.run(org.ctx, { id: ids.kase }).catch((e: unknown) => e);
    expect(reportError(refused)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('order a future callback first and undated tasks last', async () => {
    const event = (await scheduleEvent.execute(org.ctx, {
      subject: 'Callback',
      startDateTime: '2030-01-01T10:00:00Z',
      endDateTime: '2030-01-01T10:30:00Z',
      whoId: ids.sarah,
    })) as { id: string };
    const undated = (await createTask.execute(org.ctx, { subject: 'Someday', whoId: ids.sarah })) as {
      id: string;
    };
    const timeline = (await getContactTimeline.run(org.ctx, { id: ids.sarah, limit: 50 })) as Timeline;
    expect(timeline.activities[0]?.id).toBe(event.id);
    expect(timeline.activities.at(-1)?.id).toBe(undated.id);
  });

  it('are one statement a GraphQL field can run and read', async () => {
    const statement = timelineStatement(contactSpec, { ids: [ids.sarah], limit: 3 });
    expect(statement.text).toContain('FROM Tasks ORDER BY ActivityDate DESC NULLS LAST');
    expect(statement.text).toContain("WHERE ContentDocument.FileType = 'SNOTE'");
    const result = await org.ctx.client.query(statement);
    expect(readTimeline(contactSpec, result.records[0], 3)).toMatchObject({ name: 'Sarah Johnson' });
  });
});
