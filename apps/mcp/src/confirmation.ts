import type { Caller } from '@sfgql/auth';
import { type Confirmation, createConfirmation, type PolicyConfig, type WritePolicy } from '@sfgql/confirm';
import { openConfirmation, type WriteStores } from '@sfgql/confirm/stores';
import { callerContext } from '@sfgql/objects/confirmed';
import type { DescribeCache } from '@sfgql/soql';
import type { McpCaller } from './call-tool.ts';
import type { McpConfig } from './config.ts';
import type { Logger } from './log.ts';

/** The principal's client id: confirmation tokens and the audit trail name the MCP server by it. */
export const CLIENT_ID = 'mcp';

/** The policies of the server's principal under its write policy. */
const policyOf = (policy: WritePolicy): PolicyConfig => ({
  default: policy,
  clients: { [CLIENT_ID]: policy },
});

/** The confirmation protocol for the server's principal, under its write policy. */
export function createMcpConfirmation(options: {
  secret: string | Buffer;
  policy: WritePolicy;
  ttlMs?: number;
  stores?: Pick<WriteStores, 'nonces' | 'idempotency' | 'audit'>;
  logger?: Logger;
  now?: () => number;
}): Confirmation {
  const { stores, logger } = options;
  return createConfirmation({
    keys: { current: options.secret },
    policy: policyOf(options.policy),
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
    ...(stores ? { store: stores.nonces, idempotency: stores.idempotency, audit: stores.audit } : {}),
    ...(logger
      ? { onStoreError: (error, context) => logger.error({ err: error, ...context }, 'confirmation store') }
      : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * The confirmation protocol as configured: the configured secret (or the demo secret kept in the
 * data folder), used tokens in SQLite in the data folder (or Redis when a URL is set), and the audit
 * trail shared with the other doors of the data folder. `close` closes the stores.
 */
export async function confirmationFromConfig(
  config: Pick<McpConfig, 'confirmSecret' | 'dataDir' | 'writes' | 'confirmTtlMs' | 'redisUrl' | 'audit'>,
  logger: Logger,
): Promise<{ confirmation: Confirmation; stores: WriteStores }> {
  return openConfirmation({ ...config, logger, policy: policyOf(config.writes) });
}

/** A resolved caller as the MCP server uses it: a Salesforce client acting as them, and its principal. */
export function mcpCallerOf(
  caller: Caller,
  options: { apiVersion: string; describeCache: DescribeCache },
): McpCaller {
  return callerContext(caller, { ...options, clientId: CLIENT_ID });
}
