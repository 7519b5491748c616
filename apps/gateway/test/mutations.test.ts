import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;
const ids: Record<string, string> = {};

// How far the emulator's clock runs ahead: moved so that a change is unambiguously later than a preview.
let skew = 0;
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(Date.now() + skew) });
  const { body } = await h.graphql<Data>(`{
    case(caseNumber: "00001104") { id }
    contacts(where: { email: { eq: "sarah.johnson@acme.example.com" } }) { nodes { id account { id } } }
    opportunities(first: 1, orderBy: [{ field: name }]) { nodes { id } }
    queues(where: { name: { eq: "Billing Support" } }) { nodes { id } }
    products(first: 1, where: { isActive: { eq: true } }) { nodes { id } }
    campaigns(first: 1) { nodes { id } }
    leads(first: 1) { nodes { id } }
    events(first: 1) { nodes { id } }
    tasks(first: 1) { nodes { id } }
  }`);
  expect(body.errors).toBeUndefined();
  const d = body.data;
  Object.assign(ids, {
    case: d.case.id,
    contact: d.contacts.nodes[0].id,
    account: d.contacts.nodes[0].account.id,
    opportunity: d.opportunities.nodes[0].id,
    queue: d.queues.nodes[0].id,
    product: d.products.nodes[0].id,
    campaign: d.campaigns.nodes[0].id,
    lead: d.leads.nodes[0].id,
    event: d.events.nodes[0].id,
    task: d.tasks.nodes[0].id,
  });
});
afterAll(() => h.close());

/** A mutation's document: the payload union with the confirmation and the result's id. */
function document(name: string, args: { id?: boolean; input?: string }) {
  const vars = [args.id ? '$id: ID!' : '', args.input ? `$input: ${args.input}!` : '', '$token: String']
    .filter(Boolean)
    .join(', ');
  const pass = [args.id ? 'id: $id' : '', args.input ? 'input: $input' : '', 'confirmationToken: $token']
    .filter(Boolean)
    .join(', ');
  const result = `${name.charAt(0).toUpperCase()}${name.slice(1)}Result`;
  return `mutation (${vars}) { ${name}(${pass}) { __typename ... on ConfirmationRequired { token summary action object recordId destructive changes { field before after } } ... on ${result} { id success } } }`;
}

/** Previews a write, checks nothing was written, then performs it with the token. */
async function confirmAndRun(
  name: string,
  variables: { id?: string; input?: Record<string, unknown> },
  input?: string,
) {
  const query = document(name, { id: variables.id !== undefined, ...(input ? { input } : {}) });
  const preview = await h.graphql<Data>(query, variables);
  expect(preview.body.errors, JSON.stringify(preview.body.errors)).toBeUndefined();
  const confirmation = preview.body.data[name];
  expect(confirmation.__typename).toBe('ConfirmationRequired');
  expect(confirmation.summary).toEqual(expect.any(String));
  expect(preview.body.extensions?.salesforce?.byKind).not.toHaveProperty('create');
  expect(preview.body.extensions?.salesforce?.byKind).not.toHaveProperty('update');
  expect(preview.body.extensions?.salesforce?.byKind).not.toHaveProperty('delete');
  const done = await h.graphql<Data>(query, { ...variables, token: confirmation.token });
  expect(done.body.errors, JSON.stringify(done.body.errors)).toBeUndefined();
  expect(done.body.data[name]).toMatchObject({ success: true, id: expect.any(String) });
  return { confirmation, result: done.body.data[name], token: confirmation.token as string, query };
}

const created: Record<string, string> = {};

