import { describe, expect, it } from 'vitest';
import { objectWords, summarize } from './summary.ts';

describe('summarize', () => {
  it('reads an update as one sentence', () => {
    expect(
      summarize({
        action: 'update',
        object: 'Case',
        recordId: '500000000000001AAA',
        recordLabel: '00001104',
        changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
      }),
    ).toBe('Update case 00001104: Status from New to Escalated.');
  });

  it('quotes values with spaces or punctuation, names empty values, and cuts long ones', () => {
    expect(
      summarize({
        action: 'update',
        object: 'Case',
        recordId: '500000000000001AAA',
        changes: [
          { field: 'Subject', before: 'Printer jam', after: 'Printer jam, floor 2' },
          { field: 'Priority', before: null, after: 'High' },
          { field: 'Description', before: '', after: 'x'.repeat(100) },
          { field: 'IsEscalated', before: false, after: true },
        ],
      }),
    ).toBe(
      `Update case 500000000000001AAA: Subject from "Printer jam" to "Printer jam, floor 2", Priority from empty to High, Description from empty to "${'x'.repeat(59)}…", IsEscalated from false to true.`,
    );
  });

  it('counts the changes beyond five', () => {
    const changes = Array.from({ length: 7 }, (_, i) => ({ field: `F${i}`, before: null, after: i }));
    expect(summarize({ action: 'create', object: 'Account', changes })).toBe(
      'Create an account: F0 0, F1 1, F2 2, F3 3, F4 4, and 2 more fields.',
    );
  });

  it('reads creates and deletes', () => {
    expect(summarize({ action: 'create', object: 'CaseComment', changes: [] })).toBe(
      'Create a case comment.',
    );
    expect(
      summarize({
        action: 'delete',
        object: 'Case',
        objectLabel: 'support case',
        recordId: '500x',
        changes: [],
      }),
    ).toBe('Delete support case 500x.');
  });

  it('keeps newlines out of the sentence', () => {
    expect(
      summarize({
        action: 'create',
        object: 'Task',
        changes: [{ field: 'Description', before: null, after: 'line one\nline two' }],
      }),
    ).toBe('Create a task: Description "line one line two".');
  });
});

describe('objectWords', () => {
  it('splits standard API names into words and leaves custom ones alone', () => {
    expect(objectWords('Case')).toBe('case');
    expect(objectWords('CaseComment')).toBe('case comment');
    expect(objectWords('PricebookEntry')).toBe('pricebook entry');
    expect(objectWords('Widget__c')).toBe('Widget__c');
  });
});
