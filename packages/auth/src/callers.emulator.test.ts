import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerResolver, isIntegrationUnavailableError } from './callers.ts';
import { serviceAuthFromEnv } from './config.ts';
import { loginWithPassword } from './password.ts';
import type { SessionSource } from './session.ts';

/** The one caller resolver every door uses, against the emulator over HTTP. */
let emulator: RunningEmulator;
let integration: SessionSource;
let userToken: string;
const KEY = 'k'.repeat(40);

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  const env = {
    SF_LOGIN_URL: emulator.url,
    SF_CLIENT_ID: DEMO.clientId,
    SF_CLIENT_SECRET: DEMO.clientSecret,
    SF_USERNAME: DEMO.users.standard.username,
    SF_PASSWORD: DEMO.users.standard.password,
    SF_SECURITY_TOKEN: DEMO.users.standard.securityToken,
  };
  integration = (serviceAuthFromEnv(env) as { source: SessionSource }).source;
  userToken = (
    await loginWithPassword({
      loginUrl: emulator.url,
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password,
      securityToken: DEMO.securityToken,
    })
  ).accessToken;
});
afterAll(() => emulator.close());

const headers = (entries: Record<string, string> = {}) => new Headers(entries);

describe('createCallerResolver', () => {
  it('acts as the caller whose Salesforce token it receives, once Salesforce accepted it', async () => {
    const callers = createCallerResolver({ instanceUrl: emulator.url, ttlMs: 60_000 });
    const caller = await callers.resolve(headers({ authorization: `Bearer ${userToken}` }));
    expect(caller).toMatchObject({
      kind: 'user',
      userId: expect.stringMatching(/^005/),
      orgId: expect.stringMatching(/^00D/),
    });
    await expect(callers.resolve(headers({ authorization: 'Bearer 00Dx!forged' }))).rejects.toMatchObject({
      code: 'SF_SESSION_EXPIRED',
    });
    await expect(callers.resolve(headers())).rejects.toMatchObject({ code: 'SF_AUTH_REQUIRED' });
  });

  it('lets an API key act as the integration user, by X-API-Key or as the bearer token', async () => {
    const callers = createCallerResolver({
      instanceUrl: emulator.url,
      ttlMs: 60_000,
      apiKeys: [{ name: 'crm-sync', key: KEY }],
      integration,
    });
    const byHeader = await callers.resolve(headers({ 'x-api-key': KEY }));
    const asBearer = await callers.resolve(headers({ authorization: `Bearer ${KEY}` }));
    expect(byHeader).toMatchObject({ kind: 'apiKey', keyName: 'crm-sync' });
    expect(asBearer.userId).toBe(byHeader.userId);
    await expect(callers.resolve(headers({ 'x-api-key': `${KEY}x` }))).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
    });
  });

  it('takes nothing but its keys when user tokens are off, and never sends a caller token to Salesforce', async () => {
    const callers = createCallerResolver({
      instanceUrl: emulator.url,
      ttlMs: 60_000,
      userTokens: false,
      apiKeys: [{ name: 'gpt', key: KEY }],
      integration,
    });
    await expect(callers.resolve(headers({ authorization: `Bearer ${userToken}` }))).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
    });
    await expect(callers.resolve(headers())).rejects.toMatchObject({ code: 'SF_AUTH_REQUIRED' });
  });

  it('answers a request without credentials as the integration user only in demo mode', async () => {
    const demo = createCallerResolver({
      instanceUrl: emulator.url,
      ttlMs: 60_000,
      anonymous: true,
      integration,
    });
    expect((await demo.resolve(headers())).kind).toBe('anonymous');
    expect(() => createCallerResolver({ instanceUrl: emulator.url, ttlMs: 60_000, anonymous: true })).toThrow(
      /integration user/,
    );
  });

  it('says the integration user is unavailable (not that the key is wrong) when it cannot sign in', async () => {
    const broken = (
      serviceAuthFromEnv({
        SF_LOGIN_URL: emulator.url,
        SF_CLIENT_ID: DEMO.clientId,
        SF_CLIENT_SECRET: 'wrong',
        SF_USERNAME: DEMO.username,
        SF_PASSWORD: DEMO.password,
        SF_SECURITY_TOKEN: DEMO.securityToken,
      }) as { source: SessionSource }
    ).source;
    const callers = createCallerResolver({
      instanceUrl: emulator.url,
      ttlMs: 60_000,
      apiKeys: [{ name: 'crm-sync', key: KEY }],
      integration: broken,
    });
    const error = await callers.resolve(headers({ 'x-api-key': KEY })).catch((e: unknown) => e);
    expect(isIntegrationUnavailableError(error)).toBe(true);
  });
});
