import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { parseSoql } from './parser.ts';

function syntaxError(q: string): string {
  try {
    parseSoql(q);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).errorCode).toBe('MALFORMED_QUERY');
    return (error as ApiError).message.split('\n').slice(-2).join(' | ');
  }
  throw new Error(`expected a syntax error for ${q}`);
}

describe('parseSoql', () => {
  it('parses every clause in order', () => {
    const query = parseSoql(
      `select Id, Account.Name, COUNT(Id) n, (SELECT Id FROM Cases WHERE IsClosed = false ORDER BY CreatedDate DESC LIMIT 5) ` +
        `FROM Contact c USING SCOPE Mine WHERE (Name LIKE 'a%' OR Email != null) AND NOT Id IN (SELECT ContactId FROM Case) ` +
        `WITH SECURITY_ENFORCED GROUP BY ROLLUP(Account.Name) HAVING COUNT(Id) > 1 ORDER BY Name DESC NULLS LAST, Id ` +
        `LIMIT 10 OFFSET 20 FOR VIEW`,
    );
    expect(query.select.map((s) => s.kind)).toEqual(['expr', 'expr', 'expr', 'subquery']);
    expect(query.select[2]).toMatchObject({
      kind: 'expr',
      alias: 'n',
      expr: { kind: 'call', name: 'COUNT' },
    });
    expect(query.from).toMatchObject({ name: 'Contact', alias: 'c' });
    expect(query.scope).toBe('mine');
    expect(query.where).toMatchObject({
      kind: 'and',
      operands: [{ kind: 'or' }, { kind: 'not', operand: { kind: 'semijoin' } }],
    });
    expect(query.with).toBe('SECURITY_ENFORCED');
    expect(query.groupBy).toMatchObject({ kind: 'rollup', items: [{ path: ['Account', 'Name'] }] });
    expect(query.having).toMatchObject({ kind: 'compare', op: '>' });
    expect(query.orderBy).toMatchObject([
      { direction: 'DESC', nulls: 'LAST' },
      { direction: 'ASC', nulls: null },
    ]);
    expect(query.limit?.value).toBe(10);
    expect(query.offset?.value).toBe(20);
    expect(query.forClause).toBe('VIEW');
  });

  it('parses literals: strings with escapes, numbers, dates, datetimes and date literals', () => {
    const query = parseSoql(
      `SELECT Id FROM X WHERE A IN ('it\\'s', '\\u00e9\\n', -1.5, 2026-02-12, 2026-02-12T10:00:00.123+01:00, TODAY, LAST_N_DAYS:30, null, TRUE)`,
    );
    const values = query.where?.kind === 'in' ? query.where.values : [];
    expect(
      values.map((v) => ('value' in v ? v.value : v.kind === 'dateLiteral' ? `${v.name}:${v.n}` : v.kind)),
    ).toEqual([
      "it's",
      'é\n',
      -1.5,
      '2026-02-12',
      '2026-02-12T10:00:00.123+01:00',
      'TODAY:null',
      'LAST_N_DAYS:30',
      'null',
      true,
    ]);
  });

  it('keeps LIKE escapes apart from literal backslashes', () => {
    const like = (literal: string) => {
      const where = parseSoql(`SELECT Id FROM X WHERE A LIKE ${literal}`).where;
      return where?.kind === 'compare' && where.value.kind === 'string'
        ? [where.value.value, where.value.pattern]
        : [];
    };
    expect(like(`'50\\%'`)).toEqual(['50%', '50\\%']);
    expect(like(`'a\\_b%'`)).toEqual(['a_b%', 'a\\_b%']);
    expect(like(`'c:\\\\x'`)).toEqual(['c:\\x', 'c:\\\\x']);
  });

  it('parses TYPEOF, FIELDS() and keyword-like object names', () => {
    const query = parseSoql(
      `SELECT TYPEOF What WHEN Account THEN Phone, Name WHEN Group THEN Email ELSE Name END, FIELDS(STANDARD) FROM Group`,
    );
    expect(query.select[0]).toMatchObject({
      kind: 'typeof',
      whens: [
        { type: 'Account', fields: [{ path: ['Phone'] }, { path: ['Name'] }] },
        { type: 'Group', fields: [{ path: ['Email'] }] },
      ],
      otherwise: [{ path: ['Name'] }],
    });
    expect(query.select[1]).toMatchObject({ kind: 'fields', scope: 'STANDARD' });
    expect(query.from.name).toBe('Group');
    expect(parseSoql('SELECT Group.Name FROM GroupMember').select[0]).toMatchObject({
      expr: { path: ['Group', 'Name'] },
    });
  });

  it('parses WITH DATA CATEGORY filters', () => {
    const query = parseSoql(
      `SELECT Title FROM KnowledgeArticleVersion WHERE PublishStatus = 'Online' WITH DATA CATEGORY Geography__c AT (usa__c, uk__c) AND Product__c ABOVE_OR_BELOW all__c ORDER BY Title`,
    );
    expect(query.with).toBe('DATA CATEGORY');
    expect(query.dataCategories).toEqual([
      { group: 'Geography__c', selector: 'AT', categories: ['usa__c', 'uk__c'] },
      { group: 'Product__c', selector: 'ABOVE_OR_BELOW', categories: ['all__c'] },
    ]);
    expect(query.orderBy).toHaveLength(1);
    expect(
      syntaxError('SELECT Id FROM KnowledgeArticleVersion WITH DATA CATEGORY Geography__c NEAR usa__c'),
    ).toContain("unexpected token: 'NEAR'");
  });

  it('rejects malformed queries at the offending token', () => {
    expect(syntaxError('')).toBe("ERROR at Row:1:Column:1 | unexpected token: '<EOF>'");
    expect(syntaxError('SELECT')).toBe("ERROR at Row:1:Column:7 | unexpected token: '<EOF>'");
    expect(syntaxError('SELECT FROM Account')).toBe("ERROR at Row:1:Column:8 | unexpected token: 'FROM'");
    expect(syntaxError('SELECT Id,, Name FROM Account')).toBe(
      "ERROR at Row:1:Column:11 | unexpected token: ','",
    );
    expect(syntaxError('SELECT Id FROM')).toBe("ERROR at Row:1:Column:15 | unexpected token: '<EOF>'");
    expect(syntaxError("SELECT Id FROM Account WHERE Name = 'open")).toBe(
      "ERROR at Row:1:Column:37 | unexpected token: '<EOF>'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE Id IN ()')).toBe(
      "ERROR at Row:1:Column:37 | unexpected token: ')'",
    );
    expect(syntaxError('SELECT Id FROM Account LIMIT 1.5')).toBe(
      "ERROR at Row:1:Column:30 | unexpected token: '1.5'",
    );
    expect(syntaxError('SELECT Id FROM Account ORDER BY Name NULLS')).toBe(
      "ERROR at Row:1:Column:43 | unexpected token: '<EOF>'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE CreatedDate = TODAY:3')).toBe(
      "ERROR at Row:1:Column:49 | unexpected token: ':'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS')).toBe(
      "ERROR at Row:1:Column:55 | unexpected token: '<EOF>'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE Name = Bob')).toBe(
      "ERROR at Row:1:Column:37 | unexpected token: 'Bob'",
    );
    expect(syntaxError('SELECT Id FROM Account WITH BANANAS')).toBe(
      "ERROR at Row:1:Column:29 | unexpected token: 'BANANAS'",
    );
    expect(syntaxError('SELECT Id FROM Account LIMIT 1 WHERE Name = null')).toBe(
      "ERROR at Row:1:Column:32 | unexpected token: 'WHERE'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE (Name = null')).toBe(
      "ERROR at Row:1:Column:42 | unexpected token: '<EOF>'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE NOT OR Name = null')).toBe(
      "ERROR at Row:1:Column:34 | unexpected token: 'OR'",
    );
    expect(syntaxError('SELECT Id FROM Account WHERE Name = null OR Name = null AND Id = null')).toBe(
      "ERROR at Row:1:Column:57 | unexpected token: 'AND'",
    );
    expect(syntaxError('SELECT Id\nFROM Account\n  WHERE Name ~ 1')).toBe(
      "ERROR at Row:3:Column:14 | unexpected token: '~'",
    );
    expect(syntaxError("SELECT Id FROM Account WHERE Name = 'a\\\nb' AND Id = 1 1")).toContain(
      'Illegal character sequence',
    );
  });

  it('throws only MALFORMED_QUERY, never anything else, on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (text) => {
        try {
          parseSoql(text);
        } catch (error) {
          if (!(error instanceof ApiError) || error.errorCode !== 'MALFORMED_QUERY') throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses what it prints: generated field lists and conditions round-trip', () => {
    const ident = fc
      .stringMatching(/^[A-Z][a-z]{0,6}(__c)?$/)
      .filter(
        (s) =>
          ![
            'Or',
            'And',
            'In',
            'Not',
            'End',
            'Then',
            'When',
            'For',
            'Like',
            'Else',
            'Last',
            'Asc',
            'Desc',
            'From',
            'With',
            'Nulls',
            'First',
            'Group',
            'Order',
            'Using',
            'Limit',
            'Offset',
            'Having',
            'Select',
            'Update',
            'Typeof',
            'Null',
            'Where',
            'Includes',
            'Excludes',
          ].includes(s),
      );
    fc.assert(
      fc.property(
        fc.array(ident, { minLength: 1, maxLength: 5 }),
        ident,
        fc.string({ maxLength: 20 }),
        (fields, from, text) => {
          const escaped = text
            .replace(/\\/g, '\\\\')
            .replace(/'/g, "\\'")
            .replace(/\n/g, '\\n')
            .replace(/\r/g, '\\r');
          const query = parseSoql(
            `SELECT ${fields.join(', ')} FROM ${from} WHERE ${fields[0]} = '${escaped}'`,
          );
          expect(
            query.select.map((s) => (s.kind === 'expr' && s.expr.kind === 'field' ? s.expr.path[0] : null)),
          ).toEqual(fields);
          expect(query.where).toMatchObject({ kind: 'compare', value: { kind: 'string', value: text } });
        },
      ),
      { numRuns: 500 },
    );
  });
});
