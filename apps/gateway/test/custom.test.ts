import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
// biome-ignore lint/suspicious/noExplicitAny: response shapes are checked by the assertions
type Data = any;

beforeAll(async () => {
  h = await startHarness({
    gateway: { customObjects: ['Shipment__c'] },
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
});
afterAll(() => h.close());

async function ok(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await h.graphql<Data>(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

describe("the org's custom fields and objects, under their API names", () => {
  it('writes, reads, filters and sorts a custom field', async () => {
    const write =
      'mutation ($id: ID!, $t: String) { updateContact(id: $id, input: { Loyalty_Tier__c: "Gold" }, confirmationToken: $t) { ... on ConfirmationRequired { token changes { field after } } } }';
    const sarah = (await ok('{ contacts(search: "sarah") { nodes { id } } }')).contacts.nodes[0].id;
    const preview = await ok(write, { id: sarah });
    expect(preview.updateContact.changes).toEqual([{ field: 'Loyalty_Tier__c', after: 'Gold' }]);
    await ok(write, { id: sarah, t: preview.updateContact.token });
    const data = await ok(
      '{ contacts(where: { Loyalty_Tier__c: { eq: "Gold" } }, orderBy: [{ field: Loyalty_Tier__c }]) { nodes { name Loyalty_Tier__c } } }',
    );
    expect(data.contacts.nodes).toEqual([{ name: 'Sarah Johnson', Loyalty_Tier__c: 'Gold' }]);
  });

  it('creates and queries a custom object with its lookup, in one call', async () => {
    const create =
      'mutation ($input: CreateShipmentInput!, $t: String) { createShipment(input: $input, confirmationToken: $t) { ... on ConfirmationRequired { token } ... on CreateShipmentResult { id } } }';
    const contact = (await ok('{ contacts(search: "sarah") { nodes { id } } }')).contacts.nodes[0].id;
    const input = { Name: 'SHP-1', Tracking_Number__c: '1Z999', Contact__c: contact };
    const preview = await ok(create, { input });
    await ok(create, { input, t: preview.createShipment.token });
    await h.resetCalls();
    const data = await ok('{ shipments__c { nodes { Name Tracking_Number__c Contact__r { name } } } }');
    expect(data.shipments__c.nodes).toEqual([
      { Name: 'SHP-1', Tracking_Number__c: '1Z999', Contact__r: { name: 'Sarah Johnson' } },
    ]);
    expect((await h.calls()).total).toBe(1);
  });
});
