import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO, type DemoUser, type EmulatorOptions, startEmulator } from '@sfgql/emulator';
import { loadGatewayConfig } from '@sfgql/gateway/config';
import { listenGateway } from '@sfgql/gateway/listen';
import { createLogger } from '@sfgql/gateway/logger';
import { loadActionsConfig } from '@sfgql/gpt-actions/config';
import { listenActions } from '@sfgql/gpt-actions/listen';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
export type Json = any;

/** A confirmation secret for the suite only. */
const SECRET = 'reliability-suite-secret-0123456789abcdef';

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/** An emulator's test controls and metrics, over HTTP as any client would see them. */
export function controlsOf(url: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    /** API calls since the last reset (faulted calls are not counted; `faults` says what was injected). */
    metrics: (): Promise<{
      total: number;
      byResource: Record<string, number>;
      bySoql: Record<string, number>;
      faults?: { total: number; byKind: Record<string, number> };
    }> => call('GET', 'metrics'),
    resetMetrics: () => call('POST', 'metrics/reset'),
    setFaults: (config: { seed?: number; rules: Record<string, unknown>[] }) => call('PUT', 'faults', config),
    clearFaults: () => call('DELETE', 'faults'),
  };
}

/** An access token from the password grant (password immediately followed by the security token). */
export async function login(instanceUrl: string, user: DemoUser = DEMO.users.admin): Promise<string> {
  const response = await fetch(`${instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: user.username,
      password: user.password + user.securityToken,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login failed for ${user.username}: ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface Adapters {
  gatewayUrl: string;
  actionsUrl: string;
  /** A GraphQL request to the gateway; `token: null` sends no credentials. */
  graphql(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<Answer>;
  /** A REST request to the GPT Actions adapter; objects are sent as JSON. */
  rest(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Answer>;
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
  const auth = (options: RequestOptions): Record<string, string> => {
    const t = options.token === undefined ? token() : options.token;
    return t === null ? {} : { authorization: `Bearer ${t}` };
  };
  return {
    gatewayUrl: gateway.url,
    actionsUrl: actions.url,
    async graphql(query, variables, options = {}) {
      return answer(
        await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth(options), ...options.headers },
          body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      );
    },
    async rest(method, path, body, options = {}) {
      return answer(
        await fetch(`${actions.url}${path}`, {
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
    async close() {
      await Promise.allSettled([gateway.close(), actions.close()]);
    },
  };
}

export interface Stack extends Adapters {
  instanceUrl: string;
  token: string;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  controls: ReturnType<typeof controlsOf>;
}

/** An in-process emulator with the demo org, and both adapters in front of it over real sockets. */
export async function startStack(
  options: { emulator?: EmulatorOptions; env?: Record<string, string> } = {},
): Promise<Stack> {
  const emulator = await startEmulator({ dataDir: ':memory:', ...options.emulator });
  try {
    const token = await login(emulator.url);
    const adapters = await startAdapters(emulator.url, () => token, options.env);
    return {
      ...adapters,
      instanceUrl: emulator.url,
      token,
      emulator,
      controls: controlsOf(emulator.url),
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

/** A free TCP port on 127.0.0.1 (for a child process that must come back on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('Could not find a free port');
  return address.port;
}

const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'emulator',
  'src',
  'cli.ts',
);

/** The emulator's command-line program as a child process, started and killed by the test. */
export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
  /** `kill -9`: no chance to flush or close anything. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `sfgql-emulator start --port <port> --data-dir <dir>` and resolves once it listens. */
export async function spawnEmulator(options: { port: number; dataDir: string }): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--port', String(options.port), '--host', '127.0.0.1', '--data-dir', options.dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the emulator did not start in 30 s:\n${output}`)),
      30_000,
    );
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}:\n${output}`));
    });
  });
  const exited = once(child, 'exit');
  return {
    url,
    child,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
