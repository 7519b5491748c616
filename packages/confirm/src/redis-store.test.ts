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
    // The value is the claim's own id, so that a claim given up at its deadline can be undone.
    expect(await client.get(`${prefix}n`)).toMatch(/^[0-9a-f-]{36}$/);
    const ttl = await client.pTTL(`${prefix}n`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('undoes a claim given up (its signal aborted) once it lands, and only its own', async () => {
    const client = await connect();
    const prefix = `t:${randomUUID()}:`;
    const store = createRedisNonceStore({ client, keyPrefix: prefix });
    expect(await store.claim('taken', 60_000)).toBe(true);
    const gaveUp = new AbortController();
    const late = store.claim('late', 60_000, { signal: gaveUp.signal });
    const lost = store.claim('taken', 60_000, { signal: gaveUp.signal });
    gaveUp.abort();
    expect(await late).toBe(true);
    expect(await lost).toBe(false);
    await vi.waitFor(async () => expect(await client.exists(`${prefix}late`)).toBe(0));
    // Someone else's claim is kept.
    expect(await client.exists(`${prefix}taken`)).toBe(1);
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

  it('runs no write when Redis cannot be reached: SERVICE_UNAVAILABLE', async () => {
    const client = await connect();
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      store: createRedisNonceStore({ client }),
    });
    const { token } = await confirmation.preview(updateCase());
    await client.close();
    const write = vi.fn(async () => ({}));
    expect(await outcome(confirmation.execute(updateCase(), token, write))).toBe('SERVICE_UNAVAILABLE');
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
    const pending = (fingerprint: string) =>
      ({ state: 'pending', fingerprint, tokenId: null, leaseUntil: 1 }) as const;
    expect(await store.reserve('k', pending('f'), 60_000)).toBeNull();
    expect(await store.reserve('k', pending('g'), 60_000)).toEqual(pending('f'));
    const done = { state: 'done', fingerprint: 'f', result: { id: 'a', success: true } } as const;
    await store.put('k', done, 120_000);
    expect(await store.get('k')).toEqual(done);
    expect(await store.reserve('k', pending('f'), 60_000)).toEqual(done);
    const ttl = await client.pTTL(`${prefix}k`);
    expect(ttl).toBeGreaterThan(119_000);
    await store.release('k');
    expect(await client.exists(`${prefix}k`)).toBe(0);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.reserve('k', pending('g'), 200)).toBeNull();
    await sleep(300);
    expect(await store.reserve('k', pending('h'), 200)).toBeNull();
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
    // One runs it; the others find its token in use, or (once it answered) replay its result.
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'CONFIRMATION_USED')).toEqual([]);
    expect(outcomes).toContain('ok');
    // Once it answered, a retry on either instance gets its result, with the used token or a new one.
    expect(await b.execute(request, token, write, { idempotencyKey: 'k' })).toEqual({
      kind: 'done',
      result: await write.mock.results[0]?.value,
      replayed: true,
    });
    const fresh = await b.preview(request);
    expect(await a.execute(request, fresh.token, write, { idempotencyKey: 'k' })).toMatchObject({
      result: { id: '00T000000000001AAA', success: true },
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
    expect(await outcome(confirmation.execute(createTask(), token, write, { idempotencyKey: 'k' }))).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(write).not.toHaveBeenCalled();
  });
});

describe('a Redis that stops answering', () => {
  it('refuses a confirmed write with SERVICE_UNAVAILABLE at the deadline while Redis is frozen, and works once it thaws', async () => {
    const frozen = await startRedis();
    const client = createClient({ url: frozen.url });
    await client.connect();
    try {
      const confirmation = createConfirmation({
        keys: { current: SECRET },
        store: createRedisNonceStore({ client }),
        idempotency: createRedisIdempotencyStore({ client }),
        storeDeadlineMs: 200,
      });
      const request = createTask();
      const { token } = await confirmation.preview(request);
      const write = vi.fn(async () => ({ id: '00T000000000001AAA' }));
      frozen.pause(); // SIGSTOP: the connection stays open, nothing answers.
      const started = performance.now();
      expect(await outcome(confirmation.execute(request, token, write, { idempotencyKey: 'k' }))).toBe(
        'SERVICE_UNAVAILABLE',
      );
      expect(await outcome(confirmation.execute(request, token, write))).toBe('SERVICE_UNAVAILABLE');
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(write).not.toHaveBeenCalled();
      frozen.resume();
      // Nothing was claimed or reserved: the same token and key now write, once.
      await vi.waitFor(
        async () =>
          expect(await outcome(confirmation.execute(request, token, write, { idempotencyKey: 'k' }))).toBe(
            'ok',
          ),
        { timeout: 5_000, interval: 100 },
      );
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      frozen.resume();
      await client.close().catch(() => {});
      await frozen.stop();
    }
  });
});
