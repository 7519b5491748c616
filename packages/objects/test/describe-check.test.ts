import { createSalesforceClient } from '@sfgql/soql';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSpec } from '../src/contact/spec.ts';
import { createOperation, updateOperation } from '../src/crud.ts';
import { checkAgainstDescribe } from '../src/describe-check.ts';
import { OperationError } from '../src/errors.ts';
import type { OperationContext } from '../src/operation.ts';
import { defineObject, type ObjectSpec } from '../src/spec.ts';

/**
 * The preview's checks against the org's describe: an org differs from the specs (a field an admin
 * made required, a picklist restricted to the org's values, a shorter text field), and what
 * Salesforce would refuse at the confirmed write is refused at the preview, by field.
 */

let close: () => Promise<void>;
let ctx: OperationContext;
beforeAll(async () => {
  const org = await startDemoOrg({
    metadata: {
      fields: {
        Contact: [
          { name: 'Region__c', label: 'Region', type: 'string', length: 10 },
          {
            name: 'Tier__c',
            label: 'Tier',
            type: 'picklist',
            picklistValues: ['Bronze', 'Silver', 'Gold'],
            restrictedPicklist: true,
          },
        ],
      },
      objects: [
        {
          name: 'Shipment__c',
          label: 'Shipment',
          labelPlural: 'Shipments',
          keyPrefix: 'a01',
          fields: [
            {
              name: 'Name',
              label: 'Shipment name',
              type: 'string',
              length: 80,
              nillable: false,
              nameField: true,
            },
            { name: 'Carrier__c', label: 'Carrier', type: 'string', length: 40, nillable: false },
          ],
        },
      ],
    },
  });
  close = () => org.emulator.close();
  ctx = { client: createSalesforceClient({ session: org.session }) };
});
afterAll(() => close());

/** A spec that knows the org's fields more loosely than the org does (it was written before). */
const looseContact: ObjectSpec = defineObject({
  ...contactSpec,
  nameField: 'lastName',
  fields: {
    ...contactSpec.fields,
    Region__c: { apiName: 'Region__c', kind: 'string', description: 'Region', maxLength: 255 },
    Tier__c: { apiName: 'Tier__c', kind: 'string', description: 'Tier' },
  },
});

const messageOf = (promise: Promise<unknown>) =>
  promise.then(
    () => '',
    (error: unknown) => {
      expect(error).toBeInstanceOf(OperationError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      return (error as Error).message;
    },
  );

describe('checkAgainstDescribe', () => {
  it('names a field the org requires that the create leaves out, even one the spec does not know', async () => {
    const shipment = defineObject({
      apiName: 'Shipment__c',
      label: 'Shipment',
      labelPlural: 'Shipments',
      description: 'A shipment, as a spec written before the org required a carrier.',
      keyPrefix: 'a01',
      nameField: 'name',
      operations: ['create'],
      fields: { name: { apiName: 'Name', kind: 'string', description: 'Name', required: true } },
    });
    const message = await messageOf(checkAgainstDescribe(ctx, shipment, { name: 'Crate 7' }, 'create'));
    expect(message).toBe('✖ is required by the org (Carrier)\n  → at Carrier__c');
  });

  it('names text longer than the org’s field and a value its restricted picklist lacks', async () => {
    const message = await messageOf(
      checkAgainstDescribe(
        ctx,
        looseContact,
        { lastName: 'Lovelace', Region__c: 'Northern Europe', Tier__c: 'Platinum' },
        'create',
      ),
    );
    expect(message).toContain('✖ must be at most 10 characters (it has 15)\n  → at Region__c');
    expect(message).toContain(
      "✖ must be one of the org's values: Bronze, Silver, Gold (not Platinum)\n  → at Tier__c",
    );
  });

  it('refuses clearing a field the org requires', async () => {
    const message = await messageOf(
      checkAgainstDescribe(
        ctx,
        looseContact,
        { id: '003000000000001AAA', lastName: null, Region__c: null },
        'update',
      ),
    );
    expect(message).toBe('✖ cannot be empty\n  → at lastName');
  });

  it('runs in every generic create and update preview', async () => {
    const create = await messageOf(
      createOperation(looseContact).prepare(ctx, { lastName: 'Lovelace', Region__c: 'Northern Europe' }),
    );
    expect(create).toContain('→ at Region__c');
    const contact = (await ctx.client.query({ text: 'SELECT Id FROM Contact LIMIT 1' } as never)).records[0];
    const update = await messageOf(
      updateOperation(looseContact).prepare(ctx, { id: contact?.Id, Tier__c: 'Platinum' }),
    );
    expect(update).toContain('→ at Tier__c');
  });

  it('lets values the org accepts through', async () => {
    await expect(
      checkAgainstDescribe(
        ctx,
        looseContact,
        { lastName: 'Lovelace', Region__c: 'EMEA', Tier__c: 'Gold' },
        'create',
      ),
    ).resolves.toBeUndefined();
  });
});
