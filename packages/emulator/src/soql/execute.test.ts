import { StatementSync } from 'node:sqlite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../errors.ts';
import { createOrg, type Org } from '../org.ts';
import { insertRow } from '../store/records.ts';
import { executeSoql, openQuery } from './execute.ts';
import { SOQL_TEST_METADATA, type SoqlFixtures, seedSoqlFixtures } from './fixtures.ts';

const NOW = new Date('2026-02-12T10:00:00.000Z');
let org: Org;
let f: SoqlFixtures;

beforeAll(() => {
  org = createOrg({ dataDir: ':memory:', metadata: SOQL_TEST_METADATA, now: () => NOW });
  f = seedSoqlFixtures(org);
});
afterAll(() => org.close());

const options = () => ({
  db: org.db,
  catalog: org.catalog,
  apiVersion: 'v60.0',
  includeDeleted: false,
  now: NOW,
  userId: f.userId,
});
// biome-ignore lint/suspicious/noExplicitAny: records are untyped JSON, navigated freely in assertions.
type Rec = Record<string, any>;
const soql = (q: string) => executeSoql(q, options()) as { totalSize: number; done: boolean; records: Rec[] };
const names = (q: string) => soql(q).records.map((r) => r.Name);
/** The error a query throws (fails the test when it succeeds). */
function errorOf(q: string): ApiError {
  try {
    soql(q);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error(`expected an error for ${q}`);
}

describe('parent paths', () => {
  it('nests parents with their attributes, and gives null for an empty lookup', () => {
    const { records } = soql(
      `SELECT Name, Account.Name, Account.Parent.Name FROM Contact WHERE LastName LIKE 'Soql%' ORDER BY LastName`,
    );
    expect(records.map((r) => r.Name)).toEqual(['Sarah SoqlJohnson', 'Orphan SoqlNobody', 'Bob SoqlSmith']);
    expect(records[1]).toEqual({
      attributes: {
        type: 'Contact',
        url: expect.stringMatching(/^\/services\/data\/v60\.0\/sobjects\/Contact\/003\w{15}$/),
      },
      Name: 'Orphan SoqlNobody',
      Account: null,
    });
    expect(records[0]?.Account).toEqual({
      attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${f.acme}` },
      Name: 'SoqlTest Acme',
      Parent: null,
    });
    expect(records[2]?.Account.Parent).toEqual({
      attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${f.acme}` },
      Name: 'SoqlTest Acme',
    });
    // Keys follow the SELECT list; field names come back in their metadata case.
    expect(
      Object.keys(
        soql(`SELECT account.name, lastname, ID FROM contact WHERE Id = '${f.bob}'`).records[0] ?? {},
      ),
    ).toEqual(['attributes', 'Account', 'LastName', 'Id']);
  });

  it('follows five levels of parents and no more', () => {
    expect(
      soql(
        `SELECT Parent__r.Parent__r.Parent__r.Parent__r.Parent__r.Name FROM Widget__c WHERE Name = 'Flywheel'`,
      ).records[0]?.Parent__r.Parent__r.Parent__r.Parent__r.Parent__r.Name,
    ).toBe('Anvil');
    expect(
      errorOf(`SELECT Parent__r.Parent__r.Parent__r.Parent__r.Parent__r.Parent__r.Name FROM Widget__c`)
        .errorCode,
    ).toBe('MALFORMED_QUERY');
  });

  it('filters and sorts on parent fields', () => {
    expect(names(`SELECT Name FROM Widget__c WHERE Account__r.Industry = 'technology'`)).toEqual(['Crate']);
    expect(names(`SELECT Name FROM Widget__c ORDER BY Account__r.Name DESC NULLS LAST, Name`)).toEqual([
      'Crate',
      'Anvil',
      'bolt',
      'Dial',
      'Engine',
      'Flywheel',
    ]);
  });

  it('resolves polymorphic Owner to a User or a queue through the Name entity', () => {
    const { records } = soql(
      `SELECT Subject, Owner.Name, Owner.Type, Owner.Email, Owner.Alias FROM Case WHERE Subject LIKE 'SoqlTest%' ORDER BY Subject`,
    );
    expect(records.map((r) => [r.Owner.Name, r.Owner.Type, r.Owner.Alias])).toEqual([
      ['Billing Queue', 'Queue', null],
      ['Ada Lovelace', 'User', 'ada'],
      ['Ada Lovelace', 'User', 'ada'],
    ]);
    expect(records[0]?.Owner.attributes).toEqual({
      type: 'Name',
      url: `/services/data/v60.0/sobjects/Group/${f.queueId}`,
    });
    expect(records[0]?.Owner.Email).toBe('billing@soql.test');
    expect(soql(`SELECT Id FROM Case WHERE Owner.Type = 'queue'`).records.map((r) => r.Id)).toEqual([
      f.cases[1],
    ]);
    expect(soql(`SELECT Id FROM Case WHERE Owner.Name = 'BILLING QUEUE'`).totalSize).toBe(1);
  });

  it('resolves a custom polymorphic lookup, with the Name field of each parent type', () => {
    const { records } = soql(`SELECT Name, Target__r.Name, Target__r.Type FROM Remark__c ORDER BY Name`);
    expect(records.map((r) => r.Target__r && [r.Target__r.Type, r.Target__r.Name])).toEqual([
      ['Account', 'SoqlTest Acme'],
      ['Contact', 'Sarah SoqlJohnson'],
      null,
      ['Widget__c', 'Anvil'],
    ]);
    expect(
      names(`SELECT Name FROM Remark__c WHERE Target__r.Type IN ('Contact', 'Widget__c') ORDER BY Name`),
    ).toEqual(['on contact', 'on widget']);
  });

  it('allows only the Name entity fields through a polymorphic lookup', () => {
    const error = errorOf(`SELECT Target__r.Industry FROM Remark__c`);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toContain("No such column 'Industry' on entity 'Name'");
    expect(errorOf(`SELECT Target__r.Account.Name FROM Remark__c`).message).toContain(
      "Didn't understand relationship 'Account' in field path",
    );
  });

  it('refuses a TYPEOF relationship also selected through a path', () => {
    expect(
      errorOf(`SELECT Target__r.Name, TYPEOF Target__r WHEN Account THEN Industry END FROM Remark__c`)
        .errorCode,
    ).toBe('MALFORMED_QUERY');
  });

  it('accepts the FROM alias and the object name as a path prefix', () => {
    expect(
      soql(`SELECT w.Name, Widget__c.Qty__c, w.Account__r.Name FROM Widget__c w WHERE w.Name = 'Anvil'`)
        .records[0],
    ).toMatchObject({ Name: 'Anvil', Qty__c: 3, Account__r: { Name: 'SoqlTest Acme' } });
  });

  it('selects per type with TYPEOF', () => {
    const { records } = soql(
      `SELECT Name, TYPEOF Target__r WHEN Account THEN Industry, Name WHEN Widget__c THEN Color__c ELSE Name END FROM Remark__c ORDER BY Name`,
    );
    expect(records.map((r) => r.Target__r)).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${f.acme}` },
        Industry: 'Manufacturing',
        Name: 'SoqlTest Acme',
      },
      {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${f.sarah}` },
        Name: 'Sarah SoqlJohnson',
      },
      null,
      {
        attributes: { type: 'Widget__c', url: `/services/data/v60.0/sobjects/Widget__c/${f.widgets[0]}` },
        Color__c: 'Red',
      },
    ]);
  });

  it('reports unknown fields and relationships', () => {
    const field = errorOf('SELECT Id, Nmae FROM Account');
    expect(field.errorCode).toBe('INVALID_FIELD');
    expect(field.message).toBe(
      "\nSELECT Id, Nmae FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Nmae' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    const relationship = errorOf('SELECT Acount.Name FROM Contact');
    expect(relationship.errorCode).toBe('INVALID_FIELD');
    expect(relationship.message).toContain("Didn't understand relationship 'Acount' in field path.");
    expect(errorOf('SELECT Account FROM Contact').message).toContain(
      "No such column 'Account' on entity 'Contact'",
    );
  });
});

