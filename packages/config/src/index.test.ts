import { DEFAULT_API_VERSION } from '@sfgql/soql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { integrationEnv, isLoopback, parseSettings, port, SHARED_ENV, sharedConfigOf } from './index.ts';

const schema = z.object({ ...SHARED_ENV, SFGQL_SOME_PORT: port(4300) });

describe('the shared settings', () => {
  it('give every server the same defaults', () => {
    const c = parseSettings('test server', schema, {
      SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com',
    });
    expect(sharedConfigOf(c)).toEqual({
      host: '127.0.0.1',
      instanceUrl: 'https://x.my.salesforce.com',
      loginUrl: 'https://x.my.salesforce.com',
      apiVersion: DEFAULT_API_VERSION,
      authCacheTtlMs: 60_000,
      dataDir: '.sfgql',
      confirmSecret: undefined,
      confirmTtlMs: 300_000,
      redisUrl: undefined,
      audit: 'file',
      logLevel: 'info',
    });
    expect(c.SFGQL_SOME_PORT).toBe(4300);
  });

  it('refuse wrong settings in one error that names each of them and the server', () => {
    expect(() =>
      parseSettings('test server', schema, {
        SALESFORCE_INSTANCE_URL: 'not a url',
        SFGQL_CONFIRM_SECRET: 'short',
        SFGQL_REDIS_URL: 'http://redis',
        SFGQL_SOME_PORT: '70000',
      }),
    ).toThrow(
      /Invalid test server configuration:[\s\S]*SALESFORCE_INSTANCE_URL[\s\S]*SFGQL_CONFIRM_SECRET[\s\S]*SFGQL_REDIS_URL[\s\S]*SFGQL_SOME_PORT/,
    );
  });

  it('check the integration user, naming the setting that needs one', () => {
    expect(() => integrationEnv({}, 'SFGQL_MCP_STDIO')).toThrow(/SFGQL_MCP_STDIO needs an integration user/);
    expect(
      integrationEnv({ SF_CLIENT_ID: 'id', SF_CLIENT_SECRET: 'secret', OTHER: 'x' }, 'anything'),
    ).toEqual({ SF_CLIENT_ID: 'id', SF_CLIENT_SECRET: 'secret' });
  });

  it('tell loopback addresses from others', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.1.2.3'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', 'example.com'].map(isLoopback)).toEqual([false, false, false]);
  });
});
