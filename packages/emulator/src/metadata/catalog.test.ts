import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.ts';

const catalog = createCatalog();

const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('missing');
  return value;
};

describe('standard catalogue', () => {
  it('has every object of the issue, with its key prefix', () => {
    const prefixes: Record<string, string> = {
      Account: '001',
      Note: '002',
      Contact: '003',
      User: '005',
      Opportunity: '006',
      Group: '00G',
      Lead: '00Q',
      Task: '00T',
      Event: '00U',
      CaseComment: '00a',
      OpportunityLineItem: '00k',
      CampaignMember: '00v',
      Pricebook2: '01s',
      Product2: '01t',
      PricebookEntry: '01u',
      Case: '500',
      Campaign: '701',
      ContentNote: '069',
      ContentDocument: '069',
      ContentDocumentLink: '06A',
      KnowledgeArticleVersion: 'ka0',
      KnowledgeArticle: 'kA0',
    };
    for (const [name, prefix] of Object.entries(prefixes)) {
      expect(catalog.object(name)?.keyPrefix, name).toBe(prefix);
    }
    // The shared 069 prefix belongs to ContentDocument, as a ContentNote is a ContentDocument.
    expect(catalog.objectByKeyPrefix('069')?.name).toBe('ContentDocument');
  });

  it('looks names up case-insensitively', () => {
    const contact = must(catalog.object('contact'));
    expect(contact.name).toBe('Contact');
    expect(catalog.field(contact, 'lastname')?.name).toBe('LastName');
  });

  it('knows relationships both ways', () => {
    const contact = must(catalog.object('Contact'));
    const account = must(catalog.object('Account'));
    expect(catalog.parentRelationship(contact, 'Account')?.name).toBe('AccountId');
    expect(catalog.childRelationship(account, 'Contacts')).toMatchObject({
      childSObject: 'Contact',
      field: 'AccountId',
    });
    expect(catalog.childRelationship(contact, 'Cases')).toMatchObject({
      childSObject: 'Case',
      field: 'ContactId',
    });
    const oli = must(catalog.object('OpportunityLineItem'));
    expect(catalog.parentRelationship(oli, 'PricebookEntry')?.referenceTo).toEqual(['PricebookEntry']);
    const entry = must(catalog.object('PricebookEntry'));
    expect(catalog.parentRelationship(entry, 'Product2')?.referenceTo).toEqual(['Product2']);
    expect(
      catalog.childRelationship(must(catalog.object('Opportunity')), 'OpportunityLineItems'),
    ).toMatchObject({
      cascadeDelete: true,
    });
  });

  it('models polymorphic lookups', () => {
    for (const name of ['Task', 'Event']) {
      const object = must(catalog.object(name));
      expect(catalog.parentRelationship(object, 'Who')?.referenceTo).toEqual(['Contact', 'Lead']);
      expect(catalog.parentRelationship(object, 'What')?.referenceTo).toEqual(
        expect.arrayContaining(['Account', 'Opportunity', 'Case']),
      );
      for (const parent of ['Contact', 'Lead', 'Account', 'Opportunity', 'Case']) {
        expect(catalog.childRelationship(must(catalog.object(parent)), `${name}s`)?.childSObject).toBe(name);
      }
    }
    const caseOwner = must(catalog.field(must(catalog.object('Case')), 'OwnerId'));
    expect(caseOwner.referenceTo).toEqual(['Group', 'User']);
  });

  it('marks the required fields the issue lists', () => {
    const required = (objectName: string) =>
      must(catalog.object(objectName))
        .fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate)
        .map((f) => f.name)
        .sort();
    expect(required('Contact')).toEqual(['LastName']);
    expect(required('Lead')).toEqual(['Company', 'LastName']);
    expect(required('Account')).toEqual(['Name']);
    expect(required('Opportunity')).toEqual(['CloseDate', 'Name', 'StageName']);
    expect(required('Product2')).toEqual(['Name']);
    expect(required('Campaign')).toEqual(['Name']);
    expect(required('CampaignMember')).toEqual(['CampaignId']);
    expect(required('Case')).toEqual([]);
    expect(must(catalog.object('CampaignMember')).requiredOneOf).toEqual([
      { fields: ['ContactId', 'LeadId'], missing: ['ContactId', 'LeadId'] },
    ]);
  });

  it('accepts custom fields and objects', () => {
    const custom = createCatalog({
      objects: [
        {
          name: 'Invoice__c',
          label: 'Invoice',
          labelPlural: 'Invoices',
          keyPrefix: 'a01',
          fields: [
            { name: 'Name', type: 'string', nameField: true, nillable: false },
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
      fields: { Account: [{ name: 'External_Id__c', type: 'string', externalId: true, unique: true }] },
    });
    const account = must(custom.object('Account'));
    expect(custom.field(account, 'External_Id__c')).toMatchObject({
      custom: true,
      externalId: true,
      idLookup: true,
    });
    expect(custom.childRelationship(account, 'Invoices__r')?.childSObject).toBe('Invoice__c');
    expect(() =>
      createCatalog({ fields: { Account: [{ name: 'X__c', type: 'reference', referenceTo: ['Nope__c'] }] } }),
    ).toThrow(/unknown object Nope__c/);
  });
});
