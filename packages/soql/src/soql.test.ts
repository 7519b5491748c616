import { describe, expect, it } from 'vitest';
import { escapeSoqlLike, escapeSoqlString } from './escape.ts';
import { SoqlFragment, soql } from './soql.ts';

describe('escapeSoqlString', () => {
  it('escapes backslashes before quotes so a literal cannot be closed early', () => {
    expect(escapeSoqlString("O'Brien")).toBe("O\\'Brien");
    expect(escapeSoqlString("\\' OR Id != '")).toBe("\\\\\\' OR Id != \\'");
    expect(escapeSoqlString('line\nbreak\ttab"quote')).toBe('line\\nbreak\\ttab\\"quote');
  });

  it('turns a lone surrogate into U+FFFD, so that the statement can be sent at all', () => {
    expect(escapeSoqlString('a\ud800b\udfff')).toBe('a\ufffdb\ufffd');
    expect(escapeSoqlString('🙂')).toBe('🙂');
    expect(() => encodeURIComponent(escapeSoqlString('\ud800'))).not.toThrow();
  });

  it('makes LIKE wildcards literal', () => {
    expect(escapeSoqlLike('100%_off')).toBe('100\\%\\_off');
  });
});

describe('soql tag', () => {
  it('renders each kind of value as its literal', () => {
    const q = soql`SELECT Id FROM Case WHERE Subject = ${"it's"} AND IsEscalated = ${true} AND Id IN ${['a', 'b']} AND X = ${null} AND N > ${2.5} AND CreatedDate > ${new Date('2026-02-12T10:00:00Z')}`;
    expect(q.text).toBe(
      "SELECT Id FROM Case WHERE Subject = 'it\\'s' AND IsEscalated = TRUE AND Id IN ('a', 'b') AND X = null AND N > 2.5 AND CreatedDate > 2026-02-12T10:00:00.000Z",
    );
  });

  it('quotes the case number injection from the guide so that it stays one literal', () => {
    const q = soql`SELECT Id FROM Case WHERE CaseNumber = ${"00001104' OR CaseNumber != '"}`;
    expect(q.text).toBe("SELECT Id FROM Case WHERE CaseNumber = '00001104\\' OR CaseNumber != \\''");
  });

  it('composes fragments and validated identifiers', () => {
    const where = soql.join([soql`Status = ${'New'}`, soql`Name LIKE ${soql.like('50%')}`], ' AND ');
    const q = soql`SELECT ${soql.fields(['Id', 'Account.Name'])} FROM ${soql.ident('Case')} WHERE ${where} AND CloseDate = ${soql.date('2026-02-12')}`;
    expect(q.text).toBe(
      "SELECT Id, Account.Name FROM Case WHERE Status = 'New' AND Name LIKE '%50\\%%' AND CloseDate = 2026-02-12",
    );
  });

  it('refuses identifiers, dates, numbers and lists that are not well formed', () => {
    expect(() => soql.ident('Name FROM User')).toThrow(TypeError);
    expect(() => soql.ident("Name'")).toThrow(TypeError);
    expect(() => soql.fields([])).toThrow(TypeError);
    expect(() => soql.date('2026-02-12 OR 1=1')).toThrow(TypeError);
    // A well-formed impossible date never reaches Salesforce.
    for (const impossible of ['2026-02-31', '2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31'])
      expect(() => soql.date(impossible)).toThrow(TypeError);
    expect(soql.date('2028-02-29').text).toBe('2028-02-29');
    expect(() => soql`X = ${Number.NaN}`).toThrow(TypeError);
    expect(() => soql`X IN ${[]}`).toThrow(TypeError);
    expect(() => soql`X = ${new Date('nope')}`).toThrow(TypeError);
    expect(() => new SoqlFragment('x', Symbol('SoqlFragment') as never)).toThrow(TypeError);
  });
});
