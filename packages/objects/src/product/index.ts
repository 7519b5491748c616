import { soql } from '@sfgql/soql';
import { z } from 'zod';
import {
  createdSchema,
  createOperation,
  deleteOperation,
  getOperation,
  searchOperation,
  updateOperation,
} from '../crud.ts';
import { OperationError } from '../errors.ts';
import { idSchema } from '../input.ts';
import { defineWrite, newRecordPreview, type OperationContext, type WriteOperation } from '../operation.ts';
import { lineItemSpec, pricebookEntrySpec, productSpec } from './spec.ts';

export { lineItemSpec, pricebookEntrySpec, productSpec };
export const searchProducts = searchOperation(productSpec);
export const getProduct = getOperation(productSpec);
export const createProduct = createOperation(productSpec);
export const updateProduct = updateOperation(productSpec);
export const deleteProduct = deleteOperation(productSpec);
/** Searches the standard price book's active entries. */
export const searchPricebookEntries = searchOperation(pricebookEntrySpec);

const addInput = z
  .strictObject({
    opportunityId: idSchema(['Opportunity']).describe('The opportunity.'),
    pricebookEntryId: idSchema(['PricebookEntry'])
      .optional()
      .describe('The standard pricebook entry (see searchPricebookEntries).'),
    productId: idSchema(['Product2'])
      .optional()
      .describe('Or the product: its standard pricebook entry is used.'),
    quantity: z.number().positive('quantity must be more than 0').describe('How many.'),
    unitPrice: z
      .number()
      .nonnegative()
      .optional()
      .describe('Sales price per unit; the list price when left out.'),
    description: z.string().max(255).optional(),
  })
  .refine((v) => Boolean(v.pricebookEntryId) !== Boolean(v.productId), {
    message: 'give pricebookEntryId or productId, not both',
  });

/** Resolves the pricebook entry of a line: the one given, or the product's active standard entry. */
async function entryFor(ctx: OperationContext, input: { pricebookEntryId?: string; productId?: string }) {
  const where = input.pricebookEntryId
    ? soql`Id = ${input.pricebookEntryId}`
    : soql`Product2Id = ${input.productId ?? ''} AND Pricebook2.IsStandard = TRUE AND IsActive = TRUE`;
  const result = await ctx.client.query(
    soql`SELECT Id, Name, UnitPrice, Product2Id, Pricebook2Id, IsActive FROM PricebookEntry WHERE ${where} LIMIT 1`,
  );
  const entry = result.records[0];
  if (!entry) {
    throw new OperationError(
      'NOT_FOUND',
      input.pricebookEntryId
        ? `No pricebook entry has the Id ${input.pricebookEntryId}.`
        : `The product ${input.productId} has no active standard price.`,
    );
  }
  return entry as { Id: string; Name: string; UnitPrice: number; Pricebook2Id: string; IsActive: boolean };
}

/** Adds a product to an opportunity as a line item, priced from the standard price book unless given. */
export const addProductToOpportunity = defineWrite({
  name: 'addProductToOpportunity',
  action: 'create',
  object: lineItemSpec,
  rest: { method: 'post', path: '/opportunities/{OpportunityId}/products' },
  summary: 'Add a product to an opportunity with a quantity and optionally a price.',
  input: addInput,
  output: createdSchema,
  async prepare(ctx, input) {
    const [entry, found] = await Promise.all([
      entryFor(ctx, input),
      ctx.client.query(
        soql`SELECT Name, Pricebook2Id FROM Opportunity WHERE Id = ${input.opportunityId} LIMIT 1`,
      ),
    ]);
    const opportunity = found.records[0] as { Name: string; Pricebook2Id: string | null } | undefined;
    if (!opportunity)
      throw new OperationError('NOT_FOUND', `No opportunity has the Id ${input.opportunityId}.`);
    // What Salesforce would refuse at the write (FIELD_INTEGRITY_EXCEPTION), refused here, by name.
    const named = input.pricebookEntryId ? 'pricebookEntryId' : 'productId';
    if (!entry.IsActive) {
      throw new OperationError('INVALID_INPUT', `✖ is an inactive price book entry\n  → at ${named}`);
    }
    if (opportunity.Pricebook2Id && opportunity.Pricebook2Id !== entry.Pricebook2Id) {
      throw new OperationError(
        'INVALID_INPUT',
        `✖ is priced in another price book than the opportunity's (${opportunity.Pricebook2Id}): use an entry of that price book\n  → at ${named}`,
      );
    }
    const price = input.unitPrice ?? entry.UnitPrice;
    return newRecordPreview(
      'OpportunityLineItem',
      [
        { field: 'opportunityId', before: null, after: input.opportunityId },
        { field: 'pricebookEntryId', before: null, after: entry.Id },
        { field: 'quantity', before: null, after: input.quantity },
        { field: 'unitPrice', before: null, after: price },
      ],
      `Add ${input.quantity} × ${entry.Name} at ${price} each to the opportunity "${String(opportunity.Name)}".`,
    );
  },
  async execute(ctx, input) {
    const entry = await entryFor(ctx, input);
    const result = await ctx.client.create('OpportunityLineItem', {
      OpportunityId: input.opportunityId,
      PricebookEntryId: entry.Id,
      Quantity: input.quantity,
      UnitPrice: input.unitPrice ?? entry.UnitPrice,
      ...(input.description ? { Description: input.description } : {}),
    });
    return { id: result.id, success: result.success };
  },
});

/** Removes a product (line item) from an opportunity. */
export const removeProductFromOpportunity: WriteOperation = deleteOperation(lineItemSpec, {
  name: 'removeProductFromOpportunity',
  summary: 'Remove a product (line item) from an opportunity.',
  sentence: ({ record, parents }) =>
    `Remove ${record} from ${parents.get('opportunityId') ?? 'its opportunity'} (the line goes to the Recycle Bin for 15 days).`,
});

export const productOperations = [
  searchProducts,
  getProduct,
  createProduct,
  updateProduct,
  deleteProduct,
  searchPricebookEntries,
  addProductToOpportunity,
  removeProductFromOpportunity,
];
