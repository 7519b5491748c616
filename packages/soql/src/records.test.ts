import { expect, it } from 'vitest';
import { withoutAttributes } from './records.ts';

it("drops Salesforce's attributes at every depth, and nothing else", () => {
  const record = {
    attributes: { type: 'Case', url: '/services/data/v60.0/sobjects/Case/500' },
    CaseNumber: '00001104',
    Contact: { attributes: { type: 'Contact' }, Name: 'Sarah Johnson' },
    CaseComments: { totalSize: 1, records: [{ attributes: { type: 'CaseComment' }, CommentBody: 'x' }] },
    Description: null,
  };
  expect(withoutAttributes([record])).toEqual([
    {
      CaseNumber: '00001104',
      Contact: { Name: 'Sarah Johnson' },
      CaseComments: { totalSize: 1, records: [{ CommentBody: 'x' }] },
      Description: null,
    },
  ]);
});
