import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoOrg, demoServiceEnv, loginAsDemo, startDemoOrg } from '@sfgql/testing/demo-org';
import { type EmulatorControl, emulatorControl } from '@sfgql/testing/emulator-control';
import { freePort } from '@sfgql/testing/processes';
import { startRedis, type TestRedis } from '@sfgql/testing/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AdapterClient, type Adapters, adapterClient, spawnAdapter, startAdapters } from './stack.ts';

// A case is created with its number read back, in one composite request: the write's resource.
const CREATES = ['sobjects', 'composite'];

/**
 * Nothing doubled, nothing lost: confirmed writes through both adapters across a `kill -9` and a
 * restart with the default settings (SQLite in the data folder, the demo secret there), a change
 * made between the preview and the confirmation, a frozen and a stopped Redis, and an idempotency
 * key reused for another write.
 */

let org: DemoOrg;
let controls: EmulatorControl;
let skew = 0;
const dir = mkdtempSync(join(tmpdir(), 'sfgql-writes-'));
beforeAll(async () => {
  // The emulator's clock runs ahead by `skew`: moved so that a change is unambiguously later.
  org = await startDemoOrg({ now: () => new Date(Date.now() + skew) });
  controls = emulatorControl(org.emulator.url);
});
afterAll(async () => {
  await org?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CREATE = `mutation ($input: CreateCaseInput!, $token: String, $key: String) {
  createCase(input: $input, confirmationToken: $token, clientMutationId: $key) {
    __typename ... on ConfirmationRequired { token } ... on CreateCaseResult { id }
  }
}`;

type Adapter = 'gateway' | 'actions';
interface Outcome {
  status: number;
  token?: string;
  id?: string;
  code?: string;
}

/** A create (a preview without a token), through one adapter, under an idempotency key. */
async function create(
  client: AdapterClient,
  adapter: Adapter,
  subject: string,
  key: string,
  token?: string,
): Promise<Outcome> {
  if (adapter === 'gateway') {
    const { status, body } = await client.graphql(CREATE, { input: { subject }, token, key });
    const data = body.data?.createCase;
    return { status, token: data?.token, id: data?.id, code: body.errors?.[0]?.extensions?.code };
  }
  const { status, body } = await client.rest(
    'POST',
    '/cases',
    { Subject: subject, ...(token ? { confirmationToken: token } : {}) },
    { headers: { 'idempotency-key': key } },
  );
  return { status, token: body?.confirmationToken, id: body?.id, code: body?.code };
}

const countCases = (subject: string) =>
  (
    org.emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Case" WHERE Subject = ?').get(subject) as {
      n: number;
    }
  ).n;

/** The adapter's own server program with the default settings, but for its port and data folder. */
async function spawnDefault(adapter: Adapter, port: number, dataDir: string) {
  const program = await spawnAdapter(adapter, {
    SALESFORCE_INSTANCE_URL: org.emulator.url,
    SFGQL_DATA_DIR: dataDir,
    ...(adapter === 'gateway'
      ? { SFGQL_GATEWAY_PORT: String(port) }
      : { SFGQL_ACTIONS_PORT: String(port), SFGQL_ACTIONS_WRITES: 'all' }),
  });
  const urls = { gateway: program.url, actions: program.url };
  return { program, client: adapterClient(urls, () => org.session.accessToken) };
}

describe('a process killed with kill -9, restarted with the default settings', () => {
  for (const adapter of ['gateway', 'actions'] as const) {
    it(`${adapter}: killed while Salesforce writes a confirmed create, the replay with its token and key leaves one record`, async () => {
      const port = await freePort();
      const dataDir = join(dir, `killed-${adapter}`);
      let { program, client } = await spawnDefault(adapter, port, dataDir);
      const subject = `Killed mid-write ${adapter} ${randomUUID()}`;
      const key = randomUUID();
      try {
        const { token } = await create(client, adapter, subject, key);
        expect(token).toBeTruthy();
        // Salesforce is slow to write; the adapter dies while it does.
        await controls.setFaults({
          rules: [{ kind: 'latency', ms: 1_500, resources: CREATES, methods: ['POST'] }],
        });
        await controls.resetMetrics();
        const lost = create(client, adapter, subject, key, token).then(
          () => 'answered',
          () => 'no answer',
        );
        await vi.waitFor(async () => expect((await controls.metrics()).faults?.total).toBe(1), {
          timeout: 10_000,
        });
        await program.kill9();
        expect(await lost).toBe('no answer');
        await controls.clearFaults();
        ({ program, client } = await spawnDefault(adapter, port, dataDir));
        // The write the dead process sent lands anyway.
        await vi.waitFor(() => expect(countCases(subject)).toBe(1), { timeout: 10_000 });

        const replay = await create(client, adapter, subject, key, token);
        expect(replay.code).toBe('CONFIRMATION_USED');
        const { token: fresh } = await create(client, adapter, subject, randomUUID());
        const again = await create(client, adapter, subject, key, fresh);
        expect(again.code).toBe('IDEMPOTENCY_KEY_IN_USE');
        expect(countCases(subject)).toBe(1);
      } finally {
        await controls.clearFaults();
        await program.kill9();
      }
    });

    it(`${adapter}: confirmed, restarted, replayed with its token and key: the first result, one record`, async () => {
      const port = await freePort();
      const dataDir = join(dir, `restarted-${adapter}`);
      let { program, client } = await spawnDefault(adapter, port, dataDir);
      const subject = `Restarted ${adapter} ${randomUUID()}`;
      const key = randomUUID();
      try {
        const { token } = await create(client, adapter, subject, key);
        const first = await create(client, adapter, subject, key, token);
        expect(first.id).toMatch(/^500/);
        await program.stop();
        ({ program, client } = await spawnDefault(adapter, port, dataDir));
        expect((await create(client, adapter, subject, key, token)).id).toBe(first.id);
        // Without the key, the token is spent: refused, not written again.
        const noKey = await create(client, adapter, subject, randomUUID(), token);
        expect(noKey.code).toBe('CONFIRMATION_USED');
        expect(countCases(subject)).toBe(1);
      } finally {
        await program.kill9();
      }
    });
  }
});

describe('through adapters in one process', () => {
  let adapters: Adapters;
  beforeAll(async () => {
    adapters = await startAdapters(org.emulator.url, () => org.session.accessToken);
  });
  afterAll(() => adapters?.close());

  it('a change between the preview and the confirmed delete: CONFIRMATION_STALE, nothing deleted', async () => {
    const subject = `Stale delete ${randomUUID()}`;
    const { token } = await create(adapters, 'actions', subject, randomUUID());
    const { id } = await create(adapters, 'actions', subject, randomUUID(), token);
    const graphqlPreview = await adapters.graphql(
      'mutation ($id: ID!) { deleteCase(id: $id) { ... on ConfirmationRequired { token } } }',
      { id },
    );
    const restPreview = await adapters.rest('DELETE', `/cases/${id}`);
    skew += 3_000;
    // Another client works the case before either confirmation.
    const other = await adapters.rest('PATCH', `/cases/${id}`, { Status: 'Working' });
    await adapters.rest('PATCH', `/cases/${id}`, {
      Status: 'Working',
      confirmationToken: other.body.confirmationToken,
    });
    const graphql = await adapters.graphql(
      'mutation ($id: ID!, $t: String) { deleteCase(id: $id, confirmationToken: $t) { __typename } }',
      { id, t: graphqlPreview.body.data.deleteCase.token },
    );
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_STALE');
    const rest = await adapters.rest(
      'DELETE',
      `/cases/${id}?confirmationToken=${restPreview.body.confirmationToken}`,
    );
    expect(rest.status).toBe(409);
    expect(rest.body.code).toBe('CONFIRMATION_STALE');
    expect(countCases(subject)).toBe(1);
  });

  it('an idempotency key reused for other arguments: 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    for (const adapter of ['gateway', 'actions'] as const) {
      const key = randomUUID();
      const subject = `Keyed ${adapter} ${randomUUID()}`;
      const { token } = await create(adapters, adapter, subject, key);
      expect((await create(adapters, adapter, subject, key, token)).id).toMatch(/^500/);
      const reused = await create(adapters, adapter, `${subject} (another)`, key);
      expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
      if (adapter === 'actions') expect(reused.status).toBe(422);
      expect(countCases(`${subject} (another)`)).toBe(0);
    }
  });
});

