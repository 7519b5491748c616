import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthorizeRequest, exchangeAuthorizationCode, loginWithJwtBearer } from './flows.ts';
import { loginWithPassword } from './password.ts';
import { createCredentialProvider } from './provider.ts';

let emulator: RunningEmulator;
let clock = Date.parse('2026-03-01T12:00:00Z');
beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => new Date(clock),
    sessionLifetimeMs: 60_000,
  });
});
afterAll(() => emulator.close());

const passwordGrant = () =>
  loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });

async function whoAmI(accessToken: string): Promise<number> {
  const response = await fetch(`${emulator.url}/services/oauth2/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}

describe('createCredentialProvider', () => {
  it('logs in once and reuses the session', async () => {
    const login = vi.fn(passwordGrant);
    const provider = createCredentialProvider({ login });
    const [a, b] = await Promise.all([provider.current(), provider.current()]);
    expect(a).toBe(b);
    expect(login).toHaveBeenCalledTimes(1);
    expect(await whoAmI(a.accessToken)).toBe(200);
  });

  it('re-runs the grant once for 20 concurrent requests that met the same expired token', async () => {
    const login = vi.fn(passwordGrant);
    const provider = createCredentialProvider({ login });
    const first = await provider.current();
    clock += 61_000; // the session lifetime is one minute
    expect(await whoAmI(first.accessToken)).toBe(401);
    const sessions = await Promise.all(Array.from({ length: 20 }, () => provider.refresh?.(first)));
    expect(login).toHaveBeenCalledTimes(2);
    expect(new Set(sessions.map((s) => s?.accessToken)).size).toBe(1);
    expect(sessions[0]?.accessToken).not.toBe(first.accessToken);
    expect(await whoAmI(sessions[0]?.accessToken as string)).toBe(200);
    // A late request still holding the old token gets the new session without another login.
    await provider.refresh?.(first);
    expect(login).toHaveBeenCalledTimes(2);
  });

  it('forgets a failed login so the next request tries again', async () => {
    const login = vi.fn().mockRejectedValueOnce(new Error('down')).mockImplementation(passwordGrant);
    const provider = createCredentialProvider({ login });
    await expect(provider.current()).rejects.toThrow('down');
    await expect(provider.current()).resolves.toMatchObject({ instanceUrl: emulator.url });
  });
});

describe('flow helpers', () => {
  it('builds an authorize URL with state and an S256 PKCE challenge', () => {
    const request = createAuthorizeRequest({
      loginUrl: emulator.url,
      clientId: 'app',
      redirectUri: 'https://x.example.com/cb',
      scope: 'api refresh_token',
    });
    const url = new URL(request.url);
    expect(url.pathname).toBe('/services/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'app',
      redirect_uri: 'https://x.example.com/cb',
      state: request.state,
      code_challenge_method: 'S256',
    });
    expect(request.codeVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(
      createAuthorizeRequest({
        loginUrl: emulator.url,
        clientId: 'a',
        redirectUri: 'https://x.example.com',
        pkce: false,
      }).codeVerifier,
    ).toBeUndefined();
  });

  it('refuses a callback whose state does not match, without calling Salesforce', async () => {
    const fetchSpy = vi.fn(fetch);
    const exchange = exchangeAuthorizationCode({
      loginUrl: emulator.url,
      clientId: 'a',
      clientSecret: 'b',
      code: 'c',
      redirectUri: 'https://x.example.com',
      expectedState: 'mine',
      returnedState: 'forged',
      fetch: fetchSpy,
    });
    await expect(exchange).rejects.toMatchObject({ code: 'SF_AUTH_FAILED' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses a JWT bearer login without a usable key and never echoes the key', async () => {
    await expect(
      loginWithJwtBearer({ loginUrl: emulator.url, clientId: 'a', username: 'u' }),
    ).rejects.toMatchObject({ code: 'SF_AUTH_FAILED' });
    const secretish = '-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----';
    const error = (await loginWithJwtBearer({
      loginUrl: emulator.url,
      clientId: 'a',
      username: 'u',
      privateKey: secretish,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'SF_AUTH_FAILED' });
    expect(error.message).not.toContain('TOPSECRET');
  });
});
