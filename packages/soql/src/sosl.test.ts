import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { soql } from './soql.ts';
import { escapeSoslTerm, hasSearchableWord, sosl } from './sosl.ts';

describe('sosl.find', () => {
  it('escapes every reserved character', () => {
    expect(escapeSoslTerm(`a?b&c|d!e{f}g[h]i(j)k^l~m*n:o\\p"q'r+s-t`)).toBe(
      `a\\?b\\&c\\|d\\!e\\{f\\}g\\[h\\]i\\(j\\)k\\^l\\~m\\*n\\:o\\\\p\\"q\\'r\\+s\\-t`,
    );
  });

  it('builds a search over several objects with filters and limits', () => {
    const statement = sosl.find('Sarah Johnson', {
      in: 'NAME',
      returning: [
        { object: 'Contact', fields: ['Id', 'Name', 'Email'], where: soql`Email != ${null}`, limit: 5 },
        { object: 'Lead', fields: ['Id', 'Name'] },
      ],
      limit: 20,
    });
    expect(statement.text).toBe(
      'FIND {Sarah Johnson} IN NAME FIELDS RETURNING Contact(Id, Name, Email WHERE Email != null LIMIT 5), Lead(Id, Name) LIMIT 20',
    );
  });

  it('searches a phrase or prefixes when asked', () => {
    expect(
      sosl.find('acme corp', { returning: [{ object: 'Account', fields: ['Id'] }], match: 'phrase' }).text,
    ).toContain('FIND {"acme corp"}');
    expect(
      sosl.find('acm', { returning: [{ object: 'Account', fields: ['Id'] }], prefix: true }).text,
    ).toContain('FIND {acm*}');
  });

  it('matches any of the words when asked, leaving out words too short to search', () => {
    const returning = [{ object: 'KnowledgeArticleVersion', fields: ['Id'] }];
    expect(sosl.find('charged twice a refund', { returning, match: 'any', prefix: true }).text).toContain(
      'FIND {charged* OR twice* OR refund*}',
    );
    expect(sosl.find('or not (refund)', { returning, match: 'any' }).text).toContain(
      'FIND {"or" OR "not" OR \\(refund\\)}',
    );
  });

  it('cannot be steered by the search text (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 40 }), (text) => {
        fc.pre(hasSearchableWord(text));
        for (const match of ['words', 'any'] as const) {
          const statement = sosl.find(text, { returning: [{ object: 'Contact', fields: ['Id'] }], match });
          const braces = /^FIND \{(.*)\} IN ALL FIELDS RETURNING Contact\(Id\)$/s.exec(statement.text);
          expect(braces).not.toBeNull();
          // Inside the braces, every reserved character is preceded by a backslash.
          const inside = braces?.[1] ?? '';
          // Operator words typed as words come back quoted, the OR between words is the builder's;
          // everything else must be escaped.
          const unescaped = inside
            .replace(/\\./gs, '')
            .replace(/"(?:and|or|not)"/gi, '')
            .replace(match === 'any' ? / OR /g : /^$/, ' ')
            .match(/[?&|!{}[\]()^~*:\\"'+-]/);
          expect(unescaped).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses terms shorter than two characters, empty RETURNING and bad limits', () => {
    const returning = [{ object: 'Contact', fields: ['Id'] }];
    expect(() => sosl.find(' a ', { returning })).toThrow(TypeError);
    expect(() => sosl.find('?? -', { returning })).toThrow(TypeError);
    expect(() => sosl.find('ab', { returning: [] })).toThrow(TypeError);
    expect(() => sosl.find('ab', { returning, limit: 0 })).toThrow(TypeError);
    expect(() => sosl.find('ab', { returning: [{ object: 'Contact); DELETE', fields: ['Id'] }] })).toThrow(
      TypeError,
    );
  });
});

describe('operator words', () => {
  it('quotes AND, OR and NOT typed as words, so they are searched for', () => {
    expect(
      sosl.find('rock and roll or not', { returning: [{ object: 'Account', fields: ['Id'] }] }).text,
    ).toBe('FIND {rock "and" roll "or" "not"} IN ALL FIELDS RETURNING Account(Id)');
  });
});
