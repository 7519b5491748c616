import type { CustomMetadata } from '../metadata/catalog.ts';
import type { Org } from '../org.ts';
import { insertRow } from '../store/records.ts';
import type { StoredValue } from '../store/values.ts';

/**
 * Test-only metadata for the SOQL engine's tests: custom objects whose every field type and
 * relationship shape (lookups, a self lookup, a polymorphic lookup) is under the tests' control,
 * whatever the standard catalogue and the demo seed come to hold.
 */
export const SOQL_TEST_METADATA: CustomMetadata = {
  objects: [
    {
      name: 'Widget__c',
      label: 'Widget',
      labelPlural: 'Widgets',
      keyPrefix: 'a01',
      fields: [
        { name: 'Name', type: 'string', nameField: true },
        {
          name: 'Color__c',
          type: 'picklist',
          picklistValues: [{ value: 'Red', label: 'Crimson' }, 'Green', 'Blue'],
        },
        { name: 'Tags__c', type: 'multipicklist', picklistValues: ['Alpha', 'Beta', 'Gamma'] },
        { name: 'Price__c', type: 'currency' },
        { name: 'Qty__c', type: 'int' },
        { name: 'Active__c', type: 'boolean' },
        { name: 'Due__c', type: 'date' },
        { name: 'Seen__c', type: 'datetime' },
        { name: 'Notes__c', type: 'textarea', length: 32000 },
        {
          name: 'Account__c',
          type: 'reference',
          referenceTo: ['Account'],
          relationshipName: 'Account__r',
          childRelationshipName: 'Widgets__r',
        },
        {
          name: 'Parent__c',
          type: 'reference',
          referenceTo: ['Widget__c'],
          relationshipName: 'Parent__r',
          childRelationshipName: 'Children__r',
        },
      ],
    },
    {
      name: 'Remark__c',
      label: 'Remark',
      labelPlural: 'Remarks',
      keyPrefix: 'a02',
      fields: [
        { name: 'Name', type: 'string', nameField: true },
        {
          name: 'Target__c',
          type: 'reference',
          referenceTo: ['Account', 'Contact', 'Widget__c'],
          relationshipName: 'Target__r',
          childRelationshipName: 'Remarks__r',
        },
      ],
    },
  ],
};

/** The rows {@link seedSoqlFixtures} creates, by role. */
export interface SoqlFixtures {
  userId: string;
  queueId: string;
  acme: string;
  globex: string;
  initech: string;
  sarah: string;
  bob: string;
  widgets: string[];
  cases: string[];
}

/**
 * Seeds a small, fully known data set. The clock is 2026-02-12T10:00:00Z (a Thursday): widget dates
 * sit around it so that date literals have something to find.
 */
export function seedSoqlFixtures(org: Org, userId?: string): SoqlFixtures {
  const now = new Date('2026-02-12T10:00:00.000Z');
  const insert = (objectName: string, values: Record<string, StoredValue>, by: string) => {
    const object = org.catalog.object(objectName);
    if (!object) throw new Error(`Unknown object ${objectName}`);
    return insertRow(org.db, org.catalog, object, values, { userId: by, now }).Id as string;
  };
  const user =
    userId ??
    insert(
      'User',
      {
        Username: 'ada@soql.test',
        FirstName: 'Ada',
        LastName: 'Lovelace',
        Email: 'ada@soql.test',
        Alias: 'ada',
      },
      'pending',
    );
  const queueId = insert('Group', { Name: 'Billing Queue', Type: 'Queue', Email: 'billing@soql.test' }, user);
  const acme = insert(
    'Account',
    { Name: 'SoqlTest Acme', Industry: 'Manufacturing', NumberOfEmployees: 500 },
    user,
  );
  const globex = insert(
    'Account',
    { Name: 'SoqlTest Globex', Industry: 'Technology', NumberOfEmployees: 50, ParentId: acme },
    user,
  );
  const initech = insert('Account', { Name: 'SoqlTest Initech', Industry: 'Technology' }, user);
  const sarah = insert(
    'Contact',
    { FirstName: 'Sarah', LastName: 'SoqlJohnson', AccountId: acme, Email: 'sarah@acme.test' },
    user,
  );
  const bob = insert('Contact', { FirstName: 'Bob', LastName: 'SoqlSmith', AccountId: globex }, user);
  insert('Contact', { FirstName: 'Orphan', LastName: 'SoqlNobody' }, user);
  const cases = [
    insert(
      'Case',
      {
        Subject: 'SoqlTest printer on fire',
        Status: 'New',
        Priority: 'High',
        ContactId: sarah,
        AccountId: acme,
      },
      user,
    ),
    insert(
      'Case',
      {
        Subject: 'SoqlTest 100% broken_link',
        Status: 'Working',
        Priority: 'Low',
        ContactId: sarah,
        AccountId: acme,
        OwnerId: queueId,
      },
      user,
    ),
    insert(
      'Case',
      { Subject: 'SoqlTest refund', Status: 'Closed', Priority: 'Medium', ContactId: bob, AccountId: globex },
      user,
    ),
  ];
  const widget = (values: Record<string, StoredValue>) => insert('Widget__c', values, user);
  const w1 = widget({
    Name: 'Anvil',
    Color__c: 'Red',
    Tags__c: 'Alpha;Beta',
    Price__c: 10.5,
    Qty__c: 3,
    Active__c: 1,
    Due__c: '2026-02-12',
    Seen__c: '2026-02-12T09:30:00.000Z',
    Account__c: acme,
  });
  const w2 = widget({
    Name: 'bolt',
    Color__c: 'Blue',
    Tags__c: 'Gamma',
    Price__c: 2,
    Qty__c: 10,
    Active__c: 0,
    Due__c: '2026-02-11',
    Seen__c: '2026-02-11T23:59:59.000Z',
    Account__c: acme,
    Parent__c: w1,
  });
  const w3 = widget({
    Name: 'Crate',
    Color__c: 'Green',
    Tags__c: 'Beta',
    Price__c: 7.25,
    Qty__c: 1,
    Active__c: 1,
    Due__c: '2026-01-20',
    Seen__c: '2026-01-20T12:00:00.000Z',
    Account__c: globex,
    Parent__c: w2,
  });
  const w4 = widget({ Name: 'Dial', Due__c: '2026-03-05', Parent__c: w3 });
  const w5 = widget({ Name: 'Engine', Color__c: 'Red', Due__c: '2025-12-31', Parent__c: w4 });
  const w6 = widget({ Name: 'Flywheel', Color__c: 'Blue', Parent__c: w5 });
  insert('Remark__c', { Name: 'on account', Target__c: acme }, user);
  insert('Remark__c', { Name: 'on contact', Target__c: sarah }, user);
  insert('Remark__c', { Name: 'on widget', Target__c: w1 }, user);
  insert('Remark__c', { Name: 'on nothing' }, user);
  return {
    userId: user,
    queueId,
    acme,
    globex,
    initech,
    sarah,
    bob,
    widgets: [w1, w2, w3, w4, w5, w6],
    cases,
  };
}
