import { defineObject } from '../spec.ts';

/** Service Cloud's Case: a customer's question, problem or request. */
export const caseSpec = defineObject({
  apiName: 'Case',
  label: 'Case',
  description: 'A customer support case (ticket).',
  fields: {
    id: { apiName: 'Id', kind: 'id', description: 'The 18-character Salesforce record Id.' },
    caseNumber: {
      apiName: 'CaseNumber',
      kind: 'string',
      description: 'The case number shown to customers, e.g. 00001104.',
    },
    subject: { apiName: 'Subject', kind: 'string', description: 'One-line summary of the case.' },
    description: {
      apiName: 'Description',
      kind: 'textarea',
      description: 'Full description of the problem.',
    },
    status: {
      apiName: 'Status',
      kind: 'picklist',
      description: 'Where the case is in its lifecycle.',
      values: ['New', 'Working', 'Escalated', 'Closed'],
    },
    priority: {
      apiName: 'Priority',
      kind: 'picklist',
      description: 'How urgent the case is.',
      values: ['High', 'Medium', 'Low'],
    },
    origin: {
      apiName: 'Origin',
      kind: 'picklist',
      description: 'How the case came in.',
      values: ['Phone', 'Email', 'Web', 'Chat'],
    },
  },
});
