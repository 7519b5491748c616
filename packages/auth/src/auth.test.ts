import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type BearerCache,
  bearerToken,
  type CheckedIdentity,
  createBearerAuthenticator,
  createRedisBearerCache,
} from './bearer.ts';
import { AuthError } from './errors.ts';
import { loginWithPassword } from './password.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
});
afterAll(() => emulator.close());

const demoLogin = (overrides: Partial<Parameters<typeof loginWithPassword>[0]> = {}) =>
  loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
    ...overrides,
  });

describe('loginWithPassword', () => {
  it('logs in with the password and security token and reads the ids from the identity URL', async () => {
    const session = await demoLogin();
    expect(session.instanceUrl).toBe(emulator.url);
    expect(session.accessToken).toBeTruthy();
    expect(session.orgId).toMatch(/^00D/);
    expect(session.userId).toMatch(/^005/);
    expect(session.refreshToken).toBeUndefined();
  });

  it("fails with SF_AUTH_FAILED and Salesforce's error when the security token is missing", async () => {
    const error = await demoLogin({ securityToken: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'SF_AUTH_FAILED', salesforceError: 'invalid_grant' });
    expect((error as Error).message).toContain('authentication failure');
  });

  it('fails with SF_AUTH_FAILED for a wrong client secret', async () => {
    await expect(demoLogin({ clientSecret: 'nope' })).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
      salesforceError: 'invalid_client',
    });
  });

  it('fails with SF_AUTH_FAILED when the server cannot be reached', async () => {
    await expect(demoLogin({ loginUrl: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'SF_AUTH_FAILED',
    });
  });
});

