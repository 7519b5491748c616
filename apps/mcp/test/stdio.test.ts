import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { demoServiceEnv } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_SECRET, codeOf, type DemoOrg, startDemoOrg, structuredOf, textOf } from './harness.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'stdio.ts');

let org: DemoOrg;
let dataDir: string;
beforeAll(async () => {
  org = await startDemoOrg();
  dataDir = mkdtempSync(join(tmpdir(), 'sfgql-mcp-stdio-'));
});
afterAll(async () => {
  await org?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The `sfgql-mcp` program as a desktop client runs it: a child process, spoken to on stdio. */
async function spawnStdio(env: Record<string, string> = {}, options: { elicitation?: boolean } = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN],
    env: {
      PATH: process.env.PATH ?? '',
      SALESFORCE_INSTANCE_URL: org.emulator.url,
      SFGQL_DATA_DIR: dataDir,
      SFGQL_CONFIRM_SECRET: CONFIRM_SECRET,
      ...demoServiceEnv(org.emulator.url),
      ...env,
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client(
    { name: 'sfgql-tests', version: '0.0.0' },
    { capabilities: options.elicitation ? { elicitation: { form: {} } } : {} },
  );
  if (options.elicitation) client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept' }));
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) =>
  client.callTool({ name, arguments: args });

describe('sfgql-mcp over stdio, as the integration user', () => {
  it('lists at most 40 annotated tools, finds Sarah by phone, and writes a case once behind its token', async () => {
    const { client, stderr } = await spawnStdio({ SFGQL_MCP_TOOLSET: 'service' });
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeLessThanOrEqual(40);
      expect(tools.every((t) => typeof t.annotations?.readOnlyHint === 'boolean')).toBe(true);

      const found = await call(client, 'searchContacts', { term: '(555) 234-5678' });
      expect(structuredOf<{ records: { name: string }[] }>(found).records[0]?.name).toBe('Sarah Johnson');

      const args = { subject: 'Over stdio', priority: 'High', origin: 'Phone' };
      const preview = await call(client, 'createCase', args);
      expect(structuredOf(preview).status).toBe('confirmation_required');
      const none = await call(client, 'searchCases', { term: 'Over stdio' });
      expect(structuredOf<{ records: unknown[] }>(none).records).toEqual([]);

      const token = structuredOf<{ confirmationToken: string }>(preview).confirmationToken;
      const done = await call(client, 'createCase', { ...args, confirmationToken: token });
      expect(structuredOf(done).status, textOf(done)).toBe('done');
      const replay = await call(client, 'createCase', { ...args, confirmationToken: token });
      expect(replay.isError).toBe(true);
      expect(codeOf(replay)).toBe('CONFIRMATION_USED');
      const once = await call(client, 'searchCases', { term: 'Over stdio' });
      expect(structuredOf<{ records: unknown[] }>(once).records).toHaveLength(1);

      // Logs go to stderr: stdout carries only the protocol.
      expect(stderr()).toMatch(/"msg":"MCP server on stdio"/);
    } finally {
      await client.close();
    }
  });

  it('confirms through the client when it can ask its user, and takes its toolset and policy from the settings', async () => {
    const { client } = await spawnStdio(
      { SFGQL_MCP_TOOLSET: 'activities', SFGQL_MCP_WRITES: 'Task' },
      { elicitation: true },
    );
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('logCall');
      expect(names).not.toContain('scheduleEvent');
      const [sarah] = structuredOf<{ records: { id: string }[] }>(
        await call(client, 'searchContacts', { term: '+15552345678' }),
      ).records;
      const logged = await call(client, 'logCall', {
        subject: 'Logged over stdio',
        callType: 'Outbound',
        whoId: sarah?.id,
      });
      expect(structuredOf(logged)).toMatchObject({
        status: 'done',
        summary: expect.stringContaining('Logged over stdio'),
      });
    } finally {
      await client.close();
    }
  });

  it('reports an integration user that cannot sign in as an error result, not a crash', async () => {
    const { client } = await spawnStdio({ SF_PASSWORD: 'wrong' });
    try {
      const result = await call(client, 'searchContacts', { term: 'Sarah' });
      expect(result.isError).toBe(true);
      expect(codeOf(result)).toBe('SF_INTEGRATION_UNAVAILABLE');
      expect(textOf(result)).toMatch(/could not sign in/);
    } finally {
      await client.close();
    }
  });

  it('refuses to start without the integration user, saying what to set', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN],
      env: { PATH: process.env.PATH ?? '', SALESFORCE_INSTANCE_URL: org.emulator.url },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'sfgql-tests', version: '0.0.0' });
    await expect(client.connect(transport)).rejects.toThrow();
    expect(stderr).toMatch(/The stdio server \(sfgql-mcp\) needs an integration user: set SF_CLIENT_ID/);
  });
});
