import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './process.ts';
import { machine, markdownTable, recordSection } from './results.ts';

/**
 * `pnpm bench` (the emulator): runs the emulator's own SOQL benchmark
 * (`packages/emulator/bench/soql.bench.ts`: a 100k-contact seed, timed, and representative queries
 * through the SOQL engine beside the raw SQLite statements they compile to) and records its result.
 */
const { values: flags } = parseArgs({ options: { contacts: { type: 'string', default: '100000' } } });
const dir = mkdtempSync(join(tmpdir(), 'sfgql-bench-emulator-'));
try {
  const out = join(dir, 'soql.json');
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'packages/emulator/bench/soql.bench.ts'),
      '--contacts',
      String(flags.contacts),
      '--json',
      out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the emulator's SOQL benchmark exited with ${code}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as {
    contacts: number;
    storage: string;
    seedSeconds: number;
    queries: Record<string, string | number>[];
  };
  const table = markdownTable(
    ['query', 'rows', 'emulator µs', 'raw SQL µs', 'ratio', 'whole HTTP request µs'],
    result.queries.map((q) => [
      String(q.query),
      Number(q.rows),
      Number(q['emulator µs']),
      Number(q['raw SQL µs']),
      Number(q.ratio),
      Number(q['HTTP µs']),
    ]),
  );
  console.log(
    `\nThe emulator: SOQL over ${result.contacts.toLocaleString('en-US')} contacts (${result.storage}), seeded in ${result.seedSeconds} s\n`,
  );
  console.log(table);
  const m = machine();
  console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  recordSection('emulator', { ...result, table });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
