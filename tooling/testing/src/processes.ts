import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (for a program that must come back on the same one after a restart). */
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

/** A Node program the test started as a child process, ready once it printed what `ready` matches. */
export interface ChildProgram {
  child: ChildProcess;
  /** The line that said it was ready, matched. */
  ready: RegExpExecArray;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** `kill -9`: no chance to flush or close anything. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after five seconds. */
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` (the project's own Node, which runs `.ts` files) with `env` added to this
 * process's environment, and resolves once its output matches `ready`; rejects with its output if it
 * exits first or takes longer than `timeoutMs`.
 *
 * @example
 * const gateway = await spawnProgram({ args: ['apps/gateway/src/server.ts'], env, ready: /on (http:\S+)\/graphql/ });
 * const url = gateway.ready[1];
 * await gateway.kill9();
 */
export async function spawnProgram(options: {
  args: string[];
  env?: Record<string, string>;
  ready: RegExp;
  timeoutMs?: number;
}): Promise<ChildProgram> {
  const child = spawn(process.execPath, options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  const exited = once(child, 'exit');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.args.join(' ')} was not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: string) => {
      output += chunk;
      const match = options.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${options.args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output}`),
      );
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    ready,
    output: () => output,
    async kill9() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
