import { soql } from '@sfgql/soql';
import { z } from 'zod';
import {
  createChanges,
  createdSchema,
  createOperation,
  deleteOperation,
  getOperation,
  searchOperation,
  updateOperation,
} from '../crud.ts';
import { OperationError } from '../errors.ts';
import { idSchema } from '../input.ts';
import { queryWithNames } from '../names.ts';
import { defineWrite, newRecordPreview, type WriteOperation } from '../operation.ts';
import { campaignMemberSpec, campaignSpec } from './spec.ts';

export { campaignMemberSpec, campaignSpec };
export const searchCampaigns = searchOperation(campaignSpec);
export const getCampaign = getOperation(campaignSpec);
export const createCampaign = createOperation(campaignSpec);
export const updateCampaign = updateOperation(campaignSpec);
export const deleteCampaign = deleteOperation(campaignSpec);

/** Adds a contact or a lead (never both) to a campaign. */
export const addCampaignMember = defineWrite({
  name: 'addCampaignMember',
  action: 'create',
  object: campaignMemberSpec,
  rest: { method: 'post', path: '/campaigns/{CampaignId}/members' },
  summary: 'Add a contact or a lead (not both) to a campaign.',
  input: z
    .strictObject({
      campaignId: idSchema(['Campaign']).describe('The campaign.'),
      contactId: idSchema(['Contact']).optional().describe('The contact to add.'),
      leadId: idSchema(['Lead']).optional().describe('Or the lead to add.'),
      status: z.enum(['Planned', 'Sent', 'Received', 'Responded']).optional().describe('Member status.'),
    })
    .refine((v) => Boolean(v.contactId) !== Boolean(v.leadId), {
      message: 'give contactId or leadId, never both',
      path: ['contactId'],
    }),
  output: createdSchema,
  async prepare(ctx, input) {
    const memberField = input.contactId ? soql`ContactId` : soql`LeadId`;
    const memberId = input.contactId ?? input.leadId ?? '';
    // The campaign, whether the person is already in it, and the person's name, in one call.
    const {
      results: [found],
      names,
    } = await queryWithNames(
      ctx,
      [
        soql`SELECT Name, (SELECT Id FROM CampaignMembers WHERE ${memberField} = ${memberId} LIMIT 1) FROM Campaign WHERE Id = ${input.campaignId} LIMIT 1`,
      ],
      [memberId],
    );
    const campaign = found?.records[0] as
      | { Name: string; CampaignMembers: { records: unknown[] } | null }
      | undefined;
    if (!campaign) throw new OperationError('NOT_FOUND', `No campaign has the Id ${input.campaignId}.`);
    const key = input.contactId ? 'contactId' : 'leadId';
    const member = names.get(memberId);
    if (!member)
      throw new OperationError(
        'INVALID_INPUT',
        `✖ no ${input.contactId ? 'contact' : 'lead'} has the Id ${memberId}\n  → at ${key}`,
      );
    // What Salesforce would refuse at the write (DUPLICATE_VALUE), refused here, by name.
    if ((campaign.CampaignMembers?.records.length ?? 0) > 0)
      throw new OperationError('INVALID_INPUT', `✖ is already a member of this campaign\n  → at ${key}`);
    return newRecordPreview(
      'CampaignMember',
      createChanges(input),
      `Add ${member} to the campaign ${JSON.stringify(campaign.Name)}${input.status ? ` as ${input.status}` : ''}.`,
    );
  },
  async execute({ client }, input) {
    const result = await client.create('CampaignMember', {
      CampaignId: input.campaignId,
      ...(input.contactId ? { ContactId: input.contactId } : { LeadId: input.leadId }),
      ...(input.status ? { Status: input.status } : {}),
    });
    return { id: result.id, success: result.success };
  },
});

/** Removes a member from a campaign. */
export const removeCampaignMember: WriteOperation = deleteOperation(campaignMemberSpec, {
  name: 'removeCampaignMember',
  summary: 'Remove a member from a campaign.',
  sentence: ({ record, parents }) =>
    `Remove ${parents.get('contactId') ?? parents.get('leadId') ?? record} from ${parents.get('campaignId') ?? 'its campaign'} (the membership goes to the Recycle Bin for 15 days).`,
});

export const campaignOperations = [
  searchCampaigns,
  getCampaign,
  createCampaign,
  updateCampaign,
  deleteCampaign,
  addCampaignMember,
  removeCampaignMember,
];
