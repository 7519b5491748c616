import { z } from 'zod';

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
});

export interface ActionsConfig {
  host: string;
  port: number;
  /** The URL GPT Actions call, written into the OpenAPI document's `servers`. */
  publicUrl: string;
  instanceUrl: string;
  /** Where the OAuth authorize and token endpoints are (the instance URL unless set). */
  loginUrl: string;
  apiVersion: string;
  authCacheTtlMs: number;
}

/** Reads and validates the REST adapter's settings; the only place that reads the environment. */
export function loadActionsConfig(env: Record<string, string | undefined> = process.env): ActionsConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new Error(`Invalid GPT Actions adapter configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  return {
    host: c.SFGQL_HOST,
    port: c.SFGQL_ACTIONS_PORT,
    publicUrl: c.SFGQL_ACTIONS_PUBLIC_URL ?? `http://${c.SFGQL_HOST}:${c.SFGQL_ACTIONS_PORT}`,
    instanceUrl: c.SALESFORCE_INSTANCE_URL,
    loginUrl: c.SALESFORCE_LOGIN_URL ?? c.SALESFORCE_INSTANCE_URL,
    apiVersion: c.SALESFORCE_API_VERSION,
    authCacheTtlMs: c.SFGQL_AUTH_CACHE_TTL_MS,
  };
}
