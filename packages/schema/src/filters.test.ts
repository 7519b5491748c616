import { describe, expect, it } from 'vitest';
import {
  afterCondition,
  compileWhere,
  decodeCursor,
  encodeCursor,
  orderByClause,
  orderKeys,
} from './filters.ts';
import { createRegistry, type ObjectConfig } from './registry.ts';

const registry = createRegistry();
const contact = registry.byTypeName.get('Contact') as ObjectConfig;
const opportunity = registry.byTypeName.get('Opportunity') as ObjectConfig;

describe('compileWhere', () => {
  it('compiles operators, parents and and / or / not into escaped SOQL', () => {
    const where = compileWhere(contact, {
      lastName: { like: "O'B%", ne: null },
      account: { name: { in: ['Acme', "Bob's"] }, parent: { industry: { eq: 'Media' } } },
      or: [{ email: { isNull: true } }, { not: { title: { eq: 'CEO' } } }],
    });
    expect(where?.text).toBe(
      "LastName LIKE 'O\\'B%' AND LastName != null AND (Account.Name IN ('Acme', 'Bob\\'s') AND Account.Parent.Industry = 'Media') AND (Email = null OR NOT (Title = 'CEO'))",
    );
  });

  it('checks values against the field kind before any call', () => {
    expect(compileWhere(contact, { accountId: { eq: '001000000000001' } })?.text).toBe(
      "AccountId = '001000000000001AAA'",
    );
    expect(() => compileWhere(contact, { accountId: { eq: "x' OR Id != '" } })).toThrow(
      /not a Salesforce Id/,
    );
    expect(() => compileWhere(opportunity, { closeDate: { gt: '2026-13-01' } })).toThrow(/not a date/);
    // Well formed, but no such day: refused before Salesforce, not rolled over into March.
    expect(() => compileWhere(opportunity, { closeDate: { gt: '2026-02-31' } })).toThrow(/not a date/);
    expect(() => compileWhere(contact, { lastModifiedDate: { gt: '2026-02-30T10:00:00Z' } })).toThrow(
      /not an ISO 8601 date-time/,
    );
    expect(() => compileWhere(contact, { lastName: { in: Array(1000).fill('x'.repeat(900)) } })).toThrow(
      /at most 50000 fit in a Salesforce query/,
    );
    expect(compileWhere(opportunity, { closeDate: { gte: '2026-01-01' } })?.text).toBe(
      'CloseDate >= 2026-01-01',
    );
    expect(() => compileWhere(contact, { lastName: { in: [] } })).toThrow(/at least one value/);
    expect(() => compileWhere(contact, { description: { eq: 'long text' } })).toThrow(/cannot be filtered/);
    expect(compileWhere(contact, {})).toBeNull();
  });

  it('takes only values of the field kind: numbers, checkboxes and text', () => {
    expect(compileWhere(opportunity, { amount: { gte: 1000.5 }, isClosed: { eq: false } })?.text).toBe(
      'Amount >= 1000.5 AND IsClosed = FALSE',
    );
    expect(() => compileWhere(opportunity, { amount: { gt: '1000' } })).toThrow(/expected a number/);
    expect(() => compileWhere(opportunity, { amount: { gt: Number.NaN } })).toThrow(/expected a number/);
    expect(() => compileWhere(opportunity, { isClosed: { eq: 'true' } })).toThrow(/expected true or false/);
    expect(() => compileWhere(contact, { lastName: { eq: 42 } })).toThrow(/expected text/);
  });
});

describe('order and keyset cursors', () => {
  it('orders by the keys given, then Id, with explicit null placement', () => {
    const keys = orderKeys(contact, [{ field: 'lastName' }, { field: 'title', direction: 'DESC' }]);
    expect(orderByClause(keys).text).toBe(
      'LastName ASC NULLS FIRST, Title DESC NULLS LAST, Id ASC NULLS FIRST',
    );
  });

  it('continues after a cursor: later rows by each key in turn, nulls where they sort', () => {
    const keys = orderKeys(contact, [{ field: 'lastName' }, { field: 'title', direction: 'DESC' }]);
    expect(afterCondition(keys, ['Chen', null, '003000000000001AAA'])?.text).toBe(
      "LastName > 'Chen' OR (LastName = 'Chen' AND Title = null AND Id > '003000000000001AAA')",
    );
    expect(afterCondition(keys, [null, 'CEO', '003000000000001AAA'])?.text).toBe(
      "LastName != null OR (LastName = null AND (Title < 'CEO' OR Title = null)) OR (LastName = null AND Title = 'CEO' AND Id > '003000000000001AAA')",
    );
  });

  it('refuses cursors that are not of the list', () => {
    const keys = orderKeys(contact, [{ field: 'lastName' }]);
    expect(() => decodeCursor('garbage', keys)).toThrow(/not a cursor/);
    expect(() => decodeCursor(encodeCursor({ values: ['x'] }), keys)).toThrow(/not a cursor/);
    expect(() => decodeCursor(encodeCursor({ values: ['x', "' OR Id != '"] }), keys)).toThrow(
      /Salesforce Id/,
    );
    expect(() => decodeCursor(encodeCursor({ offset: 10 }), keys)).toThrow(/not a cursor/);
    const byPicklist = orderKeys(contact, [{ field: 'leadSource' }]);
    expect(decodeCursor(encodeCursor({ offset: 10 }), byPicklist)).toEqual({ offset: 10 });
    expect(() => decodeCursor(encodeCursor({ offset: 2001 }), byPicklist)).toThrow(/not a cursor/);
  });
});
