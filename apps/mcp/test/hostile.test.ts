import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { operations } from '@sfgql/objects/catalog';
import { ID_OBJECTS, type JsonSchema, primaryType } from '@sfgql/objects/json-schema';
import { createSalesforceClient, soql } from '@sfgql/soql';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningMcpServer } from '../src/listen.ts';
import {
  codeOf,
  connectHttp,
  type DemoOrg,
  startDemoOrg,
  startMcp,
  structuredOf,
  textOf,
} from './harness.ts';

// Every string argument of every tool, with strings that break a query built by pasting text
// (SOQL and SOSL quotes, LIKE and SOSL wildcards, a statement's end, a whereClause's OR). No digits:
// a phone search matches digits, and would find records for a reason of its own.
const HOSTILE = [
  "' OR Name != '",
  "\\' OR Id != null OR Name = '\\",
  "%' OR Email LIKE '%",
  '} RETURNING Contact(Id, Email), Lead(Id) FIND {',
  '*',
  'Sarah"; DELETE FROM Contact; --',
  'Sarah\u0000Johnson \u{1D516} <script>x</script>',
];

/** Tools that search an object in full text (knowledge): any of the term's words, by relevance. */
const fullText = new Set(
  [...operations.values()]
    .filter((op) => op.kind === 'read' && op.view.kind === 'list' && op.view.object.read?.fullText)
    .map((op) => op.name),
);

/** Codes that mean hostile text reached Salesforce as a query, or broke the server. */
const BROKEN = new Set(['SF_QUERY_INVALID', 'SF_REQUEST_FAILED', 'INTERNAL_SERVER_ERROR', 'SF_INVALID_DATA']);

let org: DemoOrg;
let mcp: RunningMcpServer;
let client: Client;
const idsOf = new Map<string, string>();

beforeAll(async () => {
  org = await startDemoOrg();
  mcp = await startMcp(org.emulator.url);
  client = await connectHttp(`${mcp.url}/mcp/all`, {
    headers: { authorization: `Bearer ${org.session.accessToken}` },
  });
  // One real record of each object an Id argument may name, so that the hostile text goes deep.
  const salesforce = createSalesforceClient({ session: org.session });
  for (const object of [
    'Contact',
    'Lead',
    'Account',
    'Opportunity',
    'Case',
    'Campaign',
    'Product2',
    'User',
  ]) {
    const { records } = await salesforce.query(
      soql`SELECT Id FROM ${soql.ident(object)} ORDER BY Id LIMIT 1`,
    );
    if (records[0]) idsOf.set(object, String(records[0].Id));
  }
  for (const [object, where] of [
    ['Task', soql``],
    ['Event', soql``],
    ['PricebookEntry', soql` WHERE IsActive = true`],
    ['Group', soql` WHERE Type = 'Queue'`],
  ] as const) {
    const { records } = await salesforce.query(
      soql`SELECT Id FROM ${soql.ident(object)}${where} ORDER BY Id LIMIT 1`,
    );
    if (records[0]) idsOf.set(object, String(records[0].Id));
  }
});
afterAll(async () => {
  await client?.close();
  await mcp?.close();
  await org?.close();
});

/** A value the schema accepts, from the org's records for Ids: nothing here names a tool. */
function valueFor(key: string, schema: JsonSchema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null);
  const objects = schema[ID_OBJECTS];
  if (Array.isArray(objects)) return (objects as string[]).map((o) => idsOf.get(o)).find(Boolean);
  const type = primaryType(schema);
  if (type === 'string') {
    if (Array.isArray(schema.examples) && typeof schema.examples[0] === 'string') return schema.examples[0];
    if (schema.format === 'date-time')
      return key.startsWith('end') ? '2027-03-01T11:00:00Z' : '2027-03-01T10:00:00Z';
    if (schema.format === 'email') return 'hostile@example.org';
    if (typeof schema.pattern === 'string' && schema.pattern.includes('\\d{4}-')) return '2027-03-01';
    return 'Hostile test';
  }
  if (type === 'integer' || type === 'number')
    return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
  if (type === 'boolean') return false;
  if (type === 'array' && schema.items) {
    const item = valueFor(key, schema.items as JsonSchema);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

/** The tool's required arguments, and one of two Ids where one is needed (a person, a record). */
function baseArguments(tool: Tool): Record<string, unknown> {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(tool.inputSchema.required ?? []);
  const args: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (!required.has(key) || schema.default !== undefined) continue;
    const value = valueFor(key, schema);
    if (value !== undefined) args[key] = value;
  }
  return args;
}

/** Where hostile text can go: every free-text argument (not a choice, a date or a token). */
function textArguments(tool: Tool): string[] {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(
      ([key, s]) =>
        primaryType(s) === 'string' &&
        !Array.isArray(s.enum) &&
        s.format !== 'date-time' &&
        key !== 'confirmationToken',
    )
    .map(([key]) => key);
}

it('every string argument of every tool refuses or safely answers injection strings, and nothing is written', async () => {
  const control = emulatorControl(org.emulator.url);
  await control.resetMetrics();
  const { tools } = await client.listTools();
  const cases = tools.flatMap((tool) =>
    textArguments(tool).flatMap((key) => HOSTILE.map((text) => ({ tool, key, text }))),
  );
  expect(cases.length).toBeGreaterThan(300);
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < cases.length; i += 8) {
    await Promise.all(
      cases.slice(i, i + 8).map(async ({ tool, key, text }) => {
        const args = { ...baseArguments(tool), [key]: text };
        const what = `${tool.name}(${key}: ${JSON.stringify(text)})`;
        // A protocol error would throw here: every outcome must be a result.
        const result = await client.callTool({ name: tool.name, arguments: args });
        const code = codeOf(result);
        if (result.isError) {
          expect(code, `${what}: ${textOf(result)}`).toBeDefined();
          expect(BROKEN.has(code as string), `${what}: ${textOf(result)}`).toBe(false);
          outcomes[code as string] = (outcomes[code as string] ?? 0) + 1;
          return;
        }
        const value = structuredOf(result);
        if (tool.annotations?.readOnlyHint) {
          if (fullText.has(tool.name) && key === 'term') {
            // Searched in full text for any of its words: the punctuation around them adds nothing,
            // so it finds no more than its words alone find.
            const words = text.match(/[\p{L}\p{N}]{2,}/gu)?.join(' ') ?? '';
            const alone = structuredOf(
              await client.callTool({ name: tool.name, arguments: { ...args, term: words } }),
            );
            expect(alone.records, what).toEqual(expect.arrayContaining(value.records as unknown[]));
          }
          // No record holds these strings: a list that found any ran something else than a search.
          else if (Array.isArray(value.records)) expect(value.records, what).toEqual([]);
          outcomes.read = (outcomes.read ?? 0) + 1;
        } else {
          expect(value.status, what).toBe('confirmation_required');
          outcomes.previewed = (outcomes.previewed ?? 0) + 1;
        }
      }),
    );
  }
  // The strings reached searches and previews, not only the validation in front of them.
  expect(outcomes.read).toBeGreaterThan(50);
  expect(outcomes.previewed).toBeGreaterThan(500);
  const { byResource } = await control.metrics();
  const writes = Object.keys(byResource).filter((r) => /^(PATCH|DELETE|PUT) |^POST \/sobjects/.test(r));
  expect(writes).toEqual([]);
});
