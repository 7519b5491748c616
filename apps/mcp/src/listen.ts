import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createRedisBearerCache, createRedisTokenStore, serviceAuthFromEnv } from '@sfgql/auth';
import { createMcpApp, type McpApp } from './app.ts';
import type { McpConfig } from './config.ts';
import { confirmationFromConfig } from './confirmation.ts';
import { createLogger, type LogDestination } from './log.ts';

export interface RunningMcpServer {
  /** The base URL, e.g. `http://127.0.0.1:4300`; MCP is at `${url}/mcp`. */
  url: string;
  /** Requests without credentials act as the integration user (loopback demo mode). */
  anonymous: boolean;
  close(): Promise<void>;
}

/** What the server says at start when anyone on this machine can use it without credentials. */
export const ANONYMOUS_WARNING =
  'ANONYMOUS ACCESS IS ON (SFGQL_MCP_ANONYMOUS=demo): MCP clients without credentials act as the integration user. Loopback demo mode only; never expose this server.';

/**
 * Starts the MCP server on `config.host:config.port` (0 picks a free port) with what the
 * configuration asks for: the confirmation secret and stores (SQLite in the data folder, or Redis,
 * then also sharing checked caller tokens and the integration user's session), the audit trail,
 * the integration user for API keys and anonymous access.
 */
export async function listenMcp(
  config: McpConfig,
  options: { logDestination?: LogDestination } = {},
): Promise<RunningMcpServer> {
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const { confirmation, stores } = await confirmationFromConfig(config, logger);
  let app: McpApp | undefined;
  try {
    const redis = stores.redis;
    const tokenStore = redis ? createRedisTokenStore({ client: redis }) : undefined;
    const integration = config.serviceEnv
      ? serviceAuthFromEnv(config.serviceEnv, tokenStore ? { store: tokenStore } : {})?.source
      : undefined;
    // The app names its own URL (protected-resource metadata), known once the port is.
    const server = createServer(
      getRequestListener((request) => (app ? app.fetch(request) : new Response('Starting', { status: 503 }))),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    app = createMcpApp({
      ...config,
      publicUrl: config.publicUrl ?? url,
      confirmation,
      logger,
      ...(redis ? { bearerCache: createRedisBearerCache({ client: redis }) } : {}),
      ...(integration ? { integration } : {}),
    });
    logger.info(
      {
        url: `${url}/mcp`,
        salesforce: config.instanceUrl,
        toolset: config.toolset,
        writes: config.writes,
        auth: {
          bearer: true,
          authorizationServer: config.authorizationServer,
          apiKeys: config.apiKeys.map((k) => k.name),
          anonymous: config.anonymous,
        },
        stores: stores.kind,
      },
      'MCP server listening',
    );
    if (config.anonymous) logger.warn({}, ANONYMOUS_WARNING);
    const running = app;
    return {
      url,
      anonymous: config.anonymous,
      close: () =>
        running
          .close()
          .then(
            () =>
              new Promise<void>((resolve, reject) => {
                server.close((error) => (error ? reject(error) : resolve()));
                server.closeAllConnections();
              }),
          )
          .finally(() => stores.close()),
    };
  } catch (error) {
    await app?.close();
    await stores.close();
    throw error;
  }
}
