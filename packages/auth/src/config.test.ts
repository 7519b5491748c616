import { DEMO, type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceAuthFromEnv } from './config.ts';
import { createMemoryTokenStore } from './token-store.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
});
afterAll(() => emulator.close());

const passwordEnv = () => ({
  SF_LOGIN_URL: emulator.url,
  SF_CLIENT_ID: DEMO.clientId,
  SF_CLIENT_SECRET: DEMO.clientSecret,
  SF_USERNAME: DEMO.username,
  SF_PASSWORD: DEMO.password,
  SF_SECURITY_TOKEN: DEMO.securityToken,
});

describe('serviceAuthFromEnv', () => {
  it('chooses the flow from what is set', () => {
    expect(serviceAuthFromEnv({})).toBeUndefined();
    expect(serviceAuthFromEnv(passwordEnv())?.flow).toBe('password');
    expect(serviceAuthFromEnv({ SF_CLIENT_ID: 'a', SF_CLIENT_SECRET: 'b' })?.flow).toBe('client-credentials');
    expect(serviceAuthFromEnv({ SF_CLIENT_ID: 'a', SF_USERNAME: 'u', SF_PRIVATE_KEY: 'k' })?.flow).toBe(
      'jwt-bearer',
    );
    expect(serviceAuthFromEnv({ SF_CLIENT_ID: 'a', SF_REFRESH_TOKEN: 'r' })?.flow).toBe('refresh-token');
  });

  it('names the missing piece of a half-configured flow, without echoing secrets', () => {
    expect(() => serviceAuthFromEnv({ SF_USERNAME: 'u', SF_PASSWORD: 'hunter2-secret' })).toThrow(
      'The password flow needs SF_CLIENT_ID and SF_CLIENT_SECRET to be set',
    );
    expect(() => serviceAuthFromEnv({ SF_PRIVATE_KEY: 'PEMSECRET' })).toThrow(/SF_CLIENT_ID and SF_USERNAME/);
    expect(() => serviceAuthFromEnv({ SF_CLIENT_SECRET: 's3cr3t' })).toThrow(/SF_CLIENT_ID/);
    expect(() => serviceAuthFromEnv({ SF_LOGIN_URL: 'not a url' })).toThrow(/SF_LOGIN_URL/);
    try {
      serviceAuthFromEnv({ SF_USERNAME: 'u', SF_PASSWORD: 'hunter2-secret' });
    } catch (error) {
      expect(JSON.stringify(error) + String(error)).not.toContain('hunter2-secret');
    }
  });

  it('logs in with the password flow and shares the session through the store', async () => {
    const store = createMemoryTokenStore();
    const first = serviceAuthFromEnv(passwordEnv(), { store });
    const session = await first?.source.current();
    expect(session?.accessToken).toBeTruthy();
    const fetchSpy = vi.fn(fetch);
    const second = serviceAuthFromEnv(passwordEnv(), { store, fetch: fetchSpy });
    expect((await second?.source.current())?.accessToken).toBe(session?.accessToken);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('logs in by itself when the shared store does not answer (a frozen Redis)', async () => {
    const frozen = {
      get: () => new Promise<never>(() => {}),
      set: () => new Promise<never>(() => {}),
      delete: () => new Promise<never>(() => {}),
    };
    const auth = serviceAuthFromEnv(passwordEnv(), { store: frozen });
    const started = performance.now();
    await expect(auth?.source.current()).resolves.toMatchObject({ accessToken: expect.any(String) });
    // Bounded by the store's deadline (half a second) and the login, never by the store.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('keeps the password and the client secret out of errors and logs when a login fails', async () => {
    const logs: string[] = [];
    const capture = (...args: unknown[]) =>
      logs.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${a.stack} ${JSON.stringify(a)}` : String(a)))
          .join(' '),
      );
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    const env = {
      ...passwordEnv(),
      SF_PASSWORD: 'Wrong-Pa55word-xyz',
      SF_CLIENT_SECRET: 'Wrong-Client-Secret-xyz',
    };
    const error = (await serviceAuthFromEnv(env)
      ?.source.current()
      .catch((e: unknown) => e)) as Error & { cause?: unknown };
    for (const spy of spies) spy.mockRestore();
    expect(error).toMatchObject({ code: 'SF_AUTH_FAILED' });
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error),
      String(error.cause ?? ''),
      ...logs,
    ].join('\n');
    expect(everything).not.toContain('Wrong-Pa55word-xyz');
    expect(everything).not.toContain('Wrong-Client-Secret-xyz');
    expect(everything).not.toContain(DEMO.securityToken);
  });
});
