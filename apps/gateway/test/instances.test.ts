import { revokeToken } from '@sfgql/auth';
import { type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { startRedis, type TestRedis } from '@sfgql/testing/redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.ts';
import { listenGateway, type RunningServer } from '../src/listen.ts';
import { createLogger } from '../src/logger.ts';

// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

let emulator: RunningEmulator;
let redis: TestRedis;
let a: RunningServer;
let b: RunningServer;

const login = () => loginAsDemo(emulator.url);

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  redis = await startRedis();
  // Two instances behind one load balancer: the same secret, the same Redis, nothing else shared.
  const config = loadGatewayConfig({
    SALESFORCE_INSTANCE_URL: emulator.url,
    SFGQL_GATEWAY_PORT: '0',
    SFGQL_REDIS_URL: redis.url,
    SFGQL_DATA_DIR: ':memory:',
    SFGQL_CONFIRM_SECRET: 'a-confirmation-secret-shared-by-all-instances',
    SFGQL_CUSTOM_FIELDS: 'off',
  });
  const logger = createLogger({ level: 'silent' });
  a = await listenGateway(config, { logger });
  b = await listenGateway(config, { logger });
});
afterAll(async () => {
  await Promise.allSettled([a?.close(), b?.close()]);
  await redis?.stop();
  await emulator?.close();
});

async function graphql(server: RunningServer, token: string, query: string, variables = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Data };
}

const UPDATE = `mutation ($id: ID!, $token: String) {
  updateCase(id: $id, input: { priority: "High" }, confirmationToken: $token) {
    __typename
    ... on ConfirmationRequired { token }
    ... on UpdateCaseResult { success }
  }
}`;

describe('several instances with Redis', () => {
  it('a confirmation used on one instance is refused on the other', async () => {
    const { accessToken } = await login();
    const found = await graphql(a, accessToken, '{ case(caseNumber: "00001104") { id } }');
    const id = found.body.data.case.id;
    const preview = await graphql(a, accessToken, UPDATE, { id });
    const token = preview.body.data.updateCase.token;
    expect(token).toEqual(expect.any(String));

    // Issued by A, used on B: the instances share the secret.
    const done = await graphql(b, accessToken, UPDATE, { id, token });
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data.updateCase).toMatchObject({ __typename: 'UpdateCaseResult', success: true });

    // Used again, on either instance: refused, because the nonce was claimed in Redis.
    for (const server of [a, b]) {
      const again = await graphql(server, accessToken, UPDATE, { id, token });
      expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_USED');
    }
  });

  it('a caller token checked by one instance is trusted by the other without asking Salesforce', async () => {
    const { accessToken } = await login();
    expect((await graphql(a, accessToken, '{ __typename }')).status).toBe(200);
    // Salesforce would now refuse the token; B trusts A's check (for SFGQL_AUTH_CACHE_TTL_MS).
    await revokeToken({ loginUrl: emulator.url, token: accessToken });
    expect((await graphql(b, accessToken, '{ __typename }')).status).toBe(200);
    // A token no instance has checked is checked with Salesforce: refused.
    const other = await login();
    await revokeToken({ loginUrl: emulator.url, token: other.accessToken });
    expect((await graphql(b, other.accessToken, '{ __typename }')).status).toBe(401);

    // Redis holds hashes of the tokens and who they belong to, never a token.
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys('sfgql:bearer:*');
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(keys.map((k) => client.get(k)));
      const dump = JSON.stringify([keys, values]);
      expect(dump).not.toContain(accessToken);
      expect(dump).toContain('\\"userId\\":\\"005');
    } finally {
      await client.close();
    }
  });
});
