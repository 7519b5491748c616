import { serviceAuthFromEnv } from '@sfgql/auth';
import type { WriteAction, WritePolicy } from '@sfgql/confirm';
import { DEFAULT_API_VERSION } from '@sfgql/soql';
import { z } from 'zod';

/** An optional text setting: empty is the same as unset. */
export const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A comma-separated list setting. */
export const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** A port setting (0 picks a free one). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/**
 * The settings every server reads the same way, as a zod shape each app extends with its own:
 * `z.object({ ...SHARED_ENV, SFGQL_GATEWAY_PORT: port(4000), ... })`.
 */
export const SHARED_ENV = {
  SFGQL_HOST: z.string().default('127.0.0.1'),
  SALESFORCE_INSTANCE_URL: z.url({
    message: 'SALESFORCE_INSTANCE_URL must be the org URL, e.g. https://example.my.salesforce.com',
  }),
  SALESFORCE_LOGIN_URL: z.url().optional(),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, `SALESFORCE_API_VERSION looks like ${DEFAULT_API_VERSION}`)
    .default(DEFAULT_API_VERSION),
  SFGQL_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  SFGQL_DATA_DIR: z.string().min(1).default('.sfgql'),
  SFGQL_CONFIRM_SECRET: optionalText.refine((v) => v === undefined || Buffer.byteLength(v) >= 32, {
    message:
      'SFGQL_CONFIRM_SECRET must be at least 32 bytes, the same on every instance (e.g. openssl rand -base64 48)',
  }),
  SFGQL_CONFIRM_TTL_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(300_000),
  SFGQL_REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'SFGQL_REDIS_URL must be a redis:// or rediss:// URL')
      .optional(),
  ),
  SFGQL_AUDIT: z.enum(['file', 'log']).default('file'),
  SFGQL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

type SharedEnv = z.output<z.ZodObject<typeof SHARED_ENV>>;

/** The settings every server shares, as each app's config carries them. */
export interface SharedConfig {
  /** The address the server binds. */
  host: string;
  /** The org's URL, where the REST API is. */
  instanceUrl: string;
  /** Where users sign in (the instance URL unless set). */
  loginUrl: string;
  /** The REST API version, e.g. `60.0`. */
  apiVersion: string;
  /** How long a checked caller token is trusted. */
  authCacheTtlMs: number;
  /**
   * The data folder: used confirmation tokens and idempotency keys (SQLite, unless Redis is set),
   * the audit trail, and the demo confirmation secret. `:memory:` keeps nothing.
   */
  dataDir: string;
  /** The confirmation token signing secret; without it a demo secret is kept in `dataDir`. */
  confirmSecret: string | undefined;
  /** How long a confirmation token is valid. */
  confirmTtlMs: number;
  /** Redis shared by several instances: single-use tokens, idempotency keys, checked tokens. */
  redisUrl: string | undefined;
  /** Where writes are recorded: `file` (`<dataDir>/audit.jsonl`) or `log` (the log stream). */
  audit: 'file' | 'log';
  /** The server's JSON logs. */
  logLevel: SharedEnv['SFGQL_LOG_LEVEL'];
}

/** The shared part of an app's parsed settings. */
export function sharedConfigOf(env: SharedEnv): SharedConfig {
  return {
    host: env.SFGQL_HOST,
    instanceUrl: env.SALESFORCE_INSTANCE_URL,
    loginUrl: env.SALESFORCE_LOGIN_URL ?? env.SALESFORCE_INSTANCE_URL,
    apiVersion: env.SALESFORCE_API_VERSION,
    authCacheTtlMs: env.SFGQL_AUTH_CACHE_TTL_MS,
    dataDir: env.SFGQL_DATA_DIR,
    confirmSecret: env.SFGQL_CONFIRM_SECRET,
    confirmTtlMs: env.SFGQL_CONFIRM_TTL_MS,
    redisUrl: env.SFGQL_REDIS_URL,
    audit: env.SFGQL_AUDIT,
    logLevel: env.SFGQL_LOG_LEVEL,
  };
}