describe('the confirmation flow for every write', () => {
  it('creates: contact, lead, account, opportunity, case, task, product, campaign', async () => {
    const creates: [string, string, Record<string, unknown>][] = [
      [
        'createContact',
        'CreateContactInput',
        { lastName: 'Okafor', firstName: 'Ada', email: 'ada@example.com' },
      ],
      ['createLead', 'CreateLeadInput', { lastName: 'Nakamura', company: 'Kaiju Ltd' }],
      ['createAccount', 'CreateAccountInput', { name: 'Umbrella plc' }],
      [
        'createOpportunity',
        'CreateOpportunityInput',
        {
          name: 'Umbrella - pilot',
          stageName: 'Prospecting',
          closeDate: '2027-03-31',
          accountId: ids.account,
        },
      ],
      [
        'createCase',
        'CreateCaseInput',
        { subject: 'Printer on fire', priority: 'High', contactId: ids.contact },
      ],
      ['createTask', 'CreateTaskInput', { subject: 'Call back', whoId: ids.contact }],
      ['createProduct', 'CreateProductInput', { name: 'Widget', productCode: 'W-1' }],
      ['createCampaign', 'CreateCampaignInput', { name: 'Spring webinar', type: 'Webinar' }],
    ];
    for (const [name, type, input] of creates) {
      const { confirmation, result } = await confirmAndRun(name, { input }, type);
      expect(confirmation).toMatchObject({ action: 'create', recordId: null, destructive: false });
      created[name.replace('create', '').toLowerCase()] = result.id;
    }
  });

  it('updates: every object, the changes shown before and after', async () => {
    const updates: [string, string, string, Record<string, unknown>][] = [
      ['updateContact', 'UpdateContactInput', created.contact as string, { title: 'CTO' }],
      ['updateLead', 'UpdateLeadInput', created.lead as string, { status: 'Working - Contacted' }],
      ['updateAccount', 'UpdateAccountInput', created.account as string, { industry: 'Biotechnology' }],
      [
        'updateOpportunity',
        'UpdateOpportunityInput',
        created.opportunity as string,
        { stageName: 'Qualification' },
      ],
      ['updateCase', 'UpdateCaseInput', created.case as string, { status: 'Escalated' }],
      ['updateTask', 'UpdateTaskInput', created.task as string, { status: 'Completed' }],
      ['updateEvent', 'UpdateEventInput', ids.event as string, { location: 'Zoom' }],
      ['updateProduct', 'UpdateProductInput', created.product as string, { family: 'Hardware' }],
      ['updateCampaign', 'UpdateCampaignInput', created.campaign as string, { status: 'In Progress' }],
    ];
    for (const [name, type, id, input] of updates) {
      const { confirmation } = await confirmAndRun(name, { id, input }, type);
      expect(confirmation).toMatchObject({ action: 'update', recordId: id });
      expect(confirmation.changes.length, name).toBe(1);
    }
    const { body } = await h.graphql<Data>('query ($id: ID!) { case(id: $id) { status } }', {
      id: created.case,
    });
    expect(body.data.case.status).toBe('Escalated');
  });

  it('the specials: logCall, scheduleEvent, createNote, updateNote, addCaseComment, routeCaseToQueue, createCaseFromConversation, campaign members, products on opportunities', async () => {
    await confirmAndRun(
      'logCall',
      { input: { subject: 'Inbound call', callType: 'Inbound', whoId: ids.contact, durationSeconds: 90 } },
      'LogCallInput',
    );
    const event = await confirmAndRun(
      'scheduleEvent',
      {
        input: {
          subject: 'Callback',
          startDateTime: '2027-02-12T10:00:00Z',
          endDateTime: '2027-02-12T10:30:00Z',
          whoId: ids.contact,
        },
      },
      'ScheduleEventInput',
    );
    created.event = event.result.id;
    const note = await confirmAndRun(
      'createNote',
      { input: { title: 'Call notes', body: 'Wants a refund.', linkedRecordId: ids.case } },
      'CreateNoteInput',
    );
    created.note = note.result.id;
    await confirmAndRun(
      'updateNote',
      { id: created.note, input: { title: 'Call notes (edited)' } },
      'UpdateNoteInput',
    );
    await confirmAndRun(
      'addCaseComment',
      { input: { caseId: created.case, body: 'Looking into it.' } },
      'AddCaseCommentInput',
    );
    const routed = await confirmAndRun(
      'routeCaseToQueue',
      { input: { caseId: created.case, queueName: 'Billing Support' } },
      'RouteCaseToQueueInput',
    );
    expect(routed.confirmation.summary).toContain('Billing Support');
    await confirmAndRun(
      'createCaseFromConversation',
      {
        input: {
          subject: 'Refund request',
          summary: 'The customer was charged twice.',
          transcript: 'Customer: I was charged twice.\nAgent: Let me open a case.',
          email: 'sarah.johnson@acme.example.com',
        },
      },
      'CreateCaseFromConversationInput',
    );
    const member = await confirmAndRun(
      'addCampaignMember',
      { input: { campaignId: created.campaign, contactId: ids.contact } },
      'AddCampaignMemberInput',
    );
    const removed = await confirmAndRun('removeCampaignMember', { id: member.result.id });
    expect(removed.confirmation.destructive).toBe(true);
    const line = await confirmAndRun(
      'addProductToOpportunity',
      { input: { opportunityId: ids.opportunity, productId: ids.product, quantity: 2 } },
      'AddProductToOpportunityInput',
    );
    await confirmAndRun('removeProductFromOpportunity', { id: line.result.id });
    const { body } = await h.graphql<Data>(
      'query ($id: ID!) { case(id: $id) { owner { __typename name } comments { nodes { commentBody } } } }',
      { id: created.case },
    );
    expect(body.data.case.owner).toEqual({ __typename: 'Queue', name: 'Billing Support' });
    expect(body.data.case.comments.nodes).toEqual([{ commentBody: 'Looking into it.' }]);
  });

  it('deletes: every object, destructive, to the Recycle Bin', async () => {
    for (const [name, id] of [
      ['deleteNote', created.note],
      ['deleteEvent', created.event],
      ['deleteTask', created.task],
      ['deleteCase', created.case],
      ['deleteOpportunity', created.opportunity],
      ['deleteContact', created.contact],
      ['deleteLead', created.lead],
      ['deleteAccount', created.account],
      ['deleteProduct', created.product],
      ['deleteCampaign', created.campaign],
    ] as const) {
      const { confirmation } = await confirmAndRun(name, { id: id as string });
      expect(confirmation).toMatchObject({ action: 'delete', destructive: true, recordId: id });
    }
    const { body } = await h.graphql<Data>('query ($id: ID!) { case(id: $id) { id } }', { id: created.case });
    expect(body.data.case).toBeNull();
  });

  it('returns the record as it is now when asked, in the same request', async () => {
    const query =
      'mutation ($id: ID!, $t: String) { updateCase(id: $id, input: { priority: "Low" }, confirmationToken: $t) { ... on ConfirmationRequired { token } ... on UpdateCaseResult { record { caseNumber priority contact { name } } } } }';
    const preview = await h.graphql<Data>(query, { id: ids.case });
    const done = await h.graphql<Data>(query, { id: ids.case, t: preview.body.data.updateCase.token });
    expect(done.body.data.updateCase.record).toEqual({
      caseNumber: '00001104',
      priority: 'Low',
      contact: { name: 'Sarah Johnson' },
    });
  });
});

