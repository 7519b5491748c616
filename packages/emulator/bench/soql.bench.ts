/**
 * SOQL engine benchmark: seeds 100k contacts (timed) and runs representative queries through the
 * emulator's query executor, next to the raw SQLite statements they compile to, as a ratio.
 *
 *   pnpm --filter @sfgql/emulator bench:soql [-- --contacts 100000 --memory --json results.json]
 *
 * `pnpm bench` runs it through `bench/src/emulator.ts`, which records its `--json` output.
 *
 * "emulator" is `executeSoql` (plan cache lookup or parse and compile, run, shape the records as
 * Salesforce does); "raw" runs the plan's own SQL (and its child statements) and only reads rows;
 * "HTTP" is a whole `GET /query` through the app in-process (session, metering, JSON), for scale.
 * Not part of `pnpm test`: timings depend on the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { createApp } from '../src/http/app.ts';
import { createOrg } from '../src/org.ts';
import { DEMO, seedDemo } from '../src/seed/demo.ts';
import { seedScale } from '../src/seed/scale.ts';
import type { QueryPlan } from '../src/soql/compile.ts';
import { executeSoql, planQuery } from '../src/soql/execute.ts';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    memory: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const contacts = Number(args.contacts);
const dir = args.memory ? ':memory:' : mkdtempSync(join(tmpdir(), 'sfgql-bench-'));
const now = new Date('2026-03-01T12:00:00.000Z');
const org = createOrg({ dataDir: dir, now: () => now, purgeIntervalMs: 0 });
seedDemo(org);
const seedStart = performance.now();
seedScale(org, contacts);
const seedSeconds = (performance.now() - seedStart) / 1000;
console.log(
  `seeded ${contacts.toLocaleString('en-US')} contacts (with accounts, cases, leads, opportunities, tasks, events) in ${seedSeconds.toFixed(1)} s${dir === ':memory:' ? ' (in memory)' : ' (on disk, WAL)'}`,
);

const db = org.db;
const pick = <T>(sql: string) => db.prepare(sql).get() as T;
const middle = Math.floor(contacts / 10);
const contact = pick<{ Id: string; Phone: string; AccountId: string }>(
  `SELECT c."Id", c."Phone", c."AccountId" FROM "Contact" c WHERE c."Phone" IS NOT NULL AND EXISTS (SELECT 1 FROM "Case" k WHERE k."ContactId" = c."Id") LIMIT 1 OFFSET ${middle}`,
);
const caseNumber = pick<{ CaseNumber: string }>(
  `SELECT "CaseNumber" FROM "Case" ORDER BY "CaseNumber" LIMIT 1 OFFSET ${Math.floor(contacts / 4)}`,
).CaseNumber;
const ids = (db.prepare(`SELECT "Id" FROM "Contact" LIMIT 2000 OFFSET 1000`).all() as { Id: string }[]).map(
  (r) => r.Id,
);

const queries: { name: string; soql: () => string }[] = [
  {
    name: 'lookup by Id (same text)',
    soql: () => `SELECT Id, Name, Email, Phone, Account.Name FROM Contact WHERE Id = '${contact.Id}'`,
  },
  {
    name: 'lookup by Id (new text each time)',
    soql: (() => {
      let i = 0;
      return () =>
        `SELECT Id, Name, Email, Phone, Account.Name FROM Contact WHERE Id = '${ids[i++ % ids.length]}'`;
    })(),
  },
  {
    name: 'case by CaseNumber',
    soql: () =>
      `SELECT Id, CaseNumber, Subject, Status, Priority, Contact.Name FROM Case WHERE CaseNumber = '${caseNumber}'`,
  },
  {
    name: 'LIKE across name/email/phone',
    soql: () =>
      `SELECT Id, FirstName, LastName, Email, Phone, Account.Name FROM Contact WHERE Name LIKE '%johnson%' OR Email LIKE '%johnson%' OR Phone LIKE '%johnson%' ORDER BY LastModifiedDate DESC LIMIT 10`,
  },
  {
    name: 'contact by phone with cases subquery',
    soql: () =>
      `SELECT Id, Name, Email, Phone, Account.Name, (SELECT Id, Subject, Status, Priority, CreatedDate FROM Cases ORDER BY CreatedDate DESC LIMIT 3) FROM Contact WHERE Phone = '${contact.Phone}' LIMIT 1`,
  },
  {
    name: 'account contacts with cases subquery',
    soql: () =>
      `SELECT Id, Name, (SELECT Id, Subject, Status FROM Cases ORDER BY CreatedDate DESC LIMIT 3) FROM Contact WHERE AccountId = '${contact.AccountId}'`,
  },
  { name: 'cases by status (aggregate)', soql: () => `SELECT Status, COUNT(Id) FROM Case GROUP BY Status` },
];

const options = { db, catalog: org.catalog, includeDeleted: false, now, userId: null };
const statements = new Map<string, { statement: StatementSync; names: string[] }>();
function raw(db: DatabaseSync, sql: string, params: Record<string, SQLInputValue>) {
  let prepared = statements.get(sql);
  if (!prepared) {
    prepared = {
      statement: db.prepare(sql),
      names: [...new Set([...sql.matchAll(/:(\w+)/g)].map((m) => m[1] as string))],
    };
    statements.set(sql, prepared);
  }
  const bound: Record<string, SQLInputValue> = {};
  for (const name of prepared.names) bound[name] = params[name] ?? null;
  return prepared.statement.all(bound) as Record<string, unknown>[];
}

/** The plan's statements, run bare: the parent rows, then each child statement for their ids. */
function runRaw(plan: QueryPlan): number {
  const rows = raw(db, plan.sql, plan.params);
  if (plan.kind === 'records' && plan.children.length > 0 && rows.length > 0) {
    const parentIds = JSON.stringify(rows.map((r) => r[Object.keys(r)[0] as string]));
    for (const child of plan.children) raw(db, child.plan.sql, { ...child.plan.params, parentIds });
  }
  return rows.length;
}

