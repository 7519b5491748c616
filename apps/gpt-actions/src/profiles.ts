import type { Operation } from '@sfgql/objects/operation';
import { OPERATION_SETS } from '@sfgql/objects/sets';
import { type Binding, bindOperation } from './binding.ts';
import { cookbookBindings, cookbookCaseQuery } from './cookbook.ts';

/**
 * One OpenAPI document for one custom GPT: a set of operations small enough for GPT Actions (at
 * most 30), and the instructions to paste into the GPT that uses it.
 */
export interface Profile {
  name: string;
  title: string;
  /** The document's `info.description`: what the GPT can do with it. */
  description: string;
  /** The custom GPT's instructions, to paste into the GPT editor. */
  instructions: string;
  bindings: Binding[];
}

/** A typed profile's operations, each at its catalog route. */
const typed = (ops: readonly Operation[]): Binding[] => ops.map((op) => bindOperation(op));

const CONFIRMING = `Changes are confirmed. The first call of a change writes nothing: it answers status "confirmation_required" with a summary. Read the summary to the user word for word. Only if they agree, repeat the same call with the same arguments plus its confirmationToken; if they do not, do not call again.`;

const ERRORS = `If an action answers with an error, tell the user its detail and do what it says (a stale confirmation comes with a fresh summary to read again). Never invent Ids, numbers or confirmation tokens.`;

const READ_ERRORS = `If an action answers with an error, tell the user its detail and do what it says. Never invent Ids or numbers.`;

const numbered = (lines: string[]) => lines.map((line, i) => `${i + 1}. ${line}`).join('\n');

function instructions(context: string, steps: string[], example: string, writes = true): string {
  const all = [...steps, ...(writes ? [CONFIRMING, ERRORS] : [READ_ERRORS])];
  return `**Context**: ${context}\n\n**Instructions**:\n${numbered(all)}\n\n**Example**:\nUser: ${example}`;
}

