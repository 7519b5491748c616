import { type SessionSource, serviceAuthFromEnv, staticSession } from '@sfgql/auth';
import { integrationEnv, optionalText, parseSettings, SHARED_ENV } from '@sfgql/config';
import { z } from 'zod';
import { CliError } from './errors.ts';

const schema = z.object({
  SALESFORCE_INSTANCE_URL: SHARED_ENV.SALESFORCE_INSTANCE_URL.optional(),
  SALESFORCE_ACCESS_TOKEN: optionalText,
  SALESFORCE_API_VERSION: SHARED_ENV.SALESFORCE_API_VERSION,
  SFGQL_DATA_DIR: SHARED_ENV.SFGQL_DATA_DIR,
  SFGQL_CONFIRM_SECRET: SHARED_ENV.SFGQL_CONFIRM_SECRET,
  SFGQL_CONFIRM_TTL_MS: SHARED_ENV.SFGQL_CONFIRM_TTL_MS,
  SFGQL_REDIS_URL: SHARED_ENV.SFGQL_REDIS_URL,
  SFGQL_AUDIT: SHARED_ENV.SFGQL_AUDIT,
});

/** The command's settings, from the environment. */
export interface CliConfig {
  /** Who the command acts as: the person's own token, or the `SF_*` integration user. */
  session: SessionSource;
  /** `token`: `SALESFORCE_ACCESS_TOKEN`; `integration`: the `SF_*` settings. */
  credentials: 'token' | 'integration';
  apiVersion: string;
  /** Used confirmation tokens and idempotency keys, the audit trail, the demo confirmation secret. */
  dataDir: string;
  confirmSecret: string | undefined;
  confirmTtlMs: number;
  redisUrl: string | undefined;
  audit: 'file' | 'log';
}

const NO_CREDENTIALS =
  'sfgql needs Salesforce credentials: set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN (your own access token), or an integration user: SF_CLIENT_ID and SF_CLIENT_SECRET (client credentials), or SF_USERNAME with SF_PRIVATE_KEY (JWT bearer) or SF_PASSWORD, and SF_LOGIN_URL (see @sfgql/auth)';

/**
 * Reads and checks the command's settings; the only place that reads the environment. A person's
 * own token (`SALESFORCE_INSTANCE_URL` and `SALESFORCE_ACCESS_TOKEN`) comes first; without one, the
 * `SF_*` integration user of `@sfgql/auth`. Wrong or missing settings are a `CliError` naming them.
 */
export function loadCliConfig(env: Record<string, string | undefined> = process.env): CliConfig {
  let c: z.output<typeof schema>;
  let session: SessionSource;
  let credentials: CliConfig['credentials'];
  try {
    c = parseSettings('sfgql', schema, env);
    if (c.SALESFORCE_ACCESS_TOKEN) {
      if (!c.SALESFORCE_INSTANCE_URL)
        throw new Error('SALESFORCE_ACCESS_TOKEN needs SALESFORCE_INSTANCE_URL: the org the token is for');
      session = staticSession({
        instanceUrl: c.SALESFORCE_INSTANCE_URL,
        accessToken: c.SALESFORCE_ACCESS_TOKEN,
      });
      credentials = 'token';
    } else {
      const service = serviceAuthFromEnv(integrationEnv(env, 'sfgql'));
      if (!service) throw new Error(NO_CREDENTIALS);
      session = service.source;
      credentials = 'integration';
    }
  } catch (error) {
    const message = (error as Error).message;
    throw new CliError(
      'CONFIGURATION',
      /needs an integration user/.test(message) ? NO_CREDENTIALS : message,
      { cause: error },
    );
  }
  return {
    session,
    credentials,
    apiVersion: c.SALESFORCE_API_VERSION,
    dataDir: c.SFGQL_DATA_DIR,
    confirmSecret: c.SFGQL_CONFIRM_SECRET,
    confirmTtlMs: c.SFGQL_CONFIRM_TTL_MS,
    redisUrl: c.SFGQL_REDIS_URL,
    audit: c.SFGQL_AUDIT,
  };
}
