import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createConfirmation } from '@sfgql/confirm';
import { createLogger } from '@sfgql/gateway/logger';
import { createGateway } from '@sfgql/gateway/yoga';
import { createActionsApp } from '@sfgql/gpt-actions/app';
import { createActionsConfirmation } from '@sfgql/gpt-actions/confirmation';
import { profiles, servedBindings } from '@sfgql/gpt-actions/profiles';
import { createMcpApp } from '@sfgql/mcp/app';
import { createMcpConfirmation } from '@sfgql/mcp/confirmation';
import { createLogger as createMcpLogger } from '@sfgql/mcp/log';
import { ERROR_META } from '@sfgql/mcp/tool-errors';
import { jsonSchemaOf } from '@sfgql/objects/json-schema';
import type { Operation } from '@sfgql/objects/operation';
import { scopesOf } from '@sfgql/objects/read';
import { createRegistry } from '@sfgql/schema';
import { DEFAULT_API_VERSION } from '@sfgql/soql';
import type { Input } from './inputs.ts';

/**
 * What a door answered, in terms every door can be compared by: a read's records (their Ids, in
 * order) or other value, a write's preview or its result, or an error's class.
 */
export type Outcome =
  | { kind: 'value'; value: unknown }
  | {
      kind: 'preview';
      token: string;
      summary: string;
      destructive: boolean;
      changes: { field: string; before: unknown; after: unknown }[];
    }
  | { kind: 'done'; id: string | null }
  | { kind: 'error'; code: string };

