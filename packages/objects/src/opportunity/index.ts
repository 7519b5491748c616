import { createOperation, deleteOperation, getOperation, searchOperation, updateOperation } from '../crud.ts';
import { opportunitySpec } from './spec.ts';

export { OPPORTUNITY_STAGES, opportunitySpec } from './spec.ts';
export const searchOpportunities = searchOperation(opportunitySpec);
export const getOpportunity = getOperation(opportunitySpec);
export const createOpportunity = createOperation(opportunitySpec);
export const updateOpportunity = updateOperation(opportunitySpec);
export const deleteOpportunity = deleteOperation(opportunitySpec);

/** Every Opportunity operation, for the adapters. */
export const opportunityOperations = [
  searchOpportunities,
  getOpportunity,
  createOpportunity,
  updateOpportunity,
  deleteOpportunity,
];
