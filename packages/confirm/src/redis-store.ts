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
