import { join } from 'node:path';
import type { RedisClientType } from 'redis';
import { type AuditLogger, type AuditTrail, createAuditTrail } from './audit.ts';
import { type Confirmation, createConfirmation } from './confirmation.ts';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency.ts';
import { createMemoryNonceStore, type NonceStore } from './nonce-store.ts';
import type { PolicyConfig } from './policy.ts';
import { loadOrCreateSecret } from './secret.ts';
import { createSqliteStores, SQLITE_STORE_FILE } from './sqlite-store.ts';

/** The audit file of a data folder: one for every adapter that uses the folder. */
export const AUDIT_FILE = 'audit.jsonl';

/** Where a deployment keeps used tokens and idempotency keys, and where it records writes. */
export interface WriteStoreSettings {
  /**
   * The data folder: the SQLite store lives in `<dataDir>/confirm.db`, shared by the processes of
   * the machine that use the folder. `:memory:` keeps everything in this process (tests only: a
   * restart forgets every used token).
   */
  dataDir: string;
  /** A Redis shared by every instance (`redis://` or `rediss://`); replaces the SQLite store. */
  redisUrl?: string | undefined;
  /**
   * Where writes are recorded: `file` (JSON lines in `<dataDir>/audit.jsonl`, the default) or
   * `log` (`logger.info`, the app's log stream). A `:memory:` data folder has no file: the log.
   */
  audit?: 'file' | 'log';
  /** The app's logger: audit entries in `log` mode, failures to append to the file, Redis errors. */
  logger: AuditLogger & { error(obj: object, msg?: string): void };
}

/** The stores, opened, and the Redis client when there is one (for the app's other shared caches). */
export interface WriteStores {
  kind: 'redis' | 'sqlite' | 'memory';
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  audit: AuditTrail;
  /** The connected Redis client, when `redisUrl` is set; closed by `close`. */
  redis: RedisClientType | undefined;
  /** Closes the stores and the audit trail (after its pending lines). */
  close(): Promise<void>;
}

function auditTrailFor(settings: WriteStoreSettings): AuditTrail {
  const { logger } = settings;
  if (settings.audit === 'log' || settings.dataDir === ':memory:') return createAuditTrail({ logger });
  return createAuditTrail({
    file: join(settings.dataDir, AUDIT_FILE),
    onError: (error, entry) =>
      logger.error({ err: error, audit: entry }, 'could not append to the audit file'),
  });
}

/**
 * Opens the stores a deployment's settings name: Redis when a URL is given (several machines),
 * else SQLite in the data folder (the default: durable, shared by the processes of one machine),
 * else memory for `:memory:`.
 *
 * The Redis client queues nothing while disconnected (`disableOfflineQueue`): a command sent while
 * Redis is down fails at once, and the write it protects answers `SERVICE_UNAVAILABLE` instead of
 * waiting for a reconnection. A Redis that is up but frozen is bounded by each call's deadline
 * (see `storeDeadlineMs`).
 *
 * @example
 * const stores = await openWriteStores({ dataDir: config.dataDir, redisUrl: config.redisUrl, logger });
 * const confirmation = createConfirmation({
 *   keys,
 *   store: stores.nonces,
 *   idempotency: stores.idempotency,
 *   audit: stores.audit,
 * });
 */
export async function openWriteStores(settings: WriteStoreSettings): Promise<WriteStores> {
  const audit = auditTrailFor(settings);
  if (settings.redisUrl) {
    const [{ createClient }, { createRedisIdempotencyStore, createRedisNonceStore }] = await Promise.all([
      import('redis'),
      import('./redis-store.ts'),
    ]);
    const client = createClient({
      url: settings.redisUrl,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    }) as RedisClientType;
    client.on('error', (error: unknown) => settings.logger.error({ err: error }, 'redis'));
    await client.connect();
    return {
      kind: 'redis',
      nonces: createRedisNonceStore({ client }),
      idempotency: createRedisIdempotencyStore({ client }),
      audit,
      redis: client,
      async close() {
        await audit.close();
        await client.close();
      },
    };
  }
  if (settings.dataDir === ':memory:') {
    return {
      kind: 'memory',
      nonces: createMemoryNonceStore(),
      idempotency: createMemoryIdempotencyStore(),
      audit,
      redis: undefined,
      close: () => audit.close(),
    };
  }
  const sqlite = createSqliteStores({ file: join(settings.dataDir, SQLITE_STORE_FILE) });
  return {
    kind: 'sqlite',
    nonces: sqlite.nonces,
    idempotency: sqlite.idempotency,
    audit,
    redis: undefined,
    async close() {
      await audit.close();
      sqlite.close();
    },
  };
}

/**
 * A door's confirmation settings, named as the doors' configurations name them: its stores', its
 * secret and token lifetime, and its policies.
 */
export interface ConfirmationSettings extends WriteStoreSettings {
  /** The configured signing secret; without one (the local demo), one made once in the data folder. */
  confirmSecret?: string | undefined;
  /** How long a confirmation token lives. */
  confirmTtlMs?: number | undefined;
  /** Write policies by client (see `createConfirmation`). */
  policy?: PolicyConfig;
}

/**
 * The confirmation protocol of a deployment, as every door opens it: the configured secret (or the
 * demo secret kept in the data folder), used tokens and idempotency keys in the stores its settings
 * name (`openWriteStores`), the audit trail, and store failures told to its logger. `stores.close`
 * closes them.
 */
export async function openConfirmation(
  settings: ConfirmationSettings,
): Promise<{ confirmation: Confirmation; stores: WriteStores }> {
  const secret = settings.confirmSecret ?? (await loadOrCreateSecret(settings.dataDir));
  const stores = await openWriteStores(settings);
  try {
    const confirmation = createConfirmation({
      keys: { current: secret },
      ...(settings.policy ? { policy: settings.policy } : {}),
      ...(settings.confirmTtlMs ? { ttlMs: settings.confirmTtlMs } : {}),
      store: stores.nonces,
      idempotency: stores.idempotency,
      audit: stores.audit,
      onStoreError: (error, context) =>
        settings.logger.error({ err: error, ...context }, 'confirmation store'),
    });
    return { confirmation, stores };
  } catch (error) {
    await stores.close();
    throw error;
  }
}
