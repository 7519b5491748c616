import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedisBearerCache, createRedisTokenStore, serviceAuthFromEnv } from '@sfgql/auth';
import {
  createConfirmation,
  DEFAULT_GATEWAY_POLICY,
  type IdempotencyStore,
  loadOrCreateSecret,
  type NonceStore,
} from '@sfgql/confirm';
import type { GatewayConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createGateway } from './yoga.ts';

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
 * configuration asks for: the confirmation secret, Redis (single-use confirmations, idempotency
 * keys and checked caller tokens shared by every instance, and the integration user's session), the integration
 * user for API keys and anonymous access.
 */
export async function listenGateway(
  config: GatewayConfig,
  options: { logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  // Without a configured secret (demo mode), one is made once in the data folder and reused.
  const secret = config.confirmSecret ?? (await loadOrCreateSecret(config.dataDir));
  let redis: { close(): Promise<unknown> } | undefined;
  let nonces: NonceStore | undefined;
  let idempotency: IdempotencyStore | undefined;
  let shared: Pick<Parameters<typeof createGateway>[0], 'bearerCache'> = {};
  let tokenStore: ReturnType<typeof createRedisTokenStore> | undefined;
  if (config.redisUrl) {
    const [{ createClient }, { createRedisIdempotencyStore, createRedisNonceStore }] = await Promise.all([
      import('redis'),
      import('@sfgql/confirm/redis'),
    ]);
    const client = createClient({ url: config.redisUrl });
    client.on('error', (error: unknown) => logger.error({ err: error }, 'redis'));
    await client.connect();
    redis = client;
    nonces = createRedisNonceStore({ client });
    idempotency = createRedisIdempotencyStore({ client });
    shared = { bearerCache: createRedisBearerCache({ client }) };
    tokenStore = createRedisTokenStore({ client });
  }
  const closeRedis = async () => {
    await redis?.close();
  };
  try {
    const confirmation = createConfirmation({
      keys: { current: secret },
      policy: { default: DEFAULT_GATEWAY_POLICY },
      ttlMs: config.confirmTtlMs,
      ...(nonces ? { store: nonces } : {}),
      ...(idempotency ? { idempotency } : {}),
    });
    const integration = config.serviceEnv
      ? serviceAuthFromEnv(config.serviceEnv, tokenStore ? { store: tokenStore } : {})?.source
      : undefined;
    const server = createServer(
      createGateway({
        ...config,
        confirmation,
        logger,
        ...shared,
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
        redis: Boolean(config.redisUrl),
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
        }).finally(closeRedis),
    };
  } catch (error) {
    await closeRedis();
    throw error;
  }
}