describe('createBearerAuthenticator', () => {
  it('refuses a missing or malformed header without calling Salesforce', async () => {
    const fetchSpy = vi.fn(fetch);
    const auth = createBearerAuthenticator({ instanceUrl: emulator.url, fetch: fetchSpy });
    for (const header of [undefined, '', 'Basic abc', 'Bearer']) {
      await expect(auth.authenticate(header)).rejects.toMatchObject({ code: 'SF_AUTH_REQUIRED' });
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses a token Salesforce does not accept, and does not cache the refusal', async () => {
    const fetchSpy = vi.fn(fetch);
    const auth = createBearerAuthenticator({ instanceUrl: emulator.url, fetch: fetchSpy });
    await expect(auth.authenticate('Bearer forged')).rejects.toMatchObject({ code: 'SF_SESSION_EXPIRED' });
    await expect(auth.authenticate('Bearer forged')).rejects.toMatchObject({ code: 'SF_SESSION_EXPIRED' });
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('checks a good token once, shares concurrent checks, and re-checks after the ttl', async () => {
    const { accessToken } = await demoLogin();
    const fetchSpy = vi.fn(fetch);
    let clock = 1_000;
    const auth = createBearerAuthenticator({
      instanceUrl: emulator.url,
      fetch: fetchSpy,
      ttlMs: 100,
      now: () => clock,
    });
    const sessions = await Promise.all([1, 2, 3].map(() => auth.authenticate(`Bearer ${accessToken}`)));
    expect(sessions[0]).toMatchObject({
      accessToken,
      instanceUrl: emulator.url,
      userId: expect.stringMatching(/^005/),
    });
    await auth.authenticate(`bearer ${accessToken}`);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    clock += 101;
    await auth.authenticate(`Bearer ${accessToken}`);
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('shares checked tokens through a shared cache: a second instance asks no one, refusals are not shared', async () => {
    const { accessToken } = await demoLogin();
    const entries = new Map<string, CheckedIdentity>();
    const shared: BearerCache = {
      get: async (key) => entries.get(key),
      set: async (key, identity) => {
        entries.set(key, identity);
      },
      delete: async (key) => {
        entries.delete(key);
      },
    };
    const firstFetch = vi.fn(fetch);
    const secondFetch = vi.fn(fetch);
    const first = createBearerAuthenticator({ instanceUrl: emulator.url, fetch: firstFetch, shared });
    const second = createBearerAuthenticator({ instanceUrl: emulator.url, fetch: secondFetch, shared });
    const checked = await first.authenticate(`Bearer ${accessToken}`);
    const reused = await second.authenticate(`Bearer ${accessToken}`);
    expect(reused).toEqual(checked);
    expect(firstFetch).toHaveBeenCalledTimes(1);
    expect(secondFetch).not.toHaveBeenCalled();
    // Only a hash of the token is kept, never the token.
    expect(JSON.stringify([...entries])).not.toContain(accessToken);

    await expect(first.authenticate('Bearer forged')).rejects.toMatchObject({ code: 'SF_SESSION_EXPIRED' });
    expect(entries.size).toBe(1);

    second.forget(accessToken);
    await vi.waitFor(() => expect(entries.size).toBe(0));
  });

  it('checks with Salesforce when the shared cache fails, and trusts a shared entry only until it expires', async () => {
    const { accessToken } = await demoLogin();
    const broken: BearerCache = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
    };
    const auth = createBearerAuthenticator({ instanceUrl: emulator.url, shared: broken });
    await expect(auth.authenticate(`Bearer ${accessToken}`)).resolves.toMatchObject({ accessToken });

    const expired: BearerCache = {
      get: async () => ({ userId: '005000000000001AAA', orgId: '00D000000000001AAA', expiresAt: 0 }),
      set: async () => {},
      delete: async () => {},
    };
    const fetchSpy = vi.fn(fetch);
    const fresh = createBearerAuthenticator({ instanceUrl: emulator.url, shared: expired, fetch: fetchSpy });
    const session = await fresh.authenticate(`Bearer ${accessToken}`);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(session.userId).not.toBe('005000000000001AAA');
  });

  it('checks with Salesforce when the shared cache does not answer (a frozen Redis), within its deadline', async () => {
    const { accessToken } = await demoLogin();
    const frozen: BearerCache = {
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      delete: () => new Promise(() => {}),
    };
    const auth = createBearerAuthenticator({
      instanceUrl: emulator.url,
      shared: frozen,
      sharedDeadlineMs: 50,
    });
    const started = performance.now();
    await expect(auth.authenticate(`Bearer ${accessToken}`)).resolves.toMatchObject({ accessToken });
    // Bounded by the deadline, not by the cache (a generous bound: this is no timing test).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('createRedisBearerCache', () => {
  it('keeps the identity under a prefixed key, expiring with it', async () => {
    const calls: unknown[][] = [];
    const store = new Map<string, string>();
    const cache = createRedisBearerCache({
      client: {
        get: async (key) => store.get(key) ?? null,
        set: async (key, value, options) => {
          calls.push([key, value, options]);
          store.set(key, value);
        },
        del: async (key) => store.delete(key),
      },
    });
    const identity = { userId: '005x', orgId: '00Dx', expiresAt: Date.now() + 60_000 };
    await cache.set('hash', identity);
    expect(await cache.get('hash')).toEqual(identity);
    expect(calls[0]?.[0]).toBe('sfgql:bearer:hash');
    expect(calls[0]?.[2]).toMatchObject({ expiration: { type: 'PX', value: expect.any(Number) } });
    store.set('sfgql:bearer:bad', '{"userId":1}');
    expect(await cache.get('bad')).toBeUndefined();
    await cache.delete('hash');
    expect(await cache.get('hash')).toBeUndefined();
  });
});

describe('bearerToken', () => {
  it('reads the one token of a Bearer header, in any case, and nothing else', () => {
    expect(bearerToken('Bearer abc.def!ghi')).toBe('abc.def!ghi');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    for (const header of [undefined, null, '', 'Bearer', 'Bearer a b', 'Basic abc', 'abc']) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });
});
