import { DEFAULT_API_VERSION } from '@sfgql/soql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  apiKeyList,
  integrationEnv,
  isLoopback,
  parseSettings,
  port,
  SHARED_ENV,
  sharedConfigOf,
  writePolicySetting,
} from './index.ts';

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

describe('a write policy setting', () => {
  const policy = writePolicySetting('SFGQL_X_WRITES');
  const parse = (value: string | undefined) => policy.parse(value);
  const refusal = (value: string) => {
    const parsed = policy.safeParse(value);
    if (parsed.success) throw new Error(`${value} was accepted`);
    return parsed.error.issues.map((i) => i.message).join('; ');
  };

  it('allows every object for all (the default) and none for none', () => {
    expect(parse(undefined)).toEqual({});
    expect(parse('all')).toEqual({});
    expect(parse('  none ')).toEqual({ readOnly: true });
  });

  it('reads an allowlist of objects, each with all its actions or the ones listed', () => {
    expect(parse('Case,Task,Event')).toEqual({ objects: { Case: {}, Task: {}, Event: {} } });
    expect(parse(' Case : create+update , Task')).toEqual({
      objects: { Case: { actions: ['create', 'update'] }, Task: {} },
    });
    expect(parse('Shipment__c:delete+delete')).toEqual({ objects: { Shipment__c: { actions: ['delete'] } } });
  });

  it('refuses what it cannot read, naming the setting and the entry', () => {
    expect(refusal('Case,,Task')).toMatch(/SFGQL_X_WRITES: an entry between commas is empty/);
    expect(refusal('Case:create+upsert')).toMatch(
      /"Case:create\+upsert": the actions are create, update, delete/,
    );
    expect(refusal('Case:')).toMatch(/the actions are/);
    expect(refusal('Case:create:update')).toMatch(/more than one colon/);
    expect(refusal('Case,case')).toMatch(/case is named more than once/);
    expect(refusal("Case' OR 1=1")).toMatch(/is not an object API name/);
    expect(refusal('all,Case')).toMatch(/all stands alone/);
    expect(refusal('Case,none')).toMatch(/none stands alone/);
    expect(refusal('*')).toMatch(/"\*" is not an object API name/);
  });
});

describe('an API key list setting', () => {
  const keys = apiKeyList('SFGQL_X_KEYS');
  const key = 'k'.repeat(32);

  it('names unnamed keys by position and keeps given names', () => {
    expect(keys.parse(`${key}, ops:${key}x`)).toEqual([
      { name: 'key-1', key },
      { name: 'ops', key: `${key}x` },
    ]);
    expect(keys.parse(undefined)).toEqual([]);
  });

  it('refuses short keys and names used twice', () => {
    expect(() => keys.parse('short')).toThrow(
      /SFGQL_X_KEYS is a comma-separated list of keys of 32\+ characters/,
    );
    expect(() => keys.parse(`a:${key},a:${key}y`)).toThrow(/SFGQL_X_KEYS names each key once/);
  });
});
