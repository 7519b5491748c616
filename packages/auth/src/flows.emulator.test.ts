import { DEMO, DEMO_JWT_PRIVATE_KEY, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createAuthorizeRequest,
  exchangeAuthorizationCode,
  loginWithClientCredentials,
  loginWithJwtBearer,
  refreshSession,
  revokeToken,
} from './flows.ts';
import { createCredentialProvider } from './provider.ts';
import { fetchUserInfo } from './userinfo.ts';

/** Every client flow of this package against the emulator, over HTTP as against Salesforce. */
const CALLBACK = 'http://127.0.0.1:4000/oauth/callback';
const LIFETIME_MS = 30 * 60 * 1000;

let clock = Date.parse('2026-04-01T08:00:00.000Z');
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => new Date(clock),
    sessionLifetimeMs: LIFETIME_MS,
  });
});
afterAll(() => emulator.close());

const client = () => ({ loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret });

/** Logs in and allows on the emulator's authorize pages, posting their forms as a browser would. */
async function approve(authorizeUrl: string): Promise<URL> {
  const page = await fetch(authorizeUrl);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const html = await page.text();
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const post = (fields: Record<string, string>) =>
    fetch(new URL('/services/oauth2/authorize', authorizeUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: hidden('request'), csrf: hidden('csrf'), ...fields }),
    });
  await post({ action: 'login', username: DEMO.username, password: DEMO.password });
  const allowed = await post({ action: 'allow' });
  return new URL(allowed.headers.get('location') ?? '');
}

/** Signs in through the authorize pages with PKCE and the refresh_token scope, then exchanges the code. */
async function codeFlowSession() {
  const request = createAuthorizeRequest({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    redirectUri: CALLBACK,
    scope: 'api refresh_token',
  });
  const callback = await approve(request.url);
  return exchangeAuthorizationCode({
    ...client(),
    code: callback.searchParams.get('code') ?? '',
    redirectUri: CALLBACK,
    expectedState: request.state,
    returnedState: callback.searchParams.get('state'),
    codeVerifier: request.codeVerifier,
  });
}

const isLive = (accessToken: string) =>
  fetchUserInfo({ instanceUrl: emulator.url, accessToken }).then(
    () => true,
    () => false,
  );

describe('authorization code with PKCE, refresh and revoke', () => {
  it('exchanges the code, refreshes after expiry, and revoking the refresh token ends the session', async () => {
    const session = await codeFlowSession();
    expect(session).toMatchObject({ instanceUrl: emulator.url, orgId: emulator.org.orgId, issuedAt: clock });
    expect(session.refreshToken).toBeTruthy();
    expect(await isLive(session.accessToken)).toBe(true);

    clock += LIFETIME_MS + 1;
    expect(await isLive(session.accessToken)).toBe(false);
    const refreshed = await refreshSession({ ...client(), refreshToken: session.refreshToken ?? '' });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    // Salesforce does not send the refresh token again; the client keeps the one it has.
    expect(refreshed.refreshToken).toBe(session.refreshToken);
    expect(refreshed.userId).toBe(session.userId);
    expect(await isLive(refreshed.accessToken)).toBe(true);

    await revokeToken({ loginUrl: emulator.url, token: session.refreshToken ?? '' });
    expect(await isLive(refreshed.accessToken)).toBe(false);
    await expect(
      refreshSession({ ...client(), refreshToken: session.refreshToken ?? '' }),
    ).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
      salesforceError: 'invalid_grant',
    });
  });

  it('works without PKCE, and refuses a wrong verifier and a forged state', async () => {
    const plain = createAuthorizeRequest({
      loginUrl: emulator.url,
      clientId: DEMO.clientId,
      redirectUri: CALLBACK,
      pkce: false,
    });
    expect(plain.codeVerifier).toBeUndefined();
    const callback = await approve(plain.url);
    const session = await exchangeAuthorizationCode({
      ...client(),
      code: callback.searchParams.get('code') ?? '',
      redirectUri: CALLBACK,
      expectedState: plain.state,
      returnedState: callback.searchParams.get('state'),
    });
    expect(await isLive(session.accessToken)).toBe(true);

    const pkce = createAuthorizeRequest({
      loginUrl: emulator.url,
      clientId: DEMO.clientId,
      redirectUri: CALLBACK,
    });
    const back = await approve(pkce.url);
    const exchange = (overrides: { codeVerifier?: string; returnedState?: string | null }) =>
      exchangeAuthorizationCode({
        ...client(),
        code: back.searchParams.get('code') ?? '',
        redirectUri: CALLBACK,
        expectedState: pkce.state,
        returnedState: back.searchParams.get('state'),
        codeVerifier: pkce.codeVerifier,
        ...overrides,
      });
    const spy = vi.fn(fetch);
    await expect(
      exchangeAuthorizationCode({
        ...client(),
        fetch: spy,
        code: 'x',
        redirectUri: CALLBACK,
        expectedState: pkce.state,
        returnedState: 'forged',
      }),
    ).rejects.toMatchObject({ code: 'SF_AUTH_FAILED' });
    expect(spy).not.toHaveBeenCalled();
    await expect(
      exchange({ codeVerifier: 'not-the-verifier-not-the-verifier-not-the-verifier' }),
    ).rejects.toMatchObject({
      salesforceError: 'invalid_grant',
    });
  });
});

