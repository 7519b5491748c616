import { field, idField, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

/** A prospect not yet qualified into an account and contact. */
export const leadSpec = defineObject({
  apiName: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  description: 'A prospect or potential customer who is not yet qualified.',
  keyPrefix: '00Q',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  fields: {
    id: idField('lead'),
    name: field('Name', 'string', 'Full name.', { readOnly: true, search: 'like', compact: true }),
    firstName: field('FirstName', 'string', 'First name.', { maxLength: 40, recommended: true }),
    lastName: field('LastName', 'string', 'Last name.', { maxLength: 80, required: true }),
    company: field('Company', 'string', 'Company name.', {
      maxLength: 255,
      required: true,
      search: 'like',
      compact: true,
    }),
    title: field('Title', 'string', 'Job title.', { maxLength: 128 }),
    email: field('Email', 'email', 'Email address.', {
      maxLength: 80,
      search: 'like',
      compact: true,
      recommended: true,
    }),
    phone: field('Phone', 'phone', 'Phone.', {
      maxLength: 40,
      search: 'phone',
      compact: true,
      recommended: true,
    }),
    mobilePhone: field('MobilePhone', 'phone', 'Mobile phone.', { maxLength: 40, search: 'phone' }),
    status: field('Status', 'picklist', 'Where the lead is in qualification.', {
      values: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
      restricted: true,
      compact: true,
      recommended: true,
    }),
    leadSource: field('LeadSource', 'picklist', 'Where the lead came from.', {
      values: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
    }),
    industry: field('Industry', 'picklist', 'Industry.', {}),
    rating: field('Rating', 'picklist', 'Hot, Warm or Cold.', { values: ['Hot', 'Warm', 'Cold'] }),
    website: field('Website', 'url', 'Website.'),
    description: field('Description', 'textarea', 'Notes about the lead.'),
    isConverted: field('IsConverted', 'boolean', 'Whether the lead was converted.', { readOnly: true }),
    ownerId: ownerField(['User', 'Group']),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the lead last changed.', {
      readOnly: true,
    }),
  },
  children: {
    tasks: { object: 'Task', relationship: 'Tasks', field: 'WhoId' },
    events: { object: 'Event', relationship: 'Events', field: 'WhoId' },
  },
});
