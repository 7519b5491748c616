import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoToken, ROOT, type ServerProcess, startEmulatorProcess, startGatewayProcess } from './process.ts';
import { markdownTable, recordSection } from './results.ts';

/**
 * `pnpm bench export`: exporting every contact of an org of N (default 100,000) through
 * `sfgql export` (one Bulk API 2.0 query job, its results read a page at a time) beside paging the
 * same records through the GraphQL gateway (`contacts(first: 200, after:)`): seconds, Salesforce
 * calls (the emulator's metrics) and the peak resident memory of the exporting process (VmHWM of
 * the `sfgql` child, sampled from /proc). The same export of a tenth of the records shows whether
 * memory is flat; a larger page shows what it is bounded by. Then a cases-by-status aggregate
 * (`casesAggregate`, one call) beside fetching every case through the gateway and counting by hand,
 * which must agree.
 */

const { values } = parseArgs({ options: { contacts: { type: 'string' } } });
const CONTACTS = Number(values.contacts ?? 100_000);
/** The same fields on both sides: the catalog's keys. */
const FIELDS = [
  'id',
  'firstName',
  'lastName',
  'email',
  'phone',
  'title',
  'accountId',
  'mailingCity',
  'lastModifiedDate',
];
const DAILY = ['--daily-api-requests', '1000000000'];

const metrics = async (url: string) =>
  ((await (await fetch(`${url}/__emulator/metrics`)).json()) as { total: number }).total;
const resetMetrics = (url: string) =>
  fetch(`${url}/__emulator/metrics/reset`, { method: 'POST' }).then((r) => r.body?.cancel());

/** VmHWM (peak resident memory) of a process, in MB, or undefined once it has exited. */
function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return undefined;
  }
}

interface ExportRun {
  what: string;
  records: number;
  seconds: number;
  calls: number;
  peakRssMb: number;
  megabytes: number;
}

/** `sfgql export Contact` as a child process, its peak memory sampled until it exits. */
async function runExport(
  url: string,
  token: string,
  what: string,
  args: string[],
  dir: string,
  nodeFlags: string[] = [],
): Promise<ExportRun> {
  const out = join(dir, `export-${Math.random().toString(36).slice(2)}`);
  await resetMetrics(url);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      ...nodeFlags,
      join(ROOT, 'apps/cli/src/main.ts'),
      'export',
      'Contact',
      '--fields',
      FIELDS.join(','),
      '--out',
      out,
      ...args,
    ],
    {
      env: { ...process.env, SALESFORCE_INSTANCE_URL: url, SALESFORCE_ACCESS_TOKEN: token },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid as number) ?? 0);
  }, 10);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`sfgql export failed (${code}):\n${stderr}`);
  const text = readFileSync(out, 'utf8');
  const records = args.includes('ndjson')
    ? text.split('\n').filter(Boolean).length
    : text.split('\n').filter(Boolean).length - 1;
  const megabytes = statSync(out).size / 1024 / 1024;
  rmSync(out);
  return { what, records, seconds, calls: await metrics(url), peakRssMb: peak, megabytes };
}