/** Median time per operation in microseconds, over rounds of at least 150 ms. */
function time(fn: () => unknown): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t > 150) break;
    n *= 2;
  }
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    rounds.push(((performance.now() - t) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b)[2] as number;
}

const app = createApp(org);
const tokenResponse = await app.request('/services/oauth2/token', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'password',
    client_id: DEMO.clientId,
    client_secret: DEMO.clientSecret,
    username: DEMO.username,
    password: DEMO.password + DEMO.securityToken,
  }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

const table: Record<string, string | number>[] = [];
for (const query of queries) {
  const sample = query.soql();
  const result = executeSoql(sample, { ...options, apiVersion: 'v60.0' });
  const emulator = time(() => executeSoql(query.soql(), { ...options, apiVersion: 'v60.0' }));
  const rawTime = time(() => runRaw(planQuery(sample, options)));
  let httpTotal = 0;
  const httpRuns = 200;
  for (let i = 0; i < httpRuns; i++) {
    const t = performance.now();
    const response = await app.request(`/services/data/v60.0/query?q=${encodeURIComponent(query.soql())}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.text();
    httpTotal += performance.now() - t;
  }
  table.push({
    query: query.name,
    rows: result.totalSize,
    'emulator µs': Math.round(emulator),
    'raw SQL µs': Math.round(rawTime),
    ratio: Number((emulator / rawTime).toFixed(2)),
    'HTTP µs': Math.round((httpTotal * 1000) / httpRuns),
  });
}
console.table(table);
if (args.json) {
  writeFileSync(
    args.json,
    `${JSON.stringify({ contacts, storage: dir === ':memory:' ? 'memory' : 'disk (WAL)', seedSeconds: Math.round(seedSeconds * 10) / 10, queries: table }, null, 2)}\n`,
  );
}
org.close();
if (dir !== ':memory:') rmSync(dir, { recursive: true, force: true });
