import type { IdempotencyEntry, IdempotencyStore } from './idempotency.ts';
import type { NonceStore } from './nonce-store.ts';

/**
 * The part of a node-redis (`redis` ≥ 6) client this store uses: a client from `createClient()`, a
 * cluster client or a client pool all fit.
 */
export interface RedisSetClient {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
}

/**
 * A nonce store in Redis, shared by every gateway and adapter instance behind a load balancer.
 * A claim is one `SET <prefix><nonce> 1 NX PX <ttl>`: Redis runs it atomically, answers `OK` to the
 * first claim and nil to every later one, and forgets the nonce when the token has expired anyway.
 *
 * The client is the caller's, connected and closed by the caller (one client can serve the whole
 * app). If Redis cannot be reached, `claim` rejects and no write runs.
 */
export function createRedisNonceStore(options: { client: RedisSetClient; keyPrefix?: string }): NonceStore {
  const prefix = options.keyPrefix ?? 'sfgql:confirm:nonce:';
  return {
    async claim(nonce, ttlMs) {
      const reply = await options.client.set(`${prefix}${nonce}`, '1', {
        condition: 'NX',
        // Redis refuses PX 0; a claim always lasts at least a millisecond.
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
      });
      return reply === 'OK';
    },
  };
}

/** The part of a node-redis (`redis` ≥ 6) client the idempotency store uses. */
export interface RedisIdempotencyClient {
  set(
    key: string,
    value: string,
    options: { condition?: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

/**
 * An idempotency store in Redis, shared by every gateway and adapter instance. A reservation is one
 * `SET <prefix><key> <pending> NX PX <ttl>`: Redis runs it atomically, so of concurrent retries of
 * one write exactly one runs it; the others read the entry that is there. The result replaces the
 * pending entry, and a failed write deletes it.
 *
 * The client is the caller's, connected and closed by the caller. If Redis cannot be reached, the
 * keyed write is refused (it rejects) rather than risk writing twice.
 */
export function createRedisIdempotencyStore(options: {
  client: RedisIdempotencyClient;
  keyPrefix?: string;
}): IdempotencyStore {
  const prefix = options.keyPrefix ?? 'sfgql:confirm:idempotency:';
  const { client } = options;
  const px = (ttlMs: number) => ({ type: 'PX' as const, value: Math.max(1, Math.ceil(ttlMs)) });
  return {
    async reserve(key, fingerprint, ttlMs) {
      const pending = JSON.stringify({ state: 'pending', fingerprint });
      // A held key can expire or be released between the SET and the GET: then try again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const reply = await client.set(`${prefix}${key}`, pending, {
          condition: 'NX',
          expiration: px(ttlMs),
        });
        if (reply === 'OK') return null;
        const held = await client.get(`${prefix}${key}`);
        if (typeof held === 'string') return JSON.parse(held) as IdempotencyEntry;
      }
      throw new Error(`The idempotency key ${key} changed hands three times during one reservation`);
    },
    async complete(key, fingerprint, result, ttlMs) {
      const done = JSON.stringify({ state: 'done', fingerprint, result: result ?? null });
      await client.set(`${prefix}${key}`, done, { expiration: px(ttlMs) });
    },
    async release(key) {
      await client.del(`${prefix}${key}`);
    },
  };
}
