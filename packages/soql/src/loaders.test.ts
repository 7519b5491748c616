import { describe, expect, it } from 'vitest';
import { IDS_PER_STATEMENT, idBatches } from './loaders.ts';

describe('idBatches', () => {
  it('splits ids into statement-sized batches, in order, the last one shorter', () => {
    const ids = Array.from({ length: 2 * IDS_PER_STATEMENT + 1 }, (_, i) => `id${i}`);
    const batches = idBatches(ids);
    expect(batches.map((b) => b.length)).toEqual([IDS_PER_STATEMENT, IDS_PER_STATEMENT, 1]);
    expect(batches.flat()).toEqual(ids);
    expect(idBatches([])).toEqual([]);
  });
});
