import type { RunningEmulator } from '@sfgql/emulator';
import { createSalesforceClient } from '@sfgql/soql';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactSpec } from '../src/contact/spec.ts';
import { genericOperations, loadOrgSpecs } from '../src/custom.ts';
import type { OperationContext, ReadOperation, WriteOperation } from '../src/operation.ts';

let emulator: RunningEmulator;
let ctx: OperationContext;
beforeAll(async () => {
  const org = await startDemoOrg({
    metadata: {
      fields: {
        Contact: [
          {
            name: 'Loyalty_Tier__c',
            label: 'Loyalty tier',
            type: 'picklist',
            picklistValues: ['Bronze', 'Silver', 'Gold'],
            restrictedPicklist: true,
          },
          { name: 'Customer_Code__c', label: 'Customer code', type: 'string', length: 12 },
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
            { name: 'Tracking_Number__c', label: 'Tracking number', type: 'string', length: 40 },
            {
              name: 'Contact__c',
              label: 'Contact',
              type: 'reference',
              referenceTo: ['Contact'],
              relationshipName: 'Contact__r',
            },
          ],
        },
      ],
    },
  });
  emulator = org.emulator;
  ctx = { client: createSalesforceClient({ session: org.session }) };
});
afterAll(() => emulator.close());

describe('custom fields and objects from describe', () => {
  it('extends a spec with custom fields, typed and validated, and writes them', async () => {
    const { specs } = await loadOrgSpecs(ctx.client, { specs: [contactSpec] });
    const extended = specs[0];
    expect(extended?.fields.Loyalty_Tier__c).toMatchObject({
      kind: 'picklist',
      values: ['Bronze', 'Silver', 'Gold'],
      restricted: true,
    });
    expect(extended?.fields.Customer_Code__c).toMatchObject({
      kind: 'string',
      maxLength: 12,
      search: 'like',
    });
    const [search, , create] = genericOperations(extended as typeof contactSpec) as [
      ReadOperation,
      ReadOperation,
      WriteOperation,
    ];
    await expect(create.prepare(ctx, { lastName: 'Babbage', Loyalty_Tier__c: 'Platinum' })).rejects.toThrow(
      /Loyalty_Tier__c/,
    );
    await expect(
      create.prepare(ctx, { lastName: 'Babbage', Customer_Code__c: 'x'.repeat(13) }),
    ).rejects.toThrow(/Customer_Code__c/);
    const created = (await create.execute(ctx, {
      lastName: 'Babbage',
      Loyalty_Tier__c: 'Gold',
      Customer_Code__c: 'CB-1',
    })) as { id: string };
    const found = (await search.run(ctx, { term: 'CB-1', fields: ['Loyalty_Tier__c'] })) as {
      records: Record<string, unknown>[];
    };
    expect(found.records).toEqual([expect.objectContaining({ id: created.id, Loyalty_Tier__c: 'Gold' })]);
  });

  it('builds a spec and operations for a configured custom object', async () => {
    const { customObjects } = await loadOrgSpecs(ctx.client, { specs: [], customObjects: ['Shipment__c'] });
    const shipment = customObjects[0];
    expect(shipment).toMatchObject({ apiName: 'Shipment__c', nameField: 'Name', keyPrefix: 'a01' });
    const ops = genericOperations(shipment as NonNullable<typeof shipment>);
    expect(ops.map((o) => o.name)).toEqual([
      'searchShipments',
      'getShipment',
      'createShipment',
      'updateShipment',
      'deleteShipment',
    ]);
    const create = ops[2] as WriteOperation;
    const created = (await create.execute(ctx, { Name: 'SHP-1', Tracking_Number__c: '1Z999' })) as {
      id: string;
    };
    expect(await (ops[1] as ReadOperation).run(ctx, { id: created.id })).toMatchObject({
      Name: 'SHP-1',
      Tracking_Number__c: '1Z999',
    });
    await expect(loadOrgSpecs(ctx.client, { specs: [], customObjects: ['Account'] })).rejects.toThrow(
      TypeError,
    );
  });
});