describe('a Redis that stops answering', () => {
  let redis: TestRedis;
  let adapters: Adapters;
  const apiKey = `ops:${'k'.repeat(40)}`;
  beforeAll(async () => {
    redis = await startRedis();
    adapters = await startAdapters(org.emulator.url, () => org.session.accessToken, {
      SFGQL_REDIS_URL: redis.url,
      SFGQL_GATEWAY_API_KEYS: apiKey,
      ...demoServiceEnv(org.emulator.url),
    });
  });
  afterAll(async () => {
    await adapters?.close();
    await redis?.stop();
  });

  const READ = '{ case(caseNumber: "00001104") { caseNumber } }';
  /** A preview made while Redis answers, to be confirmed once it does not. */
  const previewCreate = async (adapter: Adapter) => {
    const subject = `Redis out ${adapter} ${randomUUID()}`;
    const { token } = await create(adapters, adapter, subject, randomUUID());
    expect(token).toBeTruthy();
    return { adapter, subject, token: token as string };
  };
  /** The confirmation while Redis is out: 503 within five seconds, nothing written. */
  async function refusedCreate({ adapter, subject, token }: Awaited<ReturnType<typeof previewCreate>>) {
    const started = performance.now();
    const answer = await create(adapters, adapter, subject, randomUUID(), token);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    // A keyed preview needs the store too (to replay a first result): refused alike.
    expect((await create(adapters, adapter, subject, randomUUID())).code).toBe('SERVICE_UNAVAILABLE');
    expect(countCases(subject)).toBe(0);
  }
  /** Reads with a token checked for the first time, and with the API key, within five seconds. */
  async function reads() {
    const started = performance.now();
    const fresh = (await loginAsDemo(org.emulator.url)).accessToken;
    expect((await adapters.graphql(READ, undefined, { token: fresh })).body.data?.case).toEqual({
      caseNumber: '00001104',
    });
    expect(
      (await adapters.rest('GET', '/cases/by-number/00001104', undefined, { token: fresh })).status,
    ).toBe(200);
    const byKey = await adapters.graphql(READ, undefined, {
      token: null,
      headers: { 'x-api-key': apiKey.slice(4) },
    });
    expect(byKey.body.data?.case).toEqual({ caseNumber: '00001104' });
    expect(performance.now() - started).toBeLessThan(5_000);
  }

  it('frozen (SIGSTOP): confirms answer 503 at once and write nothing, reads go on; thawed, the same token writes', async () => {
    // The integration user's session is in Redis before the freeze.
    expect(
      (await adapters.graphql(READ, undefined, { token: null, headers: { 'x-api-key': apiKey.slice(4) } }))
        .status,
    ).toBe(200);
    const previews = [await previewCreate('gateway'), await previewCreate('actions')];
    redis.pause();
    try {
      for (const preview of previews) await refusedCreate(preview);
      await reads();
    } finally {
      redis.resume();
    }
    // Nothing was claimed: once Redis answers, the same confirmations write, once each.
    for (const { adapter, subject, token } of previews) {
      await vi.waitFor(
        async () =>
          expect((await create(adapters, adapter, subject, randomUUID(), token)).id).toMatch(/^500/),
        { timeout: 10_000, interval: 200 },
      );
      expect(countCases(subject)).toBe(1);
    }
  });

  it('stopped (connections refused): confirms answer 503 at once and write nothing, reads go on', async () => {
    const previews = [await previewCreate('gateway'), await previewCreate('actions')];
    await redis.stop();
    for (const preview of previews) await refusedCreate(preview);
    await reads();
  });
});
