import {
  type ApiKey,
  apiKeyList,
  integrationEnv,
  isLoopback,
  parseSettings,
  port,
  SHARED_ENV,
  type SharedConfig,
  sharedConfigOf,
  writePolicySetting,
} from '@sfgql/config';
import type { WritePolicy } from '@sfgql/confirm';
import { z } from 'zod';
import { DEFAULT_TOOLSET, TOOLSET_NAMES, type ToolsetName, writableObjects } from './toolsets.ts';

const schema = z.object({
  ...SHARED_ENV,
  SFGQL_MCP_PORT: port(4300),
  SFGQL_MCP_PUBLIC_URL: z.url().optional(),
  SFGQL_MCP_TOOLSET: z
    .enum(TOOLSET_NAMES as [ToolsetName, ...ToolsetName[]], {
      message: `SFGQL_MCP_TOOLSET is one of ${TOOLSET_NAMES.join(', ')}`,
    })
    .default(DEFAULT_TOOLSET),
  SFGQL_MCP_WRITES: writePolicySetting('SFGQL_MCP_WRITES'),
  SFGQL_MCP_API_KEYS: apiKeyList('SFGQL_MCP_API_KEYS'),
  SFGQL_MCP_ANONYMOUS: z.enum(['off', 'demo']).default('off'),
  SFGQL_MCP_AUTHORIZATION_SERVER: z.url().optional(),
});

/** How the server is reached: over HTTP by many callers, or over stdio by one desktop client. */
export type McpTransport = 'http' | 'stdio';

export interface McpConfig extends SharedConfig {
  /** The HTTP port (0 picks a free one). */
  port: number;
  /** Where clients reach `/mcp` (the protected resource's URL); `http://HOST:PORT` unless set. */
  publicUrl: string | undefined;
  /** The toolset of a connection that names none, and of the stdio server. */
  toolset: ToolsetName;
  /** What the server may write (`SFGQL_MCP_WRITES`); every write is confirmed under any of them. */
  writes: WritePolicy;
  /** Keys that act as the integration user (sent as `Authorization: Bearer <key>` or `X-API-Key`). */
  apiKeys: ApiKey[];
  /** Requests without credentials act as the integration user: loopback demo mode only. */
  anonymous: boolean;
  /** The OAuth authorization server named in the protected-resource metadata (the org's login URL unless set). */
  authorizationServer: string;
  /**
   * The integration user's `SF_*` settings (for `serviceAuthFromEnv` of `@sfgql/auth`): what API
   * keys, anonymous access and the stdio server act as. Checked here.
   */
  serviceEnv: Record<string, string | undefined> | undefined;
}

/**
 * Reads and validates the MCP server's settings; the only place that reads the environment. Over
 * stdio the server acts as the integration user, so the `SF_*` settings are required.
 */
export function loadMcpConfig(
  env: Record<string, string | undefined> = process.env,
  transport: McpTransport = 'http',
): McpConfig {
  const c = parseSettings('MCP server', schema, env);
  const fail = (message: string): never => {
    throw new Error(`Invalid MCP server configuration:\n${message}`);
  };
  const anonymous = c.SFGQL_MCP_ANONYMOUS === 'demo';
  if (anonymous && !isLoopback(c.SFGQL_HOST))
    fail(
      `SFGQL_MCP_ANONYMOUS=demo lets anyone who reaches the server act as the integration user, so it is only allowed when SFGQL_HOST is a loopback address (127.0.0.1, ::1, localhost), not ${c.SFGQL_HOST}`,
    );
  // A name no tool writes allows nothing: most likely a typo, which would refuse every write silently.
  const writable = writableObjects();
  const unknown = Object.keys(c.SFGQL_MCP_WRITES.objects ?? {}).filter(
    (name) => !writable.some((w) => w.toLowerCase() === name.toLowerCase()),
  );
  if (unknown.length)
    fail(
      `SFGQL_MCP_WRITES names ${unknown.join(', ')}, which no tool writes; the objects tools write are ${writable.join(', ')}`,
    );
  const needed =
    transport === 'stdio'
      ? 'The stdio server (sfgql-mcp)'
      : c.SFGQL_MCP_API_KEYS.length
        ? 'SFGQL_MCP_API_KEYS'
        : anonymous
          ? 'SFGQL_MCP_ANONYMOUS=demo'
          : undefined;
  let serviceEnv: Record<string, string | undefined> | undefined;
  if (needed) {
    try {
      serviceEnv = integrationEnv(env, needed);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const shared = sharedConfigOf(c);
  return {
    ...shared,
    port: c.SFGQL_MCP_PORT,
    publicUrl: c.SFGQL_MCP_PUBLIC_URL?.replace(/\/$/, ''),
    toolset: c.SFGQL_MCP_TOOLSET,
    writes: c.SFGQL_MCP_WRITES,
    apiKeys: c.SFGQL_MCP_API_KEYS,
    anonymous,
    authorizationServer: c.SFGQL_MCP_AUTHORIZATION_SERVER ?? shared.loginUrl,
    serviceEnv,
  };
}
