import { DEMO, startEmulator } from '@sfgql/emulator';
import { isLoopback, loadGatewayConfig } from '@sfgql/gateway/config';
import { listenGateway } from '@sfgql/gateway/listen';
import { createLogger, type DestinationStream } from '@sfgql/gateway/logger';
import { loadActionsConfig } from '@sfgql/gpt-actions/config';
import { listenActions } from '@sfgql/gpt-actions/listen';
import { loadMcpConfig } from '@sfgql/mcp/config';
import { listenMcp } from '@sfgql/mcp/listen';
import type { StartConfig } from './config.ts';

export interface RunningStack {
  emulatorUrl: string | undefined;
  instanceUrl: string;
  gatewayUrl: string;
  actionsUrl: string;
  /** The MCP server's base URL (MCP at `${mcpUrl}/mcp`). */
  mcpUrl: string;
  /** The gateway answers requests without credentials as the demo user (loopback demo mode). */
  gatewayAnonymous: boolean;
  /** The MCP server answers clients without credentials as the demo user (loopback demo mode). */
  mcpAnonymous: boolean;
  close(): Promise<void>;
}

/**
 * A server's settings in the local demo (emulator on a loopback address): anonymous access as the
 * demo user (`setting=demo`), so GraphiQL and MCP clients work without a token, unless the user
 * chose otherwise.
 */
function demoEnv(env: Record<string, string | undefined>, emulatorUrl: string, setting: string) {
  if (env[setting] !== undefined) return env;
  const integrationSet = Object.keys(env).some((name) => name.startsWith('SF_'));
  return {
    ...env,
    [setting]: 'demo',
    ...(integrationSet
      ? {}
      : {
          SF_LOGIN_URL: emulatorUrl,
          SF_CLIENT_ID: DEMO.clientId,
          SF_CLIENT_SECRET: DEMO.clientSecret,
          SF_USERNAME: DEMO.username,
          SF_PASSWORD: DEMO.password,
          SF_SECURITY_TOKEN: DEMO.securityToken,
        }),
  };
}

/** A server of the stack could not take its port: which one, and the setting that moves it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(server: string, variable: string, host: string, port: number, options: { cause: unknown }) {
    super(
      `The ${server} cannot listen on ${host}:${port}: another program uses that port. Stop it, or set ${variable} to another port (0 picks a free one).`,
      options,
    );
  }
}

/** Runs `start`, naming the server and its port setting when the port is taken. */
async function listening<T>(
  what: { server: string; variable: string; host: string; port: number },
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE')
      throw new PortInUseError(what.server, what.variable, what.host, what.port, { cause: error });
    throw error;
  }
}

/**
 * The main job: the emulator with the demo org (unless a real org is configured), the GraphQL
 * gateway, the GPT Actions adapter and the MCP server, all pointed at the same org.
 */
