import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DEMO } from '@sfgql/emulator';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStartConfig } from './config.ts';
import { banner, type RunningStack, startStack } from './stack.ts';

let stack: RunningStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sfgql-start-'));
  const config = loadStartConfig({
    SFGQL_GATEWAY_PORT: '0',
    SFGQL_ACTIONS_PORT: '0',
    SFGQL_EMULATOR_PORT: '0',
    SFGQL_MCP_PORT: '0',
    SFGQL_DATA_DIR: dataDir,
  });
  stack = await startStack(config);
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const demoToken = async () => (await loginAsDemo(stack.instanceUrl)).accessToken;

describe('the main job', () => {
  it('serves the case lookup end to end over real HTTP: emulator, gateway and REST adapter', async () => {
    const token = await demoToken();
    const graphql = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: '{ case(caseNumber: "00001104") { id caseNumber subject description status } }',
      }),
    });
    expect(await graphql.json()).toMatchObject({ data: { case: { caseNumber: '00001104', status: 'New' } } });

    const rest = await fetch(`${stack.actionsUrl}/cases/by-number/00001104`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(rest.status).toBe(200);
    // The REST adapter names Salesforce fields by their API names, as Salesforce's REST API does.
    expect(await rest.json()).toMatchObject({ CaseNumber: '00001104' });

    const openapi = await fetch(`${stack.actionsUrl}/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('lets the gateway answer without a token as the demo user on a loopback address, and says so', async () => {
    expect(stack.gatewayAnonymous).toBe(true);
    const graphql = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ case(caseNumber: "00001104") { caseNumber } }' }),
    });
    expect(await graphql.json()).toMatchObject({ data: { case: { caseNumber: '00001104' } } });
    expect(banner(stack)).toContain('WITHOUT a token');
    expect(banner({ ...stack, gatewayAnonymous: false })).not.toContain('WITHOUT a token');
  });

  it('serves MCP at /mcp: the SDK client, without a token in the demo, finds Sarah by phone and writes a case once behind its token', async () => {
    const client = new Client({ name: 'stack-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${stack.mcpUrl}/mcp`)));
    try {
      expect(stack.mcpAnonymous).toBe(true);
      const { tools } = await client.listTools();
      expect(tools.length).toBeLessThanOrEqual(40);
      expect(tools.every((t) => typeof t.annotations?.readOnlyHint === 'boolean')).toBe(true);
      const found = await client.callTool({ name: 'searchContacts', arguments: { term: '+1 555 234 5678' } });
      const [sarah] = (found.structuredContent as { records: { id: string; name: string }[] }).records;
      expect(sarah?.name).toBe('Sarah Johnson');

      const args = {
        subject: 'Started with pnpm start',
        contactId: sarah?.id,
        priority: 'High',
        origin: 'Phone',
      };
      // Her cases on her timeline (the default toolset is a phone call's).
      const cases = async () =>
        (
          (await client.callTool({ name: 'getContactTimeline', arguments: { id: sarah?.id } }))
            .structuredContent as { cases: { subject: string }[] }
        ).cases.filter((c) => c.subject === args.subject).length;
      const preview = await client.callTool({ name: 'createCase', arguments: args });
      const { status, confirmationToken } = preview.structuredContent as Record<string, string>;
      expect(status).toBe('confirmation_required');
      expect(await cases()).toBe(0);
      const done = await client.callTool({ name: 'createCase', arguments: { ...args, confirmationToken } });
      expect((done.structuredContent as { status: string }).status).toBe('done');
      expect(await cases()).toBe(1);
      const replay = await client.callTool({ name: 'createCase', arguments: { ...args, confirmationToken } });
      expect(replay.isError).toBe(true);
      expect(await cases()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('keeps the data folder under the configured path and prints how to try it', () => {
    expect(stack.emulatorUrl).toBe(stack.instanceUrl);
    const text = banner(stack);
    expect(text).toContain(`${stack.gatewayUrl}/graphql`);
    expect(text).toContain(`${stack.actionsUrl}/  (its GPT profiles; ${stack.actionsUrl}/openapi.json)`);
    expect(text).toContain(`${stack.mcpUrl}/mcp`);
    expect(text).toMatch(/MCP clients WITHOUT credentials act as the demo user/);
    expect(banner({ ...stack, mcpAnonymous: false })).not.toMatch(/MCP clients WITHOUT/);
    expect(text).toContain('grant_type=password');
    expect(text).toContain(`${DEMO.password}${DEMO.securityToken}`);
  });
});

describe('loadStartConfig', () => {
  it('defaults to the documented ports and a .sfgql folder where pnpm start was run', () => {
    const config = loadStartConfig({ INIT_CWD: '/home/me/project' }, '/repo');
    expect(config).toMatchObject({
      gatewayPort: 4000,
      actionsPort: 4100,
      emulatorPort: 4200,
      mcpPort: 4300,
      dataDir: '/home/me/project/.sfgql',
      instanceUrl: undefined,
    });
  });

  it('uses a real org when SALESFORCE_INSTANCE_URL is set, and refuses bad ports', () => {
    expect(loadStartConfig({ SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com' }).instanceUrl).toBe(
      'https://x.my.salesforce.com',
    );
    expect(() => loadStartConfig({ SFGQL_GATEWAY_PORT: '99999' })).toThrow(/SFGQL_GATEWAY_PORT/);
  });
});
