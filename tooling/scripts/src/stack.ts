import { DEMO, startEmulator } from '@sfgql/emulator';
import { isLoopback, loadGatewayConfig } from '@sfgql/gateway/config';
import { listenGateway } from '@sfgql/gateway/listen';
import { loadActionsConfig } from '@sfgql/gpt-actions/config';
import { listenActions } from '@sfgql/gpt-actions/listen';
import type { StartConfig } from './config.ts';

export interface RunningStack {
  emulatorUrl: string | undefined;
  instanceUrl: string;
  gatewayUrl: string;
  actionsUrl: string;
  /** The gateway answers requests without credentials as the demo user (loopback demo mode). */
  gatewayAnonymous: boolean;
  close(): Promise<void>;
}

/**
 * The gateway's settings in the local demo (emulator on a loopback address): anonymous access as
 * the demo user, so GraphiQL works without pasting a token, unless the user chose otherwise.
 */
function demoGatewayEnv(env: Record<string, string | undefined>, emulatorUrl: string) {
  if (env.SFGQL_GATEWAY_ANONYMOUS !== undefined) return env;
  const integrationSet = Object.keys(env).some((name) => name.startsWith('SF_'));
  return {
    ...env,
    SFGQL_GATEWAY_ANONYMOUS: 'demo',
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

/**
 * The main job: the emulator with the demo org (unless a real org is configured), the GraphQL
 * gateway and the GPT Actions adapter, all pointed at the same org.
 */
export async function startStack(config: StartConfig): Promise<RunningStack> {
  const emulator = config.instanceUrl
    ? undefined
    : await startEmulator({
        port: config.emulatorPort,
        host: config.host,
        dataDir: config.dataDir,
        seed: 'demo',
      });
  const instanceUrl = config.instanceUrl ?? (emulator?.url as string);
  const env = { ...config.env, SALESFORCE_INSTANCE_URL: instanceUrl, SFGQL_HOST: config.host };
  const stopEmulator = async () => emulator?.close();
  try {
    const gatewayEnv = emulator && isLoopback(config.host) ? demoGatewayEnv(env, emulator.url) : env;
    const gateway = await listenGateway({ ...loadGatewayConfig(gatewayEnv), port: config.gatewayPort });
    try {
      const actions = await listenActions({ ...loadActionsConfig(env), port: config.actionsPort });
      return {
        emulatorUrl: emulator?.url,
        instanceUrl,
        gatewayUrl: gateway.url,
        actionsUrl: actions.url,
        gatewayAnonymous: gateway.anonymous,
        async close() {
          await Promise.allSettled([gateway.close(), actions.close()]);
          await stopEmulator();
        },
      };
    } catch (error) {
      await gateway.close();
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
    `  GPT Actions adapter  ${stack.actionsUrl}/openapi.json`,
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
