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
