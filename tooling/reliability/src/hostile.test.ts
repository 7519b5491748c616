import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type Json, type Stack, startStack } from './stack.ts';

/**
 * A corpus of hostile input through both adapters. Every request must be answered with a clear
 * 4xx or a GraphQL error (or, for input that is merely odd, a correct empty answer), never a 5xx,
 * and must not reach Salesforce unless it is a legitimate request: an injection string may be
 * looked up, but only as an escaped literal.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // Both adapters check the caller's token once and trust it for a while: done before counting.
  expect((await stack.graphql('{ case(caseNumber: "00001104") { id } }')).status).toBe(200);
  expect((await stack.rest('GET', '/cases/by-number/00001104')).status).toBe(200);
});
afterAll(() => stack?.close());

/** Sends a raw request and answers with the status, the body and the Salesforce calls it caused. */
async function raw(
  base: 'gateway' | 'actions',
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer & { calls: Awaited<ReturnType<Stack['controls']['metrics']>> }> {
  await stack.controls.resetMetrics();
  const url = `${base === 'gateway' ? stack.gatewayUrl : stack.actionsUrl}${path}`;
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${stack.token}`, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, body, headers: response.headers, calls: await stack.controls.metrics() };
}

const gql = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  raw('gateway', '/graphql', { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** A clear refusal: a 4xx, or a GraphQL answer whose errors say why; never a 5xx. */
function expectRefusal(answer: Answer, label: string) {
  expect(answer.status, `${label}: ${JSON.stringify(answer.body)?.slice(0, 300)}`).toBeLessThan(500);
  if (answer.status < 400) {
    expect(
      answer.body?.errors?.length,
      `${label}: no error in ${JSON.stringify(answer.body)?.slice(0, 300)}`,
    ).toBeGreaterThan(0);
  }
  const code = answer.body?.errors?.[0]?.extensions?.code ?? answer.body?.code;
  expect(code, `${label}: an error without a code`).not.toBe('INTERNAL_SERVER_ERROR');
}

/** The string as a SOQL literal carries it: backslashes and quotes escaped. */
const escaped = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/"/g, '\\"');

const INJECTIONS = [
  "' OR Id != null OR CaseNumber = '",
  "00001104' OR CaseNumber != '",
  "\\' OR 1=1 --",
  "%' OR Subject LIKE '%",
  '00001104\\',
  "'; DELETE FROM Case; --",
  '" OR ""="',
  "00001104' LIMIT 1) FROM Case WHERE (Id != '",
  "' AND Id IN (SELECT Id FROM User) AND CaseNumber = '",
  '\u0000',
];

const SOSL_INJECTIONS = [
  '} RETURNING User(Id, Username) FIND {Acme',
  'Acme} IN ALL FIELDS RETURNING User(Id',
  '*',
  '"Acme" AND NOT x OR',
  'Acme\\',
  '{!}',
  '?*?* Acme',
  'Acme) OR (x',
  "Acme' OR '1'='1",
];

const UNICODE = [
  '\u0000\u0001\u001f',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil\u202c',
  'a\u200b\u200db',
  '🙂👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  '０００１１０４',
  'ﬀﬁﬂ',
  'Z̴̡̢͇̗̆a̷̛̭̤͂l̸̰̈́g̶̢̛o',
  '\uffff\ufffe',
];

describe('GraphQL: hostile input', () => {
  it('looks up injection strings only as escaped literals, and finds nothing', async () => {
    for (const value of INJECTIONS) {
      const answer = await gql({
        query: 'query ($n: String) { case(caseNumber: $n) { id caseNumber } }',
        variables: { n: value },
      });
      expect(answer.status, value).toBeLessThan(500);
      if (answer.body.errors) expectRefusal(answer, value);
      else expect(answer.body.data.case, value).toBeNull();
      expect(answer.calls.total, value).toBeLessThanOrEqual(1);
      for (const soql of Object.keys(answer.calls.bySoql))
        expect(soql, value).toContain(`'${escaped(value)}'`);
    }
  });

  it('filters on injection strings as literals', async () => {
    for (const value of [...INJECTIONS, ...UNICODE]) {
      const answer = await gql({
        query:
          'query ($s: String) { cases(first: 5, where: { subject: { contains: $s } }) { nodes { id subject } } }',
        variables: { s: value },
      });
      expect(answer.status, value).toBeLessThan(500);
      if (answer.body.errors) expectRefusal(answer, value);
      else
        for (const node of answer.body.data.cases.nodes)
          expect(node.subject.toLowerCase(), value).toContain(value.toLowerCase());
      expect(answer.calls.total, value).toBeLessThanOrEqual(1);
    }
  });

  it('searches SOSL injection strings as terms, or refuses them, never breaking out of FIND', async () => {
    for (const value of [...SOSL_INJECTIONS, ...UNICODE]) {
      const answer = await gql({
        query: 'query ($t: String!) { globalSearch(term: $t, first: 5) { __typename } }',
        variables: { t: value },
      });
      expect(answer.status, value).toBeLessThan(500);
      if (answer.body.errors) expectRefusal(answer, value);
      else for (const hit of answer.body.data.globalSearch) expect(hit.__typename, value).not.toBe('User');
      expect(answer.calls.byResource.query ?? 0, value).toBe(0);
      expect(answer.calls.total, value).toBeLessThanOrEqual(2);
    }
  });

  it('refuses unicode edge cases in lookups cleanly', async () => {
    for (const value of UNICODE) {
      const answer = await gql({
        query: 'query ($n: String) { case(caseNumber: $n) { id } }',
        variables: { n: value },
      });
      expect(answer.status, value).toBeLessThan(500);
      if (answer.body.errors) expectRefusal(answer, value);
      else expect(answer.body.data.case, value).toBeNull();
    }
  });

  const bombs: [string, () => Promise<Answer & { calls: Json }>][] = [
    [
      'an alias bomb',
      () =>
        gql({
          query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: case(caseNumber: "00001104") { id }`).join(' ')} }`,
        }),
    ],
    [
      'a field repeated 20,000 times',
      () => gql({ query: `{ case(caseNumber: "00001104") { ${'id '.repeat(20_000)} } }` }),
    ],
    [
      'a batch bomb',
      () => gql(Array.from({ length: 200 }, () => ({ query: '{ case(caseNumber: "00001104") { id } }' }))),
    ],
    [
      'a deep query',
      () =>
        gql({
          query: `{ contacts(first: 1) { nodes { ${'account { contacts(first: 1) { nodes { '.repeat(30)} id ${'} } }'.repeat(30)} } } }`,
        }),
    ],
    [
      'a deep introspection query',
      () =>
        gql({
          query: `{ __schema { types { ${'fields { type { '.repeat(40)} name ${'} } '.repeat(40)} } } }`,
        }),
    ],
    [
      'cyclic fragments',
      () =>
        gql({
          query:
            '{ case(caseNumber: "00001104") { ...A } } fragment A on Case { id ...B } fragment B on Case { subject ...A }',
        }),
    ],
    [
      'a fragment chain 300 deep',
      () =>
        gql({
          query: `{ case(caseNumber: "00001104") { ...F0 } } ${Array.from({ length: 300 }, (_, i) => `fragment F${i} on Case { id ${i < 299 ? `...F${i + 1}` : ''} }`).join(' ')}`,
        }),
    ],
    ['a directive bomb', () => gql({ query: `{ __typename ${'@include(if: true) '.repeat(3000)} }` })],
    ['a 3 MB document', () => gql({ query: `{ __typename } # ${'x'.repeat(3 * 1024 * 1024)}` })],
    [
      'a list of 100,000 ids',
      () =>
        gql({
          query: 'query ($ids: [ID!]) { cases(where: { id: { in: $ids } }) { nodes { id } } }',
          variables: {
            ids: Array.from({ length: 100_000 }, (_, i) => `500000000000${String(i).padStart(6, '0')}`),
          },
        }),
    ],
    [
      'a 1 MB subject in a create',
      () =>
        gql({
          query: 'mutation ($i: CreateCaseInput!) { createCase(input: $i) { __typename } }',
          variables: { i: { subject: 'x'.repeat(1024 * 1024) } },
        }),
    ],
    [
      'variables nested 5,000 deep',
      () =>
        gql(
          `{"query":"mutation ($i: CreateCaseInput!) { createCase(input: $i) { __typename } }","variables":{"i":{"subject":${'['.repeat(5000)}${']'.repeat(5000)}}}}`,
        ),
    ],
    [
      'a mutation over GET',
      () =>
        raw(
          'gateway',
          `/graphql?query=${encodeURIComponent('mutation { createCase(input: { subject: "x" }) { __typename } }')}`,
          {
            method: 'GET',
            headers: { accept: 'application/json' },
          },
        ),
    ],
    ['an unknown operation name', () => gql({ query: 'query A { __typename }', operationName: 'B' })],
    ['a subscription', () => gql({ query: 'subscription { __typename }' })],
    [
      'a variable of the wrong type',
      () => gql({ query: 'query ($n: Int) { case(caseNumber: $n) { id } }', variables: { n: 1 } }),
    ],
    ['variables that are a string', () => gql({ query: '{ __typename }', variables: '[1,2' })],
  ];

  it('refuses bombs and abusive documents before any Salesforce call', async () => {
    for (const [label, send] of bombs) {
      const answer = await send();
      expectRefusal(answer, label);
      expect(answer.calls.total, label).toBe(0);
    }
  });

  it('answers an empty batch with an empty list, and calls nothing', async () => {
    const answer = await gql([]);
    expect(answer.status).toBeLessThan(500);
    expect(answer.calls.total).toBe(0);
  });

  it('refuses malformed JSON and wrong content types with a 4xx', async () => {
    const bodies: [string, string, Record<string, string>][] = [
      ['truncated JSON', '{"query": "{ __typename }"', { 'content-type': 'application/json' }],
      ['not JSON', 'not json', { 'content-type': 'application/json' }],
      ['a number as the query', '{"query": 5}', { 'content-type': 'application/json' }],
      ['null', 'null', { 'content-type': 'application/json' }],
      ['an empty body', '', { 'content-type': 'application/json' }],
      ['JSON with a BOM and garbage', '\ufeff{"query":', { 'content-type': 'application/json' }],
      [
        'text/plain',
        '{"query":"{ case(caseNumber: \\"00001104\\") { id } }"}',
        { 'content-type': 'text/plain' },
      ],
      ['XML', '<query>{ __typename }</query>', { 'content-type': 'application/xml' }],
      ['no content type', '{"query":"{ __typename }"}', {}],
    ];
    for (const [label, body, headers] of bodies) {
      const answer = await gql(body, headers);
      expectRefusal(answer, label);
      expect(answer.calls.total, label).toBe(0);
    }
  });
});