/** Every record of a list through the gateway, 200 a page: how many, and the seconds it took. */
async function pageThrough(
  gateway: string,
  token: string,
  field: string,
  selection: string,
  onNode: (node: Record<string, unknown>) => void = () => {},
) {
  const query = `query ($after: String) { ${field}(first: 200, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`;
  let after: string | null = null;
  let records = 0;
  const t0 = performance.now();
  for (;;) {
    const response = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = (await response.json()) as {
      data?: Record<
        string,
        {
          edges: { node: Record<string, unknown> }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        }
      >;
      errors?: unknown[];
    };
    const page = body.data?.[field];
    if (!page) throw new Error(`gateway: ${JSON.stringify(body.errors)}`);
    for (const edge of page.edges) onNode(edge.node);
    records += page.edges.length;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { records, seconds: (performance.now() - t0) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'sfgql-bench-export-'));
const running: ServerProcess[] = [];

/** An org of `contacts` generated contacts (and the demo org), its demo token. */
async function org(contacts: number) {
  console.log(`Seeding ${contacts.toLocaleString('en-US')} contacts...`);
  const emulator = await startEmulatorProcess(['--scale', String(contacts), ...DAILY]);
  running.push(emulator);
  return { emulator, token: await demoToken(emulator.url) };
}

/** The exports measured at every size: the two formats, and NDJSON with a small young generation. */
const KINDS: { what: string; args: string[]; nodeFlags?: string[] }[] = [
  { what: 'CSV', args: [] },
  { what: 'NDJSON', args: ['--format', 'ndjson'] },
  // V8 sizes its young generation from the machine's memory (two 64 MB semi-spaces on 24 GB);
  // NDJSON's short-lived strings fill it. Kept small, what is left is the export's own memory.
  {
    what: 'NDJSON, node --max-semi-space-size=8',
    args: ['--format', 'ndjson'],
    nodeFlags: ['--max-semi-space-size=8'],
  },
];

/** Each kind of export of every contact of an org. */
async function everyKind(url: string, token: string): Promise<ExportRun[]> {
  const runs: ExportRun[] = [];
  for (const kind of KINDS) runs.push(await runExport(url, token, kind.what, kind.args, dir, kind.nodeFlags));
  return runs;
}

/** The exports of an org of `contacts` (a tenth or twice the main one), which is then stopped. */
async function exportsAt(contacts: number): Promise<ExportRun[]> {
  const { emulator, token } = await org(contacts);
  const runs = await everyKind(emulator.url, token);
  await emulator.stop();
  return runs;
}

try {
  // The same exports of a tenth and of twice the records: flat memory does not follow their number.
  const tenth = await exportsAt(Math.round(CONTACTS / 10));
  const { emulator, token } = await org(CONTACTS);
  const main = await everyKind(emulator.url, token);
  const extra = [
    await runExport(emulator.url, token, 'CSV, pages of 50,000', ['--page-size', '50000'], dir),
    // What the process needs before any record: Node.js, the source's modules, the job.
    await runExport(
      emulator.url,
      token,
      'CSV, a filter no contact matches',
      ['--where', '{"email":{"eq":"nobody@nowhere.invalid"}}'],
      dir,
    ),
  ];
  const full = main[0] as ExportRun;

  const gateway = await startGatewayProcess(emulator.url);
  running.push(gateway);
  await resetMetrics(emulator.url);
  const paged = await pageThrough(gateway.url, token, 'contacts', FIELDS.join(' '));
  const pagedCalls = await metrics(emulator.url);
  if (paged.records !== full.records)
    throw new Error(`GraphQL paged ${paged.records} contacts, the export wrote ${full.records}`);

  // Cases by status: one aggregate call, beside fetching every case and counting by hand.
  const graphql = async (query: string) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data: Record<string, unknown>; errors?: unknown[] };
  };
  await resetMetrics(emulator.url);
  let t0 = performance.now();
  const aggregate = await graphql('{ casesAggregate(groupBy: [status]) { keys { name value } count } }');
  const aggregateSeconds = (performance.now() - t0) / 1000;
  if (aggregate.errors) throw new Error(`gateway: ${JSON.stringify(aggregate.errors)}`);
  const aggregateCalls = await metrics(emulator.url);
  const byAggregate = new Map(
    (aggregate.data.casesAggregate as { keys: { value: unknown }[]; count: number }[]).map((g) => [
      String(g.keys[0]?.value),
      g.count,
    ]),
  );
  await resetMetrics(emulator.url);
  const byHand = new Map<string, number>();
  t0 = performance.now();
  const fetched = await pageThrough(gateway.url, token, 'cases', 'status', (node) => {
    const status = String(node.status);
    byHand.set(status, (byHand.get(status) ?? 0) + 1);
  });
  const fetchedCalls = await metrics(emulator.url);
  const agree =
    byHand.size === byAggregate.size && [...byHand].every(([status, n]) => byAggregate.get(status) === n);
  if (!agree)
    throw new Error(
      `casesAggregate ${JSON.stringify([...byAggregate])} disagrees with the count by hand ${JSON.stringify([...byHand])}`,
    );
  const aggregateTable = markdownTable(
    ['cases by status', 'cases', 'seconds', 'Salesforce calls'],
    [
      [
        'casesAggregate(groupBy: [status])',
        fetched.records,
        Number(aggregateSeconds.toFixed(2)),
        aggregateCalls,
      ],
      [
        'cases(first: 200, after:), counted by hand',
        fetched.records,
        Number(fetched.seconds.toFixed(1)),
        fetchedCalls,
      ],
    ],
  );

  await gateway.stop();
  await emulator.stop();
  const twice = await exportsAt(CONTACTS * 2);

  const mb = (r: ExportRun | undefined) => (r ? Math.round(r.peakRssMb) : '');
  const sizes = [tenth, main, twice].map((runs) => (runs[0] as ExportRun).records.toLocaleString('en-US'));
  const memoryTable = markdownTable(
    ['peak RSS of sfgql export (MB)', ...sizes.map((n) => `${n} contacts`)],
    KINDS.map((kind, i) => [kind.what, mb(tenth[i]), mb(main[i]), mb(twice[i])]),
  );
  const row = (how: string, r: ExportRun) => [
    how,
    r.records,
    Number(r.seconds.toFixed(1)),
    r.calls,
    Math.round(r.peakRssMb),
    Number(r.megabytes.toFixed(1)),
  ];
  const exportTable = markdownTable(
    ['how', 'records', 'seconds', 'Salesforce calls', 'peak RSS (MB)', 'output (MB)'],
    [
      ...[...main, ...extra].map((r) => row(`sfgql export, ${r.what}`, r)),
      ...twice.slice(0, 2).map((r) => row(`sfgql export, ${r.what}`, r)),
      [
        'GraphQL gateway, contacts(first: 200, after:)',
        paged.records,
        Number(paged.seconds.toFixed(1)),
        pagedCalls,
        '(a server)',
        '',
      ],
    ],
  );

  console.log(`\nExporting every contact (${full.records.toLocaleString('en-US')}), emulator metrics\n`);
  console.log(exportTable);
  console.log('\nPeak resident memory of the exporting process by the size of the export\n');
  console.log(memoryTable);
  console.log(`\nCases by status (${byAggregate.size} statuses; both counts agree)\n`);
  console.log(aggregateTable);
  recordSection('export', {
    contacts: full.records,
    exports: [...tenth, ...main, ...extra, ...twice],
    graphqlPaging: { records: paged.records, seconds: paged.seconds, calls: pagedCalls },
    casesByStatus: {
      statuses: Object.fromEntries(byAggregate),
      aggregate: { seconds: aggregateSeconds, calls: aggregateCalls },
      fetchAndCount: { cases: fetched.records, seconds: fetched.seconds, calls: fetchedCalls },
    },
    tables: { export: exportTable, memory: memoryTable, aggregate: aggregateTable },
  });
} finally {
  for (const server of running.reverse()) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