describe('client credentials', () => {
  it("runs as the demo app's integration user (the demo admin), sent with HTTP Basic", async () => {
    const session = await loginWithClientCredentials(client());
    const info = await fetchUserInfo({ instanceUrl: session.instanceUrl, accessToken: session.accessToken });
    expect(info.preferred_username).toBe(DEMO.username);
    expect(session.refreshToken).toBeUndefined();
  });

  it('fails with the wrong secret', async () => {
    await expect(loginWithClientCredentials({ ...client(), clientSecret: 'nope' })).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
      salesforceError: 'invalid_client',
    });
  });
});

describe('JWT bearer', () => {
  it('logs in as the assertion subject with the demo key, for the default and Salesforce audiences', async () => {
    for (const audience of [undefined, 'https://login.salesforce.com', 'https://test.salesforce.com']) {
      const session = await loginWithJwtBearer({
        loginUrl: emulator.url,
        clientId: DEMO.clientId,
        username: DEMO.users.standard.username,
        privateKey: DEMO_JWT_PRIVATE_KEY,
        ...(audience ? { audience } : {}),
        now: () => clock,
      });
      const info = await fetchUserInfo({
        instanceUrl: session.instanceUrl,
        accessToken: session.accessToken,
      });
      expect(info.preferred_username).toBe(DEMO.users.standard.username);
    }
  });

  it("fails for an expired assertion (the client's clock behind) and a wrong audience", async () => {
    const jwt = (overrides: { audience?: string; now?: () => number }) =>
      loginWithJwtBearer({
        loginUrl: emulator.url,
        clientId: DEMO.clientId,
        username: DEMO.username,
        privateKey: DEMO_JWT_PRIVATE_KEY,
        now: () => clock,
        ...overrides,
      });
    await expect(jwt({ now: () => clock - 10 * 60 * 1000 })).rejects.toMatchObject({
      salesforceError: 'invalid_grant',
      message: expect.stringContaining('expired authorization code'),
    });
    await expect(jwt({ audience: 'https://example.com' })).rejects.toMatchObject({
      salesforceError: 'invalid_grant',
      message: expect.stringContaining('audience is invalid'),
    });
  });
});

describe('revoke', () => {
  it('revokes an access token and reports an unknown one', async () => {
    const session = await loginWithClientCredentials(client());
    await revokeToken({ loginUrl: emulator.url, token: session.accessToken });
    expect(await isLive(session.accessToken)).toBe(false);
    await expect(revokeToken({ loginUrl: emulator.url, token: session.accessToken })).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
      salesforceError: 'invalid_token',
    });
  });
});

describe('refresh after expiry under load', () => {
  it('20 concurrent requests that meet the expired token cause exactly one refresh', async () => {
    const first = await codeFlowSession();
    const tokenCalls = vi.fn(fetch);
    const provider = createCredentialProvider({
      login: () => Promise.reject(new Error('the grant is not re-run while a refresh token exists')),
      initial: first,
      ...client(),
      fetch: tokenCalls,
    });
    clock += LIFETIME_MS + 1;
    // What a client does per request: use the current session; on 401, ask for a fresh one once and replay.
    const call = async () => {
      const session = await provider.current();
      if (await isLive(session.accessToken)) return session.accessToken;
      const fresh = await (provider.refresh as NonNullable<typeof provider.refresh>)(session);
      expect(await isLive(fresh.accessToken)).toBe(true);
      return fresh.accessToken;
    };
    const tokens = await Promise.all(Array.from({ length: 20 }, call));
    expect(new Set(tokens).size).toBe(1);
    expect(tokenCalls).toHaveBeenCalledTimes(1);
    expect(String(tokenCalls.mock.calls[0]?.[0])).toContain('/services/oauth2/token');
  });
});
