import { type ServiceAuth, serviceAuthFromEnv } from '@sfgql/auth';
import { z } from 'zod';

/** Which writes the adapter may make at all (confirmation is required for every write either way). */
export type WriteScope = 'service' | 'all' | 'none';

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const schema = z.object({
  SFGQL_HOST: z.string().default('127.0.0.1'),
  SFGQL_ACTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  SFGQL_ACTIONS_PUBLIC_URL: z.url().optional(),
  SALESFORCE_INSTANCE_URL: z.url({
    message: 'SALESFORCE_INSTANCE_URL must be the org URL, e.g. https://example.my.salesforce.com',
  }),
  SALESFORCE_LOGIN_URL: z.url().optional(),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'SALESFORCE_API_VERSION looks like 60.0')
    .default('60.0'),
  SFGQL_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  SFGQL_DATA_DIR: z.string().min(1).default('.sfgql'),
  SFGQL_CONFIRM_SECRET: optional.refine((v) => v === undefined || Buffer.byteLength(v) >= 32, {
    message: 'SFGQL_CONFIRM_SECRET must be at least 32 bytes (e.g. openssl rand -base64 48)',
  }),
  SFGQL_CONFIRM_TTL_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(300_000),
  SFGQL_REDIS_URL: optional.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'SFGQL_REDIS_URL must be a redis:// or rediss:// URL')
      .optional(),
  ),
  SFGQL_AUDIT: z.enum(['file', 'log']).default('file'),
  SFGQL_ACTIONS_WRITES: z.enum(['service', 'all', 'none']).default('service'),
  SFGQL_ACTIONS_OAUTH: z.enum(['relay', 'direct']).default('relay'),
  SFGQL_ACTIONS_TOKEN_EXPIRES_IN: z.coerce.number().int().min(0).default(3600),
  SFGQL_ACTIONS_API_KEY: optional.refine((v) => v === undefined || v.length >= 32, {
    message: 'SFGQL_ACTIONS_API_KEY must be at least 32 characters',
  }),
});

export interface ActionsConfig {
  host: string;
  port: number;
  /** The URL GPT Actions call, written into the OpenAPI documents' `servers`. */
  publicUrl: string;
  instanceUrl: string;
  /** Where the OAuth authorize and token endpoints are (the instance URL unless set). */
  loginUrl: string;
  apiVersion: string;
  authCacheTtlMs: number;
  /**
   * The data folder: the used confirmation tokens and idempotency keys (SQLite, unless Redis is
   * configured), the audit trail, and the demo confirmation secret. `:memory:` keeps nothing.
   */
  dataDir: string;
  /** The confirmation token signing secret; without it a demo secret is kept in `dataDir`. */
  confirmSecret: string | undefined;
  /** How long a confirmation token is valid. */
  confirmTtlMs: number;
  /** A Redis server for single-use confirmation tokens and idempotency keys across several instances. */
  redisUrl: string | undefined;
  /** Where writes are recorded: `file` (`<dataDir>/audit.jsonl`, the default) or `log` (stdout, JSON lines). */
  audit: 'file' | 'log';
  /** `service`: the support writes of the service profile; `all`: any write; `none`: read-only. */
  writes: WriteScope;
  /**
   * `relay` (default): the OpenAPI documents name the adapter's own /oauth2/authorize and
   * /oauth2/token, which pass the flow on to the org, because GPT Actions require the OAuth URLs to
   * be on the same domain as the API. `direct`: the org's URLs (when the adapter shares its domain).
   */
  oauth: 'relay' | 'direct';
  /** `expires_in` the token relay adds when Salesforce gives none, so that ChatGPT refreshes in time (0: none). */
  tokenExpiresIn: number;
  /** API-key mode: callers send this key as their bearer token and act as the integration user. */
  apiKey: string | undefined;
  /** The integration user (from the `SF_*` settings), required in API-key mode. */
  serviceAuth: ServiceAuth | undefined;
}

/** Reads and validates the REST adapter's settings; the only place that reads the environment. */
export function loadActionsConfig(env: Record<string, string | undefined> = process.env): ActionsConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new Error(`Invalid GPT Actions adapter configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  const serviceAuth = c.SFGQL_ACTIONS_API_KEY ? serviceAuthFromEnv(env) : undefined;
  if (c.SFGQL_ACTIONS_API_KEY && !serviceAuth) {
    throw new Error(
      'Invalid GPT Actions adapter configuration:\nSFGQL_ACTIONS_API_KEY needs an integration user: set SF_CLIENT_ID and SF_CLIENT_SECRET, and SF_USERNAME and SF_PASSWORD or SF_PRIVATE_KEY (see @sfgql/auth)',
    );
  }
  return {
    host: c.SFGQL_HOST,
    port: c.SFGQL_ACTIONS_PORT,
    publicUrl: (c.SFGQL_ACTIONS_PUBLIC_URL ?? `http://${c.SFGQL_HOST}:${c.SFGQL_ACTIONS_PORT}`).replace(
      /\/$/,
      '',
    ),
    instanceUrl: c.SALESFORCE_INSTANCE_URL,
    loginUrl: c.SALESFORCE_LOGIN_URL ?? c.SALESFORCE_INSTANCE_URL,
    apiVersion: c.SALESFORCE_API_VERSION,
    authCacheTtlMs: c.SFGQL_AUTH_CACHE_TTL_MS,
    dataDir: c.SFGQL_DATA_DIR,
    confirmSecret: c.SFGQL_CONFIRM_SECRET,
    confirmTtlMs: c.SFGQL_CONFIRM_TTL_MS,
    redisUrl: c.SFGQL_REDIS_URL,
    audit: c.SFGQL_AUDIT,
    writes: c.SFGQL_ACTIONS_WRITES,
    oauth: c.SFGQL_ACTIONS_OAUTH,
    tokenExpiresIn: c.SFGQL_ACTIONS_TOKEN_EXPIRES_IN,
    apiKey: c.SFGQL_ACTIONS_API_KEY,
    serviceAuth,
  };
}
