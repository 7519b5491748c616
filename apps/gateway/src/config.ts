import { serviceAuthFromEnv } from '@sfgql/auth';
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const limit = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** An API key: at least 32 characters a header can carry, optionally named (`name:key`). */
const API_KEY = /^(?:([A-Za-z0-9_.-]{1,64}):)?([A-Za-z0-9._~+/=-]{32,512})$/;

const schema = z.object({
  SFGQL_HOST: z.string().default('127.0.0.1'),
  SFGQL_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  SALESFORCE_INSTANCE_URL: z.url({
    message: 'SALESFORCE_INSTANCE_URL must be the org URL, e.g. https://example.my.salesforce.com',
  }),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'SALESFORCE_API_VERSION looks like 60.0')
    .default('60.0'),
  SFGQL_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  SFGQL_DATA_DIR: z.string().min(1).default('.sfgql'),
  SFGQL_CONFIRM_SECRET: z
    .string()
    .min(32, 'SFGQL_CONFIRM_SECRET must be at least 32 characters (the same on every instance)')
    .optional(),
  SFGQL_CONFIRM_TTL_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(300_000),
  SFGQL_REDIS_URL: optional.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'SFGQL_REDIS_URL must be a redis:// or rediss:// URL')
      .optional(),
  ),
  SFGQL_AUDIT: z.enum(['file', 'log']).default('file'),
  SFGQL_CUSTOM_FIELDS: z.enum(['describe', 'off']).default('describe'),
  SFGQL_CUSTOM_OBJECTS: list.pipe(
    z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'custom object names end in __c')),
  ),
  SFGQL_GATEWAY_API_KEYS: list.pipe(
    z.array(
      z
        .string()
        .regex(
          API_KEY,
          'SFGQL_GATEWAY_API_KEYS is a comma-separated list of keys of 32+ characters, each optionally named (name:key)',
        ),
    ),
  ),
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
  SFGQL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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

export interface ApiKey {
  /** Named in logs and metrics (`key-1`, ... when the setting gives no names). */
  name: string;
  key: string;
}

export interface GatewayConfig {
  host: string;
  port: number;
  instanceUrl: string;
  apiVersion: string;
  authCacheTtlMs: number;
  /**
   * The data folder: the used confirmation tokens and idempotency keys (SQLite, unless Redis is
   * configured), the audit trail, and the demo confirmation secret. `:memory:` keeps nothing.
   */
  dataDir: string;
  /** Signs confirmation tokens; every instance behind one load balancer needs the same. */
  confirmSecret: string | undefined;
  /** How long a confirmation token is valid. */
  confirmTtlMs: number;
  /** Redis shared by every instance: single-use confirmations, idempotency keys and checked caller tokens. */
  redisUrl: string | undefined;
  /** Where writes are recorded: `file` (`<dataDir>/audit.jsonl`, the default) or `log` (the log stream). */
  audit: 'file' | 'log';
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
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Whether a host name only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const fail = (message: string): never => {
  throw new Error(`Invalid gateway configuration:\n${message}`);
};

/** Reads and validates the gateway's settings; the only place that reads the environment. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) fail(z.prettifyError(parsed.error));
  const c = (parsed as { data: z.infer<typeof schema> }).data;
  const anonymous = c.SFGQL_GATEWAY_ANONYMOUS === 'demo';
  if (anonymous && !isLoopback(c.SFGQL_HOST))
    fail(
      `SFGQL_GATEWAY_ANONYMOUS=demo lets anyone who reaches the gateway act as the integration user, so it is only allowed when SFGQL_HOST is a loopback address (127.0.0.1, ::1, localhost), not ${c.SFGQL_HOST}`,
    );
  const apiKeys = c.SFGQL_GATEWAY_API_KEYS.map((entry, i) => {
    const [, name, key] = API_KEY.exec(entry) as RegExpExecArray;
    return { name: name ?? `key-${i + 1}`, key: key as string };
  });
  if (new Set(apiKeys.map((k) => k.name)).size !== apiKeys.length)
    fail('SFGQL_GATEWAY_API_KEYS names each key once');
  let serviceEnv: Record<string, string | undefined> | undefined;
  if (apiKeys.length || anonymous) {
    serviceEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SF_')));
    let configured = false;
    try {
      configured = serviceAuthFromEnv(serviceEnv) !== undefined;
    } catch (error) {
      fail((error as Error).message);
    }
    if (!configured)
      fail(
        `${apiKeys.length ? 'SFGQL_GATEWAY_API_KEYS' : 'SFGQL_GATEWAY_ANONYMOUS=demo'} needs an integration user: set SF_CLIENT_ID and SF_CLIENT_SECRET (client credentials), or SF_USERNAME with SF_PRIVATE_KEY (JWT bearer) or SF_PASSWORD (see @sfgql/auth)`,
      );
  }
  return {
    host: c.SFGQL_HOST,
    port: c.SFGQL_GATEWAY_PORT,
    instanceUrl: c.SALESFORCE_INSTANCE_URL,
    apiVersion: c.SALESFORCE_API_VERSION,
    authCacheTtlMs: c.SFGQL_AUTH_CACHE_TTL_MS,
    dataDir: c.SFGQL_DATA_DIR,
    confirmSecret: c.SFGQL_CONFIRM_SECRET,
    confirmTtlMs: c.SFGQL_CONFIRM_TTL_MS,
    redisUrl: c.SFGQL_REDIS_URL,
    audit: c.SFGQL_AUDIT,
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
    logLevel: c.SFGQL_LOG_LEVEL,
  };
}
