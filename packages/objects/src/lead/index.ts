import { createOperation, deleteOperation, getOperation, searchOperation, updateOperation } from '../crud.ts';
import { leadSpec } from './spec.ts';

export { leadSpec };
export const searchLeads = searchOperation(leadSpec);
export const getLead = getOperation(leadSpec);
export const createLead = createOperation(leadSpec);
export const updateLead = updateOperation(leadSpec);
export const deleteLead = deleteOperation(leadSpec);

/** Every Lead operation, for the adapters. */
export const leadOperations = [searchLeads, getLead, createLead, updateLead, deleteLead];
