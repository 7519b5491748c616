import { type ServiceAuth, serviceAuthFromEnv } from '@sfgql/auth';
import {
  integrationEnv,
  optionalText,
  parseSettings,
  port,
  SHARED_ENV,
  type SharedConfig,
  sharedConfigOf,
} from '@sfgql/config';
import { z } from 'zod';

/** Which writes the adapter may make at all (confirmation is required for every write either way). */
export type WriteScope = 'service' | 'all' | 'none';

const schema = z.object({
  ...SHARED_ENV,
  SFGQL_ACTIONS_PORT: port(4100),
  SFGQL_ACTIONS_PUBLIC_URL: z.url().optional(),
  SFGQL_ACTIONS_WRITES: z.enum(['service', 'all', 'none']).default('service'),
  SFGQL_ACTIONS_OAUTH: z.enum(['relay', 'direct']).default('relay'),
  SFGQL_ACTIONS_TOKEN_EXPIRES_IN: z.coerce.number().int().min(0).default(3600),
  SFGQL_ACTIONS_API_KEY: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: 'SFGQL_ACTIONS_API_KEY must be at least 32 characters',
  }),
});

export interface ActionsConfig extends SharedConfig {
  port: number;
  /** The URL GPT Actions call, written into the OpenAPI documents' `servers`. */
  publicUrl: string;
  /**
   * `service` (default): the support writes of the default profiles (`service`, `cookbook`, `calls`);
   * `all`: any write; `none`: read-only.
   */
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
  const c = parseSettings('GPT Actions adapter', schema, env);
  let serviceAuth: ServiceAuth | undefined;
  if (c.SFGQL_ACTIONS_API_KEY) {
    try {
      serviceAuth = serviceAuthFromEnv(integrationEnv(env, 'SFGQL_ACTIONS_API_KEY'));
    } catch (error) {
      throw new Error(`Invalid GPT Actions adapter configuration:\n${(error as Error).message}`);
    }
  }
  return {
    ...sharedConfigOf(c),
    port: c.SFGQL_ACTIONS_PORT,
    publicUrl: (c.SFGQL_ACTIONS_PUBLIC_URL ?? `http://${c.SFGQL_HOST}:${c.SFGQL_ACTIONS_PORT}`).replace(
      /\/$/,
      '',
    ),
    writes: c.SFGQL_ACTIONS_WRITES,
    oauth: c.SFGQL_ACTIONS_OAUTH,
    tokenExpiresIn: c.SFGQL_ACTIONS_TOKEN_EXPIRES_IN,
    apiKey: c.SFGQL_ACTIONS_API_KEY,
    serviceAuth,
  };
}
