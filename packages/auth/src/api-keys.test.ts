import { describe, expect, it } from 'vitest';
import { createApiKeyChecker } from './api-keys.ts';

describe('createApiKeyChecker', () => {
  const check = createApiKeyChecker([
    { name: 'reporting', key: 'reporting-key-0123456789' },
    { name: 'support', key: 'support-key-0123456789' },
  ]);

  it('names the key presented', () => {
    expect(check('reporting-key-0123456789')).toBe('reporting');
    expect(check('support-key-0123456789')).toBe('support');
  });

  it('refuses anything else, whatever its length', () => {
    for (const presented of [
      '',
      'reporting-key-012345678',
      'reporting-key-0123456789 ',
      'x'.repeat(10_000),
    ]) {
      expect(check(presented)).toBeUndefined();
    }
  });

  it('names the first of two keys with the same value, and refuses everything without keys', () => {
    expect(
      createApiKeyChecker([
        { name: 'a', key: 'k' },
        { name: 'b', key: 'k' },
      ])('k'),
    ).toBe('a');
    expect(createApiKeyChecker([])('k')).toBeUndefined();
  });
});
