import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  demoToken,
  type ServerProcess,
  startEmulatorProcess,
  startGatewayProcess,
  startMcpProcess,
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
 * `pnpm bench` (mcp): the case lookup as an MCP tool call (`getCaseDetailsFromNumber`) beside the
 * gateway's GraphQL query for the same case, each server its own program: the tool call loaded
 * over Streamable HTTP by autocannon in one session (the request a client sends, its answer an SSE
 * event), and through the SDK's client, one session per concurrent caller (what a client program
 * pays, its JSON-RPC and schema checks included). Ratios to the gateway, from one run.
 */
const { duration, levels } = loadFlags('1,16');
const TOOL = { name: 'getCaseDetailsFromNumber', arguments: { caseNumber: CASE_NUMBER } };

const servers: ServerProcess[] = [];
const clients: Client[] = [];
const started = async (server: Promise<ServerProcess>) => {
  const s = await server;
  servers.push(s);
  return s;
};
try {
  const emulator = await started(startEmulatorProcess(['--daily-api-requests', '1000000000']));
  const token = await demoToken(emulator.url);
  const auth = { authorization: `Bearer ${token}` };
  const gateway = await started(startGatewayProcess(emulator.url));
  const mcp = await started(startMcpProcess(emulator.url));

  const connect = async () => {
    const client = new Client({ name: 'sfgql-bench', version: '0.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${mcp.url}/mcp`), { requestInit: { headers: auth } }),
    );
    clients.push(client);
    return client;
  };
  // The session autocannon's requests belong to, opened as a client opens it.
  const session = await connect();
  const sessionId = (session.transport as { sessionId?: string }).sessionId as string;
  let id = 0;

  const targets: Target[] = [
    httpTarget(
      'gateway',
      'gateway (GraphQL query)',
      {
        url: `${gateway.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: CASE_LOOKUP_GRAPHQL,
      },
      CASE_NUMBER,
    ),
    httpTarget(
      'mcp',
      'MCP tool call over HTTP (one session)',
      {
        url: `${mcp.url}/mcp`,
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
        },
        // Each request its own JSON-RPC id: ids in flight in one session must differ.
        body: () => JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: TOOL }),
      },
      CASE_NUMBER,
    ),
    loopTarget('mcpClient', 'MCP tool call through the SDK client (a session per caller)', async () => {
      const client = await connect();
      return async () => {
        const result = await client.callTool(TOOL);
        if (
          result.isError ||
          (result.structuredContent as { caseNumber?: string }).caseNumber !== CASE_NUMBER
        )
          throw new Error(`MCP: ${JSON.stringify(result).slice(0, 300)}`);
      };
    }),
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

  const at = (target: string, c: number) => (results[target] as Record<number, Measured>)[c] as Measured;
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  const ratios = levels.map((c) => ({
    connections: c,
    mcpMeanVsGateway: ratio(at('mcp', c).mean, at('gateway', c).mean),
    mcpRpsVsGateway: ratio(at('mcp', c).rps, at('gateway', c).rps),
    clientMeanVsGateway: ratio(at('mcpClient', c).mean, at('gateway', c).mean),
  }));
  const table = markdownTable(
    ['case lookup', 'clients', 'p50 ms', 'p99 ms', 'mean ms', 'req/s', 'errors'],
    levels.flatMap((c) =>
      targets.map((t) => {
        const m = at(t.id, c);
        return [t.title, c, m.p50, m.p99, m.mean, Math.round(m.rps), m.errors];
      }),
    ),
  );
  const ratioTable = markdownTable(
    ['clients', 'MCP over HTTP ÷ gateway, mean', 'MCP req/s ÷ gateway req/s', 'SDK client ÷ gateway, mean'],
    ratios.map((r) => [r.connections, r.mcpMeanVsGateway, r.mcpRpsVsGateway, r.clientMeanVsGateway]),
  );
  console.log(
    `\nMCP: the case lookup as a tool call beside the gateway's query, ${duration} s per measurement after a 1 s warm-up\n`,
  );
  console.log(table);
  console.log('');
  console.log(ratioTable);
  const m = machine();
  console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  recordSection('mcp', { durationSeconds: duration, results, ratios, table, ratioTable });
  const errors = Object.values(results)
    .flatMap((byLevel) => Object.values(byLevel))
    .reduce((n, r) => n + r.errors, 0);
  if (errors > 0) {
    console.error(`! ${errors} requests failed during the measurements`);
    process.exitCode = 1;
  }
} finally {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.stop()));
}
