import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBearerAuthenticator } from './bearer.ts';
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
});
