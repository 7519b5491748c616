import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, type TestRedis } from '@sfgql/testing/redis';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTask, fakeClock, outcome, SECRET, updateCase } from '../test/fixtures.ts';
import { applyToWorld, memoryWorld, runScenario, stepsArb } from '../test/scenario.ts';
import { createConfirmation } from './confirmation.ts';
import { createRedisIdempotencyStore, createRedisNonceStore } from './redis-store.ts';

const newClient = (url: string) => createClient({ url });
type Client = ReturnType<typeof newClient>;

let redis: TestRedis;
const clients: Client[] = [];

/** A client of its own, as each gateway instance would have. */
async function connect(): Promise<Client> {
  const client = newClient(redis.url);
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => {});
  await redis?.stop();
});

describe('createRedisNonceStore', () => {
  it('claims a nonce once, with SET NX PX, until it expires', async () => {
    const client = await connect();
    const store = createRedisNonceStore({ client, keyPrefix: `t:${randomUUID()}:` });
    expect(await store.claim('a', 200)).toBe(true);
    expect(await store.claim('a', 200)).toBe(false);
    expect(await store.claim('b', 200)).toBe(true);
    await sleep(300);
    expect(await store.claim('a', 200)).toBe(true);
  });

  it('keeps the nonce under its prefix with the ttl asked for', async () => {
    const client = await connect();
    const prefix = `t:${randomUUID()}:`;
    await createRedisNonceStore({ client, keyPrefix: prefix }).claim('n', 60_000);
    expect(await client.get(`${prefix}n`)).toBe('1');
    const ttl = await client.pTTL(`${prefix}n`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('answers true to exactly one of many concurrent claims from several clients', async () => {
    const prefix = `t:${randomUUID()}:`;
    const stores = await Promise.all(
      [1, 2, 3].map(async () => createRedisNonceStore({ client: await connect(), keyPrefix: prefix })),
    );
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (stores[i % stores.length] ?? stores[0])?.claim('n', 60_000)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});

describe('two confirmation instances sharing one Redis', () => {
  async function twoInstances() {
    const prefix = `t:${randomUUID()}:`;
    const [a, b] = await Promise.all(
      [1, 2].map(async () =>
        createConfirmation({
          keys: { current: SECRET },
          store: createRedisNonceStore({ client: await connect(), keyPrefix: prefix }),
        }),
      ),
    );
    if (!a || !b) throw new Error('unreachable');
    return { a, b };
  }

  it('refuses on one instance a token used on the other', async () => {
    const { a, b } = await twoInstances();
    const write = vi.fn(async () => ({}));
    const { token } = await a.preview(updateCase());
    expect(await outcome(a.execute(updateCase(), token, write))).toBe('ok');
    expect(await outcome(b.execute(updateCase(), token, write))).toBe('CONFIRMATION_USED');
    // And the other way round, for a token previewed on the second instance.
    const second = await b.preview(updateCase());
    expect(await outcome(b.execute(updateCase(), second.token, write))).toBe('ok');
    expect(await outcome(a.execute(updateCase(), second.token, write))).toBe('CONFIRMATION_USED');
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('runs a double submission split across the instances once', async () => {
    const { a, b } = await twoInstances();
    const write = vi.fn(async () => ({}));
    for (let round = 0; round < 20; round++) {
      const { token } = await a.preview(updateCase());
      const outcomes = await Promise.all([
        outcome(a.execute(updateCase(), token, write)),
        outcome(b.execute(updateCase(), token, write)),
        outcome(b.execute(updateCase(), token, write)),
        outcome(a.execute(updateCase(), token, write)),
      ]);
      expect(outcomes.sort()).toEqual(['CONFIRMATION_USED', 'CONFIRMATION_USED', 'CONFIRMATION_USED', 'ok']);
    }
    expect(write).toHaveBeenCalledTimes(20);
  });

  it('runs no write when Redis cannot be reached', async () => {
    const client = await connect();
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      store: createRedisNonceStore({ client }),
    });
    const { token } = await confirmation.preview(updateCase());
    await client.close();
    const write = vi.fn(async () => ({}));
    await expect(confirmation.execute(updateCase(), token, write)).rejects.toThrow();
    expect(write).not.toHaveBeenCalled();
  });

  it('holds on random sequences: one write per legitimately executed token, across instances', async () => {
    const shared = await Promise.all([1, 2].map(() => connect()));
    await fc.assert(
      fc.asyncProperty(stepsArb({ maxLength: 25 }), async (steps) => {
        const clock = fakeClock();
        const world = memoryWorld(2);
        let version = 0;
        const stamp = () => `2026-03-01T10:00:00.${String(++version).padStart(3, '0')}Z`;
        const prefix = `p:${randomUUID()}:`;
        const instances = shared.map((client) =>
          createConfirmation({
            keys: { current: SECRET },
            store: createRedisNonceStore({ client, keyPrefix: prefix }),
            now: clock.now,
          }),
        );
        const writes: (string | null)[] = [];
        const result = await runScenario({
          steps,
          instances,
          world,
          clock,
          async write(request, tokenId) {
            writes.push(tokenId);
            applyToWorld(world, request, stamp);
            return {};
          },
          async touch(record) {
            world.modstamp[record] = stamp();
          },
        });
        expect(result.outcomes).toEqual(result.expected);
        expect(writes).toEqual(result.executed);
      }),
      { numRuns: 60 },
    );
  });
});

describe('createRedisIdempotencyStore', () => {
  it('reserves with SET NX PX, keeps the result with its ttl, and frees the key on release', async () => {
    const client = await connect();
    const prefix = `i:${randomUUID()}:`;
    const store = createRedisIdempotencyStore({ client, keyPrefix: prefix });
    expect(await store.reserve('k', 'f', 60_000)).toBeNull();
    expect(await store.reserve('k', 'f', 60_000)).toEqual({ state: 'pending', fingerprint: 'f' });
    await store.complete('k', 'f', { id: 'a', success: true }, 120_000);
    expect(await store.reserve('k', 'f', 60_000)).toEqual({
      state: 'done',
      fingerprint: 'f',
      result: { id: 'a', success: true },
    });
    const ttl = await client.pTTL(`${prefix}k`);
    expect(ttl).toBeGreaterThan(119_000);
    await store.release('k');
    expect(await client.exists(`${prefix}k`)).toBe(0);
    expect(await store.reserve('k', 'g', 200)).toBeNull();
    await sleep(300);
    expect(await store.reserve('k', 'h', 200)).toBeNull();
  });

  it('lets two instances run a retried create once and replay its result', async () => {
    const prefix = `i:${randomUUID()}:`;
    const [a, b] = await Promise.all(
      [1, 2].map(async () => {
        const client = await connect();
        return createConfirmation({
          keys: { current: SECRET },
          store: createRedisNonceStore({ client, keyPrefix: prefix }),
          idempotency: createRedisIdempotencyStore({ client, keyPrefix: prefix }),
        });
      }),
    );
    if (!a || !b) throw new Error('unreachable');
    const write = vi.fn(async () => ({ id: '00T000000000001AAA', success: true }));
    const request = createTask();
    const { token } = await a.preview(request);
    // The first call and its retries race across the two instances.
    const outcomes = await Promise.all(
      [a, b, a, b].map((c) => outcome(c.execute(request, token, write, { idempotencyKey: 'k' }))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(3).fill('IDEMPOTENCY_KEY_IN_USE'));
    // Once it answered, a retry on either instance gets its result, with the used token or a new one.
    expect(await b.execute(request, token, write, { idempotencyKey: 'k' })).toEqual(
      await write.mock.results[0]?.value,
    );
    const fresh = await b.preview(request);
    expect(await a.execute(request, fresh.token, write, { idempotencyKey: 'k' })).toEqual({
      id: '00T000000000001AAA',
      success: true,
    });
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('runs no keyed write when Redis cannot be reached', async () => {
    const client = await connect();
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      idempotency: createRedisIdempotencyStore({ client }),
    });
    const { token } = await confirmation.preview(createTask());
    await client.close();
    const write = vi.fn(async () => ({}));
    await expect(confirmation.execute(createTask(), token, write, { idempotencyKey: 'k' })).rejects.toThrow();
    expect(write).not.toHaveBeenCalled();
  });
});
