import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

export const OPPORTUNITY_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

/** A potential sale. */
export const opportunitySpec = defineObject({
  apiName: 'Opportunity',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  description: 'A potential sale or deal in progress.',
  keyPrefix: '006',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  fields: {
    id: idField('opportunity'),
    name: field('Name', 'string', 'Opportunity name.', {
      maxLength: 120,
      required: true,
      search: 'like',
      compact: true,
    }),
    accountId: lookup('AccountId', ['Account'], 'The account the deal is with.', {
      compact: true,
      recommended: true,
    }),
    stageName: field('StageName', 'picklist', 'Sales stage.', {
      values: OPPORTUNITY_STAGES,
      restricted: true,
      required: true,
      compact: true,
    }),
    closeDate: field('CloseDate', 'date', 'Expected close date (YYYY-MM-DD).', {
      required: true,
      compact: true,
    }),
    amount: field('Amount', 'currency', 'Deal amount.', { compact: true, recommended: true }),
    probability: field('Probability', 'percent', 'Chance of winning, in percent.'),
    type: field('Type', 'picklist', 'New or existing business.', {
      values: [
        'Existing Customer - Upgrade',
        'Existing Customer - Replacement',
        'Existing Customer - Downgrade',
        'New Customer',
      ],
    }),
    nextStep: field('NextStep', 'string', 'The next step.', { maxLength: 255 }),
    leadSource: field('LeadSource', 'picklist', 'Where the deal came from.', {
      values: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
    }),
    description: field('Description', 'textarea', 'Notes about the deal.'),
    contactId: lookup('ContactId', ['Contact'], 'The main contact.'),
    campaignId: lookup('CampaignId', ['Campaign'], 'The campaign that sourced the deal.'),
    isClosed: field('IsClosed', 'boolean', 'Whether the deal is closed.', { readOnly: true }),
    isWon: field('IsWon', 'boolean', 'Whether the deal was won.', { readOnly: true }),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the opportunity last changed.', {
      readOnly: true,
    }),
  },
  parents: {
    account: { field: 'accountId', relationship: 'Account', objects: ['Account'] },
    contact: { field: 'contactId', relationship: 'Contact', objects: ['Contact'] },
  },
  children: {
    lineItems: {
      object: 'OpportunityLineItem',
      relationship: 'OpportunityLineItems',
      field: 'OpportunityId',
    },
    tasks: { object: 'Task', relationship: 'Tasks', field: 'WhatId' },
    events: { object: 'Event', relationship: 'Events', field: 'WhatId' },
  },
});
