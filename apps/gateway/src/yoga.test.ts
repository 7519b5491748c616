import type { RunningEmulator } from '@sfgql/emulator';
import { loginAsDemo, startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createGateway } from './yoga.ts';

let emulator: RunningEmulator;
let token: string;
let gateway: ReturnType<typeof createGateway>;

beforeAll(async () => {
  const org = await startDemoOrg();
  emulator = org.emulator;
  token = org.session.accessToken;
  gateway = createGateway({
    instanceUrl: emulator.url,
    apiVersion: '60.0',
    authCacheTtlMs: 60_000,
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(() => emulator.close());

interface GraphQLBody {
  data?: { case: Record<string, unknown> | null } | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function graphql(
  query: string,
  variables: Record<string, unknown> = {},
  authorization: string | null = `Bearer ${token}`,
) {
  const response = await gateway.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

const CASE_QUERY =
  'query ($n: String!) { case(caseNumber: $n) { id caseNumber subject description status } }';

describe('query { case(caseNumber) }', () => {
  it('returns the demo case from the emulator', async () => {
    const { status, body } = await graphql(CASE_QUERY, { n: '00001104' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.case).toMatchObject({
      caseNumber: '00001104',
      status: 'New',
      subject: expect.any(String),
      description: expect.any(String),
    });
    expect(body.data?.case?.id).toMatch(/^500/);
  });

  it('answers the literal query from the guide', async () => {
    const { body } = await graphql(
      'query { case(caseNumber: "00001104") { id caseNumber subject description status } }',
    );
    expect(body.data?.case?.caseNumber).toBe('00001104');
  });

  it('returns null for an unknown case number', async () => {
    const { body } = await graphql(CASE_QUERY, { n: '99999999' });
    expect(body).toMatchObject({ data: { case: null } });
    expect(body.errors).toBeUndefined();
  });

  it('returns null for an injection attempt', async () => {
    for (const n of ["00001104' OR CaseNumber != '", "x\\' OR CaseNumber != \\'"]) {
      const { body } = await graphql(CASE_QUERY, { n });
      expect(body).toMatchObject({ data: { case: null } });
      expect(body.errors).toBeUndefined();
    }
  });

  it('reports bad input with code INVALID_INPUT', async () => {
    const { body } = await graphql(CASE_QUERY, { n: '   ' });
    expect(body.data?.case).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});

describe('authentication', () => {
  it('answers 401 without a bearer token', async () => {
    const { status, body } = await graphql(CASE_QUERY, { n: '00001104' }, null);
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({
      extensions: { code: 'SF_AUTH_REQUIRED' },
      message: expect.stringContaining('Bearer'),
    });
  });

  it('answers 401 once Salesforce revokes a token it had accepted, and forgets it', async () => {
    const session = await loginAsDemo(emulator.url);
    const bearer = `Bearer ${session.accessToken}`;
    expect((await graphql(CASE_QUERY, { n: '00001104' }, bearer)).status).toBe(200);
    const revoked = await fetch(`${emulator.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: session.accessToken }),
    });
    expect(revoked.status).toBe(200);
    // The gateway still trusts the token: the query reaches Salesforce, which refuses it.
    const refused = await graphql(CASE_QUERY, { n: '00001104' }, bearer);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('SF_SESSION_EXPIRED');
    expect(refused.body.data).toEqual({ case: null });
    // Forgotten: the next request is checked again and refused before anything runs.
    const again = await graphql(CASE_QUERY, { n: '00001104' }, bearer);
    expect(again.status).toBe(401);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('SF_SESSION_EXPIRED');
    expect(again.body.data).toBeUndefined();
  });

  it('answers 401 for a token Salesforce does not accept', async () => {
    const { status, body } = await graphql(CASE_QUERY, { n: '00001104' }, 'Bearer 00Dforged!token');
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('SF_SESSION_EXPIRED');
    expect(body.data).toBeUndefined();
  });
});

describe('loadGatewayConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadGatewayConfig({ SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com' })).toEqual({
      host: '127.0.0.1',
      port: 4000,
      instanceUrl: 'https://example.my.salesforce.com',
      loginUrl: 'https://example.my.salesforce.com',
      apiVersion: '60.0',
      authCacheTtlMs: 60_000,
      dataDir: '.sfgql',
      confirmSecret: undefined,
      confirmTtlMs: 300_000,
      redisUrl: undefined,
      audit: 'file',
      customFields: true,
      customObjects: [],
      apiKeys: [],
      anonymous: false,
      serviceEnv: undefined,
      corsOrigins: [],
      limits: { maxDepth: 15, maxAliases: 30, maxTokens: 2000, maxCost: 50_000, maxBatch: 5 },
      logLevel: 'info',
    });
    expect(
      loadGatewayConfig({
        SALESFORCE_INSTANCE_URL: 'https://x.example.com',
        SFGQL_CUSTOM_OBJECTS: 'Shipment__c, Invoice__c',
        SFGQL_CUSTOM_FIELDS: 'off',
      }),
    ).toMatchObject({ customObjects: ['Shipment__c', 'Invoice__c'], customFields: false });
    expect(() =>
      loadGatewayConfig({ SALESFORCE_INSTANCE_URL: 'https://x.example.com', SFGQL_CONFIRM_SECRET: 'short' }),
    ).toThrow(/SFGQL_CONFIRM_SECRET/);
  });

  it('refuses a missing instance URL and a bad port with a clear message', () => {
    expect(() => loadGatewayConfig({})).toThrow(/SALESFORCE_INSTANCE_URL/);
    expect(() =>
      loadGatewayConfig({ SALESFORCE_INSTANCE_URL: 'https://x.example.com', SFGQL_GATEWAY_PORT: 'abc' }),
    ).toThrow(/SFGQL_GATEWAY_PORT/);
  });

  const integration = {
    SF_LOGIN_URL: 'https://login.example.com',
    SF_CLIENT_ID: 'client',
    SF_CLIENT_SECRET: 'secret',
  };
  const key = 'k'.repeat(40);

  it('reads API keys (named or not) and the integration user they act as', () => {
    const config = loadGatewayConfig({
      SALESFORCE_INSTANCE_URL: 'https://x.example.com',
      SFGQL_GATEWAY_API_KEYS: `reporting:${key}, ${'z'.repeat(32)}`,
      ...integration,
      UNRELATED: 'x',
    });
    expect(config.apiKeys).toEqual([
      { name: 'reporting', key },
      { name: 'key-2', key: 'z'.repeat(32) },
    ]);
    expect(config.serviceEnv).toEqual(integration);
    expect(() =>
      loadGatewayConfig({
        SALESFORCE_INSTANCE_URL: 'https://x.example.com',
        SFGQL_GATEWAY_API_KEYS: 'short',
      }),
    ).toThrow(/32\+ characters/);
    expect(() =>
      loadGatewayConfig({ SALESFORCE_INSTANCE_URL: 'https://x.example.com', SFGQL_GATEWAY_API_KEYS: key }),
    ).toThrow(/needs an integration user/);
    expect(() =>
      loadGatewayConfig({
        SALESFORCE_INSTANCE_URL: 'https://x.example.com',
        SFGQL_GATEWAY_API_KEYS: `a:${key},a:${key}x`,
        ...integration,
      }),
    ).toThrow(/names each key once/);
  });

  it('allows anonymous demo access only on a loopback address, with an integration user', () => {
    const base = { SALESFORCE_INSTANCE_URL: 'https://x.example.com', SFGQL_GATEWAY_ANONYMOUS: 'demo' };
    expect(loadGatewayConfig({ ...base, ...integration }).anonymous).toBe(true);
    expect(loadGatewayConfig({ ...base, ...integration, SFGQL_HOST: '::1' }).anonymous).toBe(true);
    expect(() => loadGatewayConfig({ ...base, ...integration, SFGQL_HOST: '0.0.0.0' })).toThrow(/loopback/);
    expect(() => loadGatewayConfig(base)).toThrow(/needs an integration user/);
  });

  it('reads CORS origins, limits, Redis and the log level', () => {
    const config = loadGatewayConfig({
      SALESFORCE_INSTANCE_URL: 'https://x.example.com',
      SFGQL_GATEWAY_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      SFGQL_GATEWAY_MAX_DEPTH: '8',
      SFGQL_GATEWAY_MAX_COST: '1000',
      SFGQL_REDIS_URL: 'redis://127.0.0.1:6379',
      SFGQL_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      limits: { maxDepth: 8, maxCost: 1000 },
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'warn',
    });
    for (const [name, value] of [
      ['SFGQL_GATEWAY_CORS_ORIGINS', 'app.example.com'],
      ['SFGQL_GATEWAY_MAX_DEPTH', '0'],
      ['SFGQL_REDIS_URL', 'http://x'],
      ['SFGQL_LOG_LEVEL', 'loud'],
    ] as const) {
      expect(() =>
        loadGatewayConfig({ SALESFORCE_INSTANCE_URL: 'https://x.example.com', [name]: value }),
      ).toThrow(name);
    }
  });
});
