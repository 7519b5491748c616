import { describe, expect, it } from 'vitest';
import { validateReadOnlySoql } from './validate.ts';

const allow = { Case: ['Id', 'CaseNumber', 'Status', 'Subject', 'Description', 'Contact.Name'] };
const check = (q: string, maxLimit?: number) => validateReadOnlySoql(q, { allow, maxLimit });

describe('validateReadOnlySoql', () => {
  it("accepts the guide's query and caps its LIMIT", () => {
    const result = check(
      "SELECT Id, CaseNumber, Status, Subject, Description FROM Case WHERE CaseNumber = '00001104'",
    );
    expect(result).toMatchObject({
      ok: true,
      object: 'Case',
      fields: ['Id', 'CaseNumber', 'Status', 'Subject', 'Description'],
    });
    if (result.ok)
      expect(result.statement.text).toBe(
        "SELECT Id, CaseNumber, Status, Subject, Description FROM Case WHERE CaseNumber = '00001104' LIMIT 200",
      );
    const lowered = check('SELECT Id FROM Case LIMIT 50000', 10);
    expect(lowered.ok && lowered.statement.text).toBe('SELECT Id FROM Case LIMIT 10');
  });

  it('accepts allowlisted parent fields and case-insensitive names', () => {
    expect(check("select id, contact.name from case where status = 'New' order by casenumber").ok).toBe(true);
  });

  it.each([
    ['SELECT Id FROM User', /object User may not be queried/],
    ['SELECT Id, OwnerId FROM Case', /OwnerId may not be used/],
    ["SELECT Id FROM Case WHERE Owner.Email = 'x'", /Owner.Email may not be used/],
    ['SELECT Id, (SELECT Id FROM CaseComments) FROM Case', /subqueries/],
    ['SELECT Id FROM Case WHERE Id IN (SELECT Id FROM Case)', /subqueries/],
    ['SELECT COUNT() FROM Case', /functions/],
    ['SELECT Status, COUNT(Id) FROM Case GROUP BY Status', /functions|GROUP BY/],
    ['SELECT Id FROM Case FOR UPDATE', /FOR UPDATE/],
    ["SELECT Id FROM Case WHERE Subject = 'a\\qb'", /escape/],
    ['DELETE FROM Case', /not valid SOQL/],
    ['SELECT Id FROM Case; SELECT Id FROM User', /not valid SOQL/],
    ['', /not valid SOQL/],
  ])('refuses %s with a reason', (q, reason) => {
    const result = check(q);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