/** The profiles, the default first. */
export const profiles: readonly Profile[] = [
  {
    name: 'service',
    title: 'Salesforce Service Cloud cases',
    description:
      'Find, read, update, route and close Service Cloud cases, answer from knowledge articles, and open cases from a conversation, as the Salesforce user who signed in. Every change is confirmed by the user first.',
    instructions: instructions(
      'You help support agents work Service Cloud cases in Salesforce: find a case, read it, answer the customer from knowledge articles, and update, route or close the case. You act as the agent who signed in.',
      [
        'When the user gives a case number, call getCaseDetailsFromNumber. Use the case Id it returns for every later action on that case.',
        'To answer the customer, call searchKnowledge with a few words of the question, then getKnowledgeArticle for the best match; name the article number you used.',
        'To find a customer, call searchContacts (or globalSearch) with their name, email or phone.',
        'To open a case from this conversation, call createCaseFromConversation with a subject, a summary and the transcript.',
        'To change a case, use updateCaseStatus (the status only), updateCase (other fields), addCaseComment, routeCaseToQueue (listQueues gives the queues), logCall, or deleteCase.',
      ],
      'Help me solve case 00001104 in Service Cloud.',
    ),
    bindings: typed(OPERATION_SETS.service),
  },
  {
    name: 'calls',
    title: 'Salesforce for voice and chat agents',
    description:
      "Everything a support call needs, as the Salesforce user who signed in: find the caller by phone, read their timeline and recent cases, answer from knowledge articles, open a case, log the call, schedule a callback, add a note and route the case to a queue. Every change is confirmed by the caller's agent first.",
    instructions: instructions(
      'You are a voice or chat agent for customer support, talking with a customer. You act as the Salesforce user who signed in. Keep answers short: they are read aloud.',
      [
        'Identify the caller first: call searchContacts with their phone number exactly as given (any format works), or their name or email; if no contact matches, searchLeads. Confirm their name with them before going on.',
        'Call getContactTimeline with the contact Id to see their recent calls, callbacks and cases before you answer (getLeadTimeline for a lead, getCaseTimeline for a case).',
        'To answer a question, call searchKnowledge with a few words of the question, then getKnowledgeArticle for the best match, and answer from it; name the article number you used.',
        "To open a case, call createCase with Subject, Description, Priority, Origin (Phone for a call, Chat for a chat) and the caller's ContactId, and tell the caller the caseNumber its answer carries. To keep the whole conversation on the case, use createCaseFromConversation instead.",
        "Before the call ends, call logCall with the contact as WhoId and the case as WhatId. For a callback, call scheduleEvent with StartDateTime and EndDateTime in ISO 8601 with the caller's time zone offset, and the same WhoId and WhatId. For anything worth keeping, createNote on the contact or the case.",
        'To hand the case to a team, call routeCaseToQueue (listQueues gives the queues).',
      ],
      'Hi, this is Sarah Johnson calling from +1 (555) 234-5678: I was charged twice on my last invoice.',
    ),
    bindings: typed(OPERATION_SETS.calls),
  },
  {
    name: 'cookbook',
    title: 'Salesforce Service Cloud Case Update API',
    description:
      "A drop-in for the GPT Action cookbook's schema: read cases with SOQL (read-only, checked), update a case's status and delete a case, each change confirmed by the user first.",
    instructions: instructions(
      'Your purpose is to pull information from Service Cloud, and push updates to cases. A user is going to ask you a question and ask you to make updates.',
      [
        `When a user asks you to help them solve a case in Service Cloud, ask for the case number and pull the details for the case into the conversation using the getCaseDetailsFromNumber action, with q = ${cookbookCaseQuery('<the number>')}.`,
        'If the user asks you to update the case status, use the action updateCaseStatus with the case Id. To delete a case, use deleteCase.',
      ],
      'Help me solve case 00001104 in Service Cloud.',
    ),
    bindings: cookbookBindings(),
  },
  {
    name: 'sales',
    title: 'Salesforce sales records',
    description:
      'Search, read, create, update and delete contacts, leads, accounts, opportunities and products, and put products on opportunities, as the Salesforce user who signed in. Every change is confirmed by the user first.',
    instructions: instructions(
      'You help sales reps keep Salesforce up to date: contacts, leads, accounts, opportunities and the products on them. You act as the rep who signed in.',
      [
        'Search before you create: call searchContacts, searchLeads, searchAccounts or searchOpportunities with a name, email, phone or number, and use the Id of the record found.',
        'To put a product on an opportunity, find it with searchProducts or searchPricebookEntries, then call addProductToOpportunity.',
      ],
      'Add Acme Corporation as a new opportunity closing next month.',
    ),
    bindings: typed(OPERATION_SETS.sales),
  },
  {
    name: 'activities',
    title: 'Salesforce tasks, events and notes',
    description:
      'Log calls, create and update tasks, schedule events and write notes on Salesforce records, as the user who signed in. Every change is confirmed by the user first.',
    instructions: instructions(
      "You keep a Salesforce user's activity timeline up to date: calls, tasks, meetings and notes on contacts, leads, accounts, opportunities and cases. You act as the user who signed in.",
      [
        'Find the person or record first with searchContacts, searchLeads or globalSearch, and use its Id (WhoId for a person, WhatId for an account, opportunity or case).',
        'After a phone call, call logCall; for a follow-up, createTask; for a meeting, scheduleEvent; for anything worth keeping, createNote on the record.',
      ],
      'Log my call with Sarah Johnson: she wants a refund for the duplicate charge.',
    ),
    bindings: typed(OPERATION_SETS.activities),
  },
  {
    name: 'marketing',
    title: 'Salesforce campaigns',
    description:
      'Search, create, update and delete campaigns, and add or remove their contact and lead members, as the Salesforce user who signed in. Every change is confirmed by the user first.',
    instructions: instructions(
      'You help marketers run Salesforce campaigns and their members. You act as the user who signed in.',
      [
        'Find campaigns with searchCampaigns, and the people to add with searchContacts or searchLeads.',
        'Add a member with addCampaignMember (a contact or a lead, never both); create a lead first with createLead when the person is new.',
      ],
      'Add Sarah Johnson to the Spring Webinar campaign.',
    ),
    bindings: typed(OPERATION_SETS.marketing),
  },
  {
    name: 'admin',
    title: 'Salesforce org lookups',
    description:
      "Look up users, queues and any record by Id, search across objects, describe an object's fields and picklist values, and check the org's API limits. Read-only.",
    instructions: instructions(
      'You answer questions about a Salesforce org: its users and queues, any record by Id, the fields and picklist values of an object, and its API usage. You only read.',
      [
        'Use globalSearch to find records of any kind by a word, getRecordById when you have an Id, and describeObject to learn which fields and picklist values an object has.',
      ],
      'Which values can a case Status have in our org?',
      false,
    ),
    bindings: typed(OPERATION_SETS.admin),
  },
];

export const DEFAULT_PROFILE = 'service';

export function findProfile(name: string): Profile | undefined {
  return profiles.find((p) => p.name === name.toLowerCase());
}

/**
 * Every binding the adapter serves: each profile's, and every other operation of the catalog at
 * its own route, so that any operation can be called over REST whichever documents a GPT holds.
 */
export function servedBindings(): Binding[] {
  const bound = profiles.flatMap((p) => p.bindings);
  const named = new Set(bound.map((b) => b.operationId));
  return [...bound, ...typed(OPERATION_SETS.all.filter((op) => !named.has(op.name)))];
}
