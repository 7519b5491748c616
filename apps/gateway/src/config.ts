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
  SFGQL_DATA_DIR: z.string().min(1).default('.sfgql'),
  SFGQL_CONFIRM_SECRET: z
    .string()
    .min(32, 'SFGQL_CONFIRM_SECRET must be at least 32 characters (the same on every instance)')
    .optional(),
  SFGQL_CUSTOM_FIELDS: z.enum(['describe', 'off']).default('describe'),
  SFGQL_CUSTOM_OBJECTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'custom object names end in __c'))),
});

export interface GatewayConfig {
  host: string;
  port: number;
  instanceUrl: string;
  apiVersion: string;
  authCacheTtlMs: number;
  /** Where the confirmation secret is kept when none is configured (demo mode). */
  dataDir: string;
  /** Signs confirmation tokens; every instance behind one load balancer needs the same. */
  confirmSecret: string | undefined;
  /** Read each org's custom fields from describe. */
  customFields: boolean;
  /** Custom objects to include in the graph. */
  customObjects: string[];
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
    dataDir: c.SFGQL_DATA_DIR,
    confirmSecret: c.SFGQL_CONFIRM_SECRET,
    customFields: c.SFGQL_CUSTOM_FIELDS === 'describe',
    customObjects: c.SFGQL_CUSTOM_OBJECTS,
  };
}
