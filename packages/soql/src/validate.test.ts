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

  it('keeps WITH SECURITY_ENFORCED and WITH USER_MODE where SOQL wants them: after WHERE, before ORDER BY and LIMIT', () => {
    const enforced = check(
      "SELECT Id FROM Case WHERE Status = 'New' WITH SECURITY_ENFORCED ORDER BY CaseNumber LIMIT 5 OFFSET 2",
    );
    expect(enforced.ok && enforced.statement.text).toBe(
      "SELECT Id FROM Case WHERE Status = 'New' WITH SECURITY_ENFORCED ORDER BY CaseNumber LIMIT 5 OFFSET 2",
    );
    const userMode = check('SELECT Id FROM Case WITH USER_MODE');
    expect(userMode.ok && userMode.statement.text).toBe('SELECT Id FROM Case WITH USER_MODE LIMIT 200');
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
    ['SELECT Id FROM Case FOR VIEW', /FOR VIEW/],
    ['SELECT Id FROM Case UPDATE TRACKING', /UPDATE TRACKING.*not allowed/],
    ['SELECT Id FROM Case UPDATE VIEWSTAT', /UPDATE VIEWSTAT.*not allowed/],
    ['SELECT Id FROM Case WITH SYSTEM_MODE', /WITH SYSTEM_MODE is not allowed/],
    ['SELECT Id FROM Case USING SCOPE Mine', /USING SCOPE|not valid SOQL/],
    ["SELECT Id FROM Case LIMIT 5 WHERE Status = 'New'", /not valid SOQL/],
    ["SELECT Id FROM Case WITH SECURITY_ENFORCED WHERE Status = 'New'", /not valid SOQL/],
    ["UPDATE Case SET Status = 'Closed'", /not valid SOQL/],
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
