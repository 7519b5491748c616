import type { SoqlAllowlist } from '@sfgql/soql';
import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

export const CASE_STATUSES = ['New', 'Working', 'Escalated', 'Closed'] as const;

/** Service Cloud's Case: a customer's question, problem or request. */
export const caseSpec = defineObject({
  apiName: 'Case',
  label: 'Case',
  labelPlural: 'Cases',
  description: 'A customer support case (ticket).',
  keyPrefix: '500',
  nameField: 'caseNumber',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  read: { keys: ['caseNumber'] },
  fields: {
    id: idField('case'),
    caseNumber: field('CaseNumber', 'string', 'The case number shown to customers, e.g. 00001104.', {
      readOnly: true,
      search: 'exact',
      compact: true,
    }),
    subject: field('Subject', 'string', 'One-line summary of the case.', {
      maxLength: 255,
      search: 'like',
      compact: true,
      recommended: true,
    }),
    description: field('Description', 'textarea', 'Full description of the problem.', { recommended: true }),
    status: field('Status', 'picklist', 'Where the case is in its lifecycle.', {
      values: CASE_STATUSES,
      restricted: true,
      compact: true,
    }),
    priority: field('Priority', 'picklist', 'How urgent the case is.', {
      values: ['High', 'Medium', 'Low'],
      restricted: true,
      compact: true,
      recommended: true,
    }),
    origin: field('Origin', 'picklist', 'How the case came in.', {
      values: ['Phone', 'Email', 'Web', 'Chat'],
      restricted: true,
      compact: true,
    }),
    type: field('Type', 'picklist', 'Kind of case.', {
      values: ['Question', 'Problem', 'Feature Request', 'Billing'],
    }),
    reason: field('Reason', 'picklist', 'Why the customer got in touch.', {}),
    contactId: lookup('ContactId', ['Contact'], 'The customer contact.', {
      compact: true,
      recommended: true,
    }),
    accountId: lookup('AccountId', ['Account'], 'The customer account.'),
    ownerId: ownerField(['User', 'Group']),
    suppliedName: field('SuppliedName', 'string', 'Name given by a web or chat customer.', {
      maxLength: 80,
      search: 'like',
    }),
    suppliedEmail: field('SuppliedEmail', 'email', 'Email given by a web or chat customer.', {
      maxLength: 80,
      search: 'like',
    }),
    suppliedPhone: field('SuppliedPhone', 'string', 'Phone given by a web or chat customer.', {
      maxLength: 40,
      search: 'phone',
    }),
    comments: field(
      'Comments',
      'textarea',
      'Internal comments (the conversation transcript for cases created from one).',
      { maxLength: 32_000 },
    ),
    isClosed: field('IsClosed', 'boolean', 'Whether the case is closed.', { readOnly: true }),
    closedDate: field('ClosedDate', 'datetime', 'When the case was closed.', { readOnly: true }),
    createdDate: field('CreatedDate', 'datetime', 'When the case was opened.', { readOnly: true }),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the case last changed.', {
      readOnly: true,
    }),
  },
  parents: {
    contact: { field: 'contactId', relationship: 'Contact', objects: ['Contact'] },
    account: { field: 'accountId', relationship: 'Account', objects: ['Account'] },
    owner: { field: 'ownerId', relationship: 'Owner', objects: ['User', 'Group'] },
  },
  children: {
    comments: { object: 'CaseComment', relationship: 'CaseComments', field: 'ParentId' },
    tasks: { object: 'Task', relationship: 'Tasks', field: 'WhatId' },
    events: { object: 'Event', relationship: 'Events', field: 'WhatId' },
  },
});

/** A comment on a case. */
export const caseCommentSpec = defineObject({
  apiName: 'CaseComment',
  label: 'Case Comment',
  labelPlural: 'Case Comments',
  description: 'A comment on a case, public to the customer or internal.',
  keyPrefix: '00a',
  nameField: 'commentBody',
  operations: [],
  read: { order: [{ field: 'createdDate', direction: 'DESC' }] },
  fields: {
    id: idField('case comment'),
    parentId: lookup('ParentId', ['Case'], 'The case.', { required: true, createOnly: true, compact: true }),
    commentBody: field('CommentBody', 'textarea', 'The comment text.', {
      maxLength: 4000,
      required: true,
      compact: true,
    }),
    isPublished: field('IsPublished', 'boolean', 'Whether the customer can see it.', { compact: true }),
    createdDate: field('CreatedDate', 'datetime', 'When the comment was added.', {
      readOnly: true,
      compact: true,
    }),
  },
});

/**
 * What a person's own read-only SOQL may read where only cases are offered (the GPT Action
 * cookbook's `q`): Case's fields, and the names and contact details of its contact, account and
 * owner. `validateReadOnlySoql`'s allowlist.
 */
export const CASE_QUERY_ALLOWLIST = {
  Case: [
    ...Object.values(caseSpec.fields).map((f) => f.apiName),
    'Contact.Name',
    'Contact.Email',
    'Contact.Phone',
    'Account.Name',
    'Owner.Name',
  ],
} as const satisfies SoqlAllowlist;
