import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCampaignMember, removeCampaignMember } from '../src/campaign/index.ts';
import { createCase, createCaseFromConversation, deleteCase, updateCase } from '../src/case/index.ts';
import { operations } from '../src/catalog.ts';
import { createContact } from '../src/contact/index.ts';
import { reportError } from '../src/errors.ts';
import { jsonSchemaOf } from '../src/json-schema.ts';
import { createNote } from '../src/note/index.ts';
import { isWriteOperation } from '../src/operation.ts';
import { removeProductFromOpportunity } from '../src/product/index.ts';
import { createTask } from '../src/task/index.ts';
import { startTestOrg, type TestOrg } from './support.ts';

// Previews are read to people word for word by voice and chat agents: every write names its object,
// its record and the records it links by the names people know, never by their Ids.

let org: TestOrg;
const ids = { sarah: '', michael: '', acme: '', kase: '', campaign: '', member: '', lead: '', line: '' };
beforeAll(async () => {
  org = await startTestOrg();
  const first = async (statement: ReturnType<typeof soql>) =>
    String((await org.ctx.client.query(statement)).records[0]?.Id);
  ids.sarah = await first(soql`SELECT Id FROM Contact WHERE Name = 'Sarah Johnson'`);
  ids.michael = await first(soql`SELECT Id FROM Contact WHERE Name = 'Michael Chen'`);
  ids.acme = await first(soql`SELECT Id FROM Account WHERE Name = 'Acme Corporation'`);
  ids.kase = await first(soql`SELECT Id FROM Case WHERE CaseNumber = '00001104'`);
  ids.member = await first(
    soql`SELECT Id FROM CampaignMember WHERE Contact.Name = 'Sarah Johnson' ORDER BY Id LIMIT 1`,
  );
  ids.campaign = await first(soql`SELECT Id FROM Campaign ORDER BY Id LIMIT 1`);
  ids.lead = await first(
    soql`SELECT Id FROM Lead WHERE Id NOT IN (SELECT LeadId FROM CampaignMember WHERE CampaignId = ${ids.campaign}) ORDER BY Id LIMIT 1`,
  );
  ids.line = await first(soql`SELECT Id FROM OpportunityLineItem ORDER BY Id LIMIT 1`);
  await org.ctx.client.describe('Case');
  await org.ctx.client.describe('Task');
});
afterAll(() => org.close());

/** Each Id the preview could have leaked. */
const noIds = (summary: string) => expect(summary).not.toMatch(/\b[0-9a-zA-Z]{3}5g0{6,}\w*/);

