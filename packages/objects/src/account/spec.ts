import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

/** A company: customer, partner or prospect. */
export const accountSpec = defineObject({
  apiName: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  description: 'A company or organisation: a customer, partner or prospect.',
  keyPrefix: '001',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  fields: {
    id: idField('account'),
    name: field('Name', 'string', 'Account name.', {
      maxLength: 255,
      required: true,
      search: 'like',
      compact: true,
    }),
    accountNumber: field('AccountNumber', 'string', 'Account number.', { maxLength: 40, search: 'like' }),
    type: field('Type', 'picklist', 'Prospect, customer, partner, ...', {
      values: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
      compact: true,
    }),
    industry: field('Industry', 'picklist', 'Industry.', { compact: true, recommended: true }),
    phone: field('Phone', 'phone', 'Main phone.', {
      maxLength: 40,
      search: 'phone',
      compact: true,
      recommended: true,
    }),
    website: field('Website', 'url', 'Website.', { search: 'like', compact: true, recommended: true }),
    description: field('Description', 'textarea', 'Notes about the account.'),
    annualRevenue: field('AnnualRevenue', 'currency', 'Annual revenue.'),
    numberOfEmployees: field('NumberOfEmployees', 'int', 'Number of employees.'),
    billingStreet: field('BillingStreet', 'textarea', 'Billing street.', { maxLength: 255 }),
    billingCity: field('BillingCity', 'string', 'Billing city.', { maxLength: 40 }),
    billingState: field('BillingState', 'string', 'Billing state or province.', { maxLength: 80 }),
    billingPostalCode: field('BillingPostalCode', 'string', 'Billing postal code.', { maxLength: 20 }),
    billingCountry: field('BillingCountry', 'string', 'Billing country.', { maxLength: 80 }),
    parentId: lookup('ParentId', ['Account'], 'The parent account.'),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the account last changed.', {
      readOnly: true,
    }),
  },
  parents: { parent: { field: 'parentId', relationship: 'Parent', objects: ['Account'] } },
  children: {
    contacts: { object: 'Contact', relationship: 'Contacts', field: 'AccountId' },
    cases: { object: 'Case', relationship: 'Cases', field: 'AccountId' },
    opportunities: { object: 'Opportunity', relationship: 'Opportunities', field: 'AccountId' },
    tasks: { object: 'Task', relationship: 'Tasks', field: 'WhatId' },
    events: { object: 'Event', relationship: 'Events', field: 'WhatId' },
  },
});
