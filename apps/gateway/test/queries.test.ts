import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // The demo org plus 300 generated contacts with accounts, cases, opportunities and activities.
  h = await startHarness({ scale: 300 });
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

/** Runs a query, expects no errors, and returns its data and the Salesforce calls the emulator counted. */
async function run(query: string, variables: Record<string, unknown> = {}) {
  await h.resetCalls();
  const { status, body } = await h.graphql<Data>(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  const calls = await h.calls();
  // The response reports the same count the emulator saw.
  expect(body.extensions?.salesforce?.calls).toBe(calls.total);
  return { data: body.data as Data, calls: calls.total, soql: Object.keys(calls.bySoql) };
}

describe('Salesforce calls per query', () => {
  it('a single case by number: 1 call', async () => {
    const { data, calls } = await run(
      '{ case(caseNumber: "00001104") { id caseNumber subject status contact { name account { name } } owner { name } } }',
    );
    expect(data.case).toMatchObject({ caseNumber: '00001104', contact: { name: 'Sarah Johnson' } });
    expect(calls).toBe(1);
  });

  it('50 contacts with account, five cases each and their owners: 1 call (the issue query)', async () => {
    const { data, calls, soql } = await run(
      '{ contacts(first: 50) { edges { node { id name email account { name } cases(first: 5) { edges { node { subject status owner { name } } } } } } } }',
    );
    expect(data.contacts.edges).toHaveLength(50);
    const cases = data.contacts.edges.flatMap((e: Data) => e.node.cases.edges);
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((c: Data) => typeof c.node.owner.name === 'string')).toBe(true);
    expect(data.contacts.edges.every((e: Data) => e.node.cases.edges.length <= 5)).toBe(true);
    expect(calls).toBe(1);
    expect(soql[0]).toContain('TYPEOF Owner WHEN User THEN');
  });

  it('contacts with account and recent cases: 1 call', async () => {
    const { data, calls } = await run(
      '{ contacts(first: 20, orderBy: [{ field: lastName }]) { nodes { name account { name industry } cases(first: 3, orderBy: [{ field: createdDate, direction: DESC }]) { nodes { caseNumber createdDate } } } } }',
    );
    expect(data.contacts.nodes).toHaveLength(20);
    for (const contact of data.contacts.nodes) {
      const dates = contact.cases.nodes.map((c: Data) => c.createdDate);
      expect(dates).toEqual([...dates].sort().reverse());
    }
    expect(calls).toBe(1);
  });

  it('accounts with contacts, opportunities, line items and products: 1 call (nested subqueries, API 58.0+)', async () => {
    const { data, calls } = await run(
      '{ accounts(first: 10, where: { name: { in: ["Acme Corporation", "Globex Industries"] } }) { nodes { name contacts(first: 3) { nodes { name } } opportunities(first: 5) { nodes { name amount lineItems { nodes { quantity totalPrice product { name productCode } } } } } } } }',
    );
    const items = data.accounts.nodes.flatMap((a: Data) =>
      a.opportunities.nodes.flatMap((o: Data) => o.lineItems.nodes),
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i: Data) => typeof i.product.name === 'string')).toBe(true);
    expect(calls).toBe(1);
  });

  it('the same query on API 57.0 (one level of subqueries): 2 calls, line items batched', async () => {
    const old = await startHarness({ gateway: { apiVersion: '57.0' } });
    try {
      await old.resetCalls();
      const { body } = await old.graphql<Data>(
        '{ accounts(first: 10) { nodes { name opportunities { nodes { name lineItems { nodes { quantity product { name } } } } } } } }',
      );
      expect(body.errors).toBeUndefined();
      expect((await old.calls()).total).toBe(2);
    } finally {
      await old.close();
    }
  });

  it('tasks with their who and what (unions) and what the who works for: 2 calls, never N+1', async () => {
    const { data, calls, soql } = await run(
      '{ tasks(first: 50) { nodes { subject who { __typename ... on Contact { name email account { name } } ... on Lead { name company } } what { __typename ... on Case { caseNumber } ... on Opportunity { name stageName } ... on Account { name } } } } }',
    );
    const whos = data.tasks.nodes.map((t: Data) => t.who).filter(Boolean);
    expect(whos.some((w: Data) => w.__typename === 'Contact' && w.account?.name)).toBe(true);
    expect(data.tasks.nodes.some((t: Data) => t.what?.__typename === 'Case')).toBe(true);
    // The tasks with TYPEOF in one statement; the contacts' accounts in one batch.
    expect(calls).toBe(2);
    expect(soql.some((s) => s.includes('TYPEOF Who WHEN Contact THEN'))).toBe(true);
    expect(soql.some((s) => s.startsWith('SELECT Id, Name FROM Account WHERE Id IN ('))).toBe(true);
  });

  it('totalCount costs a COUNT() only when asked and the page does not already hold the whole list', async () => {
    expect((await run('{ contacts(first: 5) { nodes { id } } }')).calls).toBe(1);
    const counted = await run('{ contacts(first: 5) { totalCount nodes { id } } }');
    expect(counted.calls).toBe(2);
    expect(counted.data.contacts.totalCount).toBeGreaterThan(300);
    const whole = await run('{ queues(first: 50) { totalCount nodes { name } } }');
    expect(whole.calls).toBe(1);
    expect(whole.data.queues.totalCount).toBe(whole.data.queues.nodes.length);
  });

  it('child totalCount: one aggregate query for every parent on the page', async () => {
    const { data, calls, soql } = await run(
      '{ contacts(first: 30) { nodes { name cases(first: 1) { totalCount } } } }',
    );
    expect(calls).toBe(2);
    expect(soql.some((s) => s.includes('COUNT(Id)') && s.includes('GROUP BY ContactId'))).toBe(true);
    expect(data.contacts.nodes.some((c: Data) => c.cases.totalCount > 1)).toBe(true);
  });

  it('aliases of one child list with different arguments: the first folds in, the others batch', async () => {
    const { data, calls } = await run(
      '{ contacts(first: 20) { nodes { open: cases(where: { isClosed: { eq: false } }) { nodes { isClosed } } closed: cases(where: { isClosed: { eq: true } }) { nodes { isClosed } } } } }',
    );
    for (const c of data.contacts.nodes) {
      expect(c.open.nodes.every((n: Data) => n.isClosed === false)).toBe(true);
      expect(c.closed.nodes.every((n: Data) => n.isClosed === true)).toBe(true);
    }
    expect(calls).toBe(2);
  });
});

