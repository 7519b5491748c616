import { DEMO } from '@sfgql/emulator';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type Stack, startStack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const CASE_QUERY = '{ case(caseNumber: "00001104") { id subject } }';

/**
 * Refused: a 401 with an auth code, no data, and nothing read from Salesforce. A token the
 * adapters checked before is trusted for a while (`SFGQL_AUTH_CACHE_TTL_MS`), so Salesforce itself
 * refuses it then: the REST adapter still answers 401, the gateway a GraphQL error with the code
 * `SF_SESSION_EXPIRED` (HTTP 200, as for any field error) and no data.
 */
async function expectRefused(call: () => Promise<Answer>, options: { cached?: boolean } = {}) {
  await stack.controls.resetMetrics();
  const { status, body } = await call();
  const code = body?.errors?.[0]?.extensions?.code ?? body?.code;
  expect(body?.data?.case ?? body?.Id ?? null).toBeNull();
  if (options.cached && body?.errors) {
    expect(code).toBe('SF_SESSION_EXPIRED');
    return;
  }
  expect(status, JSON.stringify(body)).toBe(401);
  expect(code).toMatch(/^SF_(AUTH_REQUIRED|AUTH_FAILED|SESSION_EXPIRED)$/);
  if (options.cached) return;
  const { byResource } = await stack.controls.metrics();
  expect(byResource.query ?? 0).toBe(0);
  expect(byResource.sobjects ?? 0).toBe(0);
}

const both = (token: string | null) => ({
  graphql: () => stack.graphql(CASE_QUERY, undefined, { token }),
  rest: () => stack.rest('GET', '/cases/by-number/00001104', undefined, { token }),
});

describe('auth: refused, with nothing read from Salesforce', () => {
  it('answers a request without credentials with 401', async () => {
    await expectRefused(both(null).graphql);
    await expectRefused(both(null).rest);
    // An empty or malformed Authorization header is no credential either.
    await expectRefused(() =>
      stack.graphql(CASE_QUERY, undefined, { token: null, headers: { authorization: 'Bearer' } }),
    );
    await expectRefused(() =>
      stack.rest('GET', '/cases/by-number/00001104', undefined, {
        token: null,
        headers: { authorization: 'Basic Zm9vOmJhcg==' },
      }),
    );
  });

  it('refuses forged tokens: random, Salesforce-shaped, a JWT with alg none, another org’s shape', async () => {
    const forged = [
      'forged-token',
      `00D000000000001!${'A'.repeat(96)}`,
      `${stack.token.slice(0, -4)}AAAA`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMDUwMDAwMDAwMDAwMDFBQUEifQ.',
      'x'.repeat(4000),
    ];
    for (const token of forged) {
      await expectRefused(both(token).graphql);
      await expectRefused(both(token).rest);
    }
  });

  it('refuses a revoked token, even one the adapters had checked and cached', async () => {
    const token = (await loginAsDemo(stack.instanceUrl)).accessToken;
    // Used once: both adapters now trust it for a while without asking Salesforce.
    expect((await both(token).graphql()).body.data.case.subject).toBeTruthy();
    expect((await both(token).rest()).status).toBe(200);
    const revoked = await fetch(`${stack.instanceUrl}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
    });
    expect(revoked.status).toBe(200);
    await expectRefused(both(token).graphql, { cached: true });
    await expectRefused(both(token).rest, { cached: true });
    // Refused once by Salesforce, the token is forgotten: the next request is refused up front.
    await expectRefused(both(token).rest);
  });

  it('refuses an expired token, even one the adapters had checked and cached', async () => {
    const token = (await loginAsDemo(stack.instanceUrl)).accessToken;
    expect((await both(token).graphql()).status).toBe(200);
    expect((await both(token).rest()).status).toBe(200);
    // Salesforce expires the session (afterCalls 0: every later call with it is refused).
    await stack.controls.setFaults({ rules: [{ kind: 'expireSession', afterCalls: 0 }] });
    try {
      await expectRefused(both(token).graphql, { cached: true });
      await expectRefused(both(token).rest, { cached: true });
    } finally {
      await stack.controls.clearFaults();
    }
  });

  it("refuses another user's confirmation token, in both adapters, and writes nothing", async () => {
    const agent = (await loginAsDemo(stack.instanceUrl, DEMO.users.standard)).accessToken;
    const subject = `Not yours ${Date.now()}`;
    const mutation = `mutation ($input: CreateCaseInput!, $token: String) {
      createCase(input: $input, confirmationToken: $token) { __typename ... on ConfirmationRequired { token } ... on CreateCaseResult { id } }
    }`;
    const preview = await stack.graphql(mutation, { input: { subject } });
    const token = preview.body.data.createCase.token;
    expect(token).toEqual(expect.any(String));
    const stolen = await stack.graphql(mutation, { input: { subject }, token }, { token: agent });
    expect(stolen.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_MISMATCH');
    expect(stolen.body.data?.createCase ?? null).toBeNull();

    const restPreview = await stack.rest('POST', '/cases', { Subject: subject });
    expect(restPreview.status).toBe(200);
    const restStolen = await stack.rest(
      'POST',
      '/cases',
      { Subject: subject, confirmationToken: restPreview.body.confirmationToken },
      { token: agent },
    );
    expect(restStolen.status).toBe(400);
    expect(restStolen.body.code).toBe('CONFIRMATION_MISMATCH');
    // A token from the gateway is not one for the adapter either (another client).
    const crossed = await stack.rest('POST', '/cases', { Subject: subject, confirmationToken: token });
    expect(crossed.status).toBe(400);
    expect(crossed.body.code).toBe('CONFIRMATION_MISMATCH');

    const count = stack.emulator.org.db
      .prepare(`SELECT COUNT(*) AS n FROM "Case" WHERE Subject = ?`)
      .get(subject) as {
      n: number;
    };
    expect(count.n).toBe(0);
  });
});