describe('creates', () => {
  it('name the records they link, read in one call', async () => {
    await org.resetCalls();
    const preview = await createTask.prepare(org.ctx, {
      subject: 'Send the refund form',
      whoId: ids.sarah,
      whatId: ids.kase,
      activityDate: '2026-03-02',
    });
    expect(await org.calls()).toBe(1);
    expect(preview.summary).toBe(
      'Create a task "Send the refund form" with activity date 2 March 2026, linked to the contact "Sarah Johnson" and case 00001104 ("Billing discrepancy on the January invoice").',
    );
    noIds(preview.summary);
  });

  it('need no call when they link nothing', async () => {
    await org.resetCalls();
    const preview = await createCase.prepare(org.ctx, { subject: 'Printer on fire', priority: 'High' });
    expect(await org.calls()).toBe(0);
    expect(preview.summary).toBe('Create a case "Printer on fire" with priority "High".');
  });

  it('are refused empty, before any call, by every create of the catalog', async () => {
    await org.resetCalls();
    for (const op of [...operations.values()].filter((o) => isWriteOperation(o) && o.verb === 'create')) {
      const required = (jsonSchemaOf(op.input, 'input').required as string[] | undefined) ?? [];
      if (required.length) continue;
      const refused = await (op as typeof createCase).prepare(org.ctx, {}).catch((e: unknown) => e);
      expect(reportError(refused), op.name).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    }
    const refused = await createCase.prepare(org.ctx, {}).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('give at least one field of the new case');
    expect(await org.calls()).toBe(0);
  });

  it('refuse an Id that names no record, by the field that holds it', async () => {
    const refused = await createCase
      .prepare(org.ctx, { subject: 'Ghost', contactId: '003000000000000AAA' })
      .catch((e: unknown) => e);
    expect(reportError(refused)).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: '✖ no contact has the Id 003000000000000AAA\n  → at contactId',
    });
  });

  it('say a person by their name and a long text by its start and length', async () => {
    const preview = await createContact.prepare(org.ctx, {
      firstName: 'Ann',
      lastName: 'Lee',
      accountId: ids.acme,
      description: 'A'.repeat(500),
    });
    expect(preview.summary).toBe(
      `Create a contact with first name "Ann", last name "Lee" and description "${'A'.repeat(79)}…" (500 characters), linked to the account "Acme Corporation".`,
    );
  });

  it('name the person a conversation came from, and its origin', async () => {
    const preview = await createCaseFromConversation.prepare(org.ctx, {
      subject: 'Charged twice',
      summary: 'Wants a refund.',
      transcript: 'Caller: I was charged twice.',
      origin: 'phone',
      priority: 'High',
      phone: '+1 (555) 234-5678',
    });
    expect(preview.summary).toBe(
      'Create a high-priority phone case "Charged twice" for the contact "Sarah Johnson", with the 28-character transcript attached as a note.',
    );
  });

  it('name the record a note goes on, and the person added to a campaign', async () => {
    const note = await createNote.prepare(org.ctx, {
      title: 'Prefers email',
      body: 'Call only after 3pm.',
      linkedRecordId: ids.sarah,
    });
    expect(note.summary).toBe(
      'Create the note "Prefers email" (20 characters) on the contact "Sarah Johnson".',
    );
    await org.resetCalls();
    const member = await addCampaignMember.prepare(org.ctx, { campaignId: ids.campaign, leadId: ids.lead });
    expect(await org.calls()).toBe(1);
    expect(member.summary).toMatch(/^Add the lead "[^"]+" to the campaign "[^"]+"\.$/);
    noIds(member.summary);
  });
});

describe('updates and deletes', () => {
  it('name what a lookup points at before and after, in the one call of the preview', async () => {
    await org.ctx.client.describe('Case');
    await org.resetCalls();
    const preview = await updateCase.prepare(org.ctx, { id: ids.kase, contactId: ids.michael });
    expect(await org.calls()).toBe(1);
    expect(preview.summary).toBe(
      'Update case 00001104 ("Billing discrepancy on the January invoice"): contact from the contact "Sarah Johnson" to the contact "Michael Chen".',
    );
  });

  it('name the record deleted, and the people and records a nameless one links', async () => {
    const kase = await deleteCase.prepare(org.ctx, { id: ids.kase });
    expect(kase.summary).toBe(
      'Delete case 00001104 ("Billing discrepancy on the January invoice"). It goes to the Recycle Bin and can be restored for 15 days.',
    );
    const member = await removeCampaignMember.prepare(org.ctx, { id: ids.member });
    expect(member.summary).toMatch(
      /^Remove the contact "Sarah Johnson" from the campaign "[^"]+" \(the membership goes to the Recycle Bin for 15 days\)\.$/,
    );
    const line = await removeProductFromOpportunity.prepare(org.ctx, { id: ids.line });
    expect(line.summary).toMatch(/^Remove the opportunity product "[^"]+" from the opportunity "[^"]+" /);
    noIds(member.summary);
    noIds(line.summary);
  });
});

describe('the words of every operation', () => {
  it('take "an" before a vowel sound: "an account", "an event", "an opportunity"', () => {
    const wrong = /\ba (?:[aeio]|un(?!i))\w*/i;
    for (const op of operations.values()) {
      expect(op.summary, op.name).not.toMatch(wrong);
      for (const [key, schema] of Object.entries(
        (jsonSchemaOf(op.input, 'input').properties ?? {}) as Record<string, { description?: string }>,
      ))
        expect(schema.description ?? '', `${op.name}.${key}`).not.toMatch(wrong);
    }
    expect(operations.get('deleteAccount')?.summary).toMatch(/^Delete an account/);
    expect(operations.get('createOpportunity')?.summary).toBe('Create an opportunity.');
  });
});