describe('relations', () => {
  it('Contact: account, cases, tasks, events, opportunities, owner', async () => {
    const { data } = await run(
      '{ contacts(where: { email: { eq: "sarah.johnson@acme.example.com" } }) { nodes { name account { name } cases { nodes { caseNumber } } tasks { nodes { subject } } events { nodes { subject } } opportunities { nodes { name } } owner { name } } } }',
    );
    const sarah = data.contacts.nodes[0];
    expect(sarah.account.name).toBe('Acme Corporation');
    expect(sarah.cases.nodes.map((c: Data) => c.caseNumber)).toContain('00001104');
    expect(sarah.tasks.nodes.length).toBeGreaterThan(0);
    expect(sarah.events.nodes.length).toBeGreaterThan(0);
    expect(sarah.owner.name).toEqual(expect.any(String));
  });

  it('Account: contacts, cases, opportunities, parent', async () => {
    const { data } = await run(
      '{ accounts(where: { name: { eq: "Acme Corporation" } }) { nodes { contacts { nodes { name } } cases { nodes { caseNumber } } opportunities { nodes { name } } parent { name } } } }',
    );
    const acme = data.accounts.nodes[0];
    expect(acme.contacts.nodes.length).toBeGreaterThan(1);
    expect(acme.cases.nodes.length).toBeGreaterThan(0);
    expect(acme.opportunities.nodes.length).toBeGreaterThan(0);
  });

  it('Case: contact, account, owner (User or Queue), comments, tasks, events', async () => {
    const { data } = await run(
      '{ cases(first: 100, orderBy: [{ field: caseNumber }]) { nodes { caseNumber contact { name } account { name } owner { __typename id name ... on User { email } ... on Queue { developerName } } comments { nodes { commentBody isPublished } } tasks { nodes { subject } } events { nodes { subject } } } } }',
    );
    const owners = new Set(data.cases.nodes.map((c: Data) => c.owner.__typename));
    expect(owners).toEqual(new Set(['User', 'Queue']));
    const queue = data.cases.nodes.find((c: Data) => c.owner.__typename === 'Queue').owner;
    expect(queue.developerName).toEqual(expect.any(String));
    const demo = data.cases.nodes.find((c: Data) => c.caseNumber === '00001104');
    expect(demo.comments.nodes.length).toBeGreaterThan(0);
  });

  it('Opportunity: account, contact, lineItems → product; Campaign: members → contact / lead', async () => {
    const { data } = await run(
      '{ opportunities(first: 50) { nodes { account { name } lineItems { nodes { product { name } opportunity { name } } } } } campaigns { nodes { name members { nodes { status contact { name } lead { name company } campaign { name } } } } } }',
    );
    expect(data.opportunities.nodes.some((o: Data) => o.lineItems.nodes.length > 0)).toBe(true);
    const members = data.campaigns.nodes.flatMap((c: Data) => c.members.nodes);
    expect(members.length).toBeGreaterThan(0);
    expect(members.every((m: Data) => m.contact || m.lead)).toBe(true);
  });

  it('Event: who / what unions; Note: linkedRecords', async () => {
    const { data } = await run(
      '{ events { nodes { subject who { ... on Contact { name } ... on Lead { name } } what { __typename } } } notes { nodes { title linkedRecords { id type } } } }',
    );
    expect(data.events.nodes.some((e: Data) => e.who?.name)).toBe(true);
    const links = data.notes.nodes.flatMap((n: Data) => n.linkedRecords);
    expect(links.some((l: Data) => l.type === 'Case')).toBe(true);
  });

  it('Note: body, read with the notes (plus one call per note where Salesforce gives a URL)', async () => {
    const { data, calls } = await run('{ notes(first: 2) { nodes { title textPreview body } } }');
    expect(data.notes.nodes.length).toBeGreaterThan(0);
    for (const note of data.notes.nodes) {
      expect(note.body).toEqual(expect.any(String));
      expect(note.body.length).toBeGreaterThan(0);
      expect(note.body.startsWith(note.textPreview.slice(0, 20))).toBe(true);
      expect(note.body).not.toMatch(/<[a-z]+>/);
    }
    // Salesforce answers a query with each body's URL (one more call per note); the emulator inlines
    // the bytes, which costs nothing more. The URL path is tested in @sfgql/objects.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(1 + data.notes.nodes.length);
  });
});

