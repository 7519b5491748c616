import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCampaignMember, createCampaign, removeCampaignMember } from '../src/campaign/index.ts';
import {
  addCaseComment,
  caseCommentsOf,
  createCaseFromConversation,
  getCase,
  getCaseByNumber,
  routeCaseToQueue,
  searchCases,
} from '../src/case/index.ts';
import { searchContacts } from '../src/contact/index.ts';
import { reportError } from '../src/errors.ts';
import { getEvent, scheduleEvent, updateEvent } from '../src/event/index.ts';
import { getKnowledgeArticle, searchKnowledge } from '../src/knowledge/index.ts';
import { createLead } from '../src/lead/index.ts';
import { apiLimits, describeObject, getRecordById, globalSearch } from '../src/lookup/index.ts';
import { createNote, deleteNote, getNote, updateNote } from '../src/note/index.ts';
import { createOpportunity } from '../src/opportunity/index.ts';
import {
  addProductToOpportunity,
  removeProductFromOpportunity,
  searchPricebookEntries,
} from '../src/product/index.ts';
import { logCall } from '../src/task/index.ts';
import { listQueues, searchUsers } from '../src/user/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

let org: TestOrg;
let sarah: { id: string; phone: string };
beforeAll(async () => {
  org = await startTestOrg();
  const found = (await searchContacts.run(org.ctx, { term: 'Sarah Johnson' })) as {
    records: { id: string; phone: string }[];
  };
  sarah = found.records[0] as { id: string; phone: string };
});
afterAll(() => org.close());

