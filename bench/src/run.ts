import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loginWithPassword } from '@sfgql/auth';
import { DEMO, startEmulator } from '@sfgql/emulator';
import { createLogger } from '@sfgql/gateway/logger';
import { createGateway } from '@sfgql/gateway/yoga';
import { createSalesforceClient } from '@sfgql/soql';
import type { ExecutionResult } from 'graphql';
import { type BaselineMode, createBaselineSchema, runBaseline } from './baseline.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';

/**
 * `pnpm bench`: Salesforce API calls per GraphQL operation, counted by the emulator
 * (`/__emulator/metrics`), for the gateway and for the two baselines of `baseline.ts`. Prints a
 * Markdown table and writes `bench/results/latest.json`.
 */
const { values: flags } = parseArgs({
  options: { scale: { type: 'string', default: '300' }, out: { type: 'string' } },
});
const scale = Number(flags.scale);
const here = dirname(fileURLToPath(import.meta.url));
const out = flags.out ?? join(here, '..', 'results', 'latest.json');

const IMPLEMENTATIONS = ['gateway', 'dataloader', 'naive'] as const;
type Implementation = (typeof IMPLEMENTATIONS)[number];

interface Measurement {
  calls: number;
  ms: number;
  /** Records at the top of the answer (per page), to check that every implementation answered alike. */
  records: number;
  errors: string[];
}

const started = performance.now();
const emulator = await startEmulator({ dataDir: ':memory:', scale });
const seeded = performance.now() - started;
try {
  const session = await loginWithPassword({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password,
    securityToken: DEMO.securityToken,
  });
  const gateway = createGateway({
    instanceUrl: emulator.url,
    apiVersion: '60.0',
    authCacheTtlMs: 60_000,
    logger: createLogger({ level: 'silent' }),
  });
  const baseline = createBaselineSchema();

  const metrics = async () =>
    ((await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as { total: number }).total;
  const reset = () =>
    fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' }).then((r) => r.body?.cancel());

  const run = async (impl: Implementation, query: string, variables: Record<string, unknown>) => {
    if (impl === 'gateway') {
      const response = await gateway.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as ExecutionResult;
    }
    const client = createSalesforceClient({ session, apiVersion: '60.0' });
    return runBaseline(baseline, impl as BaselineMode, client, query, variables);
  };

  // The gateway reads the org's custom fields once (describes) on its first request: not counted.
  await run('gateway', '{ __typename }', {});

  const measure = async (impl: Implementation, scenario: Scenario): Promise<Measurement> => {
    await reset();
    const t0 = performance.now();
    const errors: string[] = [];
    let records = 0;
    let after: string | null = null;
    for (let page = 0; page < (scenario.pages ?? 1); page++) {
      const result = await run(impl, scenario.query, after ? { after } : {});
      for (const e of result.errors ?? []) errors.push(e.message);
      const top = Object.values(result.data ?? {})[0] as
        | { nodes?: unknown[]; pageInfo?: { endCursor: string | null } }
        | unknown[]
        | null;
      if (Array.isArray(top)) records += top.length;
      else if (top?.nodes) records += top.nodes.length;
      else if (top) records += 1;
      after = Array.isArray(top) ? null : (top?.pageInfo?.endCursor ?? null);
    }
    const ms = performance.now() - t0;
    return { calls: await metrics(), ms: Math.round(ms * 10) / 10, records, errors };
  };

  const results: { id: string; title: string; pages: number; by: Record<Implementation, Measurement> }[] = [];
  for (const scenario of SCENARIOS) {
    const by = {} as Record<Implementation, Measurement>;
    for (const impl of IMPLEMENTATIONS) by[impl] = await measure(impl, scenario);
    results.push({ id: scenario.id, title: scenario.title, pages: scenario.pages ?? 1, by });
  }

  const cpu = cpus();
  const machine = {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
  const rows = results.map((r) => {
    const ratio = (impl: Implementation) =>
      r.by.gateway.calls ? `${(r.by[impl].calls / r.by.gateway.calls).toFixed(0)}×` : '–';
    return `| ${r.title} | **${r.by.gateway.calls}** | ${r.by.dataloader.calls} (${ratio('dataloader')}) | ${r.by.naive.calls} (${ratio('naive')}) |`;
  });
  const table = [
    '| query | gateway | per-level dataloaders | naive resolvers |',
    '| ----- | ------: | --------------------: | --------------: |',
    ...rows,
  ].join('\n');
  console.log(
    `\nSalesforce API calls per operation (emulator, demo org + ${scale} generated contacts, seeded in ${Math.round(seeded)} ms)\n`,
  );
  console.log(table);
  console.log(
    `\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}`,
  );

  // Every implementation must have answered, and alike; a bench of wrong answers measures nothing.
  const problems = results.flatMap((r) => [
    ...IMPLEMENTATIONS.flatMap((impl) => r.by[impl].errors.map((e) => `${r.id} (${impl}): ${e}`)),
    ...IMPLEMENTATIONS.filter((impl) => r.by[impl].records !== r.by.gateway.records).map(
      (impl) => `${r.id} (${impl}): ${r.by[impl].records} records, the gateway ${r.by.gateway.records}`,
    ),
  ]);
  for (const p of problems) console.error(`! ${p}`);

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, emulator: { scale, seedMs: Math.round(seeded) }, scenarios: results, table }, null, 2)}\n`,
  );
  console.log(`\nWrote ${out}`);
  if (problems.length) process.exitCode = 1;
} finally {
  await emulator.close();
}
