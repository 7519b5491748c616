import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

/** A person at a customer or partner. */
export const contactSpec = defineObject({
  apiName: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  description: 'A person at a customer or partner account.',
  keyPrefix: '003',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  fields: {
    id: idField('contact'),
    name: field('Name', 'string', 'Full name.', { readOnly: true, search: 'like', compact: true }),
    firstName: field('FirstName', 'string', 'First name.', { maxLength: 40, recommended: true }),
    lastName: field('LastName', 'string', 'Last name.', { maxLength: 80, required: true }),
    salutation: field('Salutation', 'picklist', 'Mr., Ms., Dr., ...', {
      values: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'],
    }),
    title: field('Title', 'string', 'Job title.', { maxLength: 128, compact: true }),
    department: field('Department', 'string', 'Department.', { maxLength: 80 }),
    email: field('Email', 'email', 'Email address.', {
      maxLength: 80,
      search: 'like',
      compact: true,
      recommended: true,
    }),
    phone: field('Phone', 'phone', 'Business phone.', {
      maxLength: 40,
      search: 'phone',
      compact: true,
      recommended: true,
    }),
    mobilePhone: field('MobilePhone', 'phone', 'Mobile phone.', {
      maxLength: 40,
      search: 'phone',
      compact: true,
    }),
    accountId: lookup('AccountId', ['Account'], 'The account the contact works for.', { compact: true }),
    leadSource: field('LeadSource', 'picklist', 'Where the contact came from.', {
      values: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
    }),
    description: field('Description', 'textarea', 'Notes about the contact.'),
    mailingStreet: field('MailingStreet', 'textarea', 'Mailing street.', { maxLength: 255 }),
    mailingCity: field('MailingCity', 'string', 'Mailing city.', { maxLength: 40 }),
    mailingState: field('MailingState', 'string', 'Mailing state or province.', { maxLength: 80 }),
    mailingPostalCode: field('MailingPostalCode', 'string', 'Mailing postal code.', { maxLength: 20 }),
    mailingCountry: field('MailingCountry', 'string', 'Mailing country.', { maxLength: 80 }),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the contact last changed.', {
      readOnly: true,
    }),
  },
  parents: { account: { field: 'accountId', relationship: 'Account', objects: ['Account'] } },
  children: {
    cases: { object: 'Case', relationship: 'Cases', field: 'ContactId' },
    tasks: { object: 'Task', relationship: 'Tasks', field: 'WhoId' },
    events: { object: 'Event', relationship: 'Events', field: 'WhoId' },
    opportunities: { object: 'Opportunity', relationship: 'Opportunities', field: 'ContactId' },
  },
});
