import type { SalesforceSession } from './session.ts';

/** Where a service identity's session is kept between requests and across instances. */
export interface TokenStore {
  get(key: string): Promise<SalesforceSession | undefined>;
  set(key: string, session: SalesforceSession): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A store in this process's memory (the default). */
export function createMemoryTokenStore(): TokenStore {
  const sessions = new Map<string, SalesforceSession>();
  return {
    get: async (key) => sessions.get(key),
    set: async (key, session) => {
      sessions.set(key, session);
    },
    delete: async (key) => {
      sessions.delete(key);
    },
  };
}

/** The part of a node-redis client the Redis store uses. */
export interface RedisTokenClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { expiration?: { type: 'PX'; value: number } }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/**
 * A store in Redis, so that several instances share one session (and one refresh) instead of each
 * logging in. Sessions expire from Redis after `ttlMs` (default 12 hours) as a safety net;
 * Salesforce's INVALID_SESSION_ID still drives refreshes.
 */
export function createRedisTokenStore(options: {
  client: RedisTokenClient;
  keyPrefix?: string;
  ttlMs?: number;
}): TokenStore {
  const prefix = options.keyPrefix ?? 'sfgql:session:';
  const ttl = options.ttlMs ?? 12 * 60 * 60 * 1000;
  return {
    async get(key) {
      const raw = await options.client.get(prefix + key);
      return raw ? (JSON.parse(raw) as SalesforceSession) : undefined;
    },
    async set(key, session) {
      await options.client.set(prefix + key, JSON.stringify(session), {
        expiration: { type: 'PX', value: ttl },
      });
    },
    async delete(key) {
      await options.client.del(prefix + key);
    },
  };
}
