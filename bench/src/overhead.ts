import { Connection } from 'jsforce';
import {
  demoToken,
  type ServerProcess,
  startActionsProcess,
  startEmulatorProcess,
  startGatewayProcess,
  startServer,
} from './process.ts';
import { machine, markdownTable, recordSection } from './results.ts';
import {
  CASE_LOOKUP_GRAPHQL,
  CASE_NUMBER,
  httpTarget,
  loadFlags,
  loopTarget,
  type Measured,
  type Target,
} from './targets.ts';

/**
 * `pnpm bench` (overhead): the case lookup at 1, 16 and 64 concurrent clients through the gateway,
 * through the REST adapter, as a direct jsforce call to the emulator, and as raw HTTP to the
 * emulator; a bare GraphQL Yoga endpoint answering a constant; and the gateway with Salesforce
 * answered from a warm cache, to measure its own throughput beside bare Yoga's. Every server is a
 * child process of its own (the emulator's and the apps' own programs), driven by autocannon from
 * this process; jsforce runs here, as a client program would.
 */
const { duration, levels } = loadFlags('1,16,64');
const SOQL = `SELECT Id, CaseNumber, Subject, Status FROM Case WHERE CaseNumber = '${CASE_NUMBER}'`;

function jsforceTarget(instanceUrl: string, accessToken: string): Target {
  const conn = new Connection({ instanceUrl, accessToken, version: '60.0' });
  const once = async () => {
    const result = await conn.query<{ CaseNumber: string }>(SOQL);
    if (result.records[0]?.CaseNumber !== CASE_NUMBER) throw new Error('jsforce: the case was not found');
  };
  return loopTarget('jsforce', 'direct jsforce call to the emulator', async () => once);
}

const servers: ServerProcess[] = [];
const started = async (server: Promise<ServerProcess>) => {
  const s = await server;
  servers.push(s);
  return s;
};
try {
  // No daily API limit in the way: a benchmark makes hundreds of thousands of calls.
  const emulator = await started(startEmulatorProcess(['--daily-api-requests', '1000000000']));
  const token = await demoToken(emulator.url);
  const auth = { authorization: `Bearer ${token}` };
  const gateway = await started(startGatewayProcess(emulator.url));
  const actions = await started(startActionsProcess(emulator.url));
  const yoga = await started(
    startServer({
      name: 'bare Yoga',
      script: 'bench/src/servers/yoga.ts',
      readyPath: '/graphql?query=%7B__typename%7D',
    }),
  );
  const proxy = await started(
    startServer({
      name: 'cache proxy',
      script: 'bench/src/servers/cache-proxy.ts',
      args: [emulator.url],
      readyPath: '/services/data',
    }),
  );
  const cachedGateway = await started(startGatewayProcess(proxy.url));
  const json = { 'content-type': 'application/json' };

  const targets: Target[] = [
    httpTarget(
      'gateway',
      'gateway (GraphQL)',
      {
        url: `${gateway.url}/graphql`,
        method: 'POST',
        headers: { ...json, ...auth },
        body: CASE_LOOKUP_GRAPHQL,
      },
      CASE_NUMBER,
    ),
    httpTarget(
      'rest',
      'REST adapter',
      {
        url: `${actions.url}/cases/by-number/${CASE_NUMBER}`,
        method: 'GET',
        headers: auth,
      },
      CASE_NUMBER,
    ),
    jsforceTarget(emulator.url, token),
    httpTarget(
      'emulator',
      'emulator, raw HTTP (no client library)',
      {
        url: `${emulator.url}/services/data/v60.0/query?q=${encodeURIComponent(SOQL)}`,
        method: 'GET',
        headers: auth,
      },
      CASE_NUMBER,
    ),
    httpTarget(
      'yoga',
      'bare GraphQL Yoga, a constant',
      {
        url: `${yoga.url}/graphql`,
        method: 'POST',
        headers: json,
        body: CASE_LOOKUP_GRAPHQL,
      },
      CASE_NUMBER,
    ),
    httpTarget(
      'gatewayCached',
      'gateway, Salesforce from a warm cache',
      {
        url: `${cachedGateway.url}/graphql`,
        method: 'POST',
        headers: { ...json, ...auth },
        body: CASE_LOOKUP_GRAPHQL,
      },
      CASE_NUMBER,
    ),
  ];

  const results: Record<string, Record<number, Measured>> = {};
  for (const target of targets) {
    await target.check();
    results[target.id] = {};
  }
  for (const connections of levels) {
    for (const target of targets) {
      await target.run(connections, 1); // warm-up, not recorded
      const measured = await target.run(connections, duration);
      (results[target.id] as Record<number, Measured>)[connections] = measured;
      console.error(
        `  ${target.title} × ${connections}: p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${Math.round(measured.rps)} req/s, ${measured.errors} errors`,
      );
    }
  }

  const at = (id: string, c: number) => (results[id] as Record<number, Measured>)[c] as Measured;
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  const rows = levels.flatMap((c) =>
    targets.map((t) => {
      const m = at(t.id, c);
      return [t.title, c, m.p50, m.p99, m.mean, Math.round(m.rps), m.errors];
    }),
  );
  const ratios = levels.map((c) => ({
    connections: c,
    gatewayP50VsJsforce: ratio(at('gateway', c).p50, at('jsforce', c).p50),
    gatewayMeanVsJsforce: ratio(at('gateway', c).mean, at('jsforce', c).mean),
    restP50VsJsforce: ratio(at('rest', c).p50, at('jsforce', c).p50),
    restMeanVsJsforce: ratio(at('rest', c).mean, at('jsforce', c).mean),
    gatewayRpsVsJsforce: ratio(at('gateway', c).rps, at('jsforce', c).rps),
    cachedGatewayRpsVsYoga: ratio(at('gatewayCached', c).rps, at('yoga', c).rps),
  }));
  const table = markdownTable(
    ['case lookup', 'clients', 'p50 ms', 'p99 ms', 'mean ms', 'req/s', 'errors'],
    rows as (string | number)[][],
  );
  const ratioTable = markdownTable(
    [
      'clients',
      'gateway ÷ jsforce, p50',
      'gateway ÷ jsforce, mean',
      'REST ÷ jsforce, p50',
      'REST ÷ jsforce, mean',
      'gateway req/s ÷ jsforce req/s',
      'gateway (warm cache) req/s ÷ bare Yoga req/s',
    ],
    ratios.map((r) => [
      r.connections,
      r.gatewayP50VsJsforce,
      r.gatewayMeanVsJsforce,
      r.restP50VsJsforce,
      r.restMeanVsJsforce,
      r.gatewayRpsVsJsforce,
      r.cachedGatewayRpsVsYoga,
    ]),
  );
  console.log(`\nOverhead: the case lookup, ${duration} s per measurement after a 1 s warm-up\n`);
  console.log(table);
  console.log('');
  console.log(ratioTable);
  const m = machine();
  console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  recordSection('overhead', { durationSeconds: duration, results, ratios, table, ratioTable });
  const errors = Object.values(results)
    .flatMap((byLevel) => Object.values(byLevel))
    .reduce((n, r) => n + r.errors, 0);
  if (errors > 0) {
    console.error(`! ${errors} requests failed during the measurements`);
    process.exitCode = 1;
  }
} finally {
  await Promise.allSettled(servers.map((s) => s.stop()));
}
