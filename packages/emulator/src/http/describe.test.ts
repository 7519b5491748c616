import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

let emulator: RunningEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    metadata: {
      objects: [
        {
          name: 'Invoice__c',
          label: 'Invoice',
          labelPlural: 'Invoices',
          keyPrefix: 'a05',
          fields: [
            { name: 'Name', type: 'string', length: 80, nameField: true, nillable: false },
            { name: 'Total__c', type: 'currency', precision: 16, scale: 2 },
            { name: 'Site__c', label: 'Site', type: 'location', scale: 6 },
            {
              name: 'Account__c',
              type: 'reference',
              referenceTo: ['Account'],
              relationshipName: 'Account__r',
              childRelationshipName: 'Invoices__r',
            },
          ],
        },
      ],
      fields: {
        Contact: [
          {
            name: 'Loyalty_Tier__c',
            type: 'picklist',
            picklistValues: ['Gold', 'Silver'],
            restrictedPicklist: true,
          },
        ],
      },
    },
  });
  conn = await connect(emulator);
});
afterAll(() => emulator.close());

const STANDARD = [
  'Account',
  'Contact',
  'Lead',
  'Opportunity',
  'Case',
  'CaseComment',
  'Task',
  'Event',
  'ContentNote',
  'ContentDocumentLink',
  'KnowledgeArticleVersion',
  'User',
  'Group',
  'Product2',
  'Pricebook2',
  'PricebookEntry',
  'OpportunityLineItem',
  'Campaign',
  'CampaignMember',
];

describe('describeGlobal', () => {
  it('lists every standard object and the custom ones', async () => {
    const global = await conn.describeGlobal();
    expect(global).toMatchObject({ encoding: 'UTF-8', maxBatchSize: 200 });
    const names = global.sobjects.map((o) => o.name);
    for (const name of [...STANDARD, 'Invoice__c']) expect(names, name).toContain(name);
    expect(global.sobjects.find((o) => o.name === 'Account')).toMatchObject({
      label: 'Account',
      labelPlural: 'Accounts',
      keyPrefix: '001',
      custom: false,
      createable: true,
      queryable: true,
      urls: {
        sobject: '/services/data/v60.0/sobjects/Account',
        describe: '/services/data/v60.0/sobjects/Account/describe',
      },
    });
    expect(global.sobjects.find((o) => o.name === 'Invoice__c')).toMatchObject({
      custom: true,
      keyPrefix: 'a05',
    });
  });
});

