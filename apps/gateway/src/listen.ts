import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedisBearerCache, createRedisTokenStore, serviceAuthFromEnv } from '@sfgql/auth';
import { openConfirmation } from '@sfgql/confirm/stores';
import type { GatewayConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createGateway, GATEWAY_WRITE_POLICY } from './yoga.ts';

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Requests without credentials act as the integration user (loopback demo mode). */
  anonymous: boolean;
  close(): Promise<void>;
}

/** What the gateway says at start when anyone on this machine can use it without credentials. */
export const ANONYMOUS_WARNING =
  'ANONYMOUS ACCESS IS ON (SFGQL_GATEWAY_ANONYMOUS=demo): requests without credentials act as the integration user. Loopback demo mode only; never expose this gateway.';

/**
 * Starts the gateway on `config.host:config.port` (0 picks a free port), with what the
 * configuration asks for: the confirmation secret, where used tokens and idempotency keys are kept
 * (SQLite in the data folder by default, Redis when configured: then also checked caller tokens and
 * the integration user's session, shared by every instance), the audit trail, the integration user
 * for API keys and anonymous access.
 */
export async function listenGateway(
  config: GatewayConfig,
  options: { logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Without a configured secret (demo mode), one is made once in the data folder and reused.
  const { confirmation, stores } = await openConfirmation({
    ...config,
    logger,
    policy: { default: GATEWAY_WRITE_POLICY },
  });
  try {
    const client = stores.redis;
    const tokenStore = client ? createRedisTokenStore({ client }) : undefined;
    const integration = config.serviceEnv
      ? serviceAuthFromEnv(config.serviceEnv, tokenStore ? { store: tokenStore } : {})?.source
      : undefined;
    const server = createServer(
      createGateway({
        ...config,
        confirmation,
        logger,
        ...(client ? { bearerCache: createRedisBearerCache({ client }) } : {}),
        ...(integration ? { integration } : {}),
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info(
      {
        url: `${url}/graphql`,
        salesforce: config.instanceUrl,
        apiVersion: config.apiVersion,
        auth: {
          bearer: true,
          apiKeys: config.apiKeys.map((k) => k.name),
          anonymous: config.anonymous,
        },
        stores: stores.kind,
        cors: config.corsOrigins,
        limits: config.limits,
      },
      'gateway listening',
    );
    if (config.anonymous) logger.warn(ANONYMOUS_WARNING);
    return {
      url,
      anonymous: config.anonymous,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }).finally(() => stores.close()),
    };
  } catch (error) {
    await stores.close();
    throw error;
  }
}
