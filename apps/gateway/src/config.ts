import {
  type ApiKey,
  apiKeyList,
  integrationEnv,
  isLoopback,
  list,
  parseSettings,
  port,
  SHARED_ENV,
  type SharedConfig,
  sharedConfigOf,
} from '@sfgql/config';
import { z } from 'zod';

const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = z.object({
  ...SHARED_ENV,
  SFGQL_GATEWAY_PORT: port(4000),
  SFGQL_CUSTOM_FIELDS: z.enum(['describe', 'off']).default('describe'),
  SFGQL_CUSTOM_OBJECTS: list.pipe(
    z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'custom object names end in __c')),
  ),
  SFGQL_GATEWAY_API_KEYS: apiKeyList('SFGQL_GATEWAY_API_KEYS'),
  SFGQL_GATEWAY_ANONYMOUS: z.enum(['off', 'demo']).default('off'),
  SFGQL_GATEWAY_CORS_ORIGINS: list.pipe(
    z.array(
      z
        .string()
        .regex(
          /^(\*|https?:\/\/[^/\s,]+)$/,
          'SFGQL_GATEWAY_CORS_ORIGINS lists origins such as https://app.example.com (or *)',
        ),
    ),
  ),
  SFGQL_GATEWAY_MAX_DEPTH: limit(15, 100),
  SFGQL_GATEWAY_MAX_ALIASES: limit(30, 1000),
  SFGQL_GATEWAY_MAX_TOKENS: limit(2000, 100_000),
  SFGQL_GATEWAY_MAX_COST: limit(50_000, 10_000_000),
  SFGQL_GATEWAY_MAX_BATCH: limit(5, 100),
});

/** The limits that refuse abusive queries before anything runs. */
export interface QueryLimits {
  /** Deepest nesting of fields (a connection's edges and node count as levels). */
  maxDepth: number;
  /** Most aliases in one operation (each alias of a list can cost a query). */
  maxAliases: number;
  /** Most tokens in a document (names, punctuation, values): parsing stops beyond. */
  maxTokens: number;
  /** Most values a query may ask for: lists count `first` times what each record asks. */
  maxCost: number;
  /** Most operations in one batched request. */
  maxBatch: number;
}

export { type ApiKey, isLoopback };

export interface GatewayConfig extends SharedConfig {
  port: number;
  /** Read each org's custom fields from describe. */
  customFields: boolean;
  /** Custom objects to include in the graph. */
  customObjects: string[];
  /** Keys that act as the integration user (sent as `X-API-Key` or `Authorization: Bearer`). */
  apiKeys: ApiKey[];
  /** Requests without credentials act as the integration user: loopback demo mode only. */
  anonymous: boolean;
  /**
   * The integration user's `SF_*` settings (for `serviceAuthFromEnv` of `@sfgql/auth`), when API
   * keys or anonymous access need one; checked here, used by `listenGateway`.
   */
  serviceEnv: Record<string, string | undefined> | undefined;
  /** Origins allowed to call from a browser (`*` for any); none by default. */
  corsOrigins: string[];
  limits: QueryLimits;
}

const fail = (message: string): never => {
  throw new Error(`Invalid gateway configuration:\n${message}`);
};

/** Reads and validates the gateway's settings; the only place that reads the environment. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const c = parseSettings('gateway', schema, env);
  const anonymous = c.SFGQL_GATEWAY_ANONYMOUS === 'demo';
  if (anonymous && !isLoopback(c.SFGQL_HOST))
    fail(
      `SFGQL_GATEWAY_ANONYMOUS=demo lets anyone who reaches the gateway act as the integration user, so it is only allowed when SFGQL_HOST is a loopback address (127.0.0.1, ::1, localhost), not ${c.SFGQL_HOST}`,
    );
  const apiKeys = c.SFGQL_GATEWAY_API_KEYS;
  let serviceEnv: Record<string, string | undefined> | undefined;
  if (apiKeys.length || anonymous) {
    try {
      serviceEnv = integrationEnv(
        env,
        apiKeys.length ? 'SFGQL_GATEWAY_API_KEYS' : 'SFGQL_GATEWAY_ANONYMOUS=demo',
      );
    } catch (error) {
      fail((error as Error).message);
    }
  }
  return {
    ...sharedConfigOf(c),
    port: c.SFGQL_GATEWAY_PORT,
    customFields: c.SFGQL_CUSTOM_FIELDS === 'describe',
    customObjects: c.SFGQL_CUSTOM_OBJECTS,
    apiKeys,
    anonymous,
    serviceEnv,
    corsOrigins: c.SFGQL_GATEWAY_CORS_ORIGINS,
    limits: {
      maxDepth: c.SFGQL_GATEWAY_MAX_DEPTH,
      maxAliases: c.SFGQL_GATEWAY_MAX_ALIASES,
      maxTokens: c.SFGQL_GATEWAY_MAX_TOKENS,
      maxCost: c.SFGQL_GATEWAY_MAX_COST,
      maxBatch: c.SFGQL_GATEWAY_MAX_BATCH,
    },
  };
}
