import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActionsConfig } from './config.ts';
import { findProfile } from './profiles.ts';
import { type Json, startStack, type TestStack } from './test-support.ts';

// The voice-AI document's phone call, taken by one GPT through the `calls` profile alone, under the
// write policy `pnpm start` runs with by default: every request goes to an operation of that profile.

let stack: TestStack;
beforeAll(async () => {
  const { writes } = loadActionsConfig({ SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com' });
  stack = await startStack({ writes });
});
afterAll(() => stack.close());

const calls = findProfile('calls');

/** One request to an operation of the calls profile, its inputs where the profile's document puts them. */
async function call(operationId: string, input: Record<string, unknown>, token?: string) {
  const binding = calls?.bindings.find((b) => b.operationId === operationId);
  if (!binding) throw new Error(`${operationId} is not in the calls profile`);
  let path = binding.path;
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (path.includes(`{${name}}`)) path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
    else if (binding.method === 'get') query.set(name, String(value));
    else body[name] = value;
  }
  if (token) body.confirmationToken = token;
  const url = `${path}${query.size ? `?${query}` : ''}`;
  return stack.call(binding.method.toUpperCase(), url, binding.method === 'get' ? undefined : body);
}

/** A write, previewed then confirmed as the user agreed: the preview's summary and the write's answer. */
async function confirmed(operationId: string, input: Record<string, unknown>) {
  const preview = await call(operationId, input);
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);
  expect(preview.body.status).toBe('confirmation_required');
  const done = await call(operationId, input, preview.body.confirmationToken);
  return { summary: preview.body.summary as string, status: done.status, body: done.body as Json };
}

describe('the calls profile', () => {
  it('takes the whole call: the caller by phone, a case with its number, the call, a callback, the timeline', async () => {
    // 1. The caller, by the number as they say it.
    const found = await call('searchContacts', { term: '+1 (555) 234-5678' });
    expect(found.status).toBe(200);
    expect(found.body.records).toHaveLength(1);
    const sarah = found.body.records[0];
    expect(sarah.Name).toBe('Sarah Johnson');

    // 2. A high-priority phone case for her: the preview names her, the answer has the number.
    const opened = await confirmed('createCase', {
      Subject: 'Charged twice on the February invoice',
      Description: 'The Enterprise License was billed twice.',
      Priority: 'High',
      Origin: 'Phone',
      ContactId: sarah.Id,
    });
    expect(opened.summary).toContain('the contact "Sarah Johnson"');
    expect(opened.summary).not.toContain(sarah.Id);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      id: expect.stringMatching(/^500/),
      caseNumber: expect.stringMatching(/^\d{8}$/),
    });
    const kase = opened.body;

    // 3. The call, linked to her and the case.
    const logged = await confirmed('logCall', {
      Subject: 'Inbound call - duplicate charge',
      callType: 'Inbound',
      callDisposition: 'Connected',
      WhoId: sarah.Id,
      WhatId: kase.id,
    });
    expect(logged.summary).toBe(
      `Log a completed inbound call "Inbound call - duplicate charge" (Connected) with the contact "Sarah Johnson" about case ${kase.caseNumber} ("Charged twice on the February invoice").`,
    );
    expect(logged.status).toBe(201);

    // 4. Tomorrow's callback, 10:00 to 10:30, linked to both.
    const day = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
    const callback = await confirmed('scheduleEvent', {
      Subject: 'Callback - confirm the refund',
      StartDateTime: `${day}T10:00:00Z`,
      EndDateTime: `${day}T10:30:00Z`,
      WhoId: sarah.Id,
      WhatId: kase.id,
    });
    expect(callback.summary).toMatch(
      /^Schedule an event "Callback - confirm the refund" with start date time .+ at 10:00 UTC/,
    );
    expect(callback.summary).toContain(`case ${kase.caseNumber}`);
    expect(callback.status).toBe(201);

    // 5. Her timeline shows all three.
    await stack.resetMetrics();
    const timeline = await call('getContactTimeline', { Id: sarah.Id });
    expect(timeline.status).toBe(200);
    expect((await stack.metrics()).total).toBe(1);
    expect(timeline.body.activities[0]).toMatchObject({
      id: callback.body.id,
      kind: 'event',
      whatName: kase.caseNumber,
    });
    expect(timeline.body.activities).toContainEqual(
      expect.objectContaining({ id: logged.body.id, kind: 'call', whoName: 'Sarah Johnson' }),
    );
    expect(timeline.body.cases[0]).toMatchObject({
      Id: kase.id,
      CaseNumber: kase.caseNumber,
      Priority: 'High',
    });
  });

  it('answers from knowledge, notes the call, routes the case, and opens one from the conversation', async () => {
    const articles = await call('searchKnowledge', { term: 'refund' });
    expect(articles.status).toBe(200);
    expect(articles.body.records[0].ArticleNumber).toBe('000001234');
    const article = await call('getKnowledgeArticle', { articleNumber: '000001234' });
    expect(article.body.Summary).toContain('refund duplicate charges');

    const sarah = (await call('searchContacts', { term: 'sarah.johnson@acme.example.com' })).body.records[0];
    const fromCall = await confirmed('createCaseFromConversation', {
      Subject: 'Refund for a duplicate charge',
      summary: 'Charged twice; wants a refund.',
      transcript: 'Caller: I was charged twice.\nAgent: I will open a case.',
      Origin: 'Phone',
      phone: '+1 (555) 234-5678',
    });
    expect(fromCall.summary).toMatch(
      /^Create a phone case "Refund for a duplicate charge" for the contact "Sarah Johnson"/,
    );
    expect(fromCall.body).toMatchObject({
      contactId: sarah.Id,
      caseNumber: expect.stringMatching(/^\d{8}$/),
    });

    const note = await confirmed('createNote', {
      title: 'Refund promised',
      body: 'Billing will refund the duplicate charge within 5 days.',
      linkedRecordId: fromCall.body.id,
    });
    expect(note.summary).toContain(`on case ${fromCall.body.caseNumber}`);
    expect(note.status).toBe(201);

    const routed = await confirmed('routeCaseToQueue', {
      caseId: fromCall.body.id,
      queueName: 'Billing Support',
    });
    expect(routed.summary).toContain('to the queue "Billing Support"');
    expect(routed.status).toBe(204);
  });
});
