import { describe, expect, it } from 'vitest';
import { knowledgeSpec } from './knowledge/spec.ts';
import { fullTextStatement, stemOf } from './read.ts';

describe('stemOf', () => {
  it('cuts the endings of a word to the prefix its other forms share', () => {
    expect(['refund', 'refunds', 'refunding'].map(stemOf)).toEqual(['refund', 'refund', 'refund']);
    expect(['discrepancy', 'discrepancies'].map(stemOf)).toEqual(['discrepanc', 'discrepanc']);
    expect(['charge', 'charged', 'charges'].map(stemOf)).toEqual(['charg', 'charg', 'charg']);
  });

  it('leaves short words, short stems, numbers and punctuation whole', () => {
    expect(['bill', 'does', 'uses', '000001234', 'e-mail', "o'brien"].map(stemOf)).toEqual([
      'bill',
      'does',
      'uses',
      '000001234',
      'e-mail',
      "o'brien",
    ]);
  });
});

describe('fullTextStatement', () => {
  it("searches any word's stem as a prefix, filtered by the object's read rules", () => {
    const statement = fullTextStatement(knowledgeSpec, {
      term: 'charged twice refund',
      limit: 5,
      keys: ['id', 'title'],
    });
    expect(statement.text).toBe(
      "FIND {charg* OR twic* OR refund*} IN ALL FIELDS RETURNING KnowledgeArticleVersion(Id, Title WHERE PublishStatus = 'Online' AND Language = 'en_US' LIMIT 5)",
    );
  });

  it('refuses a term with no word to search', () => {
    expect(() => fullTextStatement(knowledgeSpec, { term: '?!', limit: 5 })).toThrow(/at term/);
  });
});