describe('root fields', () => {
  it('one record by Id for each object; null for an Id that does not exist', async () => {
    const { data } = await run(
      '{ contacts(first: 1) { nodes { id } } accounts(first: 1) { nodes { id } } cases(first: 1) { nodes { id } } }',
    );
    const contactId = data.contacts.nodes[0].id;
    const found = await run(
      `query ($c: ID!, $a: ID!, $k: ID!) { contact(id: $c) { id } account(id: $a) { id } case(id: $k) { id } }`,
      { c: contactId, a: data.accounts.nodes[0].id, k: data.cases.nodes[0].id },
    );
    expect(found.data.contact.id).toBe(contactId);
    expect(found.calls).toBe(3);
    const missing = await run('{ contact(id: "003000000000000AAA") { id } }');
    expect(missing.data.contact).toBeNull();
  });

  it('node(id): any record by its Id, typed by its key prefix, in one call (Relay)', async () => {
    const { data } = await run(
      '{ case(caseNumber: "00001104") { id contact { id } owner { id } } queues(first: 1) { nodes { id } } }',
    );
    const query = `query ($id: ID!) { node(id: $id) { __typename id
      ... on Case { caseNumber contact { name } }
      ... on Contact { name account { name } }
      ... on Owner { name } } }`;
    const asCase = await run(query, { id: data.case.id });
    expect(asCase.data.node).toMatchObject({
      __typename: 'Case',
      caseNumber: '00001104',
      contact: { name: 'Sarah Johnson' },
    });
    expect(asCase.calls).toBe(1);
    const contact = await run(query, { id: data.case.contact.id.slice(0, 15) });
    expect(contact.data.node).toMatchObject({ __typename: 'Contact', account: { name: 'Acme Corporation' } });
    expect(contact.calls).toBe(1);
    const owner = await run(query, { id: data.case.owner.id });
    expect(owner.data.node.__typename).toBe('User');
    const queue = await run(query, { id: data.queues.nodes[0].id });
    expect(queue.data.node).toMatchObject({ __typename: 'Queue', name: expect.any(String) });
    // An object outside the graph (an org's Id) or a record that does not exist: null.
    expect((await run(query, { id: '00D000000000001EAA' })).data.node).toBeNull();
    expect((await run(query, { id: '003000000000000AAA' })).data.node).toBeNull();
  });

  it('users, queues, knowledge articles (published, by language), products, pricebook entries', async () => {
    const { data } = await run(
      '{ users(search: "demo") { nodes { name isActive } } queues { nodes { name developerName } } knowledgeArticles(search: "password") { nodes { title publishStatus language } } products { nodes { name } } pricebookEntries { nodes { name unitPrice product2 { name } } } leads { nodes { company } } }',
    );
    expect(data.users.nodes.map((u: Data) => u.name)).toContain('Demo Admin');
    expect(data.queues.nodes.map((q: Data) => q.name)).toContain('Billing Support');
    expect(data.knowledgeArticles.nodes.every((k: Data) => k.publishStatus === 'Online')).toBe(true);
    expect(data.pricebookEntries.nodes.length).toBeGreaterThan(0);
    const french = await run('{ knowledgeArticles(language: fr) { nodes { language } } }');
    expect(french.data.knowledgeArticles.nodes.every((k: Data) => k.language === 'fr')).toBe(true);
  });

  it('globalSearch: one SOSL call across objects, the relations of the results in one batch per level', async () => {
    const { data, calls, soql } = await run(
      '{ globalSearch(term: "acme", types: [Contact, Account]) { __typename ... on Contact { name account { name } } ... on Account { name contacts(first: 2) { nodes { name } } } } }',
    );
    const types = new Set(data.globalSearch.map((r: Data) => r.__typename));
    expect(types).toEqual(new Set(['Contact', 'Account']));
    const acme = data.globalSearch.find((r: Data) => r.__typename === 'Account');
    expect(acme.contacts.nodes.length).toBeGreaterThan(0);
    expect(soql[0]).toMatch(
      /^FIND \{acme\*\} IN ALL FIELDS RETURNING Contact\(Id, Name, AccountId\), Account\(Id, Name\)/,
    );
    // The search, the contacts' accounts, the accounts' contacts.
    expect(calls).toBe(3);
  });

  it('describe and limits', async () => {
    const { data } = await run(
      '{ describe(object: "Case") { name fields { name type picklistValues } } limits { name max remaining } }',
    );
    expect(data.describe.fields.find((f: Data) => f.name === 'Status').picklistValues).toContain('New');
    expect(data.limits.find((l: Data) => l.name === 'DailyApiRequests').max).toBeGreaterThan(0);
  });

  it('search on a list: words, emails and phone numbers in any format', async () => {
    const byName = await run('{ contacts(search: "sarah") { nodes { name } } }');
    expect(byName.data.contacts.nodes.map((c: Data) => c.name)).toContain('Sarah Johnson');
    const phone = await run('{ contacts(search: "sarah") { nodes { phone } } }');
    const number = phone.data.contacts.nodes[0].phone as string;
    const digits = number.replace(/\D/g, '');
    const formatted = `(${digits.slice(-10, -7)}) ${digits.slice(-7, -4)}-${digits.slice(-4)}`;
    const byPhone = await run('query ($q: String) { contacts(search: $q) { nodes { name } } }', {
      q: formatted,
    });
    expect(byPhone.data.contacts.nodes.map((c: Data) => c.name)).toContain('Sarah Johnson');
  });
});

