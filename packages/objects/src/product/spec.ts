import { soql } from '@sfgql/soql';
import { field, idField, lookup } from '../field.ts';
import { activeOnly } from '../read.ts';
import { defineObject } from '../spec.ts';

/** A product the company sells (Product2). */
export const productSpec = defineObject({
  apiName: 'Product2',
  label: 'Product',
  labelPlural: 'Products',
  description: 'A product or service the company sells.',
  keyPrefix: '01t',
  nameField: 'name',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  read: { scopes: [activeOnly('Include products no longer sold (left out by default).')] },
  fields: {
    id: idField('product'),
    name: field('Name', 'string', 'Product name.', {
      maxLength: 255,
      required: true,
      search: 'like',
      compact: true,
    }),
    productCode: field('ProductCode', 'string', 'Product code, e.g. ENT-001.', {
      maxLength: 255,
      search: 'like',
      compact: true,
      recommended: true,
    }),
    description: field('Description', 'textarea', 'Description.', { maxLength: 4000, recommended: true }),
    family: field('Family', 'picklist', 'Product family.', {
      values: ['Hardware', 'Software', 'Services', 'Support', 'Training'],
      compact: true,
    }),
    isActive: field('IsActive', 'boolean', 'Whether it can be sold.', { compact: true, recommended: true }),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the product last changed.', {
      readOnly: true,
    }),
  },
});

/** A product's price in a price book (PricebookEntry). */
export const pricebookEntrySpec = defineObject({
  apiName: 'PricebookEntry',
  label: 'Pricebook Entry',
  labelPlural: 'Pricebook Entries',
  description: "A product's price in a price book; line items are added to opportunities through it.",
  keyPrefix: '01u',
  nameField: 'name',
  operations: ['search'],
  read: {
    scopes: [
      activeOnly('Include prices no longer in use (left out by default).'),
      {
        kind: 'flag',
        name: 'allPricebooks',
        description: 'Include the prices of every price book (only the standard price book by default).',
        where: soql`Pricebook2.IsStandard = TRUE`,
        appliesTo: 'lists',
      },
    ],
  },
  fields: {
    id: idField('pricebook entry'),
    name: field('Name', 'string', 'Product name.', { readOnly: true, compact: true, search: 'like' }),
    productCode: field('ProductCode', 'string', 'Product code.', {
      readOnly: true,
      compact: true,
      search: 'like',
    }),
    unitPrice: field('UnitPrice', 'currency', 'List price.', { readOnly: true, compact: true }),
    product2Id: lookup('Product2Id', ['Product2'], 'The product.', { readOnly: true, compact: true }),
    pricebook2Id: lookup('Pricebook2Id', ['Pricebook2'], 'The price book.', { readOnly: true }),
    isActive: field('IsActive', 'boolean', 'Whether the price is in use.', { readOnly: true, compact: true }),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the entry last changed.', {
      readOnly: true,
    }),
  },
});

/** A product on an opportunity (OpportunityLineItem). */
export const lineItemSpec = defineObject({
  apiName: 'OpportunityLineItem',
  label: 'Opportunity Product',
  labelPlural: 'Opportunity Products',
  description: 'A product on an opportunity, with quantity and price.',
  keyPrefix: '00k',
  nameField: 'name',
  operations: [],
  fields: {
    id: idField('line item'),
    opportunityId: lookup('OpportunityId', ['Opportunity'], 'The opportunity.', {
      required: true,
      createOnly: true,
      compact: true,
    }),
    pricebookEntryId: lookup(
      'PricebookEntryId',
      ['PricebookEntry'],
      'The standard pricebook entry of the product.',
      {
        required: true,
        createOnly: true,
        compact: true,
      },
    ),
    product2Id: lookup('Product2Id', ['Product2'], 'The product.', { readOnly: true, compact: true }),
    name: field('Name', 'string', 'Line name.', { readOnly: true, compact: true }),
    quantity: field('Quantity', 'double', 'Quantity.', { required: true, compact: true }),
    unitPrice: field('UnitPrice', 'currency', 'Sales price per unit (the list price when left out).', {
      compact: true,
    }),
    totalPrice: field('TotalPrice', 'currency', 'Quantity times unit price.', {
      readOnly: true,
      compact: true,
    }),
    description: field('Description', 'string', 'Line description.', { maxLength: 255 }),
  },
  parents: {
    product: { field: 'product2Id', relationship: 'Product2', objects: ['Product2'] },
    opportunity: { field: 'opportunityId', relationship: 'Opportunity', objects: ['Opportunity'] },
  },
});
