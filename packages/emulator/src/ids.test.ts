import { describe, expect, it } from 'vitest';
import { caseSafeSuffix, makeId, normalizeId } from './ids.ts';

describe('record ids', () => {
  it('computes the case-safe suffix as Salesforce does', () => {
    expect(caseSafeSuffix('003G000001SUbc4')).toBe('IAD');
    expect(caseSafeSuffix('001D000000IqhSL')).toBe('IAZ');
  });

  it('accepts 15- and 18-character ids and rejects malformed ones', () => {
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSLIAZ')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSLAAA')).toBeNull();
    expect(normalizeId("001D000000IqhS'")).toBeNull();
    expect(normalizeId('001')).toBeNull();
  });

  it('makes distinct, valid 18-character ids with the key prefix', () => {
    const a = makeId('500', 1);
    const b = makeId('500', 62);
    expect(a).toHaveLength(18);
    expect(a.startsWith('500')).toBe(true);
    expect(a).not.toBe(b);
    expect(normalizeId(a)).toBe(a);
  });
});
