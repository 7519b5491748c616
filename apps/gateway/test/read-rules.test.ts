import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// The catalog's read rules (default filters with a way out, base filters, default order, keys) as the
// graph applies them; the conformance suite checks that the REST door gives the same answers.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

async function data(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const { body } = await h.graphql<Data>(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}
const names = (connection: Data) => connection.nodes.map((n: Data) => n.name);

describe('default filters, with a way to ask for the rest', () => {
  it('users: active only, unless includeInactive', async () => {
    const d = await data(
      '{ active: users(search: "Jordan") { nodes { name } } all: users(search: "Jordan", includeInactive: true) { nodes { name isActive } } }',
    );
    expect(names(d.active)).toEqual([]);
    expect(d.all.nodes).toEqual([{ name: 'Jordan Lee', isActive: false }]);
  });

  it("pricebook entries: the standard price book's, unless allPricebooks", async () => {
    const d = await data(
      '{ standard: pricebookEntries(search: "Enterprise") { nodes { unitPrice } } all: pricebookEntries(search: "Enterprise", allPricebooks: true) { nodes { unitPrice } } }',
    );
    expect(d.standard.nodes.map((n: Data) => n.unitPrice)).toEqual([5000]);
    expect(d.all.nodes.map((n: Data) => n.unitPrice).sort()).toEqual([4500, 5000]);
  });

  it('products and campaigns: active only, unless includeInactive', async () => {
    const d = await data(
      '{ p: products(search: "Legacy") { nodes { name } } pAll: products(search: "Legacy", includeInactive: true) { nodes { name } } c: campaigns(search: "Conference") { nodes { name } } cAll: campaigns(search: "Conference", includeInactive: true) { nodes { name } } }',
    );
    expect([names(d.p), names(d.pAll), names(d.c), names(d.cAll)]).toEqual([
      [],
      ['Legacy Connector'],
      [],
      ['2025 Customer Conference'],
    ]);
  });
});

describe('the default order', () => {
  it('is most recently modified first, not Id order', async () => {
    const d = await data('{ cases(first: 50) { nodes { id lastModifiedDate } } }');
    const dates = d.cases.nodes.map((n: Data) => n.lastModifiedDate);
    expect(dates).toEqual([...dates].sort().reverse());
    const ids = d.cases.nodes.map((n: Data) => n.id);
    expect(ids).not.toEqual([...ids].sort());
  });
});

describe('one record by its keys', () => {
  it('a knowledge article by its version Id, its article Id or its number', async () => {
    const { knowledgeArticle: article } = await data(
      '{ knowledgeArticle(articleNumber: "000001234") { id knowledgeArticleId articleNumber title } }',
    );
    expect(article.articleNumber).toBe('000001234');
    expect(article.knowledgeArticleId).toMatch(/^kA0/);
    const byIds = await data(
      'query ($v: ID!, $a: ID!) { v: knowledgeArticle(id: $v) { id } a: knowledgeArticle(id: $a) { id } }',
      { v: article.id, a: article.knowledgeArticleId },
    );
    expect(byIds).toEqual({ v: { id: article.id }, a: { id: article.id } });
  });

  it('refuses two keys at once, or none', async () => {
    for (const query of [
      '{ case(id: "5005g0000000004AAA", caseNumber: "00001104") { id } }',
      '{ case { id } }',
    ]) {
      const { body } = await h.graphql(query);
      expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    }
  });

  it('node(id:) applies the object rules: a public group is not a queue', async () => {
    const { queues } = await data('{ queues { nodes { id name } } }');
    // The org's public group, read from Salesforce itself.
    const soql = encodeURIComponent("SELECT Id FROM Group WHERE Type = 'Regular' LIMIT 1");
    const groups = (await (
      await fetch(`${h.emulator.url}/services/data/v60.0/query?q=${soql}`, {
        headers: { authorization: `Bearer ${h.token}` },
      })
    ).json()) as { records: { Id: string }[] };
    const groupId = groups.records[0]?.Id;
    expect(groupId).toMatch(/^00G/);
    const d = await data(
      'query ($q: ID!, $g: ID!) { q: node(id: $q) { __typename id } g: node(id: $g) { __typename id } }',
      { q: queues.nodes[0].id, g: groupId },
    );
    expect(d.q).toEqual({ __typename: 'Queue', id: queues.nodes[0].id });
    expect(d.g).toBeNull();
  });
});
