import { describe, expect, it } from 'vitest';
import { knowledgeSpec } from './knowledge/spec.ts';
import { fullTextStatement } from './read.ts';

describe('fullTextStatement', () => {
  it("searches any of the words, as written (Salesforce stems them), filtered by the object's read rules", () => {
    const statement = fullTextStatement(knowledgeSpec, {
      term: 'charged twice refund',
      limit: 5,
      keys: ['id', 'title'],
    });
    expect(statement.text).toBe(
      "FIND {charged OR twice OR refund} IN ALL FIELDS RETURNING KnowledgeArticleVersion(Id, Title WHERE PublishStatus = 'Online' AND Language = 'en_US' LIMIT 5)",
    );
  });

  it('refuses a term with no word to search', () => {
    expect(() => fullTextStatement(knowledgeSpec, { term: '?!', limit: 5 })).toThrow(/at term/);
  });
});
