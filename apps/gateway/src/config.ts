import { z } from 'zod';

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
});

export interface GatewayConfig {
  host: string;
  port: number;
  instanceUrl: string;
  apiVersion: string;
  authCacheTtlMs: number;
}

/** Reads and validates the gateway's settings; the only place that reads the environment. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid gateway configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  return {
    host: c.SFGQL_HOST,
    port: c.SFGQL_GATEWAY_PORT,
    instanceUrl: c.SALESFORCE_INSTANCE_URL,
    apiVersion: c.SALESFORCE_API_VERSION,
    authCacheTtlMs: c.SFGQL_AUTH_CACHE_TTL_MS,
  };
}
