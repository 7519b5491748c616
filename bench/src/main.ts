import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `pnpm bench [section ...] [--option value ...]`: runs the benchmark sections one after the other
 * (all of them by default), each as a program of its own writing its part of
 * `bench/results/latest.json`. An option goes to every chosen section that takes it.
 */
interface Section {
  name: string;
  file: string;
  about: string;
  options: Record<string, string>;
}

export const SECTIONS: readonly Section[] = [
  {
    name: 'calls',
    file: 'run.ts',
    about:
      'Salesforce calls per GraphQL operation: the gateway beside per-level dataloaders and naive resolvers',
    options: { scale: 'generated contacts in the org (default 300)' },
  },
  {
    name: 'writes',
    file: 'writes.ts',
    about: 'Salesforce calls per confirmed create, update and delete, at the preview and the confirmation',
    options: {},
  },
  {
    name: 'export',
    file: 'export.ts',
    about:
      'sfgql export of every contact through Bulk API 2.0 (seconds, calls, peak memory) beside GraphQL paging; an aggregate beside fetching and counting',
    options: { contacts: 'contacts to seed (default 100000)' },
  },
  {
    name: 'emulator',
    file: 'emulator.ts',
    about: "the emulator's seed time, and its SOQL beside the raw SQLite statements it compiles to",
    options: { contacts: 'contacts to seed (default 100000)' },
  },
  {
    name: 'overhead',
    file: 'overhead.ts',
    about: 'the case lookup through each door beside jsforce, raw HTTP and bare Yoga, at several loads',
    options: {
      duration: 'seconds per measurement (default 5)',
      connections: 'concurrent clients, comma-separated (default 1,16,64)',
    },
  },
  {
    name: 'mcp',
    file: 'mcp.ts',
    about:
      "the case lookup as an MCP tool call (over HTTP, and through the SDK client) beside the gateway's query",
    options: {
      duration: 'seconds per measurement (default 5)',
      connections: 'concurrent clients, comma-separated (default 1,16)',
    },
  },
  {
    name: 'startup',
    file: 'startup.ts',
    about: 'time to the first answer of each program, and resident memory across load runs',
    options: {
      starts: 'starts per program (default 3)',
      rounds: 'load runs (default 5)',
      duration: 'seconds per load run (default 5)',
      connections: 'concurrent clients (default 16)',
    },
  },
];

function help(): string {
  const width = Math.max(...SECTIONS.map((s) => s.name.length));
  const options = new Map<string, string[]>();
  for (const s of SECTIONS)
    for (const [name, about] of Object.entries(s.options))
      options.set(name, [...(options.get(name) ?? []), `${s.name}: ${about}`]);
  const optionWidth = Math.max(...[...options.keys()].map((name) => name.length)) + 10;
  return [
    'Usage: pnpm bench [section ...] [--option value ...]',
    '',
    'Runs the chosen sections (all by default) and writes bench/results/latest.json.',
    'Never part of the tests; read ratios measured in one run, not absolute times.',
    '',
    'Sections:',
    ...SECTIONS.map((s) => `  ${s.name.padEnd(width)}  ${s.about}`),
    '',
    'Options (each goes to the sections that take it):',
    ...[...options].flatMap(([name, abouts]) =>
      abouts.map((about, i) => `  ${(i === 0 ? `--${name} <value>` : '').padEnd(optionWidth)}  ${about}`),
    ),
    `  ${'--help'.padEnd(optionWidth)}  this text`,
  ].join('\n');
}

function main(argv: string[]): number {
  const optionNames = new Set(SECTIONS.flatMap((s) => Object.keys(s.options)));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries([...optionNames].map((name) => [name, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${help()}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(help());
    return 0;
  }
  const unknown = parsed.positionals.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown section: ${unknown.join(', ')}\n\n${help()}`);
    return 2;
  }
  const chosen =
    parsed.positionals.length === 0 ? SECTIONS : SECTIONS.filter((s) => parsed.positionals.includes(s.name));
  const here = dirname(fileURLToPath(import.meta.url));
  for (const section of chosen) {
    const args = Object.keys(section.options).flatMap((name) => {
      const value = parsed.values[name];
      return typeof value === 'string' ? [`--${name}`, value] : [];
    });
    console.log(`\n## ${section.name}: ${section.about}\n`);
    const run = spawnSync(process.execPath, [...process.execArgv, join(here, section.file), ...args], {
      stdio: 'inherit',
    });
    if (run.status !== 0) {
      console.error(`The ${section.name} section failed (${run.signal ?? `status ${run.status}`}).`);
      return run.status ?? 1;
    }
  }
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