export async function startStack(
  config: StartConfig,
  options: { logDestination?: DestinationStream } = {},
): Promise<RunningStack> {
  const host = config.host;
  const emulator = config.instanceUrl
    ? undefined
    : await listening(
        { server: 'Salesforce emulator', variable: 'SFGQL_EMULATOR_PORT', host, port: config.emulatorPort },
        () => startEmulator({ port: config.emulatorPort, host, dataDir: config.dataDir, seed: 'demo' }),
      );
  const instanceUrl = config.instanceUrl ?? (emulator?.url as string);
  const env = { ...config.env, SALESFORCE_INSTANCE_URL: instanceUrl, SFGQL_HOST: config.host };
  const stopEmulator = async () => emulator?.close();
  try {
    const demo = emulator && isLoopback(config.host) ? emulator.url : undefined;
    const gatewayEnv = demo ? demoEnv(env, demo, 'SFGQL_GATEWAY_ANONYMOUS') : env;
    const gatewayConfig = { ...loadGatewayConfig(gatewayEnv), port: config.gatewayPort };
    const gateway = await listening(
      { server: 'GraphQL gateway', variable: 'SFGQL_GATEWAY_PORT', host, port: config.gatewayPort },
      () =>
        listenGateway(gatewayConfig, {
          logger: createLogger({
            level: gatewayConfig.logLevel,
            ...(options.logDestination ? { destination: options.logDestination } : {}),
          }),
        }),
    );
    const started: { close(): Promise<void> }[] = [gateway];
    try {
      const actions = await listening(
        { server: 'GPT Actions adapter', variable: 'SFGQL_ACTIONS_PORT', host, port: config.actionsPort },
        () => listenActions({ ...loadActionsConfig(env), port: config.actionsPort }),
      );
      started.push(actions);
      const mcpEnv = demo ? demoEnv(env, demo, 'SFGQL_MCP_ANONYMOUS') : env;
      const mcp = await listening(
        { server: 'MCP server', variable: 'SFGQL_MCP_PORT', host, port: config.mcpPort },
        () =>
          listenMcp(
            { ...loadMcpConfig(mcpEnv), port: config.mcpPort },
            options.logDestination ? { logDestination: options.logDestination } : {},
          ),
      );
      started.push(mcp);
      return {
        emulatorUrl: emulator?.url,
        instanceUrl,
        gatewayUrl: gateway.url,
        actionsUrl: actions.url,
        mcpUrl: mcp.url,
        gatewayAnonymous: gateway.anonymous,
        mcpAnonymous: mcp.anonymous,
        async close() {
          await Promise.allSettled(started.map((s) => s.close()));
          await stopEmulator();
        },
      };
    } catch (error) {
      await Promise.allSettled(started.map((s) => s.close()));
      throw error;
    }
  } catch (error) {
    await stopEmulator();
    throw error;
  }
}

/** What `pnpm start` prints: where everything is and how to try it. */
export function banner(stack: RunningStack): string {
  const tokenUrl = `${stack.instanceUrl}/services/oauth2/token`;
  const lines = [
    '',
    'sfgql is running',
    stack.emulatorUrl
      ? `  Salesforce emulator  ${stack.emulatorUrl}  (demo org)`
      : `  Salesforce org       ${stack.instanceUrl}`,
    `  GraphQL gateway      ${stack.gatewayUrl}/graphql`,
    `  GPT Actions adapter  ${stack.actionsUrl}/  (its GPT profiles; ${stack.actionsUrl}/openapi.json)`,
    `  MCP server           ${stack.mcpUrl}/mcp  (Streamable HTTP; toolsets at /mcp/{toolset})`,
    '',
  ];
  if (stack.gatewayAnonymous) {
    lines.push(
      '!!! Demo mode: the gateway answers requests WITHOUT a token as the demo user',
      '    (SFGQL_GATEWAY_ANONYMOUS=demo, allowed on a loopback address only; set it to off to require tokens).',
      `    Open ${stack.gatewayUrl}/graphql in a browser and run the example query.`,
      '',
    );
  }
  if (stack.mcpAnonymous) {
    lines.push(
      '!!! Demo mode: MCP clients WITHOUT credentials act as the demo user',
      '    (SFGQL_MCP_ANONYMOUS=demo, loopback only). Try it with the MCP Inspector:',
      `    npx @modelcontextprotocol/inspector  (Streamable HTTP, URL ${stack.mcpUrl}/mcp)`,
      '',
    );
  }
  if (stack.emulatorUrl) {
    lines.push(
      'Get a demo access token (password grant: password followed by the security token):',
      `  TOKEN=$(curl -s ${tokenUrl} -d grant_type=password -d client_id=${DEMO.clientId} \\`,
      `    -d client_secret=${DEMO.clientSecret} -d username=${DEMO.username} -d password=${DEMO.password}${DEMO.securityToken} \\`,
      `    | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
      '',
    );
  } else {
    lines.push('Send a Salesforce access token of this org as TOKEN.', '');
  }
  lines.push(
    'Query the gateway:',
    `  curl -s ${stack.gatewayUrl}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d '{"query":"{ case(caseNumber: \\"${DEMO.caseNumber}\\") { id caseNumber subject description status } }"}'`,
    '',
    'Call the REST adapter:',
    `  curl -s ${stack.actionsUrl}/cases/by-number/${DEMO.caseNumber} -H "authorization: Bearer $TOKEN"`,
    '',
    'Press Ctrl-C to stop.',
  );
  return lines.join('\n');
}
