import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmulatorOptions, startEmulator } from '@sfgql/emulator';
import { loadGatewayConfig } from '@sfgql/gateway/config';
import { listenGateway } from '@sfgql/gateway/listen';
import { createLogger } from '@sfgql/gateway/logger';
import { loadActionsConfig } from '@sfgql/gpt-actions/config';
import { listenActions } from '@sfgql/gpt-actions/listen';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { type ChildProgram, spawnProgram } from '@sfgql/testing/processes';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
export type Json = any;

/** A confirmation secret for the suite only. */
const SECRET = 'reliability-suite-secret-0123456789abcdef';

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/** Requests to the gateway and the GPT Actions adapter at their URLs. */
export interface AdapterClient {
  /** A GraphQL request to the gateway; `token: null` sends no credentials. */
  graphql(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<Answer>;
  /** A REST request to the GPT Actions adapter; objects are sent as JSON. */
  rest(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Answer>;
}

export interface Adapters extends AdapterClient {
  gatewayUrl: string;
  actionsUrl: string;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

/** Calls the adapters at these URLs as `token` unless a request says otherwise. */
export function adapterClient(
  urls: { gateway: string; actions: string },
  token: () => string,
): AdapterClient {
  const auth = (options: RequestOptions): Record<string, string> => {
    const t = options.token === undefined ? token() : options.token;
    return t === null ? {} : { authorization: `Bearer ${t}` };
  };
  return {
    async graphql(query, variables, options = {}) {
      return answer(
        await fetch(`${urls.gateway}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth(options), ...options.headers },
          body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    },
    async rest(method, path, body, options = {}) {
      return answer(
        await fetch(`${urls.actions}${path}`, {
          method,
          headers: {
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...auth(options),
            ...options.headers,
          },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    },
  };
}

/**
 * The gateway and the GPT Actions adapter as they run in production (`listenGateway`,
 * `listenActions`, configuration read from environment variables), on 127.0.0.1 and free ports,
 * pointed at `instanceUrl`, called as `token` unless a request says otherwise. Every write scope is
 * open on the adapter (`SFGQL_ACTIONS_WRITES=all`), so both adapters can make the same writes.
 */
export async function startAdapters(
  instanceUrl: string,
  token: () => string,
  env: Record<string, string> = {},
): Promise<Adapters> {
  const base = {
    SALESFORCE_INSTANCE_URL: instanceUrl,
    SFGQL_HOST: '127.0.0.1',
    SFGQL_DATA_DIR: ':memory:',
    SFGQL_CONFIRM_SECRET: SECRET,
    SFGQL_LOG_LEVEL: 'silent',
    SFGQL_CUSTOM_FIELDS: 'off',
    SFGQL_GATEWAY_PORT: '0',
    SFGQL_ACTIONS_PORT: '0',
    SFGQL_ACTIONS_WRITES: 'all',
    ...env,
  };
  const gateway = await listenGateway(loadGatewayConfig(base), { logger: createLogger({ level: 'silent' }) });
  const actions = await listenActions(loadActionsConfig(base)).catch(async (error: unknown) => {
    await gateway.close();
    throw error;
  });
  return {
    gatewayUrl: gateway.url,
    actionsUrl: actions.url,
    ...adapterClient({ gateway: gateway.url, actions: actions.url }, token),
    async close() {
      await Promise.allSettled([gateway.close(), actions.close()]);
    },
  };
}

export interface Stack extends Adapters {
  instanceUrl: string;
  token: string;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  controls: EmulatorControl;
}

/** An in-process emulator with the demo org, and both adapters in front of it over real sockets. */
export async function startStack(
  options: { emulator?: EmulatorOptions; env?: Record<string, string> } = {},
): Promise<Stack> {
  const emulator = await startEmulator({ dataDir: ':memory:', ...options.emulator });
  try {
    const { accessToken: token } = await loginAsDemo(emulator.url);
    const adapters = await startAdapters(emulator.url, () => token, options.env);
    return {
      ...adapters,
      instanceUrl: emulator.url,
      token,
      emulator,
      controls: emulatorControl(emulator.url),
      async close() {
        await adapters.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The emulator's command-line program as a child process, with its data in `dataDir`. */
export async function spawnEmulator(options: {
  port: number;
  dataDir: string;
}): Promise<ChildProgram & { url: string }> {
  const program = await spawnProgram({
    args: [
      join(ROOT, 'packages', 'emulator', 'src', 'cli.ts'),
      'start',
      ...['--port', String(options.port), '--host', '127.0.0.1', '--data-dir', options.dataDir],
    ],
    ready: /listening on (http:\/\/\S+)/,
  });
  return { ...program, url: program.ready[1] as string };
}

/**
 * An adapter's own server program (`apps/<adapter>/src/server.ts`, what `pnpm start` runs) as a child
 * process, configured by `env` alone (a `kill -9` test restarts it with the same settings).
 */
export async function spawnAdapter(
  adapter: 'gateway' | 'actions',
  env: Record<string, string>,
): Promise<ChildProgram & { url: string }> {
  const program = await spawnProgram({
    args: [join(ROOT, 'apps', adapter === 'gateway' ? 'gateway' : 'gpt-actions', 'src', 'server.ts')],
    env: { SFGQL_HOST: '127.0.0.1', SFGQL_LOG_LEVEL: 'silent', ...env },
    ready:
      adapter === 'gateway'
        ? /GraphQL gateway on (http:\/\/\S+)\/graphql/
        : /GPT Actions adapter on (http:\/\/\S+)\/openapi /,
  });
  return { ...program, url: program.ready[1] as string };
}
