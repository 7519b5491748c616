import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  demoToken,
  type ServerProcess,
  startActionsProcess,
  startEmulatorProcess,
  startGatewayProcess,
} from './process.ts';
import { machine, markdownTable, recordSection } from './results.ts';

/**
 * `pnpm bench` (writes): Salesforce API calls per confirmed create, update and delete, at the preview
 * and at the confirmation, through each adapter's own program with its default stores (SQLite in a
 * data folder), counted by the emulator's metrics. A confirmed update or delete costs at most one
 * call at the preview (the record read) and one at the confirmation (the conditional write, and for
 * an update its read-back, in one composite call). The org's describe, which previews check values
 * against, is read once per org and kept: each write is run once before it is measured.
 */

type Adapter = 'gateway' | 'gpt-actions';
type Action = 'create' | 'update' | 'delete';

interface Step {
  /** A call without a token: the preview. Answers the token. */
  preview(): Promise<string>;
  /** The same call with the token. */
  confirm(token: string): Promise<void>;
}

const emulator = await startEmulatorProcess(['--daily-api-requests', '1000000000']);
const dataDir = mkdtempSync(join(tmpdir(), 'sfgql-bench-writes-'));
const running: ServerProcess[] = [emulator];
try {
  const token = await demoToken(emulator.url);
  const env = { SFGQL_DATA_DIR: dataDir, SFGQL_ACTIONS_WRITES: 'all' };
  const gateway = await startGatewayProcess(emulator.url, env);
  running.push(gateway);
  const actions = await startActionsProcess(emulator.url, env);
  running.push(actions);
  const auth = { authorization: `Bearer ${token}` };

  const calls = async () =>
    ((await (await fetch(`${emulator.url}/__emulator/metrics`)).json()) as { total: number }).total;
  const reset = () =>
    fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' }).then((r) => r.body?.cancel());

  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, Record<string, string>>;
      errors?: unknown[];
    };
    if (body.errors) throw new Error(`gateway: ${JSON.stringify(body.errors)}`);
    return Object.values(body.data ?? {})[0] as Record<string, string>;
  };
  const rest = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${actions.url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`gpt-actions: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as Record<string, string>;
  };

  /** A case to update or delete, made beforehand (not counted). */
  const newCase = async (n: number) => {
    const subject = `Bench write ${n}`;
    const { confirmationToken } = await rest('POST', '/cases', { Subject: subject });
    return (await rest('POST', '/cases', { Subject: subject, confirmationToken })).id as string;
  };

  const PAYLOAD = '{ __typename ... on ConfirmationRequired { token } }';
  const steps: Record<Adapter, Record<Action, (id: string) => Step>> = {
    gateway: {
      create: () => {
        const vars = { input: { subject: 'Bench create' } };
        const query = `mutation ($input: CreateCaseInput!, $t: String) { createCase(input: $input, confirmationToken: $t) ${PAYLOAD} }`;
        return {
          preview: async () => (await graphql(query, vars)).token as string,
          confirm: async (t) => void (await graphql(query, { ...vars, t })),
        };
      },
      update: (id) => {
        const query = `mutation ($id: ID!, $s: String, $t: String) { updateCase(id: $id, input: { status: $s }, confirmationToken: $t) ${PAYLOAD} }`;
        return {
          preview: async () => (await graphql(query, { id, s: 'Escalated' })).token as string,
          confirm: async (t) => void (await graphql(query, { id, s: 'Escalated', t })),
        };
      },
      delete: (id) => {
        const query = `mutation ($id: ID!, $t: String) { deleteCase(id: $id, confirmationToken: $t) ${PAYLOAD} }`;
        return {
          preview: async () => (await graphql(query, { id })).token as string,
          confirm: async (t) => void (await graphql(query, { id, t })),
        };
      },
    },
    'gpt-actions': {
      create: () => ({
        preview: async () =>
          (await rest('POST', '/cases', { Subject: 'Bench create' })).confirmationToken as string,
        confirm: async (t) =>
          void (await rest('POST', '/cases', { Subject: 'Bench create', confirmationToken: t })),
      }),
      update: (id) => ({
        preview: async () =>
          (await rest('PATCH', `/cases/${id}`, { Status: 'Escalated' })).confirmationToken as string,
        confirm: async (t) =>
          void (await rest('PATCH', `/cases/${id}`, { Status: 'Escalated', confirmationToken: t })),
      }),
      delete: (id) => ({
        preview: async () => (await rest('DELETE', `/cases/${id}`)).confirmationToken as string,
        confirm: async (t) => void (await rest('DELETE', `/cases/${id}?confirmationToken=${t}`)),
      }),
    },
  };

  let n = 0;
  const measure = async (adapter: Adapter, action: Action) => {
    const step = steps[adapter][action](await newCase(++n));
    await reset();
    const token = await step.preview();
    const preview = await calls();
    await reset();
    await step.confirm(token);
    return { preview, confirm: await calls() };
  };

  const rows: { adapter: Adapter; action: Action; preview: number; confirm: number }[] = [];
  for (const adapter of ['gateway', 'gpt-actions'] as const) {
    for (const action of ['create', 'update', 'delete'] as const) {
      await measure(adapter, action); // warms the org's describe
      rows.push({ adapter, action, ...(await measure(adapter, action)) });
    }
  }
  const table = markdownTable(
    ['confirmed write', 'adapter', 'calls at the preview', 'calls at the confirmation', 'in all'],
    rows.map((r) => [r.action, r.adapter, r.preview, r.confirm, r.preview + r.confirm]),
  );
  console.log('\nSalesforce API calls per confirmed write (emulator metrics)\n');
  console.log(table);
  const m = machine();
  console.log(`\n${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`);
  recordSection('writes', { rows, table });
  // A confirmed update or delete costs at most one call at the preview and one at the confirmation.
  const over = rows.filter((r) => r.action !== 'create' && (r.preview > 1 || r.confirm > 1));
  for (const r of over)
    console.error(`! ${r.action} through ${r.adapter}: ${r.preview} + ${r.confirm} calls`);
  if (over.length) process.exitCode = 1;
} finally {
  for (const server of running.reverse()) await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
