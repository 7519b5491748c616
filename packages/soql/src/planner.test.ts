import { describe, expect, it } from 'vitest';
import { planQuery } from './planner.ts';
import { soql } from './soql.ts';

describe('planQuery', () => {
  it('fetches contacts with their account and their last five cases in one statement', () => {
    const plan = planQuery({
      object: 'Contact',
      fields: ['Name', 'Email'],
      parents: { Account: { fields: ['Name'], parents: { Owner: { fields: ['Name'] } } } },
      children: {
        Cases: {
          fields: ['CaseNumber', 'Status'],
          orderBy: soql`CreatedDate DESC`,
          limit: 5,
          parents: { Owner: { fields: ['Name'] } },
        },
      },
      where: soql`LastName = ${"O'Brien"}`,
      limit: 10,
    });
    expect(plan.deferred).toEqual([]);
    expect(plan.statement.text).toBe(
      "SELECT Id, Name, Email, Account.Name, Account.Owner.Name, (SELECT Id, CaseNumber, Status, Owner.Name FROM Cases ORDER BY CreatedDate DESC LIMIT 5) FROM Contact WHERE LastName = 'O\\'Brien' LIMIT 10",
    );
  });

  it('defers what one statement cannot nest: grandchildren, children of parents, paths past five levels', () => {
    const deep = { fields: ['Name'], parents: { P: { fields: ['Name'] } } };
    const plan = planQuery({
      object: 'Account',
      fields: ['Name'],
      parents: {
        A: {
          fields: [],
          parents: {
            B: {
              fields: [],
              parents: { C: { fields: [], parents: { D: { fields: [], parents: { E: deep } } } } },
            },
          },
        },
      },
      children: {
        Opportunities: { fields: ['Name'], children: { OpportunityLineItems: { fields: ['Quantity'] } } },
      },
    });
    expect(plan.statement.text).toContain('A.B.C.D.E.Name');
    expect(plan.statement.text).not.toContain('E.P.Name');
    expect(plan.statement.text).toContain('(SELECT Id, Name FROM Opportunities)');
    expect(plan.deferred.map((d) => [d.path.join('.'), d.kind, d.relationship])).toEqual([
      ['A.B.C.D.E', 'parent', 'P'],
      ['Opportunities', 'children', 'OpportunityLineItems'],
    ]);
  });

  it('moves subqueries past twenty to deferred parts', () => {
    const children = Object.fromEntries(
      Array.from({ length: 22 }, (_, i) => [`Rel${i}__r`, { fields: ['Name'] }]),
    );
    const plan = planQuery({ object: 'Account', fields: ['Name'], children });
    expect(plan.statement.text.match(/\(SELECT/g)).toHaveLength(20);
    expect(plan.deferred.map((d) => d.relationship)).toEqual(['Rel20__r', 'Rel21__r']);
  });

  it('refuses names and numbers that are not well formed', () => {
    expect(() => planQuery({ object: 'Contact WHERE', fields: ['Name'] })).toThrow(TypeError);
    expect(() => planQuery({ object: 'Contact', fields: ["Name'"] })).toThrow(TypeError);
    expect(() => planQuery({ object: 'Contact', fields: ['Name'], limit: -1 })).toThrow(TypeError);
    expect(() =>
      planQuery({
        object: 'Contact',
        fields: ['Name'],
        children: { 'Cases) FROM User': { fields: ['Id'] } },
      }),
    ).toThrow(TypeError);
  });
});

describe('planQuery: TYPEOF and nested subqueries', () => {
  it('reads polymorphic parents per type with TYPEOF, in the root and in subqueries', () => {
    const plan = planQuery({
      object: 'Contact',
      fields: ['Name'],
      children: {
        Tasks: {
          fields: ['Subject'],
          typeOf: { What: { Account: ['Id', 'Name'], Case: ['Id', 'CaseNumber', 'Id'] } },
        },
      },
      typeOf: { Owner: { User: ['Id', 'Name', 'Email'], Group: ['Id', 'Name'] } },
    });
    expect(plan.deferred).toEqual([]);
    expect(plan.statement.text).toBe(
      'SELECT Id, Name, TYPEOF Owner WHEN User THEN Id, Name, Email WHEN Group THEN Id, Name END, (SELECT Id, Subject, TYPEOF What WHEN Account THEN Id, Name WHEN Case THEN Id, CaseNumber END FROM Tasks) FROM Contact',
    );
  });

  it('refuses a TYPEOF without fields and malformed type names', () => {
    expect(() => planQuery({ object: 'Task', fields: [], typeOf: { What: {} } })).toThrow(TypeError);
    expect(() =>
      planQuery({ object: 'Task', fields: [], typeOf: { What: { 'Account THEN': ['Id'] } } }),
    ).toThrow(TypeError);
  });

  it('nests children of children when the API version allows (childLevels up to 5)', () => {
    const root = {
      object: 'Account',
      fields: ['Name'],
      children: {
        Opportunities: {
          fields: ['Name'],
          limit: 3,
          children: {
            OpportunityLineItems: { fields: ['Quantity'], parents: { Product2: { fields: ['Name'] } } },
          },
        },
      },
    };
    expect(planQuery(root).deferred.map((d) => d.relationship)).toEqual(['OpportunityLineItems']);
    const nested = planQuery(root, { childLevels: 5 });
    expect(nested.deferred).toEqual([]);
    expect(nested.statement.text).toBe(
      'SELECT Id, Name, (SELECT Id, Name, (SELECT Id, Quantity, Product2.Name FROM OpportunityLineItems) FROM Opportunities LIMIT 3) FROM Account',
    );
    expect(() => planQuery(root, { childLevels: 6 })).toThrow(TypeError);
  });

  it('defers children past the allowed levels with their path', () => {
    const plan = planQuery(
      {
        object: 'A',
        fields: [],
        children: {
          Bs: { fields: [], children: { Cs: { fields: [], children: { Ds: { fields: ['X'] } } } } },
        },
      },
      { childLevels: 3 },
    );
    expect(plan.statement.text).toBe('SELECT Id, (SELECT Id, (SELECT Id FROM Cs) FROM Bs) FROM A');
    expect(plan.deferred.map((d) => [d.path.join('.'), d.relationship])).toEqual([['Bs.Cs', 'Ds']]);
  });
});
