import { accountOperations } from './account/index.ts';
import { aggregateRecords } from './aggregate.ts';
import { campaignOperations } from './campaign/index.ts';
import { caseOperations } from './case/index.ts';
import { contactOperations } from './contact/index.ts';
import { eventOperations } from './event/index.ts';
import { knowledgeOperations } from './knowledge/index.ts';
import { leadOperations } from './lead/index.ts';
import { lookupOperations } from './lookup/index.ts';
import { noteOperations } from './note/index.ts';
import type { Operation } from './operation.ts';
import { opportunityOperations } from './opportunity/index.ts';
import { productOperations } from './product/index.ts';
import { recordOperations } from './records/index.ts';
import { relatedOperations } from './related.ts';
import { taskOperations } from './task/index.ts';
import { userOperations } from './user/index.ts';

/** Every operation, grouped by object family: what every door exposes. */
export const operationFamilies = {
  contacts: contactOperations,
  leads: leadOperations,
  accounts: accountOperations,
  opportunities: opportunityOperations,
  cases: caseOperations,
  tasks: taskOperations,
  events: eventOperations,
  notes: noteOperations,
  knowledge: knowledgeOperations,
  usersAndQueues: userOperations,
  products: productOperations,
  campaigns: campaignOperations,
  lookups: lookupOperations,
  /** Counts and measures of one object's records, grouped. */
  aggregates: [aggregateRecords],
  records: recordOperations,
  /** Timelines and related lists of contacts, leads, accounts, cases and opportunities. */
  related: relatedOperations,
} as const satisfies Record<string, readonly Operation[]>;

export type OperationFamily = keyof typeof operationFamilies;

/** Every operation once, by name. */
export const operations: ReadonlyMap<string, Operation> = new Map(
  Object.values(operationFamilies)
    .flat()
    .map((op) => [op.name, op as Operation]),
);
