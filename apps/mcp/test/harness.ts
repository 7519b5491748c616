import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { type DemoOrg, demoServiceEnv, startDemoOrg } from '@sfgql/testing/demo-org';
import { loadMcpConfig } from '../src/config.ts';
import { listenMcp, type RunningMcpServer } from '../src/listen.ts';
import { ERROR_META } from '../src/tool-errors.ts';

export const CONFIRM_SECRET = 'mcp-test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const API_KEY = 'mcp-test-key-0123456789abcdefghijklmnop';

/** The settings of a test server against an org: a free port, quiet logs, the demo user for keys. */
export function testEnv(instanceUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    SALESFORCE_INSTANCE_URL: instanceUrl,
    SFGQL_HOST: '127.0.0.1',
    SFGQL_MCP_PORT: '0',
    SFGQL_DATA_DIR: ':memory:',
    SFGQL_CONFIRM_SECRET: CONFIRM_SECRET,
    SFGQL_LOG_LEVEL: 'silent',
    SFGQL_MCP_API_KEYS: `tests:${API_KEY}`,
    ...demoServiceEnv(instanceUrl),
    ...env,
  };
}

/** The MCP server over HTTP in this process, against an org. */
export async function startMcp(
  instanceUrl: string,
  env: Record<string, string> = {},
): Promise<RunningMcpServer> {
  return listenMcp(loadMcpConfig(testEnv(instanceUrl, env)));
}

/** How a test client answers the server's confirmation questions (none: it cannot be asked). */
export type Answer = (request: ElicitRequest['params']) => ElicitResult | Promise<ElicitResult>;

/**
 * The SDK's own client over Streamable HTTP, with the headers given (a bearer token, an API key),
 * and elicitation when `answer` is given.
 */
export async function connectHttp(
  url: string,
  options: { headers?: Record<string, string>; answer?: Answer } = {},
): Promise<Client> {
  const client = new Client(
    { name: 'sfgql-tests', version: '0.0.0' },
    { capabilities: options.answer ? { elicitation: { form: {} } } : {} },
  );
  if (options.answer) {
    const answer = options.answer;
    client.setRequestHandler(ElicitRequestSchema, (request) => answer(request.params));
  }
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: options.headers ?? {} },
    }),
  );
  return client;
}

/** The text of a tool result (its first content block). */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content[0];
  return first?.type === 'text' ? first.text : '';
}

/** A tool result's structured content. */
export const structuredOf = <T = Record<string, unknown>>(result: unknown) =>
  (result as CallToolResult).structuredContent as T;

/** The code of an error result (`_meta`), or undefined for another result. */
export const codeOf = (result: unknown) =>
  ((result as { _meta?: Record<string, unknown> })._meta?.[ERROR_META] as { code?: string } | undefined)
    ?.code;

/** Counts what an org is asked through it: requests by path, and TCP connections opened. */
export interface CountingProxy {
  url: string;
  connections(): number;
  requests(path: string): number;
  close(): Promise<void>;
}

/**
 * A plain HTTP proxy in front of an org, to count what a server asks of Salesforce and over how
 * many connections (a client per call would open and sign in again and again).
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  let connections = 0;
  const byPath = new Map<string, number>();
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && !['host', 'connection'].includes(e[0]),
      ),
    );
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(key))
        out[key] = value;
    });
    res.writeHead(answer.status, out).end(body);
  };
  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: (path) => byPath.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { type DemoOrg, startDemoOrg };
