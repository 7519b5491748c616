import { createOperation, deleteOperation, getOperation, searchOperation, updateOperation } from '../crud.ts';
import { accountSpec } from './spec.ts';

export { accountSpec };
export const searchAccounts = searchOperation(accountSpec);
export const getAccount = getOperation(accountSpec);
export const createAccount = createOperation(accountSpec);
export const updateAccount = updateOperation(accountSpec);
export const deleteAccount = deleteOperation(accountSpec);

/** Every Account operation, for the adapters. */
export const accountOperations = [searchAccounts, getAccount, createAccount, updateAccount, deleteAccount];
