import { describe, expect, it } from 'vitest';
import { withArticle } from './words.ts';

describe('withArticle', () => {
  it('follows the sound of the noun', () => {
    expect(
      [
        'account',
        'event',
        'opportunity',
        'Account or Contact',
        'internal comment',
        'hour',
        'Opportunity Product',
      ].map(withArticle),
    ).toEqual([
      'an account',
      'an event',
      'an opportunity',
      'an Account or Contact',
      'an internal comment',
      'an hour',
      'an Opportunity Product',
    ]);
    expect(
      ['case', 'user', 'User', 'unique key', 'lead', 'queue', 'one-time code', 'Knowledge Article'].map(
        withArticle,
      ),
    ).toEqual([
      'a case',
      'a user',
      'a User',
      'a unique key',
      'a lead',
      'a queue',
      'a one-time code',
      'a Knowledge Article',
    ]);
  });
});
