import { describe, expect, it } from 'vitest';
import { operationFamilies, operations } from './catalog.ts';
import { OPERATION_SET_NAMES, OPERATION_SETS } from './sets.ts';

describe('the operation sets', () => {
  it('fit a GPT (at most 30 actions) and a capped MCP client, except the whole catalog', () => {
    for (const name of OPERATION_SET_NAMES.filter((n) => n !== 'all'))
      expect(new Set(OPERATION_SETS[name].map((op) => op.name)).size, name).toBeLessThanOrEqual(30);
  });

  it("hold operations of the catalog only; every one is in a set for a purpose but the integrations' batches", () => {
    const inSets = new Set(
      OPERATION_SET_NAMES.filter((n) => n !== 'all').flatMap((n) => OPERATION_SETS[n].map((op) => op.name)),
    );
    for (const name of OPERATION_SET_NAMES)
      for (const op of OPERATION_SETS[name]) expect(operations.get(op.name), `${name}: ${op.name}`).toBe(op);
    // Sets of records and upserts are for integrations, which take the whole catalog.
    expect([...operations.keys()].filter((name) => !inSets.has(name))).toEqual(
      operationFamilies.records.map((op) => op.name),
    );
  });
});
