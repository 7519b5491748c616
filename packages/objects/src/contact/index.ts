import { createOperation, deleteOperation, getOperation, searchOperation, updateOperation } from '../crud.ts';
import { contactSpec } from './spec.ts';

export { contactSpec };
export const searchContacts = searchOperation(contactSpec);
export const getContact = getOperation(contactSpec);
export const createContact = createOperation(contactSpec);
export const updateContact = updateOperation(contactSpec);
export const deleteContact = deleteOperation(contactSpec);

/** Every Contact operation, for the adapters. */
export const contactOperations = [searchContacts, getContact, createContact, updateContact, deleteContact];