describe('REST: hostile input', () => {
  const rest = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    raw('actions', path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
      ...(body !== undefined ? { body } : {}),
    });

  it('looks up injection strings only as escaped literals, and finds nothing', async () => {
    for (const value of [...INJECTIONS, '\ud800', '\u0000']) {
      // A lone surrogate cannot be sent as UTF-8: its bytes arrive invalid (ED A0 80).
      const encoded = value === '\ud800' ? '%ED%A0%80' : encodeURIComponent(value);
      const answer = await rest('GET', `/cases/by-number/${encoded}`);
      expect(answer.status, value).toBeGreaterThanOrEqual(400);
      expectRefusal(answer, value);
      expect(answer.calls.total, value).toBeLessThanOrEqual(1);
      if (value !== '\ud800')
        for (const soql of Object.keys(answer.calls.bySoql))
          expect(soql, value).toContain(`'${escaped(value)}'`);
    }
  });

  it('searches injection and unicode strings as terms, or refuses them', async () => {
    for (const value of [...INJECTIONS, ...SOSL_INJECTIONS, ...UNICODE]) {
      if (/[\ud800-\udfff]/.test(value) && !/[\ud800-\udbff][\udc00-\udfff]/.test(value)) continue;
      for (const path of [
        `/cases?term=${encodeURIComponent(value)}`,
        `/search?term=${encodeURIComponent(value)}`,
      ]) {
        const answer = await rest('GET', path);
        expect(answer.status, `${path}`).toBeLessThan(500);
        if (answer.status >= 400) expectRefusal(answer, path);
        expect(answer.calls.total, path).toBeLessThanOrEqual(2);
        for (const record of answer.body?.records ?? [])
          expect(record.attributes?.type ?? '', path).not.toBe('User');
      }
    }
  });

  it('refuses malformed paths, ids, encodings and parameters with a 4xx, before Salesforce', async () => {
    const paths = [
      "/cases/' OR 1=1",
      '/cases/500000000000000AAA%27%20OR%201%3D1',
      '/cases/..%2F..%2Fservices%2Fdata',
      '/cases/%2e%2e/%2e%2e/__emulator/reset',
      '/cases/%E0%A4%A',
      '/cases/%',
      `/cases/by-number/${'9'.repeat(10_000)}`,
      '/cases?term=a&term=b&limit=1e9',
      '/cases?limit=-1',
      '/cases?limit=NaN',
      '/cases?fields=Password&fields=__proto__',
      '/cases?__proto__[admin]=1',
      '/search?term=',
      '/search?term=%E0%A4%A',
      '/records/001%00',
      '/objects/User%27/describe',
    ];
    for (const path of paths) {
      const answer = await rest('GET', path);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)?.slice(0, 200)}`).toBeGreaterThanOrEqual(
        400,
      );
      expectRefusal(answer, path);
      expect(answer.calls.total, path).toBe(0);
    }
  });

  it('refuses hostile bodies with a 4xx, before Salesforce', async () => {
    const bodies: [string, string, string | undefined, Record<string, string>?][] = [
      ['truncated JSON', 'POST', '{"Subject": "x"'],
      ['not JSON', 'POST', 'not json'],
      ['an array', 'POST', '[{"Subject":"x"}]'],
      ['a string', 'POST', '"Subject"'],
      ['null', 'POST', 'null'],
      ['a 3 MB body', 'POST', JSON.stringify({ Subject: 'x'.repeat(3 * 1024 * 1024) })],
      ['a 100,000-character subject', 'POST', JSON.stringify({ Subject: 'x'.repeat(100_000) })],
      ['nested 10,000 deep', 'POST', `{"Subject":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
      ['a prototype key', 'POST', '{"__proto__":{"admin":true},"Subject":"x"}'],
      ['a constructor key', 'POST', '{"constructor":{"prototype":{"admin":true}},"Subject":"x"}'],
      ['an unknown field', 'POST', '{"Subject":"x","OwnerId":"005000000000000AAA","IsDeleted":true}'],
      ['a wrong type', 'POST', '{"Subject":{"$ne":null}}'],
      ['a forged token field', 'POST', '{"Subject":"x","confirmationToken":{"alg":"none"}}'],
      ['duplicate keys', 'POST', '{"Subject":"x","Subject":{"a":1}}'],
      ['text/plain', 'POST', '{"Subject":"x"}', { 'content-type': 'text/plain' }],
      ['a form', 'POST', 'Subject=x', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['XML', 'POST', '<Subject>x</Subject>', { 'content-type': 'application/xml' }],
    ];
    for (const [label, method, body, headers] of bodies) {
      const answer = await rest(method, '/cases', body, headers);
      expect(answer.status, `${label}: ${JSON.stringify(answer.body)?.slice(0, 200)}`).toBeGreaterThanOrEqual(
        400,
      );
      expectRefusal(answer, label);
      expect(answer.calls.total, label).toBe(0);
    }
  });

  it('answers unknown methods and routes with a 4xx', async () => {
    for (const [method, path] of [
      ['PUT', '/cases'],
      ['DELETE', '/cases'],
      ['GET', '/services/data/v60.0/query?q=SELECT+Id+FROM+User'],
      ['GET', '/__emulator/metrics'],
    ] as const) {
      const answer = await raw('actions', path, { method });
      expect(answer.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path}`).toBeLessThan(500);
      expect(answer.calls.total).toBe(0);
    }
  });
});
