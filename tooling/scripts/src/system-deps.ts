import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What the test suite needs from the operating system, beside what pnpm installs: a real Redis for
 * the multi-instance tests and Debian's Chromium for the browser tests. Neither comes from the npm
 * registry (Playwright's own browser download is not allowed here), so `pnpm test` checks for them
 * first: on a Debian machine where the user is root it installs them with apt-get; anywhere else it
 * stops at once with one line naming what to install. Tests never skip silently.
 */
export interface SystemDependency {
  /** What the user is told to install. */
  name: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Whether it is present on this machine. */
  present(): boolean;
}

const onPath = (command: string, path = process.env.PATH ?? '') =>
  path.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));

export const SYSTEM_DEPENDENCIES: readonly SystemDependency[] = [
  { name: 'redis-server', debianPackage: 'redis-server', present: () => onPath('redis-server') },
  // The browser tests launch this exact path (tooling/testing/src/chromium.ts).
  {
    name: 'Chromium (/usr/bin/chromium)',
    debianPackage: 'chromium',
    present: () => existsSync('/usr/bin/chromium'),
  },
];

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; packages: string[] }
  | { kind: 'missing'; message: string };

/** What to do about the missing dependencies on this machine. */
export function plan(
  missing: readonly SystemDependency[],
  machine: { isRoot: boolean; hasAptGet: boolean },
): Plan {
  if (missing.length === 0) return { kind: 'ready' };
  const packages = missing.map((d) => d.debianPackage);
  if (machine.isRoot && machine.hasAptGet) return { kind: 'install', packages };
  return {
    kind: 'missing',
    message:
      `The tests need ${missing.map((d) => d.name).join(' and ')}, which this machine lacks: install ` +
      `${missing.length === 1 ? 'it' : 'them'} (on Debian or Ubuntu: sudo apt-get install -y ${packages.join(' ')}) and run the tests again.`,
  };
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

function main(): number {
  const missing = SYSTEM_DEPENDENCIES.filter((d) => !d.present());
  const next = plan(missing, {
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath('apt-get'),
  });
  if (next.kind === 'ready') return 0;
  if (next.kind === 'missing') {
    console.error(next.message);
    return 1;
  }
  console.log(`Installing what the tests need from Debian: ${next.packages.join(' ')} ...`);
  if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', ...next.packages])) {
    console.error(
      `apt-get could not install ${next.packages.join(' ')}: install them and run the tests again.`,
    );
    return 1;
  }
  const still = SYSTEM_DEPENDENCIES.filter((d) => !d.present());
  if (still.length > 0) {
    console.error(`Still missing after apt-get: ${still.map((d) => d.name).join(', ')}.`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exitCode = main();
