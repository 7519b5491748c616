import { type SalesforceRecord, soql, toSalesforceId } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSchema, startDemoSchema } from './demo-schema.ts';

let demo: DemoSchema;
beforeAll(async () => {
  demo = await startDemoSchema();
});
afterAll(() => demo.close());

/** Rows of a SOQL query, read with the demo admin's own client: what the graph must answer. */
const rows = async (statement: ReturnType<typeof soql>) => (await demo.client.query(statement)).records;

/** A parent record of a SOQL row (`Contact.Account`), or null. */
const parentOf = (row: SalesforceRecord, relationship: string): SalesforceRecord | null => {
  const value = row[relationship];
  return value !== null && typeof value === 'object' ? (value as SalesforceRecord) : null;
};

const ownerType = (id: unknown) => (String(id).startsWith('00G') ? 'Queue' : 'User');

interface Page<T> {
  nodes: T[];
  totalCount?: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

describe('one record', () => {
  const query = `
    fragment CaseView on Case {
      id caseNumber subject
      contact { name account { name } }
      owner { __typename id name ... on User { email } }
    }
    query ($id: ID, $number: String) { case(id: $id, caseNumber: $number) { ...CaseView } }`;

  it('by Id and by its key, with parents and the polymorphic owner, in one call each', async () => {
    const expected = await rows(
      soql`SELECT Id, CaseNumber, Subject, Contact.Name, Contact.Account.Name, OwnerId, Owner.Name FROM Case ORDER BY CaseNumber`,
    );
    expect(new Set(expected.map((r) => ownerType(r.OwnerId)))).toEqual(new Set(['User', 'Queue']));
    for (const row of expected) {
      const contact = parentOf(row, 'Contact');
      const want = {
        id: row.Id,
        caseNumber: row.CaseNumber,
        subject: row.Subject,
        contact: contact && { name: contact.Name, account: { name: parentOf(contact, 'Account')?.Name } },
        owner: { __typename: ownerType(row.OwnerId), id: row.OwnerId, name: parentOf(row, 'Owner')?.Name },
      };
      const byId = await demo.run<{ case: unknown }>(query, { variables: { id: row.Id } });
      expect(byId.errors).toEqual([]);
      expect(byId.data?.case).toMatchObject(want);
      expect(byId.calls).toBe(1);
      const byNumber = await demo.run<{ case: unknown }>(query, { variables: { number: row.CaseNumber } });
      expect(byNumber.data?.case).toEqual(byId.data?.case);
      expect(byNumber.calls).toBe(1);
    }
  });

  it('null for an Id or key with no record, and a 15-character Id like its 18-character form', async () => {
    const [row] = await rows(soql`SELECT Id FROM Contact ORDER BY Id LIMIT 1`);
    const id = String(row?.Id);
    const short = await demo.data<{ contact: { id: string } }>(
      `{ contact(id: "${id.slice(0, 15)}") { id } }`,
    );
    expect(short.contact.id).toBe(id);
    const none = await demo.data<{ case: null; contact: null }>(
      '{ case(caseNumber: "99999999") { id } contact(id: "003000000000000AAA") { id } }',
    );
    expect(none).toEqual({ case: null, contact: null });
  });
});

describe('root lists', () => {
  it('filter with parents and and / or / not, and sort as asked (Id breaks ties)', async () => {
    const { contacts } = await demo.data<{
      contacts: Page<{ name: string; account: { name: string } | null }>;
    }>(`{
      contacts(
        first: 50
        where: { or: [{ account: { name: { eq: "Acme Corporation" } } }, { lastName: { like: "G%" } }], not: { email: { isNull: true } } }
        orderBy: [{ field: lastName, direction: DESC }]
      ) { nodes { name account { name } } }
    }`);
    const expected = await rows(
      soql`SELECT Name, Account.Name FROM Contact WHERE (Account.Name = 'Acme Corporation' OR LastName LIKE 'G%') AND Email != null ORDER BY LastName DESC NULLS LAST, Id ASC`,
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(contacts.nodes).toEqual(
      expected.map((r) => ({ name: r.Name, account: { name: parentOf(r, 'Account')?.Name } })),
    );
  });

  it('search the search fields: an email, a phone number written otherwise', async () => {
    const [sarah] = await rows(
      soql`SELECT Name, Email, Phone FROM Contact WHERE Phone != null ORDER BY Id LIMIT 1`,
    );
    const digits = String(sarah?.Phone).replace(/\D/g, '').slice(-10);
    const written = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    for (const search of [String(sarah?.Email).toUpperCase(), written]) {
      const { contacts } = await demo.data<{ contacts: Page<{ name: string }> }>(
        'query ($search: String) { contacts(search: $search) { nodes { name } } }',
        { variables: { search } },
      );
      expect(contacts.nodes).toEqual([{ name: sarah?.Name }]);
    }
  });

  it('apply the scopes unless the arguments lift them: active users, published articles in a language', async () => {
    const users = await demo.data<{ active: Page<{ name: string }>; all: Page<{ name: string }> }>(`{
      active: users(first: 50, orderBy: [{ field: name }]) { nodes { name } }
      all: users(first: 50, orderBy: [{ field: name }], includeInactive: true) { nodes { name } }
    }`);
    const active = await rows(soql`SELECT Name FROM User WHERE IsActive = true ORDER BY Name, Id`);
    const all = await rows(soql`SELECT Name FROM User ORDER BY Name, Id`);
    expect(all.length).toBeGreaterThan(active.length);
    expect(users.active.nodes).toEqual(active.map((r) => ({ name: r.Name })));
    expect(users.all.nodes).toEqual(all.map((r) => ({ name: r.Name })));

    const articles = await demo.data<{ en: Page<{ title: string }>; fr: Page<{ title: string }> }>(`{
      en: knowledgeArticles(first: 50, orderBy: [{ field: title }]) { nodes { title } }
      fr: knowledgeArticles(language: fr) { nodes { title } }
    }`);
    const published = await rows(
      soql`SELECT Title FROM KnowledgeArticleVersion WHERE PublishStatus = 'Online' AND Language = 'en_US' ORDER BY Title, Id`,
    );
    expect(published.length).toBeGreaterThan(0);
    expect(articles.en.nodes).toEqual(published.map((r) => ({ title: r.Title })));
    expect(articles.fr.nodes).toEqual([]);
  });

  it('count all the records only when asked: no count query when the page holds them all', async () => {
    const [{ totalSize: all }] = [await demo.client.query(soql`SELECT COUNT() FROM Contact`)];
    const paged = await demo.run<{ contacts: Page<unknown> }>(
      '{ contacts(first: 2) { totalCount nodes { id } } }',
    );
    expect(paged.data?.contacts.totalCount).toBe(all);
    expect(paged.calls).toBe(2);
    const whole = await demo.run<{ contacts: Page<unknown> }>('{ contacts(first: 200) { totalCount } }');
    expect(whole.data?.contacts.totalCount).toBe(all);
    expect(whole.calls).toBe(1);
  });
});

describe('relations', () => {
  it('nest children with their own arguments under parents, in one statement', async () => {
    interface ContactView {
      lastName: string;
      cases: Page<{ caseNumber: string; owner: { __typename: string; name: string } }>;
    }
    const answer = await demo.run<{ accounts: Page<{ name: string; contacts: Page<ContactView> }> }>(`{
      accounts(first: 10, orderBy: [{ field: name }]) { nodes {
        name
        contacts(orderBy: [{ field: lastName }, { field: firstName }]) { totalCount nodes {
          lastName
          cases(first: 2, orderBy: [{ field: caseNumber }]) { nodes { caseNumber owner { __typename name } } }
        } }
      } }
    }`);
    expect(answer.errors).toEqual([]);
    expect(answer.calls).toBe(1);
    expect(answer.soql[0]).toContain('TYPEOF Owner WHEN User THEN');
    const accounts = await rows(
      soql`SELECT Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName ASC NULLS FIRST, FirstName ASC NULLS FIRST, Id ASC) FROM Account ORDER BY Name, Id`,
    );
    const cases = await rows(
      soql`SELECT ContactId, CaseNumber, OwnerId, Owner.Name FROM Case ORDER BY CaseNumber, Id`,
    );
    const expected = accounts.map((a) => {
      const contacts = (parentOf(a, 'Contacts')?.records as SalesforceRecord[] | undefined) ?? [];
      return {
        name: a.Name,
        contacts: {
          totalCount: contacts.length,
          nodes: contacts.map((c) => ({
            lastName: c.LastName,
            cases: {
              nodes: cases
                .filter((k) => k.ContactId === c.Id)
                .slice(0, 2)
                .map((k) => ({
                  caseNumber: k.CaseNumber,
                  owner: { __typename: ownerType(k.OwnerId), name: parentOf(k, 'Owner')?.Name },
                })),
            },
          })),
        },
      };
    });
    expect(answer.data?.accounts.nodes).toEqual(expected);
  });

  it("read who / what unions with TYPEOF, and the who's own parent with one batched query", async () => {
    type Who =
      | { __typename: 'Contact'; name: string; account: { name: string } | null }
      | { __typename: 'Lead'; company: string };
    type What = { __typename: string; id: string } | null;
    const answer = await demo.run<{ tasks: Page<{ subject: string; who: Who | null; what: What }> }>(`{
      tasks(first: 50, orderBy: [{ field: subject }]) { nodes {
        subject
        who { __typename ... on Contact { name account { name } } ... on Lead { company } }
        what { __typename ... on Node { id } }
      } }
    }`);
    expect(answer.errors).toEqual([]);
    const tasks = await rows(soql`SELECT Subject, WhoId, WhatId FROM Task ORDER BY Subject, Id`);
    const contacts = await rows(soql`SELECT Id, Name, Account.Name FROM Contact`);
    const leads = await rows(soql`SELECT Id, Company FROM Lead`);
    const typeOfId: Record<string, string> = {
      '003': 'Contact',
      '00Q': 'Lead',
      '001': 'Account',
      '006': 'Opportunity',
      '500': 'Case',
    };
    const expected = tasks.map((t) => {
      const contact = contacts.find((c) => c.Id === t.WhoId);
      const lead = leads.find((l) => l.Id === t.WhoId);
      return {
        subject: t.Subject,
        who: contact
          ? {
              __typename: 'Contact',
              name: contact.Name,
              account: { name: parentOf(contact, 'Account')?.Name },
            }
          : lead
            ? { __typename: 'Lead', company: lead.Company }
            : null,
        what: t.WhatId ? { __typename: typeOfId[String(t.WhatId).slice(0, 3)], id: t.WhatId } : null,
      };
    });
    expect(expected.some((t) => t.who?.__typename === 'Lead')).toBe(true);
    expect(answer.data?.tasks.nodes).toEqual(expected);
    // The tasks with their who and what (TYPEOF), then the contacts' accounts in one query.
    expect(answer.calls).toBe(2);
    expect(answer.soql[1]).toMatch(/^SELECT Id, Name FROM Account WHERE Id IN \(/);
  });

  it("count each parent's children with one aggregate query", async () => {
    const answer = await demo.run<{ accounts: Page<{ name: string; contacts: Page<unknown> }> }>(
      '{ accounts(first: 10, orderBy: [{ field: name }]) { nodes { name contacts(first: 1) { totalCount } } } }',
    );
    const expected = await rows(soql`SELECT Name, (SELECT Id FROM Contacts) FROM Account ORDER BY Name, Id`);
    expect(answer.data?.accounts.nodes).toEqual(
      expected.map((a) => ({
        name: a.Name,
        contacts: { totalCount: (parentOf(a, 'Contacts')?.totalSize as number | undefined) ?? 0 },
      })),
    );
    expect(answer.calls).toBe(2);
    expect(answer.soql[1]).toMatch(/COUNT\(Id\) n FROM Contact WHERE AccountId IN .* GROUP BY AccountId/);
  });
});

describe('paging', () => {
  const page = `query ($first: Int, $after: String, $last: Int, $before: String, $order: [ContactOrderBy!]) {
    contacts(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
      nodes { id }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;
  type Contacts = { contacts: Page<{ id: string }> };

  /** Every page of the list, in the direction asked, one call each. */
  async function walk(order: unknown, backward: boolean) {
    const pages: Page<{ id: string }>[] = [];
    let cursor: string | null = null;
    do {
      const variables = backward ? { last: 3, before: cursor, order } : { first: 3, after: cursor, order };
      const answer = await demo.run<Contacts>(page, { variables });
      expect(answer.errors).toEqual([]);
      expect(answer.calls).toBe(1);
      const current = answer.data?.contacts as Page<{ id: string }>;
      pages.push(current);
      cursor = backward
        ? current.pageInfo.hasPreviousPage
          ? current.pageInfo.startCursor
          : null
        : current.pageInfo.hasNextPage
          ? current.pageInfo.endCursor
          : null;
    } while (cursor);
    return pages;
  }

  it('forward with after and backward with before, by keyset cursors: the same list either way', async () => {
    const order = [{ field: 'lastName' }, { field: 'email', direction: 'DESC' }];
    const expected = (
      await rows(
        soql`SELECT Id FROM Contact ORDER BY LastName ASC NULLS FIRST, Email DESC NULLS LAST, Id ASC`,
      )
    ).map((r) => r.Id);
    expect(expected.length).toBeGreaterThan(6);

    const forward = await walk(order, false);
    expect(forward.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(expected);
    expect(forward.map((p) => p.nodes.length)).toEqual(
      Array.from({ length: Math.ceil(expected.length / 3) }, (_, i) => Math.min(3, expected.length - 3 * i)),
    );
    expect(forward[0]?.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(forward.at(-1)?.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });

    const backward = await walk(order, true);
    expect(backward.reverse().flatMap((p) => p.nodes.map((n) => n.id))).toEqual(expected);
    expect(backward.at(-1)?.nodes.map((n) => n.id)).toEqual(expected.slice(-3));
  });

  it('by OFFSET cursors when the order cannot be compared (a picklist)', async () => {
    const order = [{ field: 'leadSource' }];
    const expected = (
      await rows(soql`SELECT Id FROM Contact ORDER BY LeadSource ASC NULLS FIRST, Id ASC`)
    ).map((r) => r.Id);
    const forward = await walk(order, false);
    expect(forward.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(expected);
  });

  it("page a child list from its cursor with the parent's records alone", async () => {
    const [acme] = await rows(
      soql`SELECT Id, (SELECT Id FROM Contacts ORDER BY LastName, Id) FROM Account WHERE Name = 'Acme Corporation'`,
    );
    const ids = ((parentOf(acme ?? {}, 'Contacts')?.records as SalesforceRecord[]) ?? []).map((r) => r.Id);
    expect(ids.length).toBeGreaterThan(1);
    type Account = { account: { contacts: Page<{ id: string }> } };
    const child = `query ($id: ID!, $after: String) {
      account(id: $id) { contacts(first: 1, after: $after, orderBy: [{ field: lastName }]) { nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
    }`;
    const first = await demo.data<Account>(child, { variables: { id: acme?.Id } });
    const second = await demo.data<Account>(child, {
      variables: { id: acme?.Id, after: first.account.contacts.pageInfo.endCursor },
    });
    expect([...first.account.contacts.nodes, ...second.account.contacts.nodes].map((n) => n.id)).toEqual(
      ids.slice(0, 2),
    );
    expect(second.account.contacts.pageInfo.hasPreviousPage).toBe(true);
  });
});

describe('any record', () => {
  it('node(id:) reads a record of any object by its key prefix, under its read rules', async () => {
    const [kase] = await rows(soql`SELECT Id, CaseNumber FROM Case ORDER BY CaseNumber LIMIT 1`);
    const groups = await rows(soql`SELECT Id, Type, Name FROM Group ORDER BY Name`);
    const queue = groups.find((g) => g.Type === 'Queue');
    const other = groups.find((g) => g.Type !== 'Queue');
    const answer = await demo.run<{ case: unknown; queue: unknown; group: unknown; unknown: unknown }>(
      `query ($case: ID!, $queue: ID!, $group: ID!, $unknown: ID!) {
        case: node(id: $case) { __typename id ... on Case { caseNumber } }
        queue: node(id: $queue) { __typename ... on Queue { name } }
        group: node(id: $group) { id }
        unknown: node(id: $unknown) { id }
      }`,
      {
        variables: {
          case: kase?.Id,
          queue: queue?.Id,
          group: other?.Id,
          unknown: toSalesforceId('a0B000000000001'),
        },
      },
    );
    expect(answer.errors).toEqual([]);
    expect(answer.data).toEqual({
      case: { __typename: 'Case', id: kase?.Id, caseNumber: kase?.CaseNumber },
      queue: { __typename: 'Queue', name: queue?.Name },
      // A public group is a Group but no queue; an Id of an object outside the graph is nothing.
      group: null,
      unknown: null,
    });
    expect(answer.calls).toBe(3);
  });

  it('globalSearch finds records of the types asked for, with their relations loaded afterwards', async () => {
    type Found = { __typename: string; name?: string; account?: { name: string } | null };
    const answer = await demo.run<{ globalSearch: Found[] }>(`{
      globalSearch(term: "Johnson", types: [Contact, Account]) {
        __typename ... on Contact { name account { name } } ... on Account { name }
      }
    }`);
    expect(answer.errors).toEqual([]);
    const found = answer.data?.globalSearch ?? [];
    const contacts = await rows(soql`SELECT Name, Account.Name FROM Contact WHERE LastName = 'Johnson'`);
    const accounts = await rows(soql`SELECT Name FROM Account WHERE Name LIKE '%Johnson%'`);
    for (const c of contacts)
      expect(found).toContainEqual({
        __typename: 'Contact',
        name: c.Name,
        account: { name: parentOf(c, 'Account')?.Name },
      });
    for (const a of accounts) expect(found).toContainEqual({ __typename: 'Account', name: a.Name });
    expect(found.every((r) => r.__typename === 'Contact' || r.__typename === 'Account')).toBe(true);
    // The search, then the contacts' accounts in one query.
    expect(answer.calls).toBe(2);

    const one = await demo.data<{ globalSearch: Found[] }>(
      '{ globalSearch(term: "Johnson", first: 1) { __typename } }',
    );
    expect(one.globalSearch).toHaveLength(1);
  });

  it('describe and limits answer from the org', async () => {
    const answer = await demo.data<{
      describe: { name: string; fields: { name: string; type: string }[] };
      limits: { name: string; max: number; remaining: number }[];
    }>('{ describe(object: "Case") { name fields { name type } } limits { name max remaining } }');
    const describe = await demo.client.describe('Case');
    expect(answer.describe.name).toBe('Case');
    expect(answer.describe.fields).toContainEqual({ name: 'Status', type: 'picklist' });
    expect(answer.describe.fields).toHaveLength(describe.fields.length);
    const daily = answer.limits.find((l) => l.name === 'DailyApiRequests');
    expect(daily?.max).toBeGreaterThan(0);
    expect(daily?.remaining).toBeLessThanOrEqual(daily?.max ?? 0);
  });
});
