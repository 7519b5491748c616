import { loginWithPassword } from '@sfgql/auth';
import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsApp } from './app.ts';
import { loadActionsConfig } from './config.ts';

let emulator: RunningEmulator;
let token: string;
let app: ReturnType<typeof createActionsApp>;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  const session = await loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });
  token = session.accessToken;
  app = createActionsApp({
    publicUrl: 'https://actions.example.com',
    instanceUrl: emulator.url,
    loginUrl: emulator.url,
    apiVersion: '60.0',
    authCacheTtlMs: 60_000,
  });
});
afterAll(() => emulator.close());

const get = (path: string, authorization: string | null = `Bearer ${token}`) =>
  app.request(path, { headers: authorization ? { authorization } : {} });

describe('getCaseDetailsFromNumber', () => {
  it('returns the demo case', async () => {
    const response = await get('/cases/by-number/00001104');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      caseNumber: '00001104',
      status: 'New',
      subject: expect.any(String),
      id: expect.stringMatching(/^500/),
    });
  });

  it('answers 404 with a clear problem body for an unknown case number', async () => {
    const response = await get('/cases/by-number/99999999');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No case has the number "99999999".',
    });
  });

  it('answers 404 for an injection attempt: the number is matched literally', async () => {
    const response = await get(`/cases/by-number/${encodeURIComponent("00001104' OR CaseNumber != '")}`);
    expect(response.status).toBe(404);
  });

  it('answers 400 for a blank case number', async () => {
    const response = await get('/cases/by-number/%20%20');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('answers 401 without a token and with a forged one', async () => {
    const missing = await get('/cases/by-number/00001104', null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      code: 'SF_AUTH_REQUIRED',
      detail: expect.stringContaining('Bearer'),
    });
    const forged = await get('/cases/by-number/00001104', 'Bearer 00Dforged!x');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'SF_SESSION_EXPIRED' });
  });
});

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document GPT Actions can import', async () => {
    const response = await get('/openapi.json', null);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the document is checked field by field below
    const doc = (await response.json()) as Record<string, any>;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://actions.example.com' }]);
    const operation = doc.paths['/cases/by-number/{caseNumber}'].get;
    expect(operation.operationId).toBe('getCaseDetailsFromNumber');
    expect(operation['x-openai-isConsequential']).toBe(false);
    expect(doc.components.securitySchemes.salesforceOAuth.flows.authorizationCode).toEqual({
      authorizationUrl: `${emulator.url}/services/oauth2/authorize`,
      tokenUrl: `${emulator.url}/services/oauth2/token`,
      scopes: expect.any(Object),
    });
  });

  it('stays as reviewed (a change to the document is a visible diff)', async () => {
    const fixed = createActionsApp({
      publicUrl: 'https://actions.example.com',
      instanceUrl: 'https://example.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
      apiVersion: '60.0',
      authCacheTtlMs: 60_000,
    });
    expect(await (await fixed.request('/openapi.json')).json()).toMatchSnapshot();
  });
});

describe('loadActionsConfig', () => {
  it('derives the public and login URLs from the rest', () => {
    expect(loadActionsConfig({ SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' })).toMatchObject({
      port: 4100,
      publicUrl: 'http://127.0.0.1:4100',
      loginUrl: 'https://x.my.salesforce.com',
    });
    expect(() => loadActionsConfig({})).toThrow(/SALESFORCE_INSTANCE_URL/);
  });
});
