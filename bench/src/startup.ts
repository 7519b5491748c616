import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  demoToken,
  type ServerProcess,
  startActionsProcess,
  startEmulatorProcess,
  startGatewayProcess,
} from './process.ts';
import { machine, markdownTable, recordSection } from './results.ts';

/**
 * `pnpm bench` (start-up and memory): the time from starting each program to its first ready answer
 * (the median of a few starts), and the resident memory of the gateway and the REST adapter after
 * each of several identical load runs: after the first run it should stay flat, within noise.
 */
const { values: flags } = parseArgs({
  options: {
    starts: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
  },
});
const starts = Number(flags.starts);
const rounds = Number(flags.rounds);
const duration = Number(flags.duration);
const connections = Number(flags.connections);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const emulator = await startEmulatorProcess(['--daily-api-requests', '1000000000']);
const running: ServerProcess[] = [emulator];
try {
  const startup: Record<string, number[]> = {
    emulator: [emulator.startupMs],
    gateway: [],
    'gpt-actions': [],
  };
  for (let i = 1; i < starts; i++) {
    const again = await startEmulatorProcess();
    startup.emulator?.push(again.startupMs);
    await again.stop();
  }
  for (let i = 0; i < starts; i++) {
    for (const start of [startGatewayProcess, startActionsProcess]) {
      const server = await start(emulator.url);
      startup[server.name]?.push(server.startupMs);
      await server.stop();
    }
  }

  const token = await demoToken(emulator.url);
  const auth = { authorization: `Bearer ${token}` };
  const gateway = await startGatewayProcess(emulator.url);
  running.push(gateway);
  const actions = await startActionsProcess(emulator.url);
  running.push(actions);
  const loads: { server: ServerProcess; request: autocannon.Options }[] = [
    {
      server: gateway,
      request: {
        url: `${gateway.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          query:
            '{ case(caseNumber: "00001104") { id subject status } contacts(first: 10) { nodes { name account { name } } } }',
        }),
      },
    },
    {
      server: actions,
      request: { url: `${actions.url}/cases/by-number/00001104`, method: 'GET', headers: auth },
    },
  ];
  const memory: Record<
    string,
    { idleMb: number; afterRoundsMb: number[]; requests: number; errors: number }
  > = {};
  for (const { server, request } of loads) {
    const entry = {
      idleMb: Math.round(server.rssMb()),
      afterRoundsMb: [] as number[],
      requests: 0,
      errors: 0,
    };
    for (let round = 0; round < rounds; round++) {
      const result = await autocannon({ ...request, connections, duration });
      entry.requests += result.requests.total;
      entry.errors += result.errors + result.timeouts + result.non2xx;
      // Let the collector settle as it would between bursts, then read the resident set.
      await new Promise((r) => setTimeout(r, 1000));
      entry.afterRoundsMb.push(Math.round(server.rssMb()));
    }
    memory[server.name] = entry;
  }

  const startupRows = Object.entries(startup).map(([name, ms]) => [
    name,
    Math.round(median(ms)),
    ms.map((m) => Math.round(m)).join(', '),
  ]);
  const startupTable = markdownTable(['program', 'median ms to ready', 'each start (ms)'], startupRows);
  const memoryRows = Object.entries(memory).map(([name, m]) => [
    name,
    m.idleMb,
    m.afterRoundsMb.join(' → '),
    // The heap grows to its working size over the first runs; a leak keeps growing after that.
    (m.afterRoundsMb.at(-1) ?? 0) - (m.afterRoundsMb.at(-3) ?? m.afterRoundsMb[0] ?? 0),
    m.requests,
    m.errors,
  ]);
  const memoryTable = markdownTable(
    [
      'program',
      'RSS at start (MB)',
      `RSS after each ${duration} s run at ${connections} clients (MB)`,
      'growth over the last three runs (MB)',
      'requests',
      'errors',
    ],
    memoryRows,
  );
  console.log('\nStart-up: from starting the program to its first ready answer\n');
  console.log(startupTable);
  console.log('\nResident memory across repeated load runs\n');
  console.log(memoryTable);
  const m = machine();
  console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  recordSection('startupAndMemory', {
    startupMs: startup,
    memory,
    rounds,
    duration,
    connections,
    startupTable,
    memoryTable,
  });
  if (Object.values(memory).some((m) => m.errors > 0)) {
    console.error('! requests failed during the load runs');
    process.exitCode = 1;
  }
} finally {
  await Promise.allSettled(running.map((s) => s.stop()));
}
