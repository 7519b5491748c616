import { soql } from '@sfgql/soql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSchema, startDemoSchema } from './demo-schema.ts';

let demo: DemoSchema;
let caseId: string;
beforeAll(async () => {
  demo = await startDemoSchema();
  const [row] = (await demo.client.query(soql`SELECT Id FROM Case LIMIT 1`)).records;
  caseId = String(row?.Id);
});
afterAll(() => demo.close());

describe('bad input is refused with INVALID_INPUT before any call', () => {
  const refusals: [string, string, RegExp][] = [
    ['an Id that is none', '{ contact(id: "not-an-id") { id } }', /not the Id of a contact/],
    ['an Id of another object', '{ contact(id: "$case") { id } }', /not the Id of a contact/],
    ['neither the Id nor a key', '{ case { id } }', /give one of id, caseNumber/],
    ['both the Id and a key', '{ case(id: "$case", caseNumber: "00001101") { id } }', /give one of/],
    ['a node Id that is none', '{ node(id: "003") { id } }', /not a Salesforce Id/],
    [
      'a date that is no day',
      '{ opportunities(where: { closeDate: { gt: "2026-02-30" } }) { nodes { id } } }',
      /not a date/,
    ],
    [
      'a date-time that is none',
      '{ contacts(where: { lastModifiedDate: { gt: "yesterday" } }) { nodes { id } } }',
      /not an ISO 8601 date-time/,
    ],
    [
      'a lookup to an Id of another object',
      '{ contacts(where: { accountId: { eq: "$case" } }) { nodes { id } } }',
      /not the Id of an Account/,
    ],
    ['an empty list', '{ contacts(where: { lastName: { in: [] } }) { nodes { id } } }', /at least one value/],
    [
      'a range compared with null',
      '{ contacts(where: { lastName: { gt: null } }) { nodes { id } } }',
      /needs a value/,
    ],
    ['first beyond 200', '{ contacts(first: 201) { nodes { id } } }', /first must be from 0 to 200/],
    ['first below 0', '{ contacts(first: -1) { nodes { id } } }', /first must be from 0 to 200/],
    [
      'last beyond 200 on a child list',
      '{ accounts { nodes { contacts(last: 500) { nodes { id } } } } }',
      /last must be from 0 to 200/,
    ],
    ['both directions at once', '{ contacts(first: 2, last: 2) { nodes { id } } }', /not both at once/],
    ['a cursor of no list', '{ contacts(after: "garbage") { nodes { id } } }', /not a cursor of this list/],
    [
      'a cursor of another order',
      `{ contacts(orderBy: [{ field: leadSource }], after: "${Buffer.from('{"values":["x","y"]}').toString('base64url')}") { nodes { id } } }`,
      /not a cursor of this list/,
    ],
    [
      'backward on an order that cannot compare',
      '{ contacts(last: 2, orderBy: [{ field: leadSource }]) { nodes { id } } }',
      /last and before need/,
    ],
    [
      'a search term too long',
      `{ contacts(search: "${'x'.repeat(201)}") { nodes { id } } }`,
      /at most 200 characters/,
    ],
    [
      'a global search of punctuation',
      '{ globalSearch(term: "!!") { __typename } }',
      /at least two letters or digits/,
    ],
    ['a global search of nothing', '{ globalSearch(term: " a ") { __typename } }', /at least two characters/],
    [
      'a global search of 0 records',
      '{ globalSearch(term: "Acme", first: 0) { __typename } }',
      /first must be from 1 to 200/,
    ],
  ];

  it.each(refusals)('%s', async (_name, source, message) => {
    const answer = await demo.run(source.replaceAll('$case', caseId));
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    });
    expect(answer.calls).toBe(0);
  });
});

describe('hostile values', () => {
  it('are compared as values, never as SOQL', async () => {
    const answer = await demo.run<{ contacts: { nodes: unknown[] } }>(
      `query ($name: String) { contacts(where: { lastName: { eq: $name } }) { nodes { id } } }`,
      { variables: { name: "x' OR Name != '" } },
    );
    expect(answer.errors).toEqual([]);
    expect(answer.data?.contacts.nodes).toEqual([]);
    expect(answer.soql[0]).toContain("LastName = 'x\\' OR Name != \\''");
  });

  it('a value of the wrong type is refused by the schema itself', async () => {
    const answer = await demo.run('{ contacts(first: "ten") { nodes { id } } }');
    expect(answer.errors.map((e) => e.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(answer.calls).toBe(0);
  });
});