describe('cases', () => {
  it('finds a case by number exactly, never by prefix', async () => {
    expect(await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })).toMatchObject({
      caseNumber: '00001104',
      status: 'New',
    });
    expect(await getCaseByNumber.run(org.ctx, { caseNumber: '0000110' })).toBeNull();
    const search = (await searchCases.run(org.ctx, { term: '00001104' })) as {
      records: { caseNumber: string }[];
    };
    expect(search.records.map((r) => r.caseNumber)).toEqual(['00001104']);
  });

  it('creates a case from a conversation, linked to the contact found by email, with the transcript as a note', async () => {
    const input = {
      subject: 'Refund for the duplicate charge',
      summary: 'Customer was charged twice in January and wants a refund.',
      transcript: 'Customer: I was charged twice.\nAgent: I am sorry, let me open a case.',
      origin: 'Chat',
      email: 'sarah.johnson@acme.example.com',
    };
    const preview = await createCaseFromConversation.prepare(org.ctx, input);
    expect(preview.summary).toContain('Sarah Johnson');
    const created = (await createCaseFromConversation.execute(org.ctx, input)) as {
      id: string;
      caseNumber: string;
      contactId: string;
      transcriptNoteId: string;
    };
    expect(created.contactId).toBe(sarah.id);
    expect(created.caseNumber).toMatch(/^\d{8}$/);
    const record = (await getCase.run(org.ctx, { id: created.id })) as Record<string, unknown>;
    expect(record).toMatchObject({
      subject: input.subject,
      description: input.summary,
      origin: 'Chat',
      contactId: sarah.id,
    });
    const note = (await getNote.run(org.ctx, { id: created.transcriptNoteId })) as {
      body: string;
      linkedRecords: { id: string }[];
    };
    expect(note.body).toBe(input.transcript);
    expect(note.linkedRecords.map((l) => l.id)).toContain(created.id);
  });

  it('creates a case from a conversation with no known customer, and refuses a bad email', async () => {
    const created = (await createCaseFromConversation.execute(org.ctx, {
      subject: 'Hi',
      summary: 'Question',
      transcript: 'Q?',
      phone: '+44 20 7946 0000',
    })) as { contactId: string | null };
    expect(created.contactId).toBeNull();
    await expect(
      createCaseFromConversation.prepare(org.ctx, {
        subject: 'Hi',
        summary: 'x',
        transcript: 'x',
        email: 'nope',
      }),
    ).rejects.toThrow(/email/);
  });

  it("takes any origin of the org's Case Origin picklist, and a transcript up to its bound", async () => {
    const base = { subject: 'Called about a refund', summary: 'Wants a refund.', transcript: 'x' };
    const phone = (await createCaseFromConversation.execute(org.ctx, { ...base, origin: 'phone' })) as {
      id: string;
    };
    expect(await getCase.run(org.ctx, { id: phone.id })).toMatchObject({ origin: 'Phone' });
    const fax = await createCaseFromConversation.prepare(org.ctx, { ...base, origin: 'Fax' }).catch((e) => e);
    expect(reportError(fax)).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: "✖ must be one of the org's Case Origin values: Phone, Email, Web, Chat\n  → at origin",
    });
    await org.resetCalls();
    const long = await createCaseFromConversation
      .prepare(org.ctx, { ...base, transcript: 'y'.repeat(140_000) })
      .catch((e) => e);
    expect(reportError(long)).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(long.message).toContain(
      'must be at most 60,000 characters (it has 140,000): send the last 60,000 characters of the conversation',
    );
    expect(await org.calls()).toBe(0);
  });

  it('adds comments and routes a case to a queue by name', async () => {
    const demo = (await getCaseByNumber.run(org.ctx, { caseNumber: '00001104' })) as { id: string };
    await addCaseComment.execute(org.ctx, { caseId: demo.id, body: 'Refund approved by billing.' });
    const comments = (await caseCommentsOf.run(org.ctx, { caseId: demo.id })) as {
      records: { commentBody: string }[];
    };
    expect(comments.records[0]?.commentBody).toBe('Refund approved by billing.');

    const preview = await routeCaseToQueue.prepare(org.ctx, {
      caseId: demo.id,
      queueName: 'Billing Support',
    });
    expect(preview.summary).toContain('Billing Support');
    await routeCaseToQueue.execute(org.ctx, { caseId: demo.id, queueName: 'Billing Support' });
    const queues = (await listQueues.run(org.ctx, {})) as { records: { id: string; name: string }[] };
    const billing = queues.records.find((q) => q.name === 'Billing Support');
    expect(((await getCase.run(org.ctx, { id: demo.id })) as { ownerId: string }).ownerId).toBe(billing?.id);
    await expect(
      routeCaseToQueue.prepare(org.ctx, { caseId: demo.id, queueName: 'Nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(routeCaseToQueue.prepare(org.ctx, { caseId: demo.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('contacts by phone', () => {
  it.each(['+1 (555) 234-5678', '555.234.5678', '15552345678', '(555) 234 5678'])(
    'finds Sarah Johnson by %s',
    async (phone) => {
      const found = (await searchContacts.run(org.ctx, { term: phone })) as { records: { id: string }[] };
      expect(found.records.map((r) => r.id)).toEqual([sarah.id]);
    },
  );

  it('does not match a different number with the same digits scattered', async () => {
    const found = (await searchContacts.run(org.ctx, { term: '555-234-0000' })) as { records: unknown[] };
    expect(found.records).toEqual([]);
  });
});

describe('events', () => {
  const slot = {
    subject: 'Callback',
    startDateTime: '2026-02-12T10:00:00Z',
    endDateTime: '2026-02-12T10:30:00Z',
  };

  it('refuses an end before the start on create and on update', async () => {
    await expect(
      scheduleEvent.prepare(org.ctx, { ...slot, endDateTime: '2026-02-12T09:00:00Z' }),
    ).rejects.toThrow(/endDateTime/);
    await expect(
      scheduleEvent.prepare(org.ctx, { ...slot, startDateTime: 'tomorrow at ten' }),
    ).rejects.toThrow(/startDateTime/);
    const created = (await scheduleEvent.execute(org.ctx, slot)) as { id: string };
    await expect(
      updateEvent.prepare(org.ctx, { id: created.id, endDateTime: '2026-02-12T09:59:00Z' }),
    ).rejects.toThrow(/endDateTime/);
    await updateEvent.execute(org.ctx, { id: created.id, endDateTime: '2026-02-12T11:00:00Z' });
    expect(((await getEvent.run(org.ctx, { id: created.id })) as { endDateTime: string }).endDateTime).toBe(
      '2026-02-12T11:00:00.000+0000',
    );
  });
});

describe('notes', () => {
  it('creates a note on a record, reads it back, updates it and deletes it', async () => {
    const created = (await createNote.execute(org.ctx, {
      title: 'Call summary',
      body: 'Customer <asked> about "invoice" #1234 & refunds.',
      linkedRecordId: sarah.id,
    })) as { id: string; linkId: string };
    expect(created.linkId).toMatch(/^06A/);
    const note = (await getNote.run(org.ctx, { id: created.id })) as {
      title: string;
      body: string;
      linkedRecords: { id: string; type: string }[];
    };
    expect(note).toMatchObject({
      title: 'Call summary',
      body: 'Customer <asked> about "invoice" #1234 & refunds.',
    });
    expect(note.linkedRecords).toContainEqual({ id: sarah.id, type: 'Contact' });
    // A body is read on from an offset, with its whole length.
    expect(await getNote.run(org.ctx, { id: created.id, bodyOffset: 9 })).toMatchObject({
      body: '<asked> about "invoice" #1234 & refunds.',
      bodyLength: 49,
    });
    const preview = await updateNote.prepare(org.ctx, { id: created.id, body: 'Resolved.' });
    expect(preview.changes).toEqual([
      { field: 'body', before: 'Customer <asked> about "invoice" #1234 & refunds.', after: 'Resolved.' },
    ]);
    await updateNote.execute(org.ctx, { id: created.id, body: 'Resolved.' });
    expect(((await getNote.run(org.ctx, { id: created.id })) as { body: string }).body).toBe('Resolved.');
    await deleteNote.execute(org.ctx, { id: created.id });
    expect(await getNote.run(org.ctx, { id: created.id })).toBeNull();
    await expect(updateNote.prepare(org.ctx, { id: created.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('knowledge, users and queues', () => {
  it('finds the published billing article and gets it', async () => {
    const found = (await searchKnowledge.run(org.ctx, { term: 'billing discrepancies' })) as {
      records: { id: string; title: string }[];
    };
    expect(found.records[0]?.title).toBe('How to resolve billing discrepancies');
    const article = (await getKnowledgeArticle.run(org.ctx, { id: found.records[0]?.id })) as {
      summary: string;
    };
    expect(article.summary).toBeTruthy();
    expect(await searchKnowledge.run(org.ctx, { term: 'billing discrepancies', language: 'fr' })).toEqual({
      records: [],
    });
  });

  it('searches active users and lists the queues', async () => {
    const users = (await searchUsers.run(org.ctx, { term: 'demo@sfgql.dev' })) as {
      records: { username: string; isActive: boolean }[];
    };
    expect(users.records[0]).toMatchObject({ username: 'demo@sfgql.dev', isActive: true });
    const queues = (await listQueues.run(org.ctx, {})) as { records: { name: string }[] };
    expect(queues.records.map((q) => q.name)).toEqual(
      expect.arrayContaining(['Billing Support', 'Technical Support']),
    );
  });
});

describe('products on opportunities', () => {
  it('adds Enterprise License at its standard price and removes it', async () => {
    const entries = (await searchPricebookEntries.run(org.ctx, { term: 'ENT-001' })) as {
      records: { id: string; product2Id: string; unitPrice: number }[];
    };
    const entry = entries.records[0];
    expect(entry).toBeDefined();
    const opp = (await createOpportunity.execute(org.ctx, {
      name: 'Acme expansion',
      stageName: 'Prospecting',
      closeDate: '2026-09-30',
    })) as { id: string };
    const preview = await addProductToOpportunity.prepare(org.ctx, {
      opportunityId: opp.id,
      productId: entry?.product2Id,
      quantity: 3,
    });
    expect(preview.summary).toContain('3 × ');
    const line = (await addProductToOpportunity.execute(org.ctx, {
      opportunityId: opp.id,
      productId: entry?.product2Id,
      quantity: 3,
    })) as { id: string };
    const record = (await getRecordById.run(org.ctx, { id: opp.id })) as { type: string };
    expect(record.type).toBe('Opportunity');
    const removal = await removeProductFromOpportunity.prepare(org.ctx, { id: line.id });
    expect(removal.destructive).toBe(true);
    await removeProductFromOpportunity.execute(org.ctx, { id: line.id });
    await expect(
      addProductToOpportunity.prepare(org.ctx, { opportunityId: opp.id, quantity: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      addProductToOpportunity.prepare(org.ctx, {
        opportunityId: opp.id,
        productId: entry?.product2Id,
        quantity: 0,
      }),
    ).rejects.toThrow(/quantity/);
  });
});

describe('campaign members', () => {
  it('adds a lead, refuses a contact and a lead at once, and removes the member', async () => {
    const campaign = (await createCampaign.execute(org.ctx, { name: 'Q2 webinar' })) as { id: string };
    const lead = (await createLead.execute(org.ctx, { lastName: 'Turing', company: 'Bletchley' })) as {
      id: string;
    };
    await expect(
      addCampaignMember.prepare(org.ctx, { campaignId: campaign.id, contactId: sarah.id, leadId: lead.id }),
    ).rejects.toThrow(/never both/);
    await expect(addCampaignMember.prepare(org.ctx, { campaignId: campaign.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const member = (await addCampaignMember.execute(org.ctx, {
      campaignId: campaign.id,
      leadId: lead.id,
      status: 'Sent',
    })) as { id: string };
    expect(member.id).toMatch(/^00v/);
    await removeCampaignMember.execute(org.ctx, { id: member.id });
  });
});

describe('lookups', () => {
  it('gets any record by Id, describes an object and reports limits', async () => {
    expect(await getRecordById.run(org.ctx, { id: sarah.id })).toMatchObject({
      type: 'Contact',
      record: { id: sarah.id },
    });
    await expect(getRecordById.run(org.ctx, { id: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const described = (await describeObject.run(org.ctx, { object: 'Case' })) as {
      fields: { name: string; picklistValues: string[] }[];
    };
    expect(described.fields.find((f) => f.name === 'Status')?.picklistValues).toEqual([
      'New',
      'Working',
      'Escalated',
      'Closed',
    ]);
    const unknown = await describeObject.run(org.ctx, { object: 'Nope__c' }).catch((e: unknown) => e);
    expect(reportError(unknown).status).toBe(404);
    const limits = (await apiLimits.run(org.ctx, {})) as Record<string, { Max: number; Remaining: number }>;
    expect(limits.DailyApiRequests?.Max).toBeGreaterThan(0);
  });
});

describe('calls', () => {
  it('logs a call as a completed Task with subtype Call', async () => {
    const call = (await logCall.execute(org.ctx, {
      subject: 'Inbound call',
      callType: 'Inbound',
      callDisposition: 'Connected',
      whoId: sarah.id,
    })) as { id: string };
    const task = (await getRecordById.run(org.ctx, { id: call.id })) as { record: Record<string, unknown> };
    expect(task.record).toMatchObject({
      taskSubtype: 'Call',
      status: 'Completed',
      whoId: sarah.id,
      callType: 'Inbound',
    });
    await expect(logCall.prepare(org.ctx, { subject: 'x', callType: 'Sideways' })).rejects.toThrow(
      /callType/,
    );
    await expect(
      logCall.prepare(org.ctx, { subject: 'x', callType: 'Inbound', whoId: '001000000000001AAA' }),
    ).rejects.toThrow(/whoId/);
  });
});

describe('global search', () => {
  it('finds records across objects with SOSL, and refuses a one-character term', async () => {
    const found = (await globalSearch.run(org.ctx, { term: 'Johnson' })) as {
      records: { type: string; record: { id: string } }[];
    };
    expect(found.records).toContainEqual({
      type: 'Contact',
      record: expect.objectContaining({ id: sarah.id }),
    });
    const onlyCases = (await globalSearch.run(org.ctx, { term: 'billing', objects: ['Case'] })) as {
      records: { type: string }[];
    };
    expect(onlyCases.records.length).toBeGreaterThan(0);
    expect(new Set(onlyCases.records.map((r) => r.type))).toEqual(new Set(['Case']));
    await expect(globalSearch.run(org.ctx, { term: 'a' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('searches hostile text literally', async () => {
    for (const term of [
      'Johnson} RETURNING User(Id)',
      '" OR *',
      "Sarah' OR Name != '",
      '(Johnson) AND NOT x',
    ]) {
      await expect(globalSearch.run(org.ctx, { term })).resolves.toMatchObject({
        records: expect.any(Array),
      });
    }
  });
});
