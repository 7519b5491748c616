import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@sfgql/emulator';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import { startRedis } from '@sfgql/testing/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadActionsConfig } from './config.ts';
import { listenActions, type RunningServer } from './listen.ts';
import type { Json } from './test-support.ts';

let emulator: RunningEmulator;
let token: string;
let dataDir: string;
const servers: RunningServer[] = [];
beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  token = (await loginAsDemo(emulator.url)).accessToken;
  dataDir = await mkdtemp(join(tmpdir(), 'gpt-actions-'));
});
afterAll(async () => {
  for (const server of servers) await server.close().catch(() => {});
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await listenActions(
    loadActionsConfig({
      SALESFORCE_INSTANCE_URL: emulator.url,
      SFGQL_ACTIONS_PORT: '0',
      SFGQL_DATA_DIR: dataDir,
      ...env,
    }),
  );
  servers.push(server);
  return server;
}

const call = async (server: RunningServer, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
};

const caseId = async (server: RunningServer) =>
  (await call(server, 'GET', '/cases/by-number/00001104')).body.Id;

describe('listenActions', () => {
  it('serves the adapter with the demo secret and the audit trail in the data folder', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(((await stat(join(dataDir, 'confirm-secret'))).mode & 0o777).toString(8)).toBe('600');
    const id = await caseId(server);
    const preview = await call(server, 'PATCH', `/cases/${id}/status`, { Status: 'Working' });
    const done = await call(server, 'PATCH', `/cases/${id}/status`, {
      Status: 'Working',
      confirmationToken: preview.body.confirmationToken,
    });
    expect(done.status).toBe(204);
    await server.close();
    servers.pop();
    const audit = (await readFile(join(dataDir, 'audit.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(audit.at(-1) as string)).toMatchObject({
      client: 'gpt-actions',
      operation: 'updateCaseStatus',
      recordId: id,
      changes: [{ field: 'Status', before: 'New', after: 'Working' }],
    });
  });
});

describe('a request answered before its body was read', () => {
  it.each([
    ['without credentials (401)', 'POST /cases', ''],
    ['to no route (404)', 'POST /nowhere', `Authorization: Bearer ${'t'.repeat(20)}\r\n`],
  ])('%s: the answer closes the connection, so the client never sends on it again', async (_, line, auth) => {
    const server = await start({
      SFGQL_DATA_DIR: ':memory:',
      SFGQL_CONFIRM_SECRET: 'a-secret-of-at-least-32-bytes-long!!',
    });
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = 'x'.repeat(1_000_000);
    socket.write(
      `${line} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.slice(0, 1_000));
    await vi.waitFor(() => expect(text).toMatch(/\r\n\r\n/));
    expect(text).toMatch(/^HTTP\/1\.1 40[14] /);
    expect(text.toLowerCase()).toContain('connection: close');
    socket.write(body.slice(1_000));
    await closed;
  });
});

describe('several instances behind a load balancer', () => {
  it('accept a token any of them issued, and write once however many receive it', async () => {
    const redis = await startRedis();
    try {
      const env = {
        SFGQL_CONFIRM_SECRET: 'a-shared-secret-of-at-least-32-bytes!!',
        SFGQL_REDIS_URL: redis.url,
      };
      const [a, b] = [await start(env), await start(env)] as [RunningServer, RunningServer];
      const id = await caseId(a);
      const preview = await call(a, 'PATCH', `/cases/${id}/status`, { Status: 'Escalated' });
      await emulatorControl(emulator.url).resetMetrics();
      const confirmed = { Status: 'Escalated', confirmationToken: preview.body.confirmationToken };
      const answers = await Promise.all([
        call(a, 'PATCH', `/cases/${id}/status`, confirmed),
        call(b, 'PATCH', `/cases/${id}/status`, confirmed),
        call(b, 'PATCH', `/cases/${id}/status`, confirmed),
      ]);
      expect(answers.map((x) => x.status).sort()).toEqual([204, 409, 409]);
      expect(answers.filter((x) => x.status === 409).map((x) => x.body.code)).toEqual([
        'CONFIRMATION_USED',
        'CONFIRMATION_USED',
      ]);
      const metrics = await emulatorControl(emulator.url).metrics();
      expect(metrics.byResource['POST /composite']).toBe(1);
    } finally {
      for (const server of servers.splice(0)) await server.close();
      await redis.stop();
    }
  });
});
