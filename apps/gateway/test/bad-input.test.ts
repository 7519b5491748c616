import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Sends a query that must fail with `code`, with a clear message, no 500 and no Salesforce call. */
async function refused(query: string, code: string, variables: Record<string, unknown> = {}) {
  await h.resetCalls();
  const { status, body } = await h.graphql(query, variables);
  expect(status).toBeLessThan(500);
  expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body.errors)).toBe(code);
  expect(body.errors?.[0]?.message.length).toBeGreaterThan(10);
  expect((await h.calls()).total).toBe(0);
  return body.errors?.[0]?.message ?? '';
}

describe('bad input: a clear error and code, no call to Salesforce', () => {
  it('syntax errors, unknown fields, wrong argument types', async () => {
    await refused('{ contacts(first: 5) { nodes { name }', 'GRAPHQL_PARSE_FAILED');
    expect(await refused('{ contacts { nodes { shoeSize } } }', 'GRAPHQL_VALIDATION_FAILED')).toContain(
      'shoeSize',
    );
    await refused('{ contacts(first: "ten") { nodes { name } } }', 'GRAPHQL_VALIDATION_FAILED');
    await refused('query ($n: Int) { contacts(first: $n) { nodes { name } } }', 'BAD_USER_INPUT', { n: 'x' });
  });

  it('invalid Ids, of the wrong object too', async () => {
    await refused('{ contact(id: "not-an-id") { name } }', 'INVALID_INPUT');
    expect(await refused('{ contact(id: "5005g0000000004AAA") { name } }', 'INVALID_INPUT')).toContain(
      'contact',
    );
    await refused(
      '{ contacts(where: { accountId: { eq: "x\' OR Id != \'" } }) { nodes { name } } }',
      'INVALID_INPUT',
    );
    await refused('mutation { deleteCase(id: "0035g0000000001AAA") { __typename } }', 'INVALID_INPUT');
    await refused('{ node(id: "x\' OR Id != \'") { id } }', 'INVALID_INPUT');
  });

  it('filters on fields that cannot be filtered, malformed dates, empty lists', async () => {
    await refused(
      '{ cases(where: { description: { eq: "x" } }) { nodes { id } } }',
      'GRAPHQL_VALIDATION_FAILED',
    );
    await refused(
      '{ cases(orderBy: [{ field: description }]) { nodes { id } } }',
      'GRAPHQL_VALIDATION_FAILED',
    );
    await refused(
      '{ opportunities(where: { closeDate: { gt: "next week" } }) { nodes { id } } }',
      'INVALID_INPUT',
    );
    await refused('{ contacts(where: { lastName: { in: [] } }) { nodes { id } } }', 'INVALID_INPUT');
    await refused(
      '{ opportunities(where: { closeDate: { gt: "2026-02-31" } }) { nodes { id } } }',
      'INVALID_INPUT',
    );
  });

  it('an in list too long for a Salesforce query: refused; a thousand Ids: answered, in one call', async () => {
    const long = Array.from({ length: 1000 }, (_, i) => `${'x'.repeat(900)}${i}`);
    expect(
      await refused(
        'query ($v: [String!]) { contacts(where: { lastName: { in: $v } }) { nodes { id } } }',
        'INVALID_INPUT',
        {
          v: long,
        },
      ),
    ).toContain('fit in a Salesforce query');
    const id = (
      await h.graphql<{ contacts: { nodes: { id: string }[] } }>('{ contacts(first: 1) { nodes { id } } }')
    ).body.data?.contacts.nodes[0]?.id;
    const ids = [id, ...Array.from({ length: 999 }, (_, i) => `003${String(i).padStart(12, '0')}AAA`)];
    await h.resetCalls();
    const { body } = await h.graphql<{ contacts: { nodes: { id: string }[] } }>(
      'query ($ids: [ID!]) { contacts(where: { id: { in: $ids } }) { nodes { id } } }',
      { ids },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.contacts.nodes.map((n) => n.id)).toEqual([id]);
    // Its URL would pass Salesforce's 16 KB: the query went in a composite request, still one call.
    expect((await h.calls()).total).toBe(1);
  });

  it('first above the maximum, in a child list too; cursors that are not ours', async () => {
    expect(await refused('{ contacts(first: 201) { nodes { id } } }', 'INVALID_INPUT')).toContain('200');
    await refused('{ accounts { nodes { contacts(first: 1000) { nodes { id } } } } }', 'INVALID_INPUT');
    await refused('{ contacts(after: "eyJ2YWx1ZXMiOlsxXX0") { nodes { id } } }', 'INVALID_INPUT');
    await refused('{ contacts(first: 2, last: 2) { nodes { id } } }', 'INVALID_INPUT');
    await refused('{ contacts(last: 500) { nodes { id } } }', 'INVALID_INPUT');
    await refused('{ cases(last: 2, orderBy: [{ field: status }]) { nodes { id } } }', 'INVALID_INPUT');
  });

  it('queries over the depth or alias limits', async () => {
    // contacts > nodes > account, six times: 19 levels.
    const deep = `{ ${'contacts { nodes { account { '.repeat(6)}name${' } } }'.repeat(6)} }`;
    expect(await refused(deep, 'QUERY_TOO_DEEP')).toContain('levels deep');
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: contacts(first: 1) { nodes { id } }`).join(
      ' ',
    );
    await refused(`{ ${aliases} }`, 'TOO_MANY_ALIASES');
  });

  it('through fragments too; a spread of an unknown fragment is a validation error, not a crash', async () => {
    // contacts > nodes > C: account > contacts > nodes, five times: 17 levels.
    const levels = 'account { contacts { nodes { '.repeat(5);
    await refused(
      `{ contacts { nodes { ...C } } } fragment C on Contact { ${levels}name${' } } }'.repeat(5)} }`,
      'QUERY_TOO_DEEP',
    );
    await refused('{ contacts { nodes { ...Missing } } }', 'GRAPHQL_VALIDATION_FAILED');
    // Eleven aliases in a fragment spread three times: 33.
    const aliased = Array.from({ length: 11 }, (_, i) => `a${i}: name`).join(' ');
    await refused(
      `{ contacts(first: 1) { nodes { ...F ...F ...F } } } fragment F on Contact { ${aliased} }`,
      'TOO_MANY_ALIASES',
    );
  });

  it('documents over the token limit stop parsing, with a code', async () => {
    const fields = Array.from({ length: 2100 }, () => 'name').join(' ');
    expect(await refused(`{ contacts { nodes { ${fields} } } }`, 'TOO_MANY_TOKENS')).toContain('2000 tokens');
  });

  it('queries that could return too many values: refused before anything is fetched', async () => {
    const message = await refused(
      '{ accounts(first: 200) { nodes { contacts(first: 200) { nodes { name cases(first: 50) { nodes { subject } } } } } } }',
      'QUERY_TOO_COSTLY',
    );
    expect(message).toContain('50000');
    // The cost follows the variables: the same document is fine with a small page.
    const doc =
      'query ($n: Int) { accounts(first: $n) { nodes { contacts(first: $n) { nodes { name cases(first: $n) { nodes { subject } } } } } } }';
    await refused(doc, 'QUERY_TOO_COSTLY', { n: 100 });
    await h.resetCalls();
    const small = await h.graphql(doc, { n: 3 });
    expect(small.body.errors).toBeUndefined();
    await refused(doc, 'QUERY_TOO_COSTLY', { n: 100 });
  });

  it('a remembered cost follows every variable it depends on: defaults, nulls and @include', async () => {
    const costly = 'accounts(first: 200) { nodes { contacts(first: 200) { nodes { name } } } }';
    // $n left out takes its default (costly); sent as null, the schema's default page applies (cheap).
    const byDefault =
      'query ($n: Int = 200) { accounts(first: $n) { nodes { contacts(first: $n) { nodes { name cases(first: $n) { nodes { subject } } } } } } }';
    await refused(byDefault, 'QUERY_TOO_COSTLY');
    await h.resetCalls();
    expect((await h.graphql(byDefault, { n: null })).body.errors).toBeUndefined();
    await refused(byDefault, 'QUERY_TOO_COSTLY');
    // The costly part counts only when it is included; other variables (the filter) do not matter.
    const included = `query ($big: Boolean!, $name: String) { contacts(first: 1, where: { lastName: { eq: $name } }) { nodes { name } } big: ${costly.replace('(first: 200)', '(first: 200) @include(if: $big)')} }`;
    await refused(included, 'QUERY_TOO_COSTLY', { big: true, name: 'a' });
    expect((await h.graphql(included, { big: false, name: 'a' })).body.errors).toBeUndefined();
    await refused(included, 'QUERY_TOO_COSTLY', { big: true, name: 'b' });
    // One document, two operations: each has its own cost.
    const two = `query Small { contacts(first: 1) { nodes { name } } } query Big { ${costly.replace('name', 'name cases(first: 50) { nodes { subject } }')} }`;
    const run = async (operationName: string) => {
      const response = await h.gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${h.token}` },
        body: JSON.stringify({ query: two, operationName }),
      });
      return ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors;
    };
    for (let i = 0; i < 2; i++) {
      expect(await run('Small')).toBeUndefined();
      expect((await run('Big'))?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    }
  });

  it('GraphiQL and other tools may introspect the schema within the limits', async () => {
    const { body } = await h.graphql(getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    expect((body.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(50);
  });

  it('batches above the limit are refused as a whole', async () => {
    const batch = (n: number) =>
      h.gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${h.token}` },
        body: JSON.stringify(Array.from({ length: n }, () => ({ query: '{ __typename }' }))),
      });
    const ok = await batch(5);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveLength(5);
    await h.resetCalls();
    const tooMany = await batch(6);
    expect(tooMany.status).toBeGreaterThanOrEqual(400);
    expect(tooMany.status).toBeLessThan(500);
    expect(JSON.stringify(await tooMany.json())).toContain('5');
    expect((await h.calls()).total).toBe(0);
  });

  it('hostile search strings are searched for literally', async () => {
    for (const term of ["' OR Name != '", '%', '\\', "x') OR (Id != null"]) {
      await h.resetCalls();
      const { body } = await h.graphql('query ($q: String) { contacts(search: $q) { nodes { name } } }', {
        q: term,
      });
      expect(body.errors).toBeUndefined();
      expect((body.data as { contacts: { nodes: unknown[] } }).contacts.nodes).toEqual([]);
    }
    await refused('{ globalSearch(term: "a") { __typename } }', 'INVALID_INPUT');
    await refused('{ case(id: "5005g0000000004AAA", caseNumber: "00001104") { id } }', 'INVALID_INPUT');
  });
});

describe('the server', () => {
  it('answers /healthz, and /readyz while Salesforce answers', async () => {
    expect((await h.gateway.fetch('http://gateway/healthz')).status).toBe(200);
    const ready = await h.gateway.fetch('http://gateway/readyz');
    expect(await ready.json()).toEqual({ status: 'ready', salesforce: 'up' });
  });

  it('serves GraphiQL to a browser at /graphql', async () => {
    const page = await h.gateway.fetch('http://gateway/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('graphiql');
  });
});
