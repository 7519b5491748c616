import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './processes.ts';

/** A redis-server this test process started, on 127.0.0.1 and a free port, with no persistence. */
export interface TestRedis {
  url: string;
  port: number;
  /** `SIGSTOP`: connections stay open and nothing answers, as in a frozen or partitioned Redis. */
  pause(): void;
  /** `SIGCONT` after `pause`. */
  resume(): void;
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed, and the Redis tests need a real Redis. ' +
  'Install it with `apt-get update && apt-get install -y redis-server` (CI does this in .ci/run).';

/**
 * Starts `redis-server` as a child process and resolves once it accepts connections. Rejects with
 * an explanation (never skips) when redis-server is missing, so that a machine without Redis fails
 * the suite loudly instead of passing it silently.
 */
export async function startRedis(timeoutMs = 10_000): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(MISSING, { cause: error }) : error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`));
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause() {
      if (running()) child.kill('SIGSTOP');
    },
    resume() {
      if (running()) child.kill('SIGCONT');
    },
    async stop() {
      if (!running()) return;
      const exited = once(child, 'exit');
      // A paused server would not act on SIGTERM until continued.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
