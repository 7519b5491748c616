import { randomUUID } from 'node:crypto';
import type { IdempotencyEntry, IdempotencyStore } from './idempotency.ts';
import type { NonceStore } from './nonce-store.ts';

/**
 * The part of a node-redis (`redis` ≥ 6) client these stores use: a client from `createClient()`,
 * a cluster client or a client pool all fit.
 */
export interface RedisStoreClient {
  set(
    key: string,
    value: string,
    options: { condition?: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Deletes a key only if it still holds the value this process set: the undo of a late SET. */
const DELETE_IF_OWNED = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const px = (ttlMs: number) => ({ type: 'PX' as const, value: Math.max(1, Math.ceil(ttlMs)) });

/**
 * A `SET … NX PX` whose caller may give up waiting (its signal aborts): a frozen Redis still runs
 * the command queued on its socket when it thaws, so the value then set is deleted again, but only
 * if it is this call's own (compared by value, atomically, in a script).
 */
async function setUnlessAbandoned(
  client: RedisStoreClient,
  key: string,
  value: string,
  ttlMs: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const undo = () => {
    client.eval(DELETE_IF_OWNED, { keys: [key], arguments: [value] }).catch(() => {});
  };
  signal?.addEventListener('abort', undo, { once: true });
  try {
    return (await client.set(key, value, { condition: 'NX', expiration: px(ttlMs) })) === 'OK';
  } finally {
    // A call that settled before the deadline keeps what it did.
    if (!signal?.aborted) signal?.removeEventListener('abort', undo);
  }
}

/**
 * A nonce store in Redis, shared by every gateway and adapter instance behind a load balancer.
 * A claim is one `SET <prefix><nonce> <claim id> NX PX <ttl>`: Redis runs it atomically, answers
 * `OK` to the first claim and nil to every later one, and forgets the nonce when the token has
 * expired anyway. The value is unique to the claim, so that a claim given up at its deadline can be
 * undone without touching anyone else's.
 *
 * The client is the caller's, connected and closed by the caller (one client can serve the whole
 * app). If Redis cannot be reached, `claim` rejects and no write runs.
 */
export function createRedisNonceStore(options: { client: RedisStoreClient; keyPrefix?: string }): NonceStore {
  const prefix = options.keyPrefix ?? 'sfgql:confirm:nonce:';
  return {
    claim: (nonce, ttlMs, claimOptions) =>
      setUnlessAbandoned(options.client, `${prefix}${nonce}`, randomUUID(), ttlMs, claimOptions?.signal),
  };
}

/**
 * An idempotency store in Redis, shared by every gateway and adapter instance. A reservation is one
 * `SET <prefix><key> <entry> NX PX <ttl>`: Redis runs it atomically, so of concurrent retries of
 * one write exactly one runs it; the others read the entry that is there. Results and abandoned
 * writes replace the entry (`SET … PX`), a write that did not happen deletes it. Each stored value
 * carries an id of its own, so that a reservation given up at its deadline can be undone.
 *
 * The client is the caller's, connected and closed by the caller. If Redis cannot be reached, the
 * keyed write is refused (it rejects) rather than risk writing twice.
 */
export function createRedisIdempotencyStore(options: {
  client: RedisStoreClient;
  keyPrefix?: string;
}): IdempotencyStore {
  const prefix = options.keyPrefix ?? 'sfgql:confirm:idempotency:';
  const { client } = options;
  const wrap = (entry: IdempotencyEntry) => JSON.stringify({ id: randomUUID(), entry });
  const read = async (key: string) => {
    const held = await client.get(`${prefix}${key}`);
    return typeof held === 'string' ? (JSON.parse(held) as { entry: IdempotencyEntry }).entry : undefined;
  };
  return {
    async reserve(key, entry, ttlMs, reserveOptions) {
      // A held key can expire or be released between the SET and the GET: then try again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const value = wrap(entry);
        if (await setUnlessAbandoned(client, `${prefix}${key}`, value, ttlMs, reserveOptions?.signal))
          return null;
        const held = await read(key);
        if (held) return held;
      }
      throw new Error(`The idempotency key ${key} changed hands three times during one reservation`);
    },
    get: read,
    async put(key, entry, ttlMs) {
      await client.set(`${prefix}${key}`, wrap(entry), { expiration: px(ttlMs) });
    },
    async release(key) {
      await client.del(`${prefix}${key}`);
    },
  };
}
