import { serviceAuthFromEnv } from '@sfgql/auth';
import { DEMO } from '@sfgql/emulator';
import { demoServiceEnv } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createGateway } from '../src/yoga.ts';
import { type Harness, startHarness } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: log lines and response shapes are checked by the assertions
type Data = any;

const API_KEY = 'reporting-key-0123456789abcdefghijklmnopqrstuvwxyz';
const lines: string[] = [];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    gateway: {
      logger: createLogger({
        level: 'debug',
        destination: { write: (line: string) => void lines.push(line) },
      }),
      apiKeys: [{ name: 'reporting', key: API_KEY }],
      corsOrigins: ['https://app.example.com'],
    },
    integration: true,
  });
});
afterAll(() => h.close());

const logs = (): Data[] => lines.map((l) => JSON.parse(l));
const CASE = '{ case(caseNumber: "00001104") { caseNumber status owner { name } } }';

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await h.gateway.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Data };
}

describe('Prometheus metrics at /metrics', () => {
  it('counts requests, errors, Salesforce calls by kind and the remaining daily API budget', async () => {
    await h.graphql(CASE);
    await h.graphql('{ contact(id: "nope") { name } }');
    const response = await h.gateway.fetch('http://gateway/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/sfgql_requests_total\{status="200",caller="user"\} \d+/);
    expect(text).toMatch(/sfgql_graphql_errors_total\{code="INVALID_INPUT"\} 1/);
    expect(text).toMatch(/sfgql_salesforce_calls_total\{kind="query"\} \d+/);
    const remaining = /sfgql_salesforce_daily_api_remaining\{org="00D\w+"\} (\d+)/.exec(text);
    const limit = /sfgql_salesforce_daily_api_limit\{org="00D\w+"\} (\d+)/.exec(text);
    expect(Number(remaining?.[1])).toBeGreaterThan(0);
    expect(Number(remaining?.[1])).toBeLessThan(Number(limit?.[1]));
    // Yoga's own: HTTP and phase durations, operations, errors by phase; and Node's process metrics.
    expect(text).toContain('graphql_yoga_http_duration_bucket');
    expect(text).toContain('graphql_envelop_request');
    expect(text).toContain('process_resident_memory_bytes');
    // The URL (which can carry a query) is not a label.
    expect(text).not.toContain('url="');
  });
});

describe('structured logs (pino)', () => {
  it('one line per request: request id, caller, operation, Salesforce calls, duration', async () => {
    lines.length = 0;
    const { headers } = await post(
      { query: `query CaseByNumber ${CASE}` },
      { authorization: `Bearer ${h.token}`, 'x-request-id': 'req-42' },
    );
    expect(headers.get('x-request-id')).toBe('req-42');
    const line = logs().find((l) => l.reqId === 'req-42');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      name: 'sfgql-gateway',
      method: 'POST',
      status: 200,
      operations: ['CaseByNumber'],
      operationType: 'query',
      caller: { kind: 'user', user: expect.stringMatching(/^005/), org: expect.stringMatching(/^00D/) },
      salesforce: { calls: 1, byKind: { query: 1 } },
      durationMs: expect.any(Number),
    });
    // A request id that is not safe to echo is replaced by a fresh one.
    const fresh = await post(
      { query: CASE },
      { authorization: `Bearer ${h.token}`, 'x-request-id': 'a b\nc' },
    );
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs a token or an API key, whatever happens to the request', async () => {
    lines.length = 0;
    await h.graphql(CASE);
    await h.graphql('{ contacts(first: 1000) { nodes { id } } }');
    await post({ query: CASE }, { authorization: `Bearer ${API_KEY}` });
    await post({ query: CASE }, { 'x-api-key': API_KEY });
    await post({ query: CASE }, { 'x-api-key': `${API_KEY}-wrong` });
    await post({ query: CASE }, { authorization: `Bearer ${h.token}x` });
    await post({ query: '{ case(' }, { authorization: `Bearer ${h.token}` });
    // An unexpected failure: Salesforce answering with a server error.
    const control = emulatorControl(h.emulator.url);
    await control.setFaults({ rules: [{ kind: 'error500', rate: 1, resources: ['query'] }] });
    try {
      await h.graphql(CASE);
    } finally {
      await control.clearFaults();
    }
    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(text).not.toContain(h.token);
    expect(text).not.toContain(h.token.split('!')[1]);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toMatch(/authorization/i);
    expect(logs().some((l) => l.caller?.kind === 'apiKey' && l.caller.key === 'reporting')).toBe(true);
    expect(logs().some((l) => l.status === 401 && l.level === 40)).toBe(true);
  });
});