export interface Door {
  name: string;
  /** Runs the operation with this input (and, for a write, this confirmation token). */
  call(op: Operation, input: Input, token?: string): Promise<Outcome>;
  /** Ends what the door keeps open (an MCP session). */
  close?(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON, read by the normalisers below
type Json = any;

/** Invalid input is one class, however a door words it (GraphQL refuses some before resolving). */
const INVALID = new Set(['INVALID_INPUT', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
const errorClass = (code: unknown) => (INVALID.has(String(code)) ? 'INVALID_INPUT' : String(code));

const SECRET = 'conformance-secret-of-at-least-32-bytes!';

/** The REST door: each operation at its route in the typed profiles (not the cookbook's). */
export function restDoor(options: { instanceUrl: string; token: string }): Door {
  const app = createActionsApp({
    publicUrl: 'https://actions.example.com',
    instanceUrl: options.instanceUrl,
    loginUrl: options.instanceUrl,
    apiVersion: DEFAULT_API_VERSION,
    authCacheTtlMs: 60_000,
    confirmation: createActionsConfirmation({ secret: SECRET, writes: 'all' }),
  });
  // The cookbook's bindings sit at the guide's own paths; every other one at the catalog's route.
  const bindings = new Map(
    servedBindings()
      .filter((b) => !profiles.find((p) => p.name === 'cookbook')?.bindings.includes(b))
      .map((b) => [b.operationId, b]),
  );
  return {
    name: 'REST',
    async call(op, input, token) {
      const binding = bindings.get(op.name);
      if (!binding) throw new Error(`No REST route for ${op.name}`);
      let path = binding.path;
      const query = new URLSearchParams();
      const body: Record<string, unknown> = {};
      const inQuery = new Set(binding.parameters.filter((p) => p.in === 'query').map((p) => p.name));
      for (const [key, value] of Object.entries(input)) {
        const name = binding.nameOf(key);
        if (path.includes(`{${name}}`)) path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
        else if (inQuery.has(name) || binding.method === 'get' || binding.method === 'delete') {
          for (const item of Array.isArray(value) ? value : [value]) query.append(name, String(item));
        } else body[name] = value;
      }
      if (token) {
        if (binding.method === 'delete') query.set('confirmationToken', token);
        else body.confirmationToken = token;
      }
      const hasBody = binding.method === 'post' || binding.method === 'patch';
      const response = await app.request(`${path}${query.size ? `?${query}` : ''}`, {
        method: binding.method.toUpperCase(),
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(hasBody ? { body: JSON.stringify(body) } : {}),
      });
      const json: Json = response.status === 204 ? null : await response.json();
      if (op.kind === 'read') {
        if (response.status === 404 && json?.code === 'NOT_FOUND' && ['one', 'node'].includes(op.view.kind))
          return { kind: 'value', value: null };
        if (response.status !== 200) return { kind: 'error', code: errorClass(json?.code) };
        return { kind: 'value', value: normalizeRest(op, json) };
      }
      if (response.status === 200 && json?.status === 'confirmation_required')
        return {
          kind: 'preview',
          token: json.confirmationToken,
          summary: json.summary,
          destructive: json.destructive,
          changes: json.changes,
        };
      if (response.status === 201 || response.status === 204) return { kind: 'done', id: json?.id ?? null };
      return { kind: 'error', code: errorClass(json?.code) };
    },
  };
}

function normalizeRest(op: Operation, body: Json): unknown {
  if (op.kind !== 'read') return body;
  switch (op.view.kind) {
    case 'list':
    case 'related':
      return body.records.map((r: Json) => r.Id);
    case 'one':
      return body.Id;
    case 'node':
      return body.record.Id;
    case 'globalSearch':
      return body.records.map((r: Json) => r.record.Id);
    case 'aggregate':
      return body.groups;
    case 'describe':
      return body.fields.map((f: Json) => f.name);
    case 'limits':
      return Object.keys(body).sort();
    case 'timeline':
      return [body.activities, body.cases ?? [], body.notes].map((part: Json[]) =>
        part.map((r) => r.Id ?? r.id),
      );
    default:
      return op.view satisfies never;
  }
}

/** A GraphQL literal: JSON for strings, numbers, lists and input objects; enum values bare. */
function literal(value: unknown, enumValue = false): string {
  if (enumValue && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, enumValue)).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ')} }`;
  return JSON.stringify(value);
}

const args = (entries: [string, string][]) =>
  entries.length ? `(${entries.map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';

/** The GraphQL door: reads through the graph's projection of each object, writes as mutations. */
export function graphqlDoor(options: { instanceUrl: string; token: string }): Door {
  const gateway = createGateway({
    instanceUrl: options.instanceUrl,
    apiVersion: DEFAULT_API_VERSION,
    authCacheTtlMs: 60_000,
    customFields: false,
    logger: createLogger({ level: 'silent' }),
    confirmation: createConfirmation({ keys: { current: SECRET } }),
  });
  const registry = createRegistry();
  const configOf = (apiName: string) => {
    const config = registry.byApiName.get(apiName);
    if (!config) throw new Error(`${apiName} is not in the graph`);
    return config;
  };

  function readQuery(
    op: Operation & { kind: 'read' },
    input: Input,
  ): { query: string; pick(d: Json): unknown } {
    const parsed = op.input.safeParse(input);
    const values: Input = { ...input, ...(parsed.success ? (parsed.data as Input) : {}) };
    const view = op.view;
    switch (view.kind) {
      case 'list': {
        const config = configOf(view.object.apiName);
        const taken = new Set(['term', 'limit', 'fields']);
        const list: [string, string][] = [];
        if (values.term !== undefined) list.push(['search', literal(values.term)]);
        list.push(['first', literal(typeof values.limit === 'number' ? values.limit : 200)]);
        const where: Record<string, unknown> = {};
        for (const [inputKey, field] of Object.entries(view.equals ?? {})) {
          taken.add(inputKey);
          if (values[inputKey] !== undefined) where[field] = { eq: values[inputKey] };
        }
        if (Object.keys(where).length) list.push(['where', literal(where)]);
        for (const scope of scopesOf(view.object, 'lists')) {
          taken.add(scope.name);
          if (values[scope.name] !== undefined)
            list.push([scope.name, literal(values[scope.name], scope.kind === 'choice')]);
        }
        for (const [key, value] of Object.entries(input))
          if (!taken.has(key)) list.push([key, literal(value)]);
        return {
          query: `{ r: ${config.plural}${args(list)} { nodes { id } } }`,
          pick: (d) => d.r.nodes.map((n: Json) => n.id),
        };
      }
      case 'one': {
        const config = configOf(view.object.apiName);
        const scopes = new Set(scopesOf(view.object, 'one').map((s) => s.name));
        const list = Object.entries(values)
          .filter(([key]) => input[key] !== undefined || scopes.has(key))
          .map(([key, value]): [string, string] => [key, literal(value, scopes.has(key))]);
        return { query: `{ r: ${config.single}${args(list)} { id } }`, pick: (d) => d.r?.id ?? null };
      }
      case 'related': {
        // The parent's relation, as the graph has it: `contact(id:) { cases { nodes { id } } }`.
        const parent = configOf(view.parent.apiName);
        const list: [string, string][] = [
          ['first', literal(typeof values.limit === 'number' ? values.limit : 200)],
        ];
        for (const [key, value] of Object.entries(input))
          if (key !== view.by && key !== 'limit') list.push([key, literal(value)]);
        return {
          query: `{ r: ${parent.single}(id: ${literal(input[view.by])}) { rel: ${view.relation}${args(list)} { nodes { id } } } }`,
          pick: (d) => d.r?.rel.nodes.map((n: Json) => n.id) ?? [],
        };
      }
      case 'node':
        return {
          query: `{ r: node${args(Object.entries(input).map(([k, v]) => [k, literal(v)]))} { id } }`,
          pick: (d) => d.r?.id ?? null,
        };
      case 'globalSearch': {
        const { objects, limit, ...rest } = values;
        const list = Object.entries(rest).map(([k, v]): [string, string] => [k, literal(v)]);
        if (Array.isArray(objects))
          list.push([
            'types',
            literal(
              objects.map((o) => configOf(String(o)).typeName),
              true,
            ),
          ]);
        if (limit !== undefined) list.push(['first', literal(limit)]);
        return {
          query: `{ r: globalSearch${args(list)} { ... on Node { id } } }`,
          pick: (d) => d.r.map((n: Json) => n.id),
        };
      }
      case 'aggregate': {
        const { object, groupBy, byDate, measures, limit, scopes, ...rest } = values;
        const config = configOf(String(object));
        const list: [string, string][] = Object.entries(rest).map(([k, v]) => [k, literal(v)]);
        if (Array.isArray(groupBy)) list.push(['groupBy', literal(groupBy, true)]);
        if (Array.isArray(byDate))
          list.push([
            'byDate',
            `[${byDate.map((d: Json) => `{ field: ${d.field}, by: ${d.by} }`).join(', ')}]`,
          ]);
        if (Array.isArray(measures))
          list.push([
            'measures',
            `[${measures.map((m: Json) => `{ fn: ${m.fn}, field: ${literal(m.field)} }`).join(', ')}]`,
          ]);
        if (limit !== undefined) list.push(['first', literal(limit)]);
        for (const [name, value] of Object.entries((scopes ?? {}) as Input))
          list.push([name, literal(value)]);
        const entries = (list: Json[]) => Object.fromEntries(list.map((e: Json) => [e.name, e.value]));
        return {
          query: `{ r: ${config.plural}Aggregate${args(list)} { keys { name value } count measures { name value } } }`,
          pick: (d) =>
            d.r.map((g: Json) => ({ keys: entries(g.keys), count: g.count, measures: entries(g.measures) })),
        };
      }
      case 'describe':
        return {
          query: `{ r: describe${args(Object.entries(input).map(([k, v]) => [k, literal(v)]))} { fields { name } } }`,
          pick: (d) => d.r.fields.map((f: Json) => f.name),
        };
      case 'limits':
        return {
          query: `{ r: limits${args(Object.entries(input).map(([k, v]) => [k, literal(v)]))} { name } }`,
          pick: (d) => d.r.map((l: Json) => l.name).sort(),
        };
      case 'timeline': {
        const config = configOf(view.object.apiName);
        // The limit is the field's `first`; any other input goes as it is, for the graph to refuse.
        const list = Object.entries(input)
          .filter(([key]) => key !== 'id')
          .map(([key, value]): [string, string] => [key === 'limit' ? 'first' : key, literal(value)]);
        const parts = Object.keys(
          (jsonSchemaOf(op.output, 'output').properties ?? {}) as Record<string, unknown>,
        ).filter((key) => ['activities', 'cases', 'notes'].includes(key));
        return {
          query: `{ r: ${config.single}(id: ${literal(input.id)}) { t: timeline${args(list)} { ${parts.map((p) => `${p} { id }`).join(' ')} } } }`,
          pick: (d) =>
            d.r?.t
              ? ['activities', 'cases', 'notes'].map((p) => (d.r.t[p] ?? []).map((x: Json) => x.id))
              : null,
        };
      }
      default:
        return view satisfies never;
    }
  }

  async function post(query: string): Promise<Json> {
    const response = await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ query }),
    });
    return response.json();
  }

  return {
    name: 'GraphQL',
    async call(op, input, token) {
      if (op.kind === 'read') {
        const { query, pick } = readQuery(op, input);
        const body = await post(query);
        if (body.errors?.length) return { kind: 'error', code: errorClass(body.errors[0].extensions?.code) };
        return { kind: 'value', value: pick(body.data) };
      }
      const { id, ...rest } = input;
      const list: [string, string][] = [];
      if (id !== undefined) list.push(['id', literal(id)]);
      if (Object.keys(rest).length) list.push(['input', literal(rest)]);
      if (token) list.push(['confirmationToken', literal(token)]);
      const result = `${op.name.charAt(0).toUpperCase()}${op.name.slice(1)}Result`;
      // The result's id when the operation answers one (a batch answers a result per record).
      const hasId = 'id' in ((jsonSchemaOf(op.output, 'output').properties ?? {}) as object);
      const body = await post(
        `mutation { r: ${op.name}${args(list)} { __typename ... on ConfirmationRequired { token summary destructive changes { field before after } } ... on ${result} { ${hasId ? 'id' : '__typename'} } } }`,
      );
      if (body.errors?.length) return { kind: 'error', code: errorClass(body.errors[0].extensions?.code) };
      const r = body.data.r;
      if (r.__typename === 'ConfirmationRequired')
        return {
          kind: 'preview',
          token: r.token,
          summary: r.summary,
          destructive: r.destructive,
          changes: r.changes,
        };
      return { kind: 'done', id: hasId ? (r.id ?? null) : null };
    },
  };
}

/**
 * The MCP door: each operation as a tool of the `all` toolset, called by the SDK's client over
 * Streamable HTTP (the app's own fetch, no socket), confirming writes by token.
 */
export function mcpDoor(options: { instanceUrl: string; token: string }): Door {
  const app = createMcpApp({
    publicUrl: 'https://mcp.example.com',
    instanceUrl: options.instanceUrl,
    apiVersion: DEFAULT_API_VERSION,
    authCacheTtlMs: 60_000,
    confirmTtlMs: 300_000,
    toolset: 'all',
    writes: {},
    authorizationServer: options.instanceUrl,
    confirmation: createMcpConfirmation({ secret: SECRET, policy: {} }),
    logger: createMcpLogger({ level: 'silent' }),
  });
  let connected: Promise<Client> | undefined;
  const client = () => {
    connected ??= (async () => {
      const c = new Client({ name: 'conformance', version: '0.0.0' });
      await c.connect(
        new StreamableHTTPClientTransport(new URL('https://mcp.example.com/mcp/all'), {
          requestInit: { headers: { authorization: `Bearer ${options.token}` } },
          fetch: (url, init) => app.fetch(new Request(url, init)),
        }),
      );
      return c;
    })();
    return connected;
  };
  return {
    name: 'MCP',
    async call(op, input, token) {
      const result = (await (
        await client()
      ).callTool({
        name: op.name,
        arguments: token ? { ...input, confirmationToken: token } : input,
      })) as CallToolResult;
      const value: Json = result.structuredContent;
      if (result.isError) {
        const code = (result._meta?.[ERROR_META] as { code?: string } | undefined)?.code;
        if (op.kind === 'read' && code === 'NOT_FOUND' && ['one', 'node'].includes(op.view.kind))
          return { kind: 'value', value: null };
        return { kind: 'error', code: errorClass(code) };
      }
      if (op.kind === 'read') return { kind: 'value', value: normalizeMcp(op, value) };
      if (value.status === 'confirmation_required')
        return {
          kind: 'preview',
          token: value.confirmationToken,
          summary: value.summary,
          destructive: value.destructive,
          changes: value.changes,
        };
      return { kind: 'done', id: value.result?.id ?? null };
    },
    async close() {
      await (await connected)?.close();
      await app.close();
    },
  };
}

function normalizeMcp(op: Operation, value: Json): unknown {
  if (op.kind !== 'read') return value;
  switch (op.view.kind) {
    case 'list':
      return value.records.map((r: Json) => r.id);
    case 'one':
      return value.id;
    case 'node':
      return value.record.id;
    case 'globalSearch':
      return value.records.map((r: Json) => r.record.id);
    case 'related':
      return value.records.map((r: Json) => r.id);
    case 'timeline':
      return [value.activities, value.cases ?? [], value.notes].map((part: Json[]) => part.map((r) => r.id));
    case 'aggregate':
      return value.groups;
    case 'describe':
      return value.fields.map((f: Json) => f.name);
    case 'limits':
      return Object.keys(value).sort();
    default:
      return op.view satisfies never;
  }
}