describe('filters', () => {
  const names = async (where: Record<string, unknown>, object = 'contacts', field = 'lastName') => {
    const { data } = await run(
      `query ($w: ${object === 'contacts' ? 'ContactFilter' : 'OpportunityFilter'}) { ${object}(first: 200, where: $w) { nodes { ${field} } } }`,
      { w: where },
    );
    return data[object].nodes.map((n: Data) => n[field]);
  };

  it('eq, ne, like, in, nin, isNull on text', async () => {
    expect(new Set(await names({ lastName: { eq: 'Johnson' } }))).toEqual(new Set(['Johnson']));
    expect(await names({ lastName: { ne: 'Johnson' } })).not.toContain('Johnson');
    expect((await names({ lastName: { like: 'Joh%' } })).every((n: string) => n.startsWith('Joh'))).toBe(
      true,
    );
    expect(new Set(await names({ lastName: { in: ['Chen', 'Patel'] } }))).toEqual(new Set(['Chen', 'Patel']));
    expect(await names({ lastName: { nin: ['Chen', 'Patel'] } })).not.toContain('Chen');
    const noTitle = await names({ title: { isNull: true } }, 'contacts', 'title');
    expect(noTitle.every((t: unknown) => t === null)).toBe(true);
    const titled = await names({ title: { isNull: false } }, 'contacts', 'title');
    expect(titled.length).toBeGreaterThan(0);
    expect(titled.every((t: unknown) => t !== null)).toBe(true);
  });

  it('lt, lte, gt, gte on amounts and dates', async () => {
    const amounts = async (w: Record<string, unknown>) => names(w, 'opportunities', 'amount');
    expect((await amounts({ amount: { gt: 50000 } })).every((a: number) => a > 50000)).toBe(true);
    expect((await amounts({ amount: { gte: 52500 } })).every((a: number) => a >= 52500)).toBe(true);
    expect((await amounts({ amount: { lt: 10000 } })).every((a: number) => a < 10000)).toBe(true);
    expect((await amounts({ amount: { lte: 12500 } })).every((a: number) => a <= 12500)).toBe(true);
    const dates = await names(
      { closeDate: { gte: '2026-01-01', lt: '2027-01-01' } },
      'opportunities',
      'closeDate',
    );
    expect(dates.every((d: string) => d >= '2026-01-01' && d < '2027-01-01')).toBe(true);
  });

  it('and / or / not, and conditions on a parent', async () => {
    const either = await names({ or: [{ lastName: { eq: 'Chen' } }, { lastName: { eq: 'Patel' } }] });
    expect(new Set(either)).toEqual(new Set(['Chen', 'Patel']));
    const both = await names({ and: [{ lastName: { like: 'J%' } }, { firstName: { eq: 'Sarah' } }] });
    expect(new Set(both)).toEqual(new Set(['Johnson']));
    expect(await names({ not: { lastName: { eq: 'Johnson' } } })).not.toContain('Johnson');
    const { data } = await run(
      '{ contacts(first: 200, where: { account: { name: { eq: "Acme Corporation" } } }) { nodes { account { name } } } }',
    );
    expect(data.contacts.nodes.length).toBeGreaterThan(1);
    expect(data.contacts.nodes.every((c: Data) => c.account.name === 'Acme Corporation')).toBe(true);
  });

  it('child lists take where, orderBy and first too', async () => {
    const { data } = await run(
      '{ accounts(first: 50) { nodes { opportunities(first: 2, where: { amount: { gt: 1000 } }, orderBy: [{ field: amount, direction: DESC }]) { nodes { amount } } } } }',
    );
    for (const a of data.accounts.nodes) {
      const amounts = a.opportunities.nodes.map((o: Data) => o.amount);
      expect(amounts.length).toBeLessThanOrEqual(2);
      expect(amounts.every((x: number) => x > 1000)).toBe(true);
      expect(amounts).toEqual([...amounts].sort((x: number, y: number) => y - x));
    }
  });
});

