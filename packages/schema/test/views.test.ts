import { contactSpec } from '@sfgql/objects/contact';
import { searchKnowledge } from '@sfgql/objects/knowledge';
import { getContactTimeline, runTimeline } from '@sfgql/objects/related';
import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSchema, startDemoSchema } from './demo-schema.ts';

let demo: DemoSchema;
beforeAll(async () => {
  demo = await startDemoSchema();
});
afterAll(() => demo.close());

const SARAH = 'Sarah Johnson';
const sarahId = async () =>
  String((await demo.client.query(soql`SELECT Id FROM Contact WHERE Name = ${SARAH}`)).records[0]?.Id);

type Timeline = {
  id: string;
  name: string | null;
  activities: Record<string, unknown>[];
  cases: Record<string, unknown>[];
  notes: Record<string, unknown>[];
};

describe('timelines', () => {
  const parts = `
    id name
    activities { id type kind subject date endDateTime status priority callType callDisposition
      callDurationInSeconds location description whoId whoName whatId whatName }
    cases { id caseNumber subject status priority origin contactId ownerId createdDate isClosed }
    notes { id title lastModifiedDate }`;

  it("are the catalog's own timeline, field for field, in one more call", async () => {
    const id = await sarahId();
    const answer = await demo.run<{ contact: { timeline: Timeline } }>(
      `query ($id: ID!) { contact(id: $id) { timeline(first: 3) { ${parts} } } }`,
      { variables: { id } },
    );
    expect(answer.errors).toEqual([]);
    const own = await getContactTimeline.run({ client: demo.client }, { id, limit: 3 });
    expect(answer.data?.contact.timeline).toEqual(own);
    expect(answer.data?.contact.timeline.activities.length).toBeGreaterThan(0);
    // The contact, then its timeline.
    expect(answer.calls).toBe(2);
  });

  it('of every record of a page are read together, each as it is on its own', async () => {
    const answer = await demo.run<{
      contacts: { nodes: { id: string; timeline: Timeline }[] };
    }>(`{ contacts(first: 25) { nodes { id timeline(first: 2) { ${parts} } } } }`);
    expect(answer.errors).toEqual([]);
    const nodes = answer.data?.contacts.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(5);
    // The page, then one statement for all its timelines.
    expect(answer.calls).toBe(2);
    for (const node of nodes)
      expect(node.timeline, node.id).toEqual(
        await runTimeline({ client: demo.client }, contactSpec, { id: node.id, limit: 2 }),
      );
  });

  it('refuse a size out of range before any call', async () => {
    const id = await sarahId();
    for (const first of [0, 51]) {
      const answer = await demo.run(
        `query ($id: ID!, $first: Int) { contact(id: $id) { timeline(first: $first) { id } } }`,
        { variables: { id, first } },
      );
      expect(answer.errors).toEqual([
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/first must be from 1 to 50/),
        }),
      ]);
    }
  });
});

describe('knowledge search', () => {
  const search = `query ($term: String) {
    knowledgeArticles(search: $term, first: 10) { nodes { id articleNumber title } totalCount }
  }`;
  type Found = { knowledgeArticles: { nodes: { id: string; articleNumber: string }[]; totalCount: number } };

  it('is full text, as through every door: any form of any word, the most relevant first', async () => {
    const answer = await demo.run<Found>(search, { variables: { term: 'refunds for a charge' } });
    expect(answer.errors).toEqual([]);
    const nodes = answer.data?.knowledgeArticles.nodes ?? [];
    const own = await searchKnowledge.run(
      { client: demo.client },
      { term: 'refunds for a charge', limit: 10 },
    );
    expect(nodes.map((n) => n.id)).toEqual((own as { records: { id: string }[] }).records.map((r) => r.id));
    expect(nodes[0]?.articleNumber).toBe('000001234');
    expect(answer.data?.knowledgeArticles.totalCount).toBe(nodes.length);
    expect(answer.calls).toBe(1);
  });

  it('searches hostile text as words: nothing but articles, never a query error', async () => {
    for (const term of ['} RETURNING Contact(Id, Email) FIND {', "' OR Title != '", 'refund*) OR (x']) {
      const answer = await demo.run<Found>(
        `query ($term: String) { knowledgeArticles(search: $term) { nodes { __typename id } } }`,
        { variables: { term } },
      );
      expect(answer.errors, term).toEqual([]);
      for (const node of answer.data?.knowledgeArticles.nodes ?? [])
        expect(node, term).toMatchObject({
          __typename: 'KnowledgeArticle',
          id: expect.stringMatching(/^ka0/),
        });
    }
  });

  it('refuses an order, a filter or a cursor with a search, and a term without a word', async () => {
    const ordered = await demo.run(
      `{ knowledgeArticles(search: "refund", orderBy: [{ field: title }]) { nodes { id } } }`,
    );
    expect(ordered.errors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/orderBy cannot go with it/),
      }),
    ]);
    expect(ordered.calls).toBe(0);
    const empty = await demo.run(`{ knowledgeArticles(search: "?!") { nodes { id } } }`);
    expect(empty.errors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT' })]);
    expect(empty.calls).toBe(0);
  });
});
