import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, for the programs the benchmarks start. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A server the benchmark started as a child process: its URL, how long it took, its memory. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Milliseconds from spawning the process to its first successful answer on `readyPath`. */
  startupMs: number;
  /** Resident memory (VmRSS) in MB, read from /proc. */
  rssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts `node <script> ...args` with `env`, waits for `<url> ` in its output (the first http URL
 * it prints), then polls `readyPath` until it answers 2xx: the time to ready is measured from the
 * spawn, as an operator would see it.
 */
export async function startServer(options: {
  name: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  readyPath: string;
  readyHeaders?: Record<string, string>;
}): Promise<ServerProcess> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, options.script), ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} did not start in 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with ${code}:\n${output}`));
    });
  });
  for (;;) {
    try {
      const response = await fetch(`${base}${options.readyPath}`, { headers: options.readyHeaders ?? {} });
      await response.body?.cancel();
      if (response.ok) break;
    } catch {}
    if (performance.now() - t0 > 60_000) throw new Error(`${options.name} was not ready in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - t0;
  const pid = child.pid as number;
  return {
    name: options.name,
    url: base,
    pid,
    startupMs,
    rssMb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
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

/** The emulator's command-line program on a free port, with the demo org in memory. */
export const startEmulatorProcess = (args: string[] = []) =>
  startServer({
    name: 'emulator',
    script: 'packages/emulator/src/cli.ts',
    args: ['start', '--port', '0', '--data-dir', ':memory:', ...args],
    readyPath: '/services/data',
  });

/** The settings the adapters run with in the benchmarks: the emulator, quiet logs. */
export const adapterEnv = (instanceUrl: string): Record<string, string> => ({
  SALESFORCE_INSTANCE_URL: instanceUrl,
  SFGQL_HOST: '127.0.0.1',
  SFGQL_GATEWAY_PORT: '0',
  SFGQL_ACTIONS_PORT: '0',
  SFGQL_MCP_PORT: '0',
  SFGQL_DATA_DIR: ':memory:',
  SFGQL_CONFIRM_SECRET: 'benchmark-secret-0123456789abcdefghijklmnop',
  SFGQL_LOG_LEVEL: 'silent',
});

export const startGatewayProcess = (instanceUrl: string, env: Record<string, string> = {}) =>
  startServer({
    name: 'gateway',
    script: 'apps/gateway/src/server.ts',
    env: { ...adapterEnv(instanceUrl), ...env },
    readyPath: '/healthz',
  });

export const startActionsProcess = (instanceUrl: string, env: Record<string, string> = {}) =>
  startServer({
    name: 'gpt-actions',
    script: 'apps/gpt-actions/src/server.ts',
    env: { ...adapterEnv(instanceUrl), ...env },
    readyPath: '/health',
  });

export const startMcpProcess = (instanceUrl: string, env: Record<string, string> = {}) =>
  startServer({
    name: 'mcp',
    script: 'apps/mcp/src/server.ts',
    env: { ...adapterEnv(instanceUrl), ...env },
    readyPath: '/health',
  });

/** An access token for the demo user (password grant: password, then the security token). */
export async function demoToken(instanceUrl: string): Promise<string> {
  const response = await fetch(`${instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'sfgql-demo',
      client_secret: 'sfgql-demo-secret',
      username: 'demo@sfgql.dev',
      password: 'demo1234DEMOTOKEN',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
