import { describe, expect, it } from 'vitest';
import { fakeClock } from '../test/fixtures.ts';
import { createMemoryNonceStore } from './nonce-store.ts';

describe('createMemoryNonceStore', () => {
  it('claims a nonce once until it expires', async () => {
    const clock = fakeClock();
    const store = createMemoryNonceStore({ now: clock.now });
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    expect(await store.claim('b', 1000)).toBe(true);
    clock.advance(999);
    expect(await store.claim('a', 1000)).toBe(false);
    clock.advance(1);
    expect(await store.claim('a', 1000)).toBe(true);
  });

  it('answers true to exactly one of many concurrent claims', async () => {
    const store = createMemoryNonceStore();
    const answers = await Promise.all(Array.from({ length: 100 }, () => store.claim('n', 60_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('sweeps expired nonces during later claims', async () => {
    const clock = fakeClock();
    const store = createMemoryNonceStore({ now: clock.now, sweepEveryMs: 10_000 });
    for (let i = 0; i < 100; i++) await store.claim(`n${i}`, 5_000);
    expect(store.size()).toBe(100);
    clock.advance(10_000);
    await store.claim('fresh', 5_000);
    expect(store.size()).toBe(1);
  });
});
