/**
 * Bulk API 2.0 benchmark: ingests N contacts (default 150,000) through one ingest job whose CSV is
 * generated as it streams up, then reads them all back through one query job, page by page, and
 * reports the time of each step and the process's peak memory (RSS and heap, sampled every 50 ms)
 * beside its memory before the jobs: Bulk API 2.0 streams through SQLite, so the peak should not
 * grow with N.
 *
 *   pnpm --filter @sfgql/emulator bench:bulk [-- --rows 150000 --json results.json]
 *
 * Not part of `pnpm test`: timings and memory depend on the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO } from '../src/seed/demo.ts';
import { startEmulator } from '../src/server.ts';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '150000' }, json: { type: 'string' } },
});
const rows = Number(args.rows);
const dir = mkdtempSync(join(tmpdir(), 'sfgql-bench-bulk-'));
const emulator = await startEmulator({ dataDir: dir, purgeIntervalMs: 0 });
const V = `${emulator.url}/services/data/v60.0`;

const token = (
  (await (
    await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        username: DEMO.username,
        password: DEMO.password + DEMO.securityToken,
      }),
    })
  ).json()) as { access_token: string }
).access_token;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const json = async (path: string, init: RequestInit = {}) =>
  (await (
    await fetch(`${V}${path}`, { ...init, headers: { ...headers, ...(init.headers ?? {}) } })
  ).json()) as Record<string, unknown>;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
global.gc?.();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 50);

const waitFor = async (path: string) => {
  for (;;) {
    const info = await json(path);
    if (info.state === 'JobComplete' || info.state === 'Failed') return info;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

// Ingest: the CSV is produced while it uploads, never whole in memory.
let t = performance.now();
const job = await json('/jobs/ingest', {
  method: 'POST',
  body: JSON.stringify({ object: 'Contact', operation: 'insert' }),
});
let sent = 0;
const encoder = new TextEncoder();
const body = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (sent === 0) controller.enqueue(encoder.encode('FirstName,LastName,Email,Phone,Title\n'));
    if (sent >= rows) return controller.close();
    let chunk = '';
    for (let i = 0; i < 1000 && sent < rows; i++, sent++) {
      chunk += `Bulk,Contact ${sent},bulk${sent}@example.com,+1 415 555 ${String(sent % 10000).padStart(4, '0')},"Engineer, level ${sent % 5}"\n`;
    }
    controller.enqueue(encoder.encode(chunk));
  },
});
const upload = await fetch(`${V}/jobs/ingest/${job.id}/batches`, {
  method: 'PUT',
  headers: { ...headers, 'content-type': 'text/csv' },
  body,
  duplex: 'half',
} as RequestInit);
if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
const uploadSeconds = (performance.now() - t) / 1000;
t = performance.now();
await json(`/jobs/ingest/${job.id}`, { method: 'PATCH', body: JSON.stringify({ state: 'UploadComplete' }) });
const ingested = await waitFor(`/jobs/ingest/${job.id}`);
const ingestSeconds = (performance.now() - t) / 1000;
if (ingested.numberRecordsProcessed !== rows || ingested.numberRecordsFailed !== 0) {
  throw new Error(`ingest: ${JSON.stringify(ingested)}`);
}

// Query: every contact back, read page by page and only counted.
t = performance.now();
const query = await json('/jobs/query', {
  method: 'POST',
  body: JSON.stringify({
    operation: 'query',
    query: 'SELECT Id, Name, Email, Phone, Title, CreatedDate FROM Contact',
  }),
});
const queried = await waitFor(`/jobs/query/${query.id}`);
const querySeconds = (performance.now() - t) / 1000;
t = performance.now();
let lines = 0;
let bytes = 0;
let locator: string | null = null;
do {
  const response: Response = await fetch(
    `${V}/jobs/query/${query.id}/results?maxRecords=50000${locator ? `&locator=${locator}` : ''}`,
    { headers },
  );
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 10) lines++;
  }
  lines--; // each page repeats the header
  const next: string = response.headers.get('sforce-locator') ?? 'null';
  locator = next === 'null' ? null : next;
} while (locator);
const downloadSeconds = (performance.now() - t) / 1000;
clearInterval(sampler);
// What stays after a collection (with --expose-gc): a leak would grow it with N.
global.gc?.();
const retained = process.memoryUsage();

const result = {
  rows,
  uploadSeconds: Number(uploadSeconds.toFixed(1)),
  ingestSeconds: Number(ingestSeconds.toFixed(1)),
  queryJobSeconds: Number(querySeconds.toFixed(1)),
  downloadSeconds: Number(downloadSeconds.toFixed(1)),
  resultRecords: lines,
  queriedRecords: queried.numberRecordsProcessed,
  resultMB: mb(bytes),
  baselineRssMB: mb(baseline.rss),
  peakRssMB: mb(peakRss),
  baselineHeapMB: mb(baseline.heapUsed),
  peakHeapMB: mb(peakHeap),
  retainedHeapMB: mb(retained.heapUsed),
  retainedRssMB: mb(retained.rss),
};
console.log(
  `Bulk API 2.0, ${rows.toLocaleString('en-US')} contacts: upload ${result.uploadSeconds} s, ingest ${result.ingestSeconds} s, query job ${result.queryJobSeconds} s, download ${result.downloadSeconds} s (${result.resultRecords.toLocaleString('en-US')} records, ${result.resultMB} MB)`,
);
console.log(
  `memory: RSS ${result.baselineRssMB} MB before, ${result.peakRssMB} MB at peak, ${result.retainedRssMB} MB after; heap ${result.baselineHeapMB} MB before, ${result.peakHeapMB} MB at peak, ${result.retainedHeapMB} MB after a collection`,
);
if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2));
await emulator.close();
rmSync(dir, { recursive: true, force: true });