describe('child subqueries', () => {
  it('nests child QueryResults, null when there are none', () => {
    const { records } = soql(
      `SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name LIKE 'SoqlTest%' ORDER BY Name`,
    );
    expect(records.map((r) => r.Contacts)).toEqual([
      {
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${f.sarah}` },
            LastName: 'SoqlJohnson',
          },
        ],
      },
      { totalSize: 1, done: true, records: [expect.objectContaining({ LastName: 'SoqlSmith' })] },
      null,
    ]);
  });

  it('applies WHERE, ORDER BY and LIMIT per parent', () => {
    const { records } = soql(
      `SELECT Name, (SELECT Name, Account__r.Name FROM Widgets__r WHERE Active__c = true OR Qty__c > 5 ORDER BY Name DESC LIMIT 1) FROM Account WHERE Name LIKE 'SoqlTest%' ORDER BY Name`,
    );
    expect(records.map((r) => r.Widgets__r?.records.map((w: Rec) => [w.Name, w.Account__r.Name]))).toEqual([
      [['bolt', 'SoqlTest Acme']],
      [['Crate', 'SoqlTest Globex']],
      undefined,
    ]);
    expect(records[0]?.Widgets__r.totalSize).toBe(1);
  });

  it('runs one SQL statement per subquery for all parents, not one per parent', () => {
    const all = vi.spyOn(StatementSync.prototype, 'all');
    try {
      const { records } = soql(
        `SELECT Name, (SELECT Name FROM Children__r), (SELECT Name FROM Remarks__r) FROM Widget__c ORDER BY Name`,
      );
      expect(records).toHaveLength(6);
      expect(records.filter((r) => r.Children__r).length).toBe(5);
      expect(all).toHaveBeenCalledTimes(3);
    } finally {
      all.mockRestore();
    }
  });

  it('nests subqueries in subqueries (API 58.0 and later)', () => {
    const { records } = soql(
      `SELECT Name, (SELECT LastName, (SELECT Subject FROM Cases ORDER BY Subject) FROM Contacts) FROM Account WHERE Id = '${f.acme}'`,
    );
    expect(records[0]?.Contacts.records[0].Cases.records.map((c: Rec) => c.Subject)).toEqual([
      'SoqlTest 100% broken_link',
      'SoqlTest printer on fire',
    ]);
  });

  it('reaches a child through a polymorphic lookup', () => {
    expect(
      soql(`SELECT (SELECT Name FROM Remarks__r) FROM Widget__c WHERE Name = 'Anvil'`).records[0]?.Remarks__r
        .records[0].Name,
    ).toBe('on widget');
  });

  it('reports an unknown child relationship as Salesforce does', () => {
    const error = errorOf('SELECT Id, (SELECT Id FROM Widgets) FROM Account');
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toContain(
      "ERROR at Row:1:Column:28\nDidn't understand relationship 'Widgets' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.",
    );
  });
});

describe('WHERE', () => {
  it('compares strings case-insensitively, and != matches nulls', () => {
    expect(names(`SELECT Name FROM Widget__c WHERE Name = 'ANVIL'`)).toEqual(['Anvil']);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c != 'red' ORDER BY Name`)).toEqual([
      'bolt',
      'Crate',
      'Dial',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c = null ORDER BY Name`)).toEqual(['Dial']);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c != null AND Qty__c = null`)).toEqual([
      'Engine',
      'Flywheel',
    ]);
  });

  it('handles numbers, booleans, IN and NOT IN', () => {
    expect(names(`SELECT Name FROM Widget__c WHERE Qty__c >= 3 ORDER BY Name`)).toEqual(['Anvil', 'bolt']);
    expect(names(`SELECT Name FROM Widget__c WHERE Price__c < 7.5 AND Price__c > 1 ORDER BY Name`)).toEqual([
      'bolt',
      'Crate',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Active__c = false ORDER BY Name`)).toEqual([
      'bolt',
      'Dial',
      'Engine',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c IN ('RED', 'green') ORDER BY Name`)).toEqual([
      'Anvil',
      'Crate',
      'Engine',
    ]);
    // NOT IN, like !=, keeps the nulls; with null in the list it drops them.
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c NOT IN ('Red', 'Green') ORDER BY Name`)).toEqual([
      'bolt',
      'Dial',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c NOT IN ('Red', null) ORDER BY Name`)).toEqual([
      'bolt',
      'Crate',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c IN ('Green', null) ORDER BY Name`)).toEqual([
      'Crate',
      'Dial',
    ]);
  });

  it('matches LIKE case-insensitively, with \\% and \\_ as literal characters', () => {
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE 'soqltest%'`).totalSize).toBe(3);
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE '%100\\%%'`).totalSize).toBe(1);
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE '%broken\\_link'`).totalSize).toBe(1);
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE '%\\_%'`).totalSize).toBe(1);
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE 'SoqlTest _efund'`).totalSize).toBe(1);
    // A backslash escaped as \\ is a literal backslash, not LIKE's escape.
    expect(soql(`SELECT Id FROM Case WHERE Subject LIKE '%\\\\%'`).totalSize).toBe(0);
  });

  it('matches a NUL character in LIKE and = literally, like any character', () => {
    const remark = org.catalog.object('Remark__c');
    if (!remark) throw new Error('Remark__c missing');
    for (const name of ['nul\u0000 ab one', 'nul\u0000 ax two', 'NUL\u0000 AB three']) {
      insertRow(org.db, org.catalog, remark, { Name: name }, { userId: f.userId, now: NOW });
    }
    const count = (q: string) => soql(q).totalSize;
    const all = count('SELECT Id FROM Remark__c');
    expect(all).toBeGreaterThan(3);
    // Before, the pattern was cut at the NUL and matched every row.
    expect(count(`SELECT Id FROM Remark__c WHERE Name LIKE '%\\u0000 ab%'`)).toBe(2);
    expect(count(`SELECT Id FROM Remark__c WHERE Name LIKE 'nul\\u0000_a_ one'`)).toBe(1);
    expect(count(`SELECT Id FROM Remark__c WHERE Name LIKE '%\\u0000 zz%'`)).toBe(0);
    expect(count(`SELECT Id FROM Remark__c WHERE NOT Name LIKE '%\\u0000 ab%'`)).toBe(all - 2);
    // SQLite's NOCASE compares up to a NUL: = and IN compare the whole value.
    expect(count(`SELECT Id FROM Remark__c WHERE Name = 'nul\\u0000 ab one'`)).toBe(1);
    expect(count(`SELECT Id FROM Remark__c WHERE Name = 'NUL\\u0000 AB ONE'`)).toBe(1);
    expect(count(`SELECT Id FROM Remark__c WHERE Name = 'nul\\u0000 zz one'`)).toBe(0);
    expect(count(`SELECT Id FROM Remark__c WHERE Name != 'nul\\u0000 ab one'`)).toBe(all - 1);
    expect(
      count(`SELECT Id FROM Remark__c WHERE Name IN ('nul\\u0000 ab one', 'nul\\u0000 ax two', 'x')`),
    ).toBe(2);
    expect(count(`SELECT Id FROM Remark__c WHERE Name NOT IN ('nul\\u0000 zz one')`)).toBe(all);
  });

  it('formats FORMAT() values in the user locale and time zone, and labels toLabel() values', () => {
    const opportunity = org.catalog.object('Opportunity');
    if (!opportunity) throw new Error('Opportunity missing');
    insertRow(
      org.db,
      org.catalog,
      opportunity,
      {
        Name: 'SoqlTest Format',
        StageName: 'Prospecting',
        CloseDate: '2025-04-10',
        Amount: 44000,
        Probability: 25,
      },
      { userId: f.userId, now: NOW },
    );
    const q = `SELECT Amount, FORMAT(Amount) amt, FORMAT(CloseDate) closes, FORMAT(CreatedDate) created, FORMAT(Probability) p, FORMAT(Name) n, toLabel(StageName) FROM Opportunity WHERE Name = 'SoqlTest Format'`;
    const at = (locale: { locale: string; timeZone: string }) =>
      (executeSoql(q, { ...options(), locale }) as { records: Rec[] }).records[0] as Rec;
    expect(at({ locale: 'en_US', timeZone: 'America/Los_Angeles' })).toMatchObject({
      Amount: 44000,
      amt: '$44,000.00',
      closes: '4/10/2025',
      // 10:00 UTC is 2:00 in Los Angeles.
      created: '2/12/2026, 2:00 AM',
      p: '25%',
      n: 'SoqlTest Format',
      StageName: 'Prospecting',
    });
    expect(at({ locale: 'de_DE', timeZone: 'Europe/Berlin' })).toMatchObject({
      amt: '44.000,00 $',
      closes: '10.4.2025',
      created: '12.2.2026, 11:00',
    });
    const agg = executeSoql(
      `SELECT FORMAT(MIN(CloseDate)) earliest, FORMAT(SUM(Amount)) FROM Opportunity WHERE Name = 'SoqlTest Format'`,
      { ...options(), locale: { locale: 'en_US', timeZone: 'UTC' } },
    ).records[0] as Rec;
    expect(agg).toMatchObject({ earliest: '4/10/2025', expr0: '$44,000.00' });
  });

  it('handles INCLUDES and EXCLUDES on multi-select picklists', () => {
    expect(names(`SELECT Name FROM Widget__c WHERE Tags__c INCLUDES ('beta') ORDER BY Name`)).toEqual([
      'Anvil',
      'Crate',
    ]);
    expect(
      names(`SELECT Name FROM Widget__c WHERE Tags__c INCLUDES ('Alpha;Beta', 'Gamma') ORDER BY Name`),
    ).toEqual(['Anvil', 'bolt']);
    expect(names(`SELECT Name FROM Widget__c WHERE Tags__c EXCLUDES ('Beta') ORDER BY Name`)).toEqual([
      'bolt',
      'Dial',
      'Engine',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Tags__c = 'Beta;Alpha'`)).toEqual(['Anvil']);
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Color__c INCLUDES ('Red')`).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  it('requires parentheses to mix AND and OR, and honours NOT and nesting', () => {
    expect(
      names(`SELECT Name FROM Widget__c WHERE (Color__c = 'Red' OR Color__c = 'Blue') AND Active__c = true`),
    ).toEqual(['Anvil']);
    expect(
      names(
        `SELECT Name FROM Widget__c WHERE Color__c = 'Red' OR (Color__c = 'Blue' AND Active__c = false) ORDER BY Name`,
      ),
    ).toEqual(['Anvil', 'bolt', 'Engine', 'Flywheel']);
    expect(
      names(`SELECT Name FROM Widget__c WHERE NOT Color__c = 'Red' AND NOT (Qty__c > 2) ORDER BY Name`),
    ).toEqual(['Crate']);
    const mixed = errorOf(`SELECT Id FROM Widget__c WHERE Qty__c = 1 AND Qty__c = 2 OR Qty__c = 3`);
    expect(mixed.errorCode).toBe('MALFORMED_QUERY');
    expect(mixed.message).toContain("ERROR at Row:1:Column:58\nunexpected token: 'OR'");
  });

  it('runs semi-joins and anti-joins', () => {
    expect(
      soql(
        `SELECT LastName FROM Contact WHERE Id IN (SELECT ContactId FROM Case WHERE Status = 'Closed')`,
      ).records.map((r) => r.LastName),
    ).toEqual(['SoqlSmith']);
    expect(
      names(
        `SELECT Name FROM Account WHERE Name LIKE 'SoqlTest%' AND Id NOT IN (SELECT AccountId FROM Contact) ORDER BY Name`,
      ),
    ).toEqual(['SoqlTest Initech']);
    expect(
      names(
        `SELECT Name FROM Widget__c WHERE Account__c IN (SELECT Id FROM Account WHERE Industry = 'Technology')`,
      ),
    ).toEqual(['Crate']);
    expect(
      names(
        `SELECT Name FROM Remark__c WHERE Target__c IN (SELECT Id FROM Contact WHERE LastName = 'SoqlJohnson')`,
      ),
    ).toEqual(['on contact']);
    expect(errorOf(`SELECT Id FROM Contact WHERE Id IN (SELECT AccountId FROM Case)`).message).toContain(
      "The selected field 'AccountId' in the subquery and the left operand field in the where expression in the outer query 'Id' should point to the same object type",
    );
    expect(
      errorOf(
        `SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT ContactId FROM Case))`,
      ).message,
    ).toContain('Nesting of semi join sub-selects is not supported');
    expect(errorOf(`SELECT Id FROM Account WHERE ParentId IN (SELECT Id FROM Account)`).message).toContain(
      'The inner and outer selects should not be on the same object type',
    );
    const nested = errorOf(
      `SELECT Id FROM Account WHERE Name = 'x' OR Id IN (SELECT AccountId FROM Contact)`,
    );
    expect(nested.message).toContain(
      'Semi join sub-selects are only allowed at the top level WHERE expressions',
    );
  });

  it('compares dates and datetimes, with time zone offsets', () => {
    expect(names(`SELECT Name FROM Widget__c WHERE Due__c = 2026-02-11`)).toEqual(['bolt']);
    expect(names(`SELECT Name FROM Widget__c WHERE Due__c < 2026-01-01`)).toEqual(['Engine']);
    // 10:00+01:00 is 09:00Z: only Anvil was seen after it.
    expect(names(`SELECT Name FROM Widget__c WHERE Seen__c > 2026-02-12T10:00:00+01:00`)).toEqual(['Anvil']);
    expect(names(`SELECT Name FROM Widget__c WHERE Seen__c >= 2026-02-11T23:59:59Z ORDER BY Name`)).toEqual([
      'Anvil',
      'bolt',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Seen__c = 2026-02-11T23:59:59.000Z`)).toEqual(['bolt']);
    // A date literal against a datetime field (and the reverse) is a type error, as in Salesforce.
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Seen__c > 2026-02-12`).message).toContain(
      "value of filter criterion for field 'Seen__c' must be of type dateTime and should not be enclosed in quotes",
    );
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Due__c > 2026-02-12T00:00:00Z`).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  it('evaluates relative date literals against the org clock, on date and datetime fields', () => {
    const due = (literal: string) =>
      names(`SELECT Name FROM Widget__c WHERE Due__c ${literal} ORDER BY Name`);
    const seen = (literal: string) =>
      names(`SELECT Name FROM Widget__c WHERE Seen__c ${literal} ORDER BY Name`);
    // The clock is Thursday 2026-02-12T10:00Z.
    expect(due('= TODAY')).toEqual(['Anvil']);
    expect(seen('= TODAY')).toEqual(['Anvil']);
    expect(due('= YESTERDAY')).toEqual(['bolt']);
    expect(seen('= YESTERDAY')).toEqual(['bolt']);
    expect(due('= TOMORROW')).toEqual([]);
    expect(due('= LAST_N_DAYS:1')).toEqual(['Anvil', 'bolt']);
    expect(due('= LAST_N_DAYS:30')).toEqual(['Anvil', 'bolt', 'Crate']);
    expect(due('= NEXT_N_DAYS:30')).toEqual(['Dial']);
    expect(due('= N_DAYS_AGO:23')).toEqual(['Crate']);
    expect(due('= THIS_WEEK')).toEqual(['Anvil', 'bolt']);
    expect(due('= LAST_MONTH')).toEqual(['Crate']);
    expect(seen('= LAST_MONTH')).toEqual(['Crate']);
    expect(due('= NEXT_MONTH')).toEqual(['Dial']);
    expect(due('< THIS_MONTH')).toEqual(['Crate', 'Engine']);
    expect(due('> THIS_MONTH')).toEqual(['Dial']);
    expect(due('<= THIS_MONTH')).toEqual(['Anvil', 'bolt', 'Crate', 'Engine']);
    expect(due('>= THIS_MONTH')).toEqual(['Anvil', 'bolt', 'Dial']);
    expect(due('= THIS_QUARTER')).toEqual(['Anvil', 'bolt', 'Crate', 'Dial']);
    expect(due('= THIS_YEAR')).toEqual(['Anvil', 'bolt', 'Crate', 'Dial']);
    expect(due('= LAST_YEAR')).toEqual(['Engine']);
    expect(due('= LAST_N_MONTHS:2')).toEqual(['Crate', 'Engine']);
    expect(due('= THIS_FISCAL_YEAR')).toEqual(['Anvil', 'bolt', 'Crate', 'Dial']);
    expect(due('!= THIS_MONTH')).toEqual(['Crate', 'Dial', 'Engine', 'Flywheel']);
    expect(due('IN (YESTERDAY, NEXT_MONTH)')).toEqual(['bolt', 'Dial']);
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Qty__c = TODAY`).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Due__c = LAST_N_DAYS`).errorCode).toBe('MALFORMED_QUERY');
  });

  it('accepts 15- and 18-character Ids and rejects malformed ones', () => {
    expect(soql(`SELECT Id FROM Account WHERE Id = '${f.acme.slice(0, 15)}'`).records[0]?.Id).toBe(f.acme);
    expect(
      soql(`SELECT Id FROM Account WHERE Id IN ('${f.acme}', '${f.globex.slice(0, 15)}')`).totalSize,
    ).toBe(2);
    const error = errorOf(`SELECT Id FROM Account WHERE Id = '001xyz'`);
    expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(error.message).toContain('invalid ID field: 001xyz');
  });

  it('rejects values of the wrong type', () => {
    const cases: [string, string][] = [
      [`Qty__c = '3'`, "field 'Qty__c' must be of type integer and should not be enclosed in quotes"],
      [`Name = 3`, "field 'Name' must be of type string and should be enclosed in quotes"],
      [
        `Active__c = 'true'`,
        "field 'Active__c' must be of type boolean and should not be enclosed in quotes",
      ],
      [`Price__c = TRUE`, "field 'Price__c' must be of type double and should not be enclosed in quotes"],
    ];
    for (const [where, message] of cases) {
      const error = errorOf(`SELECT Id FROM Widget__c WHERE ${where}`);
      expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
      expect(error.message).toContain(message);
    }
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Notes__c = 'x'`).message).toContain(
      "field 'Notes__c' can not be filtered in query call",
    );
  });

  it('requires Knowledge queries to filter on Id or PublishStatus in a top-level AND', () => {
    const error = errorOf(
      `SELECT Title FROM KnowledgeArticleVersion WHERE Title = 'x' OR PublishStatus = 'Online'`,
    );
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain(
      'Implementation restriction: When querying or searching the KnowledgeArticleVersion object, you must filter using the following syntax',
    );
    expect(errorOf(`SELECT Title FROM KnowledgeArticleVersion`).errorCode).toBe('MALFORMED_QUERY');
    expect(
      soql(
        `SELECT Title FROM KnowledgeArticleVersion WHERE Language = 'en_US' AND PublishStatus = 'Online' WITH DATA CATEGORY Geography__c AT (usa__c, uk__c) AND Product__c BELOW all__c`,
      ).done,
    ).toBe(true);
    expect(
      soql(`SELECT Title FROM KnowledgeArticleVersion WHERE Id IN ('ka05g0000000001AAA')`).totalSize,
    ).toBe(0);
  });

  it('scopes to the running user with USING SCOPE mine', () => {
    expect(soql(`SELECT Id FROM Case USING SCOPE mine WHERE Subject LIKE 'SoqlTest%'`).totalSize).toBe(2);
  });
});