describe('describe', () => {
  it('describes fields with Salesforce attributes', async () => {
    const kase = await conn.sobject('Case').describe();
    const field = (name: string) => kase.fields.find((f) => f.name === name);
    expect(field('Status')).toMatchObject({
      type: 'picklist',
      soapType: 'xsd:string',
      restrictedPicklist: true,
      nillable: true,
      defaultedOnCreate: true,
      picklistValues: [
        { value: 'New', label: 'New', active: true, defaultValue: true, validFor: null },
        { value: 'Working', label: 'Working', active: true, defaultValue: false, validFor: null },
        { value: 'Escalated', label: 'Escalated', active: true, defaultValue: false, validFor: null },
        { value: 'Closed', label: 'Closed', active: true, defaultValue: false, validFor: null },
      ],
    });
    expect(field('CaseNumber')).toMatchObject({
      autoNumber: true,
      createable: false,
      updateable: false,
      nameField: true,
      idLookup: true,
    });
    expect(field('OwnerId')).toMatchObject({
      type: 'reference',
      soapType: 'tns:ID',
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
      polymorphicForeignKey: true,
      namePointing: true,
      nillable: false,
      defaultedOnCreate: true,
    });
    expect(field('IsClosed')).toMatchObject({
      type: 'boolean',
      calculated: true,
      defaultValue: false,
      createable: false,
    });
    expect(field('Description')).toMatchObject({
      type: 'textarea',
      length: 32000,
      extraTypeInfo: 'plaintextarea',
      filterable: false,
    });
    expect(field('Id')).toMatchObject({
      type: 'id',
      nillable: false,
      idLookup: true,
      length: 0,
      byteLength: 18,
    });
    expect(kase.childRelationships).toContainEqual(
      expect.objectContaining({
        childSObject: 'CaseComment',
        field: 'ParentId',
        relationshipName: 'CaseComments',
        cascadeDelete: true,
      }),
    );
    expect(kase.childRelationships).toContainEqual(
      expect.objectContaining({ childSObject: 'Task', field: 'WhatId', relationshipName: 'Tasks' }),
    );
  });

  it('names relationships both ways, compound names and polymorphic lookups', async () => {
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({
      relationshipName: 'Account',
      referenceTo: ['Account'],
    });
    expect(contact.fields.find((f) => f.name === 'FirstName')).toMatchObject({ compoundFieldName: 'Name' });
    expect(contact.childRelationships.map((r) => r.relationshipName)).toEqual(
      expect.arrayContaining(['Cases', 'Tasks', 'Events', 'CampaignMembers', 'Opportunities']),
    );
    const account = await conn.sobject('Account').describe();
    expect(account.childRelationships).toContainEqual(
      expect.objectContaining({
        childSObject: 'Contact',
        field: 'AccountId',
        relationshipName: 'Contacts',
        cascadeDelete: true,
      }),
    );
    expect(account.childRelationships).toContainEqual(
      expect.objectContaining({
        childSObject: 'Invoice__c',
        field: 'Account__c',
        relationshipName: 'Invoices__r',
      }),
    );
    const task = await conn.sobject('Task').describe();
    expect(task.fields.find((f) => f.name === 'WhoId')).toMatchObject({
      referenceTo: ['Contact', 'Lead'],
      relationshipName: 'Who',
    });
    const required = (fields: typeof task.fields) =>
      fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate).map((f) => f.name);
    expect(required(contact.fields)).toEqual(['LastName']);
    expect(required((await conn.sobject('Opportunity').describe()).fields)).toEqual([
      'Name',
      'StageName',
      'CloseDate',
    ]);
  });

  it('describes custom fields and objects from the metadata file', async () => {
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.find((f) => f.name === 'Loyalty_Tier__c')).toMatchObject({
      custom: true,
      label: 'Loyalty Tier',
      restrictedPicklist: true,
      permissionable: true,
    });
    const invoice = await conn.sobject('Invoice__c').describe();
    expect(invoice).toMatchObject({ name: 'Invoice__c', custom: true, label: 'Invoice' });
    expect(invoice.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'Id',
        'Name',
        'Total__c',
        'Account__c',
        'OwnerId',
        'CreatedDate',
        'SystemModstamp',
      ]),
    );
    const token = await login(emulator);
    const created = await call(emulator, token, 'POST', '/services/data/v60.0/sobjects/Invoice__c', {
      Name: 'INV-1',
      Total__c: 10.555,
    });
    expect(created.status).toBe(201);
    const read = await call(
      emulator,
      token,
      'GET',
      `/services/data/v60.0/sobjects/invoice__c/${created.body.id}?fields=Total__c`,
    );
    expect(read.body.Total__c).toBe(10.56);
  });

  it('serves basic information with recent items, and 404 for unknown objects', async () => {
    const token = await login(emulator);
    const info = await call(emulator, token, 'GET', '/services/data/v60.0/sobjects/Case');
    expect(info.status).toBe(200);
    expect(info.body.objectDescribe).toMatchObject({ name: 'Case', keyPrefix: '500' });
    expect(info.body.recentItems.length).toBeGreaterThan(0);
    expect(info.body.recentItems[0]).toEqual({
      attributes: {
        type: 'Case',
        url: expect.stringMatching(/^\/services\/data\/v60\.0\/sobjects\/Case\/500/),
      },
      Id: expect.stringMatching(/^500/),
      CaseNumber: expect.stringMatching(/^\d{8}$/),
    });
    for (const path of ['/sobjects/Nope__c', '/sobjects/Nope__c/describe']) {
      const response = await call(emulator, token, 'GET', `/services/data/v60.0${path}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual([
        { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      ]);
    }
  });
});

describe('compound addresses and geolocations', () => {
  it('describes them as read-only compound fields with their components', async () => {
    const account = await conn.sobject('Account').describe();
    const field = (name: string) => account.fields.find((f) => f.name === name);
    expect(field('BillingAddress')).toMatchObject({
      type: 'address',
      soapType: 'urn:address',
      createable: false,
      updateable: false,
      filterable: false,
      sortable: false,
      groupable: false,
      compoundFieldName: null,
    });
    for (const part of ['BillingStreet', 'BillingCity', 'BillingLatitude', 'BillingGeocodeAccuracy']) {
      expect(field(part)?.compoundFieldName, part).toBe('BillingAddress');
    }
    expect(field('BillingLatitude')).toMatchObject({ type: 'double', precision: 18, scale: 15 });
    expect(field('ShippingAddress')?.type).toBe('address');
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.filter((f) => f.type === 'address').map((f) => f.name)).toEqual([
      'MailingAddress',
      'OtherAddress',
    ]);
    const lead = await conn.sobject('Lead').describe();
    expect(lead.fields.find((f) => f.name === 'City')?.compoundFieldName).toBe('Address');
    const invoice = await conn.sobject('Invoice__c').describe();
    expect(invoice.fields.find((f) => f.name === 'Site__c')).toMatchObject({
      type: 'location',
      soapType: 'urn:location',
    });
    expect(invoice.fields.find((f) => f.name === 'Site__Latitude__s')).toMatchObject({
      type: 'double',
      scale: 6,
      compoundFieldName: 'Site__c',
    });
  });

  it('answers them as objects of their components in SOQL and record reads, null when all are empty', async () => {
    const { id } = (await conn.sobject('Account').create({
      Name: 'Compound Co',
      BillingStreet: '1 Market St',
      BillingCity: 'San Francisco',
      BillingState: 'CA',
      BillingPostalCode: '94105',
      BillingCountry: 'US',
      BillingLatitude: 37.7936,
      BillingLongitude: -122.3951,
      BillingGeocodeAccuracy: 'Address',
    })) as { id: string };
    const address = {
      city: 'San Francisco',
      country: 'US',
      geocodeAccuracy: 'Address',
      latitude: 37.7936,
      longitude: -122.3951,
      postalCode: '94105',
      state: 'CA',
      street: '1 Market St',
    };
    const { records } = await conn.query<Record<string, unknown>>(
      `SELECT BillingAddress, ShippingAddress, Name FROM Account WHERE Id = '${id}'`,
    );
    expect(records[0]).toMatchObject({ BillingAddress: address, ShippingAddress: null });
    expect(Object.keys(records[0]?.BillingAddress as object)).toEqual(Object.keys(address));
    const row = (await conn.sobject('Account').retrieve(id)) as unknown as Record<string, unknown>;
    expect(row.BillingAddress).toEqual(address);
    const child = await conn.query<Record<string, unknown>>(
      `SELECT Name, (SELECT Id FROM Contacts), Parent.BillingAddress FROM Account WHERE Id = '${id}'`,
    );
    expect(child.records[0]?.Parent).toBeNull();
    const site = (await conn.sobject('Invoice__c').create({
      Name: 'INV-GEO',
      Site__Latitude__s: 48.8584,
      Site__Longitude__s: 2.2945,
    })) as { id: string };
    const invoice = await conn.query<Record<string, unknown>>(
      `SELECT Site__c FROM Invoice__c WHERE Id = '${site.id}'`,
    );
    expect(invoice.records[0]?.Site__c).toEqual({ latitude: 48.8584, longitude: 2.2945 });
  });

  it('refuses to write, filter or sort on them, as Salesforce does', async () => {
    await expect(
      conn.sobject('Account').create({ Name: 'Nope', BillingAddress: { city: 'Paris' } }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    await expect(conn.query(`SELECT Id FROM Account WHERE BillingAddress = 'x'`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    await expect(conn.query('SELECT Id FROM Account ORDER BY BillingAddress')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
  });
});
