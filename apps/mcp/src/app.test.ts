import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { serviceAuthFromEnv } from '@sfgql/auth';
import { type DemoOrg, demoServiceEnv, startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpApp, type McpApp } from './app.ts';
import { createMcpConfirmation } from './confirmation.ts';
import { createLogger } from './log.ts';

const PUBLIC_URL = 'https://mcp.example.com';
let org: DemoOrg;
let app: McpApp;

beforeAll(async () => {
  org = await startDemoOrg();
  app = createMcpApp({
    publicUrl: PUBLIC_URL,
    instanceUrl: org.emulator.url,
    apiVersion: '60.0',
    authCacheTtlMs: 60_000,
    confirmTtlMs: 300_000,
    toolset: 'service',
    writes: {},
    authorizationServer: org.emulator.url,
    confirmation: createMcpConfirmation({ secret: 'app-test-secret-0123456789abcdefghijkl', policy: {} }),
    integration: serviceAuthFromEnv(demoServiceEnv(org.emulator.url))?.source,
    anonymous: true,
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await app?.close();
  await org?.close();
});

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** A raw initialize request: its answer carries the new session's id. */
async function initialize(headers: Record<string, string> = {}): Promise<string> {
  const response = await app.fetch(
    new Request(`${PUBLIC_URL}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...headers },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      }),
    }),
  );
  await response.body?.cancel();
  const id = response.headers.get('mcp-session-id');
  if (!id) throw new Error(`no session: ${response.status}`);
  return id;
}

const toolsList = (sessionId: string) =>
  app.fetch(
    new Request(`${PUBLIC_URL}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    }),
  );

describe('the HTTP app', () => {
  it('ends a session the client deletes: its id is then unknown', async () => {
    const client = new Client({ name: 'app-test', version: '0.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${PUBLIC_URL}/mcp`), {
      fetch: (url, init) => app.fetch(new Request(url, init)),
    });
    await client.connect(transport);
    const before = app.sessionCount();
    const sessionId = transport.sessionId as string;
    await transport.terminateSession();
    expect(app.sessionCount()).toBe(before - 1);
    const after = await toolsList(sessionId);
    expect(after.status).toBe(404);
    await client.close();
  });

  it('opens a session only for an initialize request', async () => {
    const before = app.sessionCount();
    const response = await app.fetch(
      new Request(`${PUBLIC_URL}/mcp`, {
        method: 'POST',
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }),
    );
    expect(response.status).toBe(400);
    expect(app.sessionCount()).toBe(before);
  });

  it('keeps at most 50 sessions per caller, closing the oldest', async () => {
    const first = await initialize();
    expect((await toolsList(first)).status).toBe(200);
    const others: string[] = [];
    for (let i = 0; i < 50; i++) others.push(await initialize());
    expect(app.sessionCount()).toBeLessThanOrEqual(50);
    expect((await toolsList(first)).status).toBe(404);
    expect((await toolsList(others.at(-1) as string)).status).toBe(200);
    // Another caller's sessions are not counted against this one.
    await initialize({ authorization: `Bearer ${org.session.accessToken}` });
    expect((await toolsList(others.at(-1) as string)).status).toBe(200);
  });
});