describe('ORDER BY, LIMIT and OFFSET', () => {
  it('orders with NULLS FIRST and LAST, case-insensitively, picklists in their defined order', () => {
    expect(names(`SELECT Name FROM Widget__c ORDER BY Qty__c DESC NULLS FIRST, Name`)).toEqual([
      'Dial',
      'Engine',
      'Flywheel',
      'bolt',
      'Anvil',
      'Crate',
    ]);
    expect(names(`SELECT Name FROM Widget__c ORDER BY Qty__c NULLS LAST, Name LIMIT 3`)).toEqual([
      'Crate',
      'Anvil',
      'bolt',
    ]);
    expect(names(`SELECT Name FROM Widget__c ORDER BY Name`)).toEqual([
      'Anvil',
      'bolt',
      'Crate',
      'Dial',
      'Engine',
      'Flywheel',
    ]);
    expect(names(`SELECT Name FROM Widget__c WHERE Color__c != null ORDER BY Color__c, Name`)).toEqual([
      'Anvil',
      'Engine',
      'Crate',
      'bolt',
      'Flywheel',
    ]);
  });

  it('pages with LIMIT and OFFSET, and refuses an offset over 2000', () => {
    expect(names(`SELECT Name FROM Widget__c ORDER BY Name LIMIT 2 OFFSET 2`)).toEqual(['Crate', 'Dial']);
    expect(names(`SELECT Name FROM Widget__c ORDER BY Name OFFSET 5`)).toEqual(['Flywheel']);
    const error = errorOf(`SELECT Name FROM Widget__c ORDER BY Name LIMIT 10 OFFSET 2001`);
    expect(error.errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    expect(error.message).toContain('ERROR at Row:1:Column:51');
    expect(errorOf(`SELECT Name FROM Widget__c ORDER BY Notes__c`).message).toContain(
      "field 'Notes__c' can not be sorted",
    );
  });
});

describe('aggregates', () => {
  it('answers COUNT() with totalSize and no records', () => {
    expect(soql(`SELECT COUNT() FROM Widget__c`)).toEqual({ totalSize: 6, done: true, records: [] });
    expect(soql(`SELECT COUNT() FROM Widget__c WHERE Color__c = 'Red'`).totalSize).toBe(2);
    expect(soql(`SELECT COUNT() FROM Widget__c LIMIT 4`).totalSize).toBe(4);
  });

  it('groups, aggregates and names unaliased expressions expr0..n', () => {
    const { records, totalSize } = soql(
      `SELECT Color__c, COUNT(Id), SUM(Qty__c) total, AVG(Price__c), MIN(Due__c), MAX(Seen__c), COUNT_DISTINCT(Account__c) FROM Widget__c GROUP BY Color__c ORDER BY Color__c NULLS LAST`,
    );
    expect(totalSize).toBe(4);
    expect(records[0]).toEqual({
      attributes: { type: 'AggregateResult' },
      Color__c: 'Red',
      expr0: 2,
      total: 3,
      expr1: 10.5,
      expr2: '2025-12-31',
      expr3: '2026-02-12T09:30:00.000+0000',
      expr4: 1,
    });
    expect(records.map((r) => [r.Color__c, r.expr0])).toEqual([
      ['Red', 2],
      ['Green', 1],
      ['Blue', 2],
      [null, 1],
    ]);
  });

  it('keys a grouped relationship field by its last segment, and filters groups with HAVING', () => {
    expect(
      soql(
        `SELECT Account__r.Name, COUNT(Id) n FROM Widget__c WHERE Account__c != null GROUP BY Account__r.Name HAVING COUNT(Id) > 1`,
      ).records,
    ).toEqual([{ attributes: { type: 'AggregateResult' }, Name: 'SoqlTest Acme', n: 2 }]);
    expect(
      soql(
        `SELECT Status, COUNT(Id) FROM Case WHERE Subject LIKE 'SoqlTest%' GROUP BY Status HAVING Status IN ('New', 'Closed') ORDER BY Status`,
      ).records.map((r) => r.Status),
    ).toEqual(['New', 'Closed']);
  });

  it('aggregates without GROUP BY into one row, even over no rows', () => {
    expect(soql(`SELECT COUNT(Id), MAX(Qty__c) FROM Widget__c WHERE Name = 'nothing'`).records).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 0, expr1: null },
    ]);
  });

  it('groups by date functions and rolls up subtotals', () => {
    expect(
      soql(
        `SELECT CALENDAR_YEAR(Due__c) y, COUNT(Id) FROM Widget__c WHERE Due__c != null GROUP BY CALENDAR_YEAR(Due__c) ORDER BY CALENDAR_YEAR(Due__c)`,
      ).records.map((r) => [r.y, r.expr0]),
    ).toEqual([
      [2025, 1],
      [2026, 4],
    ]);
    expect(
      soql(
        `SELECT Color__c, COUNT(Id) FROM Widget__c WHERE Color__c != null GROUP BY ROLLUP(Color__c)`,
      ).records.map((r) => [r.Color__c, r.expr0]),
    ).toEqual([
      ['Blue', 2],
      ['Green', 1],
      ['Red', 2],
      [null, 5],
    ]);
  });

  it('rejects fields that are neither grouped nor aggregated, and aggregates of the wrong type', () => {
    const error = errorOf(`SELECT Name, COUNT(Id) FROM Widget__c`);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toBe(
      '\nSELECT Name, COUNT(Id) FROM Widget__c\n       ^\nERROR at Row:1:Column:8\nField must be grouped or aggregated: Name',
    );
    expect(errorOf(`SELECT Color__c, Name FROM Widget__c GROUP BY Color__c`).message).toContain(
      'Field must be grouped or aggregated: Name',
    );
    expect(errorOf(`SELECT SUM(Name) FROM Widget__c`).message).toContain(
      'field Name does not support aggregate operator SUM',
    );
    expect(errorOf(`SELECT COUNT(Id) FROM Widget__c WHERE COUNT(Id) > 1`).errorCode).toBe('MALFORMED_QUERY');
    expect(errorOf(`SELECT Id FROM Widget__c GROUP BY Notes__c`).message).toContain(
      "field 'Notes__c' can not be grouped",
    );
  });
});

