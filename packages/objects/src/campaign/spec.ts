import { field, idField, lookup, ownerField } from '../field.ts';
import { activeOnly } from '../read.ts';
import { defineObject } from '../spec.ts';

/** A marketing campaign. */
export const campaignSpec = defineObject({
  apiName: 'Campaign',
  label: 'Campaign',
  labelPlural: 'Campaigns',
  description: 'A marketing campaign: an email blast, a webinar, an event.',
  keyPrefix: '701',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  read: { scopes: [activeOnly('Include inactive campaigns (left out by default).')] },
  fields: {
    id: idField('campaign'),
    name: field('Name', 'string', 'Campaign name.', {
      maxLength: 80,
      required: true,
      search: 'like',
      compact: true,
    }),
    type: field('Type', 'picklist', 'Kind of campaign.', {
      values: [
        'Advertisement',
        'Email',
        'Telemarketing',
        'Banner Ads',
        'Seminar / Conference',
        'Public Relations',
        'Partners',
        'Referral Program',
        'Webinar',
        'Other',
      ],
      compact: true,
      recommended: true,
    }),
    status: field('Status', 'picklist', 'Planned, In Progress, Completed or Aborted.', {
      values: ['Planned', 'In Progress', 'Completed', 'Aborted'],
      compact: true,
      recommended: true,
    }),
    startDate: field('StartDate', 'date', 'Start date (YYYY-MM-DD).', { compact: true, recommended: true }),
    endDate: field('EndDate', 'date', 'End date (YYYY-MM-DD).', { compact: true, recommended: true }),
    isActive: field('IsActive', 'boolean', 'Whether the campaign is active.', { compact: true }),
    description: field('Description', 'textarea', 'Description.'),
    budgetedCost: field('BudgetedCost', 'currency', 'Budget.'),
    expectedRevenue: field('ExpectedRevenue', 'currency', 'Expected revenue.'),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the campaign last changed.', {
      readOnly: true,
    }),
  },
  children: { members: { object: 'CampaignMember', relationship: 'CampaignMembers', field: 'CampaignId' } },
});

/** A contact or lead in a campaign. */
export const campaignMemberSpec = defineObject({
  apiName: 'CampaignMember',
  label: 'Campaign Member',
  labelPlural: 'Campaign Members',
  description: 'A contact or a lead taking part in a campaign.',
  keyPrefix: '00v',
  nameField: 'id',
  operations: [],
  fields: {
    id: idField('campaign member'),
    campaignId: lookup('CampaignId', ['Campaign'], 'The campaign.', {
      required: true,
      createOnly: true,
      compact: true,
    }),
    contactId: lookup('ContactId', ['Contact'], 'The contact (give a contact or a lead, not both).', {
      createOnly: true,
      compact: true,
    }),
    leadId: lookup('LeadId', ['Lead'], 'The lead (give a contact or a lead, not both).', {
      createOnly: true,
      compact: true,
    }),
    status: field('Status', 'picklist', 'Planned, Sent, Received or Responded.', {
      values: ['Planned', 'Sent', 'Received', 'Responded'],
      compact: true,
    }),
    hasResponded: field('HasResponded', 'boolean', 'Whether the member responded.', {
      readOnly: true,
      compact: true,
    }),
  },
  parents: {
    campaign: { field: 'campaignId', relationship: 'Campaign', objects: ['Campaign'] },
    contact: { field: 'contactId', relationship: 'Contact', objects: ['Contact'] },
    lead: { field: 'leadId', relationship: 'Lead', objects: ['Lead'] },
  },
});
