import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `bench/results/latest.json`, which `run.ts` starts and each later scenario adds its section to. */
export const LATEST = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

/**
 * Adds (or replaces) one section of `latest.json`, keeping what the other scenarios of this run
 * wrote, so that one file holds the whole run.
 */
export function recordSection(name: string, section: unknown, file = LATEST): void {
  let results: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {}
  }
  results.machine ??= machine();
  results[name] = { date: new Date().toISOString(), ...(section as object) };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** A Markdown table (numbers right-aligned). */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const align = header.map((_, i) => (rows.every((r) => typeof r[i] === 'number') ? '--:' : '---'));
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Percentiles of a list of latencies in ms. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
