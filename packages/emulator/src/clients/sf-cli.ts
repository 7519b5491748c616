/**
 * The Salesforce CLI (`sf`) for the emulator's client tests: installed from the npm registry on
 * first use into `node_modules/.cache/sfgql-sf-cli/<version>` at the repository's root (about 25 s
 * and 300 MB, then reused), and run with a scratch HOME, no telemetry and no auto-update.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI version the tests pin. */
export const SF_CLI_VERSION = '2.150.6';

const CACHE = join(
  fileURLToPath(new URL('../../../../node_modules/.cache/sfgql-sf-cli/', import.meta.url)),
  SF_CLI_VERSION,
);

/** What a command printed and how it exited. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number },
) {
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish in ${options.timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * The environment npm runs in as the user runs it from a shell: without the `npm_config_*` settings
 * pnpm hands its scripts (they point npm at pnpm's config files), and with the machine's own Node
 * and npm first on PATH rather than the project's Node, so that npm reads the machine's own npm
 * configuration (a registry certificate, a proxy) from where that Node installed it.
 */
function asTheUserRunsNpm(): NodeJS.ProcessEnv {
  const projectBins = (dir: string) => dir.split(/[\\/]/).includes('node_modules');
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name))),
    PATH: (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !projectBins(dir))
      .join(delimiter),
    npm_config_update_notifier: 'false',
  };
}

/** Installs the pinned CLI unless it is already in the cache; returns the path of its `run.js`. */
export async function installSfCli(): Promise<string> {
  const runJs = join(CACHE, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
  const marker = join(CACHE, 'installed');
  if (existsSync(marker) && existsSync(runJs)) return runJs;
  mkdirSync(CACHE, { recursive: true });
  // A project of its own, installed in place: `--prefix` would also move npm's global config.
  writeFileSync(join(CACHE, 'package.json'), '{"name":"sfgql-sf-cli","private":true}\n');
  const result = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', `@salesforce/cli@${SF_CLI_VERSION}`],
    { cwd: CACHE, env: asTheUserRunsNpm(), timeoutMs: 10 * 60 * 1000 },
  );
  if (result.code !== 0 || !existsSync(runJs)) {
    throw new Error(
      `npm could not install @salesforce/cli@${SF_CLI_VERSION}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  writeFileSync(marker, SF_CLI_VERSION);
  return runJs;
}

/**
 * Runs `sf` commands with their own HOME (the CLI keeps its auth files there), as a developer runs
 * them at a terminal: without the caller's `SF_*` settings, and without the `CI` variables a CI
 * service sets (under them the CLI's table library prints plain tables instead of bordered ones).
 */
export function sfRunner(runJs: string, home: string) {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(SF_|SFDX_|CI$|CI_|CONTINUOUS_INTEGRATION$)/.test(name),
  );
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(inherited),
    HOME: home,
    // The CLI spawns `sf` itself for some checks: its own bin first on PATH.
    PATH: [join(CACHE, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  return (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    run(process.execPath, [runJs, ...args], {
      cwd: options.cwd ?? home,
      env: { ...env, ...options.env },
      timeoutMs: 120_000,
    });
}
