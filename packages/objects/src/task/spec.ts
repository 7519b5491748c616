import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';

/** Who an activity is about: a person. */
export const WHO_OBJECTS = ['Contact', 'Lead'] as const;
/** What an activity is about: a thing. */
export const WHAT_OBJECTS = ['Account', 'Opportunity', 'Case', 'Campaign', 'Product2'] as const;

/** A to-do or a logged call. */
export const taskSpec = defineObject({
  apiName: 'Task',
  label: 'Task',
  labelPlural: 'Tasks',
  description: 'A to-do item or a logged call, linked to a person (who) and a thing (what).',
  keyPrefix: '00T',
  nameField: 'subject',
  operations: ['search', 'get', 'create', 'update', 'delete'],
  fields: {
    id: idField('task'),
    subject: field('Subject', 'string', 'Title, e.g. "Inbound call - billing question".', {
      maxLength: 255,
      search: 'like',
      compact: true,
      recommended: true,
    }),
    status: field('Status', 'picklist', 'Progress.', {
      values: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      restricted: true,
      compact: true,
    }),
    priority: field('Priority', 'picklist', 'High, Normal or Low.', {
      values: ['High', 'Normal', 'Low'],
      restricted: true,
      compact: true,
    }),
    activityDate: field('ActivityDate', 'date', 'Due date (YYYY-MM-DD).', { compact: true }),
    description: field(
      'Description',
      'textarea',
      'Details or call notes (long text: not searchable in Salesforce).',
    ),
    whoId: lookup('WhoId', WHO_OBJECTS, 'The contact or lead the task is about.', {
      compact: true,
      recommended: true,
    }),
    whatId: lookup(
      'WhatId',
      WHAT_OBJECTS,
      'The account, opportunity, case, campaign or product the task is about.',
      { compact: true },
    ),
    type: field('Type', 'picklist', 'Call, Email, Meeting or Other.', {
      values: ['Call', 'Email', 'Meeting', 'Other'],
    }),
    taskSubtype: field('TaskSubtype', 'picklist', '"Call" makes it a logged call.', {
      values: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
      restricted: true,
      createOnly: true,
      compact: true,
    }),
    callType: field('CallType', 'picklist', 'Direction of a call.', {
      values: ['Internal', 'Inbound', 'Outbound'],
      restricted: true,
    }),
    callDisposition: field(
      'CallDisposition',
      'string',
      'Outcome of a call: Connected, Left Voicemail, No Answer, ...',
      { maxLength: 255 },
    ),
    callDurationInSeconds: field('CallDurationInSeconds', 'int', 'Call length in seconds.'),
    isClosed: field('IsClosed', 'boolean', 'Whether the task is done.', { readOnly: true }),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the task last changed.', {
      readOnly: true,
    }),
  },
  parents: {
    who: { field: 'whoId', relationship: 'Who', objects: WHO_OBJECTS },
    what: { field: 'whatId', relationship: 'What', objects: WHAT_OBJECTS },
  },
});
