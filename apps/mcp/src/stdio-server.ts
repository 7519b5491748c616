import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createCallerResolver, createRedisTokenStore, serviceAuthFromEnv } from '@sfgql/auth';
import { createDescribeCache } from '@sfgql/soql';
import type { McpCaller } from './call-tool.ts';
import type { McpConfig } from './config.ts';
import { confirmationFromConfig, mcpCallerOf } from './confirmation.ts';
import { createConnection } from './connection.ts';
import { createLogger, type LogDestination } from './log.ts';
import { toolsOf } from './tools.ts';

/**
 * Serves one client over a transport (stdio) as the integration user: the configured toolset under
 * the write policy, every write confirmed with durable single-use tokens. The integration user
 * signs in at the first call that needs it (a failure is that call's error, retried at the next),
 * and its one Salesforce client serves every call after.
 */
export async function runStdio(
  config: McpConfig,
  transport: Transport,
  options: { logDestination: LogDestination },
): Promise<{ close(): Promise<void> }> {
  const logger = createLogger({ level: config.logLevel, destination: options.logDestination });
  if (!config.serviceEnv) throw new Error('The stdio server needs the SF_* integration user settings');
  const { confirmation, stores } = await confirmationFromConfig(config, logger);
  const tokenStore = stores.redis ? createRedisTokenStore({ client: stores.redis }) : undefined;
  const integration = serviceAuthFromEnv(config.serviceEnv, tokenStore ? { store: tokenStore } : {})?.source;
  if (!integration) {
    await stores.close();
    throw new Error('The stdio server needs the SF_* integration user settings');
  }
  // The one caller resolver of every door, with no credentials to check: the integration user.
  const resolver = createCallerResolver({
    instanceUrl: config.instanceUrl,
    ttlMs: config.authCacheTtlMs,
    integration,
    anonymous: true,
  });
  const describeCache = createDescribeCache();
  let caller: Promise<McpCaller> | undefined;
  const callerOf = () => {
    caller ??= resolver.resolve(new Headers()).then(
      (resolved) => mcpCallerOf(resolved, { apiVersion: config.apiVersion, describeCache }),
      (error: unknown) => {
        caller = undefined;
        throw error;
      },
    );
    return caller;
  };
  const server = createConnection({
    toolset: config.toolset,
    tools: toolsOf(config.toolset, config.writes),
    confirmation,
    confirmTimeoutMs: config.confirmTtlMs,
    caller: callerOf,
    logger,
  });
  try {
    await server.connect(transport);
  } catch (error) {
    await stores.close();
    throw error;
  }
  logger.info(
    { salesforce: config.instanceUrl, toolset: config.toolset, writes: config.writes, stores: stores.kind },
    'MCP server on stdio',
  );
  return { close: () => server.close().finally(() => stores.close()) };
}
