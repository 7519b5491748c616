import { validateReadOnlySoql } from '@sfgql/soql';
import { describe, expect, it } from 'vitest';
import { queryAllowlist, STANDARD_SPECS, specNamed } from './specs.ts';

describe('queryAllowlist', () => {
  const allow = queryAllowlist();

  it("lets a person's own query read the catalog's objects, their fields and their parents' fields", () => {
    expect(Object.keys(allow).sort()).toEqual(STANDARD_SPECS.map((s) => s.apiName).sort());
    expect(allow.Case).toEqual(expect.arrayContaining(['CaseNumber', 'Contact.Name', 'Account.Name']));
    expect(
      validateReadOnlySoql("SELECT CaseNumber, Contact.Name FROM Case WHERE Status = 'New'", { allow }).ok,
    ).toBe(true);
  });

  it('refuses an object or a field the catalog does not describe', () => {
    expect(validateReadOnlySoql('SELECT Id FROM Solution', { allow }).ok).toBe(false);
    expect(validateReadOnlySoql('SELECT Password__c FROM Contact', { allow }).ok).toBe(false);
  });
});

it('specNamed finds a catalog object by its API name, and nothing else', () => {
  expect(specNamed('Case')?.label).toBe('Case');
  expect(specNamed('case')).toBeUndefined();
});
