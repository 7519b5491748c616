import { aggregateRecords } from './aggregate.ts';
import {
  addCaseComment,
  caseCommentsOf,
  createCase,
  createCaseFromConversation,
  deleteCase,
  getCase,
  getCaseByNumber,
  routeCaseToQueue,
  searchCases,
  updateCase,
  updateCaseStatus,
} from './case/index.ts';
import { operationFamilies, operations } from './catalog.ts';
import { getContact, searchContacts } from './contact/index.ts';
import { scheduleEvent } from './event/index.ts';
import { getKnowledgeArticle, searchKnowledge } from './knowledge/index.ts';
import { createLead, getLead, searchLeads, updateLead } from './lead/index.ts';
import { getRecordById, globalSearch } from './lookup/index.ts';
import { createNote } from './note/index.ts';
import type { Operation } from './operation.ts';
import {
  getAccountTimeline,
  getCaseTimeline,
  getContactTimeline,
  getLeadTimeline,
  getOpportunityTimeline,
  relatedOperations,
} from './related.ts';
import { logCall } from './task/index.ts';
import { getUser, listQueues, searchUsers } from './user/index.ts';

const named = (name: string): Operation => {
  const op = relatedOperations.find((o) => o.name === name);
  if (!op) throw new Error(`No related operation ${name}`);
  return op;
};

/**
 * Named sets of operations, for doors that offer a part of the catalog at a time: a GPT holds one
 * set as its actions (at most 30), an MCP client one set as its tools. The sets are the catalog's, so
 * every door offers the same `service` or `sales`; a door adds only its own words (a GPT's
 * instructions, a toolset's title).
 */
export const OPERATION_SETS = {
  /** A support agent's case work: find, read, answer from knowledge, update, route, close. */
  service: [
    getCaseByNumber,
    updateCaseStatus,
    deleteCase,
    createCaseFromConversation,
    addCaseComment,
    searchKnowledge,
    getKnowledgeArticle,
    searchContacts,
    listQueues,
    routeCaseToQueue,
    searchCases,
    getCase,
    createCase,
    updateCase,
    caseCommentsOf,
    logCall,
    getContact,
    globalSearch,
    aggregateRecords,
    getContactTimeline,
    getCaseTimeline,
    named('listContactCases'),
  ],
  /**
   * A voice or chat agent's whole call: identify the caller by phone, read their timeline and recent
   * cases, open a case (or one from the conversation), log the call, schedule a callback, add a note,
   * answer from knowledge, route to a queue.
   */
  calls: [
    searchContacts,
    searchLeads,
    getContact,
    getContactTimeline,
    getLeadTimeline,
    getCaseByNumber,
    getCase,
    getCaseTimeline,
    createCase,
    createCaseFromConversation,
    updateCase,
    addCaseComment,
    logCall,
    scheduleEvent,
    createNote,
    searchKnowledge,
    getKnowledgeArticle,
    listQueues,
    routeCaseToQueue,
  ],
  /** Contacts, leads, accounts, opportunities and the products on them. */
  sales: [
    ...operationFamilies.contacts,
    ...operationFamilies.leads,
    ...operationFamilies.accounts,
    ...operationFamilies.opportunities,
    ...operationFamilies.products,
    aggregateRecords,
    // What is on an opportunity, to change or remove a product (an account's timeline is in activities).
    named('listOpportunityLineItems'),
  ],
  /** Calls, tasks, meetings and notes on a person's or a record's timeline. */
  activities: [
    ...operationFamilies.tasks,
    ...operationFamilies.events,
    ...operationFamilies.notes,
    searchContacts,
    searchLeads,
    searchUsers,
    getUser,
    getRecordById,
    globalSearch,
    getContactTimeline,
    getLeadTimeline,
    getAccountTimeline,
    getCaseTimeline,
    getOpportunityTimeline,
  ],
  /** Campaigns and their contact and lead members. */
  marketing: [
    ...operationFamilies.campaigns,
    searchContacts,
    getContact,
    searchLeads,
    getLead,
    createLead,
    updateLead,
  ],
  /**
   * Users, queues, any record by Id, search, describe, limits, knowledge, and every record's
   * timeline and related lists: read-only.
   */
  admin: [
    ...operationFamilies.usersAndQueues,
    ...operationFamilies.lookups,
    ...operationFamilies.knowledge,
    ...operationFamilies.related,
  ],
  /** The whole catalog. */
  all: [...operations.values()],
} as const satisfies Record<string, readonly Operation[]>;

export type OperationSetName = keyof typeof OPERATION_SETS;

export const OPERATION_SET_NAMES = Object.keys(OPERATION_SETS) as OperationSetName[];
