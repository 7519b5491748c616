import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEMO } from '@sfgql/emulator';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMcpServer } from '../src/listen.ts';
import { DEFAULT_TOOLSET } from '../src/toolsets.ts';
import {
  API_KEY,
  codeOf,
  connectHttp,
  type DemoOrg,
  startCountingProxy,
  startDemoOrg,
  startMcp,
  structuredOf,
  textOf,
} from './harness.ts';

let org: DemoOrg;
let mcp: RunningMcpServer;
let bearer: Record<string, string>;
const clients: Client[] = [];

beforeAll(async () => {
  org = await startDemoOrg();
  mcp = await startMcp(org.emulator.url);
  bearer = { authorization: `Bearer ${org.session.accessToken}` };
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await mcp?.close();
  await org?.close();
});

/** A client of the demo user over Streamable HTTP, closed after the tests. */
async function connect(path = '/mcp/service', options: Parameters<typeof connectHttp>[1] = {}) {
  const client = await connectHttp(`${mcp.url}${path}`, { headers: bearer, ...options });
  clients.push(client);
  return client;
}

type Json = Record<string, unknown>;
const call = async (client: Client, name: string, args: Json = {}) =>
  client.callTool({ name, arguments: args });

/** A write through the two steps of token mode: the summary, then the write with its token. */
async function confirmed(client: Client, name: string, args: Json) {
  const preview = await call(client, name, args);
  expect(structuredOf(preview).status, textOf(preview)).toBe('confirmation_required');
  const token = structuredOf<{ confirmationToken: string }>(preview).confirmationToken;
  const done = await call(client, name, { ...args, confirmationToken: token });
  expect(structuredOf(done).status, textOf(done)).toBe('done');
  return { preview, done, token, result: structuredOf<{ result: { id: string } }>(done).result };
}

const SARAH_PHONE = '+1 (555) 234-5678';

describe('over Streamable HTTP with the SDK client', () => {
  it('lists the default toolset: at most 40 tools, each annotated from its operation', async () => {
    const client = await connect('/mcp');
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.length).toBeLessThanOrEqual(40);
    for (const tool of tools) {
      expect(tool.annotations, tool.name).toMatchObject({
        readOnlyHint: expect.any(Boolean),
        destructiveHint: expect.any(Boolean),
        idempotentHint: expect.any(Boolean),
        openWorldHint: false,
      });
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const searchContacts = tools.find((t) => t.name === 'searchContacts');
    expect(searchContacts?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'createCase')?.annotations?.destructiveHint).toBe(false);
    const service = (await (await connect('/mcp/service')).listTools()).tools;
    expect(service.find((t) => t.name === 'deleteCase')?.annotations?.destructiveHint).toBe(true);
    expect(client.getServerVersion()?.name).toBe('sfgql');
    expect(client.getInstructions()).toMatch(/confirmationToken/);
  });

  it('offers another toolset at /mcp/{toolset} or ?toolset=, and names the toolsets for an unknown one', async () => {
    const sales = (await (await connect('/mcp/sales')).listTools()).tools.map((t) => t.name);
    expect(sales).toContain('createOpportunity');
    expect(sales).not.toContain('getCaseDetailsFromNumber');
    const admin = (await (await connect('/mcp?toolset=admin')).listTools()).tools.map((t) => t.name);
    expect(admin).toContain('apiLimits');
    expect(admin.every((name) => !/^(create|update|delete)/.test(name))).toBe(true);
    const unknown = await fetch(`${mcp.url}/mcp/everything`, { method: 'POST', headers: bearer });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error_description).toMatch(
      /No toolset "everything"; the toolsets are service, calls, sales/,
    );
    const index = (await (await fetch(`${mcp.url}/toolsets`)).json()) as Json;
    expect(index.default).toBe(DEFAULT_TOOLSET);
  });

  it("takes a phone call end to end: the caller found by phone, a high-priority Phone case, the call logged, tomorrow's callback, her timeline", async () => {
    // The default toolset holds the whole call.
    const client = await connect('/mcp');
    const timeline = async (id: string) =>
      structuredOf<{ activities: { id: string; kind: string }[]; cases: { id: string; subject: string }[] }>(
        await call(client, 'getContactTimeline', { id }),
      );

    const found = await call(client, 'searchContacts', { term: SARAH_PHONE });
    const [sarah] = structuredOf<{ records: { id: string; name: string }[] }>(found).records;
    expect(sarah?.name).toBe('Sarah Johnson');
    const sarahId = sarah?.id as string;

    const subject = 'Invoice amount discrepancy';
    const caseArgs = { subject, contactId: sarahId, priority: 'High', origin: 'Phone' };
    // Without a token: the exact change, a token, and nothing written.
    const preview = await call(client, 'createCase', caseArgs);
    expect(structuredOf(preview)).toMatchObject({
      status: 'confirmation_required',
      summary: expect.stringContaining(subject),
      changes: expect.arrayContaining([{ field: 'Priority', before: null, after: 'High' }]),
      confirmationToken: expect.any(String),
    });
    expect((await timeline(sarahId)).cases.map((c) => c.subject)).not.toContain(subject);
    const caseId = (await confirmed(client, 'createCase', caseArgs)).result.id;

    const callLogged = await confirmed(client, 'logCall', {
      subject: 'Inbound call - invoice discrepancy',
      whoId: sarahId,
      whatId: caseId,
      callType: 'Inbound',
      callDisposition: 'Connected',
    });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const callback = await confirmed(client, 'scheduleEvent', {
      subject: 'Callback - invoice discrepancy follow-up',
      startDateTime: `${tomorrow}T10:00:00Z`,
      endDateTime: `${tomorrow}T10:30:00Z`,
      whoId: sarahId,
      whatId: caseId,
    });

    // Her timeline, in one call: the callback (tomorrow) before the call (today); the case among hers.
    const after = await timeline(sarahId);
    const at = (id: string, kind: string) =>
      after.activities.findIndex((a) => a.id === id && a.kind === kind);
    expect(at(callback.result.id, 'event')).toBeGreaterThanOrEqual(0);
    expect(at(callLogged.result.id, 'call')).toBeGreaterThan(at(callback.result.id, 'event'));
    expect(after.cases).toContainEqual(expect.objectContaining({ id: caseId, subject }));
  });
});

