import { join } from 'node:path';
import {
  type Confirmation,
  createAuditTrail,
  createConfirmation,
  DEFAULT_GATEWAY_POLICY,
  DEFAULT_GPT_ACTIONS_POLICY,
  type IdempotencyStore,
  loadOrCreateSecret,
  type NonceStore,
  type WritePolicy,
} from '@sfgql/confirm';
import { CLIENT_ID } from './callers.ts';
import type { ActionsConfig, WriteScope } from './config.ts';

/**
 * The service profile's writes: `@sfgql/confirm`'s GPT Actions default (a support agent's writes on
 * Case, CaseComment and Task), plus the two fields the profile's own operations set: a case's
 * OwnerId, which routeCaseToQueue changes to the queue, and a task's Type, which logCall sets to
 * Call. Nothing else: a model still cannot write accounts, opportunities or users.
 */
export const SERVICE_WRITE_POLICY: WritePolicy = (() => {
  const objects = DEFAULT_GPT_ACTIONS_POLICY.objects ?? {};
  const extend = (object: string, fields: string[]) => ({
    ...objects[object],
    fields: [...(objects[object]?.fields ?? []), ...fields],
  });
  return {
    ...DEFAULT_GPT_ACTIONS_POLICY,
    objects: { ...objects, Case: extend('Case', ['OwnerId']), Task: extend('Task', ['Type']) },
  };
})();

/** The write policy of each `SFGQL_ACTIONS_WRITES` setting; every write is confirmed under all of them. */
export const WRITE_POLICIES: Readonly<Record<WriteScope, WritePolicy>> = {
  service: SERVICE_WRITE_POLICY,
  all: DEFAULT_GATEWAY_POLICY,
  none: { readOnly: true },
};

/** The confirmation protocol for the adapter's principal, with the policy of the configured scope. */
export function createActionsConfirmation(options: {
  secret: string;
  writes: WriteScope;
  ttlMs?: number;
  store?: NonceStore;
  idempotency?: IdempotencyStore;
  auditFile?: string;
  now?: () => number;
}): Confirmation {
  const policy = WRITE_POLICIES[options.writes];
  return createConfirmation({
    keys: { current: options.secret },
    policy: { default: policy, clients: { [CLIENT_ID]: policy } },
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
    ...(options.auditFile
      ? {
          audit: createAuditTrail({
            file: options.auditFile,
            onError: (error) => console.error('[gpt-actions] audit trail:', error),
          }),
        }
      : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * The confirmation protocol as configured: the configured secret (or the demo secret kept in the
 * data folder), the Redis nonce and idempotency stores when a Redis URL is set, and the audit trail
 * in the data folder.
 */
export async function confirmationFromConfig(
  config: Pick<ActionsConfig, 'confirmSecret' | 'dataDir' | 'writes' | 'confirmTtlMs' | 'redisUrl'>,
): Promise<{ confirmation: Confirmation; close(): Promise<void> }> {
  const secret = config.confirmSecret ?? (await loadOrCreateSecret(config.dataDir));
  let store: NonceStore | undefined;
  let idempotency: IdempotencyStore | undefined;
  let close = async () => {};
  if (config.redisUrl) {
    const [{ createClient }, { createRedisIdempotencyStore, createRedisNonceStore }] = await Promise.all([
      import('redis'),
      import('@sfgql/confirm/redis'),
    ]);
    const client = createClient({ url: config.redisUrl });
    client.on('error', (error) => console.error('[gpt-actions] redis:', error));
    await client.connect();
    store = createRedisNonceStore({ client });
    idempotency = createRedisIdempotencyStore({ client });
    close = async () => {
      await client.close();
    };
  }
  const confirmation = createActionsConfirmation({
    secret,
    writes: config.writes,
    ttlMs: config.confirmTtlMs,
    ...(store ? { store } : {}),
    ...(idempotency ? { idempotency } : {}),
    ...(config.dataDir === ':memory:' ? {} : { auditFile: join(config.dataDir, 'gpt-actions-audit.jsonl') }),
  });
  return { confirmation, close };
}
