import { resolve } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const schema = z.object({
  SFGQL_HOST: z.string().default('127.0.0.1'),
  SFGQL_GATEWAY_PORT: port(4000),
  SFGQL_ACTIONS_PORT: port(4100),
  SFGQL_EMULATOR_PORT: port(4200),
  SFGQL_MCP_PORT: port(4300),
  SFGQL_DATA_DIR: z.string().optional(),
  SALESFORCE_INSTANCE_URL: z.url().optional(),
  INIT_CWD: z.string().optional(),
});

export interface StartConfig {
  host: string;
  gatewayPort: number;
  actionsPort: number;
  emulatorPort: number;
  mcpPort: number;
  /** The emulator's data folder (absolute). */
  dataDir: string;
  /** Set when a real org is configured: then no emulator is started. */
  instanceUrl: string | undefined;
  /** The environment the apps' own configuration is read from. */
  env: Record<string, string | undefined>;
}

/** Reads the main job's settings; the apps validate the rest of the environment themselves. */
export function loadStartConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): StartConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  // `pnpm start` runs scripts in the repository root; INIT_CWD is the folder the user ran it in.
  const base = c.INIT_CWD ?? cwd;
  return {
    host: c.SFGQL_HOST,
    gatewayPort: c.SFGQL_GATEWAY_PORT,
    actionsPort: c.SFGQL_ACTIONS_PORT,
    emulatorPort: c.SFGQL_EMULATOR_PORT,
    mcpPort: c.SFGQL_MCP_PORT,
    dataDir: resolve(base, c.SFGQL_DATA_DIR ?? '.sfgql'),
    instanceUrl: c.SALESFORCE_INSTANCE_URL,
    env,
  };
}