describe('refusals, each with its code', () => {
  const update =
    'mutation ($id: ID!, $s: String, $t: String) { updateCase(id: $id, input: { subject: $s }, confirmationToken: $t) { __typename ... on ConfirmationRequired { token } } }';

  it('a used token: CONFIRMATION_USED; other arguments: CONFIRMATION_MISMATCH; garbage: CONFIRMATION_INVALID', async () => {
    const preview = await h.graphql<Data>(update, { id: ids.case, s: 'First' });
    const token = preview.body.data.updateCase.token;
    const other = await h.graphql<Data>(update, { id: ids.case, s: 'Something else', t: token });
    expect(other.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFIRMATION_MISMATCH',
      mismatch: ['arguments'],
    });
    expect(
      (await h.graphql<Data>(update, { id: ids.case, s: 'First', t: token })).body.errors,
    ).toBeUndefined();
    const again = await h.graphql<Data>(update, { id: ids.case, s: 'First', t: token });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_USED');
    const forged = await h.graphql<Data>(update, { id: ids.case, s: 'First', t: 'not.a.token' });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_INVALID');
  });

  it('a record changed since the preview: CONFIRMATION_STALE with a fresh confirmation, nothing deleted', async () => {
    const create = document('createTask', { input: 'CreateTaskInput' });
    const created = await h.graphql<Data>(create, { input: { subject: 'Stale delete' } });
    const id = (
      await h.graphql<Data>(create, {
        input: { subject: 'Stale delete' },
        token: created.body.data.createTask.token,
      })
    ).body.data.createTask.id;
    const remove = document('deleteTask', { id: true });
    const preview = await h.graphql<Data>(remove, { id });
    // Someone else changes the task in between (SystemModstamp has whole seconds).
    skew += 3_000;
    const change = document('updateTask', { id: true, input: 'UpdateTaskInput' });
    const other = await h.graphql<Data>(change, { id, input: { subject: 'Still needed' } });
    await h.graphql<Data>(change, {
      id,
      input: { subject: 'Still needed' },
      token: other.body.data.updateTask.token,
    });
    const stale = await h.graphql<Data>(remove, { id, token: preview.body.data.deleteTask.token });
    expect(stale.body.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFIRMATION_STALE',
      confirmation: { token: expect.any(String), summary: expect.stringContaining('Still needed') },
    });
    expect((await h.graphql<Data>(`{ task(id: "${id}") { subject } }`)).body.data.task).toEqual({
      subject: 'Still needed',
    });
  });

  it('invalid input: INVALID_INPUT before any write', async () => {
    await h.resetCalls();
    const { body } = await h.graphql<Data>(
      'mutation { createCase(input: { subject: "x", status: "Nonsense" }) { __typename } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(body.errors?.[0]?.message).toContain('status');
    expect((await h.calls()).total).toBe(0);
  });
});

describe('a write that happened never answers an error', () => {
  it('createCaseFromConversation without a matching contact answers its case, with contactId null', async () => {
    const query = `mutation ($input: CreateCaseFromConversationInput!, $token: String) {
      createCaseFromConversation(input: $input, confirmationToken: $token) {
        __typename
        ... on ConfirmationRequired { token summary }
        ... on CreateCaseFromConversationResult { id caseNumber contactId transcriptNoteId }
      }
    }`;
    const input = {
      subject: 'Question from a new visitor',
      summary: 'Asks about pricing.',
      transcript: 'Visitor: how much is the enterprise plan?',
      email: 'nobody-known@example.org',
    };
    const preview = await h.graphql<Data>(query, { input });
    expect(preview.body.errors).toBeUndefined();
    expect(preview.body.data.createCaseFromConversation.summary).toContain('no matching contact');
    const { body } = await h.graphql<Data>(query, {
      input,
      token: preview.body.data.createCaseFromConversation.token,
    });
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data.createCaseFromConversation).toMatchObject({
      __typename: 'CreateCaseFromConversationResult',
      caseNumber: expect.stringMatching(/^\d{8}$/),
      contactId: null,
      transcriptNoteId: expect.stringMatching(/^069/),
    });
  });
});