describe('pagination', () => {
  async function all(query: string, variables: Record<string, unknown> = {}) {
    const seen: Data[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const { data } = await run(query, { ...variables, after });
      const connection = Object.values(data)[0] as Data;
      seen.push(...connection.edges.map((e: Data) => e.node));
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1).cursor);
      after = connection.pageInfo.endCursor;
    }
    return seen;
  }

  it('walks every page by keyset cursors, in order, without gaps or repeats', async () => {
    const total = (await run('{ contacts(first: 0) { totalCount } }')).data.contacts.totalCount;
    const nodes = await all(
      'query ($after: String) { contacts(first: 97, after: $after, orderBy: [{ field: lastName }, { field: firstName, direction: DESC }]) { edges { cursor node { id lastName firstName } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(nodes).toHaveLength(total);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(total);
    const lastNames = nodes.map((n) => n.lastName.toLowerCase());
    expect(lastNames).toEqual([...lastNames].sort());
  });

  it('pages by nulls too (a field many records leave empty)', async () => {
    const total = (await run('{ contacts(first: 0) { totalCount } }')).data.contacts.totalCount;
    const nodes = await all(
      'query ($after: String) { contacts(first: 150, after: $after, orderBy: [{ field: title, direction: DESC, nulls: FIRST }]) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(new Set(nodes.map((n) => n.id)).size).toBe(total);
  });

  it('pages a list ordered by a picklist with offsets', async () => {
    const total = (await run('{ cases(first: 0) { totalCount } }')).data.cases.totalCount;
    const nodes = await all(
      'query ($after: String) { cases(first: 120, after: $after, orderBy: [{ field: status }]) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(new Set(nodes.map((n) => n.id)).size).toBe(total);
  });

  it('walks backward with last / before: the same list, the same order, from its end', async () => {
    const order = 'orderBy: [{ field: lastName }, { field: firstName, direction: DESC, nulls: LAST }]';
    const forward = await all(
      `query ($after: String) { contacts(first: 150, after: $after, ${order}) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
    );
    const backward: Data[] = [];
    let before: string | null = null;
    for (let page = 0; page < 100; page++) {
      const { data, calls } = await run(
        `query ($before: String) { contacts(last: 70, before: $before, ${order}) { edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage startCursor } } }`,
        { before },
      );
      expect(calls).toBe(1);
      const connection = data.contacts;
      expect(connection.pageInfo.hasNextPage).toBe(before !== null);
      backward.unshift(...connection.edges.map((e: Data) => e.node));
      if (!connection.pageInfo.hasPreviousPage) break;
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0].cursor);
      before = connection.pageInfo.startCursor;
    }
    expect(backward.map((n) => n.id)).toEqual(forward.map((n) => n.id));

    // A cursor from a forward page works backward too: the records just before it.
    const middle = (await run(`{ contacts(first: 10, ${order}) { edges { cursor node { id } } } }`)).data
      .contacts.edges;
    const { data } = await run(
      `query ($b: String) { contacts(last: 3, before: $b, ${order}) { nodes { id } pageInfo { hasPreviousPage } } }`,
      { b: middle[5].cursor },
    );
    expect(data.contacts.nodes.map((n: Data) => n.id)).toEqual(
      middle.slice(2, 5).map((e: Data) => e.node.id),
    );
    expect(data.contacts.pageInfo.hasPreviousPage).toBe(true);
  });

  it('last on a child list: the last records of each parent, in order', async () => {
    const { data, calls } = await run(
      '{ accounts(first: 5) { nodes { all: contacts(first: 200, orderBy: [{ field: lastName }]) { nodes { id } } tail: contacts(last: 2, orderBy: [{ field: lastName }]) { nodes { id } pageInfo { hasPreviousPage } } } } }',
    );
    for (const account of data.accounts.nodes) {
      const ids = account.all.nodes.map((n: Data) => n.id);
      expect(account.tail.nodes.map((n: Data) => n.id)).toEqual(ids.slice(-2));
      expect(account.tail.pageInfo.hasPreviousPage).toBe(ids.length > 2);
    }
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('pages a child list of one parent', async () => {
    const { data } = await run(
      '{ accounts(first: 1, where: { name: { eq: "Acme Corporation" } }) { nodes { contacts(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }',
    );
    const page = data.accounts.nodes[0].contacts;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await run(
      'query ($a: String) { accounts(first: 1, where: { name: { eq: "Acme Corporation" } }) { nodes { contacts(first: 1, after: $a) { edges { node { id } } pageInfo { hasPreviousPage } } } } }',
      { a: page.pageInfo.endCursor },
    );
    const second = next.data.accounts.nodes[0].contacts;
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    expect(second.edges[0].node.id).not.toBe(page.edges[0].node.id);
  });
});