describe('confirmed writes by token', () => {
  it('preview the exact before and after and write nothing; with the token write once; refuse a replay', async () => {
    const client = await connect();
    const lookup = async () =>
      structuredOf<{ id: string; status: string }>(
        await call(client, 'getCaseDetailsFromNumber', { caseNumber: DEMO.caseNumber }),
      );
    const { id, status } = await lookup();
    const args = { id, status: 'Escalated' };
    const preview = await call(client, 'updateCase', args);
    expect(structuredOf(preview)).toMatchObject({
      status: 'confirmation_required',
      changes: [{ field: 'Status', before: status, after: 'Escalated' }],
      destructive: false,
    });
    expect(textOf(preview)).toMatch(/Nothing was written yet/);
    expect((await lookup()).status).toBe(status);

    const token = structuredOf<{ confirmationToken: string }>(preview).confirmationToken;
    // A token confirms only the call it was issued for.
    const other = await call(client, 'updateCase', { id, status: 'Working', confirmationToken: token });
    expect(other.isError).toBe(true);
    expect(codeOf(other)).toBe('CONFIRMATION_MISMATCH');
    expect((await lookup()).status).toBe(status);

    const done = await call(client, 'updateCase', { ...args, confirmationToken: token });
    expect(structuredOf(done).status).toBe('done');
    expect((await lookup()).status).toBe('Escalated');

    const replay = await call(client, 'updateCase', { ...args, confirmationToken: token });
    expect(replay.isError).toBe(true);
    expect(codeOf(replay)).toBe('CONFIRMATION_USED');
    expect(textOf(replay)).toMatch(/Nothing was written twice/);

    const forged = await call(client, 'updateCase', {
      ...args,
      confirmationToken: `${token.slice(0, -4)}AAAA`,
    });
    expect(codeOf(forged)).toBe('CONFIRMATION_INVALID');
    const notText = await call(client, 'updateCase', { ...args, confirmationToken: 42 });
    expect(codeOf(notText)).toBe('INVALID_INPUT');
  });

  it('keep used tokens across a restart: a token confirmed before it is refused after', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfgql-mcp-'));
    try {
      const env = { SFGQL_DATA_DIR: dataDir };
      const first = await startMcp(org.emulator.url, env);
      const args = { subject: 'Durable token', origin: 'Web' };
      let token: string;
      try {
        const client = await connectHttp(`${first.url}/mcp/service`, { headers: bearer });
        ({ token } = await confirmed(client, 'createCase', args));
        await client.close();
      } finally {
        await first.close();
      }
      const second = await startMcp(org.emulator.url, env);
      try {
        const client = await connectHttp(`${second.url}/mcp/service`, { headers: bearer });
        const replay = await call(client, 'createCase', { ...args, confirmationToken: token });
        expect(codeOf(replay)).toBe('CONFIRMATION_USED');
        const cases = await call(client, 'searchCases', { term: 'Durable token' });
        expect(structuredOf<{ records: unknown[] }>(cases).records).toHaveLength(1);
        await client.close();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('confirmed writes by elicitation', () => {
  const asked: string[] = [];
  const client = (action: 'accept' | 'decline' | 'cancel') =>
    connect('/mcp/service', {
      answer: (request) => {
        asked.push(request.message);
        return { action };
      },
    });

  it('list write tools without a token argument', async () => {
    const { tools } = await (await client('accept')).listTools();
    const createCase = tools.find((t) => t.name === 'createCase');
    expect(Object.keys(createCase?.inputSchema.properties ?? {})).not.toContain('confirmationToken');
  });

  it('write once the user accepts the summary, and pass no token through the model', async () => {
    const accepting = await client('accept');
    asked.length = 0;
    const result = await call(accepting, 'createCase', {
      subject: 'Accepted through the client',
      priority: 'Low',
    });
    expect(asked).toEqual([
      expect.stringMatching(
        /Create a case "Accepted through the client" with priority "Low"[\s\S]*Priority: \(empty\) → "Low"[\s\S]*Make this change/,
      ),
    ]);
    expect(structuredOf(result)).toMatchObject({ status: 'done', result: { id: expect.any(String) } });
    expect(JSON.stringify(result)).not.toMatch(/confirmationToken|eyJ/);
    const found = await call(accepting, 'searchCases', { term: 'Accepted through the client' });
    expect(structuredOf<{ records: unknown[] }>(found).records).toHaveLength(1);
    // A token is no argument here: the user confirms, not the model.
    const withToken = await call(accepting, 'createCase', { subject: 'x', confirmationToken: 'eyJ' });
    expect(codeOf(withToken)).toBe('INVALID_INPUT');
  });

  it('write nothing when the user declines or dismisses it, and say so', async () => {
    for (const action of ['decline', 'cancel'] as const) {
      const subject = `Refused through the client (${action})`;
      const result = await call(await client(action), 'createCase', { subject });
      expect(result.isError).toBeFalsy();
      expect(structuredOf(result)).toMatchObject({
        status: action === 'decline' ? 'declined' : 'cancelled',
        summary: expect.stringContaining(subject),
      });
      expect(textOf(result)).toMatch(/nothing was written/);
      const found = await call(await connect(), 'searchCases', { term: subject });
      expect(structuredOf<{ records: unknown[] }>(found).records).toEqual([]);
    }
  });

  it('write nothing when the client fails to ask, and say so', async () => {
    const failing = await connect('/mcp/service', {
      answer: () => {
        throw new Error('no window to show it in');
      },
    });
    const result = await call(failing, 'createCase', { subject: 'Never asked' });
    expect(result.isError).toBe(true);
    expect(codeOf(result)).toBe('CONFIRMATION_UNANSWERED');
    expect(textOf(result)).toMatch(/The user could not be asked to confirm .*nothing was written/);
    const found = await call(await connect(), 'searchCases', { term: 'Never asked' });
    expect(structuredOf<{ records: unknown[] }>(found).records).toEqual([]);
  });

  it('ask before a delete that it removes data', async () => {
    const accepting = await client('decline');
    asked.length = 0;
    const { id } = structuredOf<{ id: string }>(
      await call(accepting, 'getCaseDetailsFromNumber', { caseNumber: DEMO.caseNumber }),
    );
    const result = await call(accepting, 'deleteCase', { id });
    expect(structuredOf(result).status).toBe('declined');
    expect(asked[0]).toMatch(/This removes data/);
  });
});

describe('auth', () => {
  it('refuses a client without credentials with 401 and where to sign in (RFC 9728)', async () => {
    const response = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(response.status).toBe(401);
    const metadataUrl = `${mcp.url}/.well-known/oauth-protected-resource/mcp`;
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    const metadata = (await (await fetch(metadataUrl)).json()) as Json;
    expect(metadata).toMatchObject({
      resource: `${mcp.url}/mcp`,
      authorization_servers: [org.emulator.url],
      bearer_methods_supported: ['header'],
    });
    expect(await (await fetch(`${mcp.url}/.well-known/oauth-protected-resource`)).json()).toEqual(metadata);
    await expect(connectHttp(`${mcp.url}/mcp`)).rejects.toThrow(/401|Unauthorized/i);
  });

  it('refuses a token Salesforce does not accept, and an unknown API key', async () => {
    const response = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer 00Dforged!token' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer resource_metadata="[^"]+", error="invalid_token"/,
    );
    await expect(connectHttp(`${mcp.url}/mcp`, { headers: { 'x-api-key': 'x'.repeat(40) } })).rejects.toThrow(
      /invalid_token.*The API key is not valid/,
    );
  });

  it('lets an API key act as the integration user, as a bearer token or X-API-Key', async () => {
    const keyHeaders: Record<string, string>[] = [
      { authorization: `Bearer ${API_KEY}` },
      { 'x-api-key': API_KEY },
    ];
    for (const headers of keyHeaders) {
      const client = await connectHttp(`${mcp.url}/mcp`, { headers });
      clients.push(client);
      const found = await call(client, 'searchContacts', { term: SARAH_PHONE });
      expect(structuredOf<{ records: { name: string }[] }>(found).records[0]?.name).toBe('Sarah Johnson');
    }
  });

  it("keeps a session to the caller who opened it: another caller's request with its id is an unknown session", async () => {
    const client = await connect();
    await client.listTools();
    const sessionId = (client.transport as { sessionId?: string }).sessionId as string;
    const response = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: {
        'x-api-key': API_KEY,
        'mcp-session-id': sessionId,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
  });

  it('refuses requests a browser page of another origin sends (DNS rebinding)', async () => {
    const response = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: { ...bearer, origin: 'http://attacker.example' },
    });
    expect(response.status).toBe(403);
  });
});

describe('the write policy (SFGQL_MCP_WRITES)', () => {
  it('lists no tool it refuses, and a call to one is an error result', async () => {
    const readOnly = await startMcp(org.emulator.url, { SFGQL_MCP_WRITES: 'none' });
    const caseOnly = await startMcp(org.emulator.url, { SFGQL_MCP_WRITES: 'Case:create' });
    try {
      const reader = await connectHttp(`${readOnly.url}/mcp/all`, { headers: bearer });
      clients.push(reader);
      const { tools } = await reader.listTools();
      expect(tools.every((t) => t.annotations?.readOnlyHint)).toBe(true);
      const refused = await call(reader, 'createCase', { subject: 'Not on a read-only server' });
      expect(refused.isError).toBe(true);
      expect(codeOf(refused)).toBe('TOOL_NOT_FOUND');
      expect(textOf(refused)).toMatch(/There is no tool "createCase" on this connection/);

      const cases = await connectHttp(`${caseOnly.url}/mcp/all`, { headers: bearer });
      clients.push(cases);
      const names = (await cases.listTools()).tools.map((t) => t.name);
      expect(names).toContain('createCase');
      expect(names).not.toContain('updateCase');
      expect(names).not.toContain('logCall');
    } finally {
      await readOnly.close();
      await caseOnly.close();
    }
  });
});

describe('resources', () => {
  it("list each catalog object's describe and the org's limits, and read them", async () => {
    const client = await connect();
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(['salesforce://limits', 'salesforce://objects/Case/describe']),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['salesforce://objects/{object}/describe']);

    const describe = await client.readResource({ uri: 'salesforce://objects/Case/describe' });
    const caseDescribe = JSON.parse((describe.contents[0] as { text: string }).text) as {
      name: string;
      fields: { name: string; picklistValues: string[] }[];
    };
    expect(caseDescribe.name).toBe('Case');
    expect(caseDescribe.fields.find((f) => f.name === 'Status')?.picklistValues).toContain('New');

    const limits = await client.readResource({ uri: 'salesforce://limits' });
    const daily = (
      JSON.parse((limits.contents[0] as { text: string }).text) as Record<
        string,
        { Max: number; Remaining: number }
      >
    ).DailyApiRequests;
    expect(daily?.Remaining).toBeLessThan(daily?.Max as number);

    await expect(client.readResource({ uri: 'salesforce://objects/Nope__c/describe' })).rejects.toThrow(
      /-32002|NOT_FOUND/,
    );
    await expect(client.readResource({ uri: 'salesforce://everything' })).rejects.toThrow(
      /No resource "salesforce:\/\/everything"/,
    );
  });
});

describe('errors', () => {
  it('come back as error results with a sentence, never as protocol errors: bad arguments, refusals, Salesforce errors', async () => {
    const client = await connect();
    const bad = await call(client, 'getContact', { id: "003' OR Name != '" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(
      /^Invalid arguments: id: .* Correct the arguments and call again\. \(INVALID_INPUT\)$/,
    );

    const unknownArgument = await call(client, 'searchContacts', { term: 'x', whereClause: 'Id != null' });
    expect(codeOf(unknownArgument)).toBe('INVALID_INPUT');
    expect(textOf(unknownArgument)).toMatch(/whereClause/);

    const missing = await call(client, 'getCaseDetailsFromNumber', { caseNumber: '99999999' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(
      /No case has caseNumber "99999999"\. Check it with the user, or search first\./,
    );

    // Salesforce refuses to delete a contact who has cases.
    const all = await connect('/mcp/all');
    const [sarah] = structuredOf<{ records: { id: string }[] }>(
      await call(all, 'searchContacts', { term: SARAH_PHONE }),
    ).records;
    const preview = await call(all, 'deleteContact', { id: sarah?.id });
    const token = structuredOf<{ confirmationToken: string }>(preview).confirmationToken;
    const refused = await call(all, 'deleteContact', { id: sarah?.id, confirmationToken: token });
    expect(refused.isError, textOf(refused)).toBe(true);
    expect(codeOf(refused)).toMatch(/^SF_/);
    expect(textOf(refused)).toMatch(/Salesforce/);

    // Salesforce failing: an error result that says to try again, not a protocol error.
    const control = emulatorControl(org.emulator.url);
    await control.setFaults({ rules: [{ kind: 'error500', resources: ['query'] }] });
    try {
      const failed = await call(client, 'searchCases', { term: 'anything' });
      expect(failed.isError).toBe(true);
      expect(codeOf(failed)).toBe('SF_REQUEST_FAILED');
      expect(textOf(failed)).toMatch(/call again in a moment/);
    } finally {
      await control.clearFaults();
    }
  });
});

describe('Salesforce connections', () => {
  it('are not made per tool call: a session checks its token once and reuses its connections', async () => {
    const proxy = await startCountingProxy(org.emulator.url);
    const server = await startMcp(proxy.url);
    try {
      const client = await connectHttp(`${server.url}/mcp`, { headers: bearer });
      for (let i = 0; i < 10; i++) await call(client, 'searchContacts', { term: SARAH_PHONE });
      await call(client, 'getCaseDetailsFromNumber', { caseNumber: DEMO.caseNumber });
      expect(proxy.requests('/services/oauth2/userinfo')).toBe(1);
      expect(
        proxy.requests(`/services/data/v60.0/query`) + proxy.requests('/services/data/v60.0/search'),
      ).toBeGreaterThanOrEqual(11);
      expect(proxy.connections()).toBeLessThanOrEqual(2);
      await client.close();
    } finally {
      await server.close();
      await proxy.close();
    }
  });
});
