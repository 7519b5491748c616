import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashArgs } from './canonical.ts';

/** Rebuilds a JSON value with every object's keys in a random order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(() => random() - 0.5);
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
  }
  return value;
}

describe('canonicalJson', () => {
  it('sorts keys, drops undefined, keeps null, writes -0 as 0 and dates as ISO strings', () => {
    expect(
      canonicalJson({
        b: 1,
        a: [3, undefined, { d: null, c: -0 }],
        e: undefined,
        f: new Date(Date.UTC(2026, 2, 1)),
      }),
    ).toBe('{"a":[3,null,{"c":0,"d":null}],"b":1,"f":"2026-03-01T00:00:00.000Z"}');
  });

  it('normalises strings and keys to NFC', () => {
    expect(canonicalJson({ 'Cafe\u0301': 'Cafe\u0301' })).toBe(canonicalJson({ 'Caf\u00e9': 'Caf\u00e9' }));
  });

  it('refuses what JSON cannot carry', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1n,
      () => 1,
      Symbol('x'),
      new Date(Number.NaN),
    ]) {
      expect(() => canonicalJson({ bad })).toThrow(TypeError);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
    expect(() => canonicalJson({ 'Cafe\u0301': 1, 'Caf\u00e9': 2 })).toThrow(/twice/);
  });

  it('allows a value to appear twice without being a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('is valid JSON that parses back to the same data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('hashArgs', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const random = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { seed, numRuns: 1000 });
        let i = 0;
        const shuffled = shuffleKeys(value, () => random[i++ % random.length] ?? 0.5);
        expect(hashArgs(shuffled)).toBe(hashArgs(value));
      }),
    );
  });

  it('differs whenever the canonical JSON differs', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(hashArgs(a)).not.toBe(hashArgs(b));
      }),
    );
  });

  it('tells "set to null" from "leave alone"', () => {
    expect(hashArgs({ fields: { Priority: null } })).not.toBe(hashArgs({ fields: {} }));
  });
});