/** Parses an app's settings, or throws one error listing every wrong one under the app's name. */
export function parseSettings<S extends z.ZodType>(
  app: string,
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid ${app} configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Whether a host name or address is this machine's own (demo modes are allowed there only). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The integration user's `SF_*` settings (for `serviceAuthFromEnv` of `@sfgql/auth`), checked:
 * what API keys, anonymous demo access or a stdio server act as. Throws naming `needed` (the
 * setting that asks for one) when they are missing or wrong.
 */
export function integrationEnv(
  env: Record<string, string | undefined>,
  needed: string,
): Record<string, string | undefined> {
  const serviceEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SF_')));
  if (serviceAuthFromEnv(serviceEnv) === undefined)
    throw new Error(
      `${needed} needs an integration user: set SF_CLIENT_ID and SF_CLIENT_SECRET (client credentials), or SF_USERNAME with SF_PRIVATE_KEY (JWT bearer) or SF_PASSWORD (see @sfgql/auth)`,
    );
  return serviceEnv;
}

/** An API key: at least 32 characters a header can carry, optionally named (`name:key`). */
const API_KEY = /^(?:([A-Za-z0-9_.-]{1,64}):)?([A-Za-z0-9._~+/=-]{32,512})$/;

/** A key that acts as the integration user; its name is what logs and the audit trail show. */
export interface ApiKey {
  /** Named in logs and metrics (`key-1`, ... when the setting gives no names). */
  name: string;
  key: string;
}

/**
 * A setting listing API keys, comma-separated, each of 32+ characters and optionally named
 * (`reporting:KEY,ops:KEY`); unnamed keys are called `key-1`, `key-2`, ... Each name once.
 *
 * @example
 * z.object({ SFGQL_MCP_API_KEYS: apiKeyList('SFGQL_MCP_API_KEYS') }).parse(env).SFGQL_MCP_API_KEYS;
 * // [{ name: 'reporting', key: '...' }]
 */
export const apiKeyList = (setting: string) =>
  list
    .pipe(
      z.array(
        z
          .string()
          .regex(
            API_KEY,
            `${setting} is a comma-separated list of keys of 32+ characters, each optionally named (name:key)`,
          ),
      ),
    )
    .transform((entries): ApiKey[] =>
      entries.map((entry, i) => {
        const [, name, key] = API_KEY.exec(entry) as RegExpExecArray;
        return { name: name ?? `key-${i + 1}`, key: key as string };
      }),
    )
    .refine((keys) => new Set(keys.map((k) => k.name)).size === keys.length, {
      message: `${setting} names each key once`,
    });

const WRITE_ACTIONS: readonly WriteAction[] = ['create', 'update', 'delete'];

/** An object's API name (`Case`, `Shipment__c`). */
const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A write policy setting (for `@sfgql/confirm`): `all` (any object the Salesforce user may write),
 * `none` (read-only), or a comma-separated allowlist of objects, each with all its actions or only
 * those listed after a colon and joined by `+`: `Case,Task,Event` or `Case:create+update,Task`.
 * Object names are Salesforce API names, compared without regard to case, each named once.
 * Salesforce's own sharing and field-level security still apply under any of them.
 *
 * @example
 * writePolicySetting('SFGQL_MCP_WRITES').parse('Case:create+update,Task');
 * // { objects: { Case: { actions: ['create', 'update'] }, Task: {} } }
 */
export const writePolicySetting = (setting: string) =>
  z
    .string()
    .trim()
    .default('all')
    .transform((value, ctx): WritePolicy => {
      if (value === 'all' || value === '') return {};
      if (value === 'none') return { readOnly: true };
      const objects: Record<string, { actions?: WriteAction[] }> = {};
      const seen = new Set<string>();
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message: `${setting}: ${message}` });
        return z.NEVER;
      };
      for (const entry of value.split(',').map((s) => s.trim())) {
        if (!entry) return fail('an entry between commas is empty');
        const [object = '', actions, ...rest] = entry.split(':').map((s) => s.trim());
        if (rest.length) return fail(`"${entry}" has more than one colon (write Object:create+update)`);
        if (object === 'all' || object === 'none')
          return fail(`${object} stands alone, not in a list of objects`);
        if (!OBJECT_NAME.test(object))
          return fail(
            `"${object}" is not an object API name (all, none, or objects such as Case,Task:create)`,
          );
        if (seen.has(object.toLowerCase())) return fail(`${object} is named more than once`);
        seen.add(object.toLowerCase());
        if (actions === undefined) {
          objects[object] = {};
          continue;
        }
        const listed = actions.split('+').map((s) => s.trim());
        const wrong = listed.filter((a) => !WRITE_ACTIONS.includes(a as WriteAction));
        if (wrong.length)
          return fail(
            `"${entry}": the actions are ${WRITE_ACTIONS.join(', ')}, joined by + (not ${JSON.stringify(wrong.join('+') || actions)})`,
          );
        objects[object] = { actions: [...new Set(listed as WriteAction[])] };
      }
      return { objects };
    });
