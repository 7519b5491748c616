import { describe, expect, it } from 'vitest';
import { campaignMemberSpec } from './campaign/spec.ts';
import { caseSpec } from './case/spec.ts';
import { contactSpec } from './contact/spec.ts';
import { eventSpec } from './event/spec.ts';
import {
  fieldWords,
  nameLookup,
  recordPhrase,
  referenceName,
  spokenDateTime,
  spokenList,
  spokenValue,
  titleKeyOf,
} from './names.ts';
import { taskSpec } from './task/spec.ts';

describe('recordPhrase', () => {
  it('names a record by its name, a numbered one by its number and subject, a nameless one by its Id', () => {
    expect(recordPhrase(contactSpec, { Name: 'Sarah Johnson' })).toBe('the contact "Sarah Johnson"');
    expect(recordPhrase(caseSpec, { CaseNumber: '00001104', Subject: 'Billing' })).toBe(
      'case 00001104 ("Billing")',
    );
    expect(recordPhrase(caseSpec, { CaseNumber: '00001104' })).toBe('case 00001104');
    expect(recordPhrase(campaignMemberSpec, { Id: '00v000000000001AAA' })).toBe(
      'the campaign member 00v000000000001AAA',
    );
    // A name with quotes stays one quoted name.
    expect(recordPhrase(contactSpec, { Name: 'Ann "Nan" Lee' })).toBe('the contact "Ann \\"Nan\\" Lee"');
  });
});

describe('spoken values', () => {
  it('says dates and date-times in the offset they were written in', () => {
    expect(spokenDateTime('2026-02-12T10:00:00Z')).toBe('12 February 2026 at 10:00 UTC');
    expect(spokenDateTime('2026-02-12T10:00:00.000+0000')).toBe('12 February 2026 at 10:00 UTC');
    expect(spokenDateTime('2026-02-12T10:00:00-05:00')).toBe('12 February 2026 at 10:00 UTC-05:00');
    expect(spokenDateTime('2026-03-01')).toBe('1 March 2026');
    expect(spokenDateTime('tomorrow')).toBe('tomorrow');
  });

  it('says values by their kind, and cuts long texts saying how long they are', () => {
    expect(spokenValue(eventSpec.fields.startDateTime, '2026-02-12T10:00:00Z')).toBe(
      '12 February 2026 at 10:00 UTC',
    );
    expect(spokenValue(undefined, true)).toBe('yes');
    expect(spokenValue(undefined, null)).toBe('empty');
    expect(spokenValue(undefined, 420)).toBe('420');
    expect(spokenValue(undefined, 'High')).toBe('"High"');
    const long = spokenValue(undefined, 'x'.repeat(1234));
    expect(long).toMatch(/^"x{79}…" \(1,234 characters\)$/);
  });

  it('turns keys into words and lists into sentences', () => {
    expect(fieldWords('callDurationInSeconds')).toBe('call duration in seconds');
    expect(fieldWords('startDateTime')).toBe('start date time');
    expect(spokenList([])).toBe('');
    expect(spokenList(['a'])).toBe('a');
    expect(spokenList(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it("takes a new record's title from its name, else its subject", () => {
    expect(titleKeyOf(caseSpec, { subject: 'Refund', priority: 'High' })).toBe('subject');
    expect(titleKeyOf(contactSpec, { lastName: 'Lee' })).toBeUndefined();
    expect(titleKeyOf(caseSpec, { subject: '   ' })).toBeUndefined();
  });
});

describe('nameLookup', () => {
  it('reads each object once, whatever the number of its Ids, and names unknown objects without reading', () => {
    const lookup = nameLookup([
      '0035g0000000001AAA',
      '0035g0000000002AAA',
      '5005g0000000004AAA',
      '0035g0000000001AAA',
      '01s5g0000000001AAA',
      null,
    ]);
    expect(lookup.statements.map((s) => s.text)).toEqual([
      "SELECT Id, Name FROM Contact WHERE Id IN ('0035g0000000001AAA', '0035g0000000002AAA')",
      "SELECT Id, CaseNumber, Subject FROM Case WHERE Id IN ('5005g0000000004AAA')",
    ]);
    const names = lookup.read([
      { totalSize: 1, done: true, records: [{ Id: '0035g0000000001AAA', Name: 'Sarah Johnson' }] },
      { totalSize: 1, done: true, records: [{ Id: '5005g0000000004AAA', CaseNumber: '00001104' }] },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      '0035g0000000001AAA': 'the contact "Sarah Johnson"',
      '5005g0000000004AAA': 'case 00001104',
      '01s5g0000000001AAA': 'the Pricebook2 01s5g0000000001AAA',
    });
  });

  it('follows a lookup to its object, or through the polymorphic Name of a lookup to several', () => {
    const contact = referenceName(caseSpec, 'contactId');
    expect(contact?.paths).toEqual(['Contact.Name']);
    expect(contact?.phrase({ ContactId: '003', Contact: { Name: 'Sarah Johnson' } })).toBe(
      'the contact "Sarah Johnson"',
    );
    expect(contact?.phrase({ ContactId: null, Contact: null })).toBeNull();
    const what = referenceName(taskSpec, 'whatId');
    expect(what?.paths).toEqual(['What.Name']);
    expect(what?.phrase({ WhatId: '5005g0000000004AAA', What: { Name: '00001104' } })).toBe('case 00001104');
    expect(referenceName(caseSpec, 'subject')).toBeUndefined();
  });
});