describe('syntax errors', () => {
  it('points at the row and column of the unexpected token', () => {
    expect(errorOf('SELECT Id FROM Account WHERE').message).toBe(
      "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'",
    );
    const multiline = errorOf('SELECT Id,\n  Name\nFROM Account\nWHERE Name = = 1');
    expect(multiline.errorCode).toBe('MALFORMED_QUERY');
    expect(multiline.message).toContain("ERROR at Row:4:Column:14\nunexpected token: '='");
    expect(errorOf('SELECT Id FROM Account LIMIT -1').message).toContain("unexpected token: '-1'");
    expect(errorOf('SELECT Id FROM Account;').message).toContain("unexpected token: ';'");
  });

  it('rejects invalid escapes and literals over 4000 characters', () => {
    expect(errorOf(`SELECT Id FROM Account WHERE Name = 'a\\qb'`).message).toContain(
      "Illegal character sequence '\\q'",
    );
    expect(errorOf(`SELECT Id FROM Account WHERE Name = '${'x'.repeat(4001)}'`).errorCode).toBe(
      'MALFORMED_QUERY',
    );
    expect(soql(`SELECT Id FROM Account WHERE Name = '${'x'.repeat(4000)}'`).totalSize).toBe(0);
    // \% and \_ only mean something to LIKE.
    expect(errorOf(`SELECT Id FROM Account WHERE Name = '100\\%'`).errorCode).toBe('MALFORMED_QUERY');
    expect(soql(`SELECT Id FROM Account WHERE Name = 'it\\'s \\u0041\\n'`).totalSize).toBe(0);
  });

  it('reports unknown objects as INVALID_TYPE', () => {
    const error = errorOf('SELECT Id FROM Nope__c');
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toContain(
      "ERROR at Row:1:Column:16\nsObject type 'Nope__c' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.",
    );
  });

  it('accepts WITH SECURITY_ENFORCED, WITH USER_MODE and FOR VIEW/REFERENCE/UPDATE', () => {
    for (const tail of [
      'WITH SECURITY_ENFORCED',
      'WITH USER_MODE',
      'FOR VIEW',
      'FOR REFERENCE',
      'FOR UPDATE',
      'WITH SECURITY_ENFORCED ORDER BY Name LIMIT 1 FOR VIEW',
    ]) {
      expect(soql(`SELECT Name FROM Widget__c WHERE Name = 'Anvil' ${tail}`).totalSize, tail).toBe(1);
    }
  });

  it('runs long generated filters, and answers QUERY_TOO_COMPLICATED beyond what can be planned', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `Name = 'w${i}'`).join(' OR ');
    expect(names(`SELECT Name FROM Widget__c WHERE ${many} OR Name = 'Anvil'`)).toEqual(['Anvil']);
    const list = Array.from({ length: 5000 }, (_, i) => `'w${i}'`).join(', ');
    expect(names(`SELECT Name FROM Widget__c WHERE Name IN (${list}, 'bolt')`)).toEqual(['bolt']);
    const deep = `SELECT Id FROM Widget__c WHERE ${'('.repeat(5000)}Name = 'x'${')'.repeat(5000)}`;
    expect(errorOf(deep).errorCode).toBe('QUERY_TOO_COMPLICATED');
    expect(errorOf(`SELECT Id FROM Widget__c WHERE ${'NOT '.repeat(20000)}Name = 'x'`).errorCode).toBe(
      'QUERY_TOO_COMPLICATED',
    );
    const huge = Array.from({ length: 40000 }, (_, i) => `'w${i}'`).join(', ');
    expect(errorOf(`SELECT Id FROM Widget__c WHERE Name IN (${huge})`).errorCode).toBe(
      'QUERY_TOO_COMPLICATED',
    );
  });

  it('never fails with anything but a Salesforce error, whatever the input', () => {
    const pieces = [
      'SELECT',
      'Id',
      'Name',
      'FROM',
      'Widget__c',
      'Account',
      'WHERE',
      'AND',
      'OR',
      'NOT',
      '(',
      ')',
      ',',
      '.',
      '=',
      '!=',
      '<',
      '>=',
      'LIKE',
      'IN',
      'INCLUDES',
      "'x'",
      "'%'",
      '3',
      '-1.5',
      'null',
      'TRUE',
      'TODAY',
      'LAST_N_DAYS',
      ':',
      '2026-02-12',
      '2026-02-12T10:00:00Z',
      'ORDER',
      'BY',
      'GROUP',
      'HAVING',
      'COUNT',
      'COUNT()',
      'SUM(Qty__c)',
      'LIMIT',
      'OFFSET',
      'Account__r.Name',
      'Target__r.Type',
      '(SELECT Id FROM Children__r)',
      'TYPEOF',
      'WHEN',
      'THEN',
      'END',
      'ROLLUP',
      'DESC',
      'NULLS',
      'FIRST',
      "'\\'",
      '\\',
      '"',
      '\u00e9',
      'Qty__c',
      'Color__c',
      'Tags__c',
      '99999999999',
      'Due__c',
      'LAST_N_YEARS',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.boolean(), (words, prefix) => {
        const q = `${prefix ? 'SELECT Id FROM Widget__c ' : ''}${words.join(' ')}`;
        try {
          soql(q);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 400) throw error;
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          soql(text);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 400) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('cursors', () => {
  it('counts child rows toward the batch and always returns at least one parent', () => {
    const cursor = openQuery(
      `SELECT Name, (SELECT Name FROM Children__r) FROM Widget__c ORDER BY Name`,
      options(),
    );
    expect(cursor.totalSize).toBe(6);
    // Each of the first five widgets has one child: a batch of 4 holds two parents with their children.
    const first = cursor.page(0, 4, 'v60.0');
    expect(first.records.map((r) => r.Name)).toEqual(['Anvil', 'bolt']);
    expect(first.next).toBe(2);
    const rest = cursor.page(2, 1, 'v60.0');
    expect(rest.records.map((r) => r.Name)).toEqual(['Crate']);
    // A query with OFFSET is one batch: no next page, whatever is left.
    const offset = openQuery(`SELECT Name FROM Widget__c ORDER BY Name OFFSET 1`, options());
    expect(offset.page(0, 2, 'v60.0')).toMatchObject({
      next: null,
      records: [{ Name: 'bolt' }, { Name: 'Crate' }],
    });
    expect(cursor.page(5, 4, 'v60.0')).toMatchObject({
      next: null,
      records: [{ Name: 'Flywheel', Children__r: null }],
    });
  });
});