describe('authentication: API keys and the integration user', () => {
  it('an API key in X-API-Key or as the bearer token acts as the integration user', async () => {
    const ways: Record<string, string>[] = [{ 'x-api-key': API_KEY }, { authorization: `Bearer ${API_KEY}` }];
    for (const headers of ways) {
      const { status, body } = await post({ query: CASE }, headers);
      expect(status).toBe(200);
      expect(body.data.case.caseNumber).toBe('00001104');
    }
  });

  it('refuses a wrong API key and a request without credentials with 401', async () => {
    const wrong = await post({ query: CASE }, { 'x-api-key': `${API_KEY.slice(0, -1)}!` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0].extensions.code).toBe('SF_AUTH_FAILED');
    const none = await post({ query: CASE });
    expect(none.status).toBe(401);
    expect(none.body.errors[0].extensions.code).toBe('SF_AUTH_REQUIRED');
  });

  it('anonymous demo mode: requests without credentials act as the integration user', async () => {
    const demo = await startHarness({ gateway: { anonymous: true }, integration: true });
    try {
      const response = await demo.gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: CASE }),
      });
      const status = response.status;
      const body = (await response.json()) as Data;
      expect(status).toBe(200);
      expect(body.data.case.caseNumber).toBe('00001104');
      // A token that is sent is still checked.
      expect((await demo.graphql(CASE, {}, 'Bearer forged')).status).toBe(401);
    } finally {
      await demo.close();
    }
  });

  it('answers 503 (not 401) when the integration user cannot sign in, and logs why', async () => {
    const broken = serviceAuthFromEnv({
      SF_LOGIN_URL: h.emulator.url,
      SF_CLIENT_ID: DEMO.clientId,
      SF_CLIENT_SECRET: DEMO.clientSecret,
      SF_USERNAME: DEMO.username,
      SF_PASSWORD: 'wrong-password',
    })?.source;
    const own: string[] = [];
    const gateway = createGateway({
      instanceUrl: h.emulator.url,
      apiVersion: '60.0',
      authCacheTtlMs: 60_000,
      apiKeys: [{ name: 'reporting', key: API_KEY }],
      ...(broken ? { integration: broken } : {}),
      logger: createLogger({ destination: { write: (line: string) => void own.push(line) } }),
    });
    const response = await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ query: CASE }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as Data).errors[0].extensions.code).toBe('SF_INTEGRATION_UNAVAILABLE');
    expect(own.join('')).toContain('integration user unavailable');
    expect(own.join('')).not.toContain('wrong-password');
  });

  it('the integration user comes from serviceAuthFromEnv', () => {
    expect(serviceAuthFromEnv(demoServiceEnv(h.emulator.url))?.flow).toBe('password');
  });
});

describe('CORS', () => {
  it('answers preflights from the configured origins only', async () => {
    const preflight = (origin: string) =>
      h.gateway.fetch('http://gateway/graphql', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
    const { headers } = await post(
      { query: CASE },
      { origin: 'https://app.example.com', authorization: `Bearer ${h.token}` },
    );
    expect(headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const plain = await startHarness();
    try {
      const response = await plain.gateway.fetch('http://gateway/graphql', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
