import { describe, expect, it } from 'vitest';
import { isSalesforceId, toSalesforceId } from './ids.ts';

describe('Salesforce ids', () => {
  it('adds and checks the case-safe suffix', () => {
    expect(toSalesforceId('003G000001SUbc4')).toBe('003G000001SUbc4IAD');
    expect(toSalesforceId('001D000000IqhSLIAZ')).toBe('001D000000IqhSLIAZ');
    expect(toSalesforceId('001D000000IqhSLiaz')).toBe('001D000000IqhSLIAZ');
    expect(toSalesforceId('001D000000IqhSLAAA')).toBeNull();
  });

  it('refuses wrong lengths, characters and key prefixes', () => {
    for (const bad of ['', '003', "003G000001SUbc'", '003G000001SUbc4IA', '003G000001SUbc4 IAD'])
      expect(toSalesforceId(bad)).toBeNull();
    expect(isSalesforceId('003G000001SUbc4', ['003'])).toBe(true);
    expect(isSalesforceId('003G000001SUbc4', ['500'])).toBe(false);
  });
});
