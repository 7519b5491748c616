import { field, idField, lookup, ownerField } from '../field.ts';
import { defineObject } from '../spec.ts';
import { WHAT_OBJECTS, WHO_OBJECTS } from '../task/spec.ts';

/** A calendar event: a meeting, callback or appointment. */
export const eventSpec = defineObject({
  apiName: 'Event',
  label: 'Event',
  labelPlural: 'Events',
  description: 'A calendar event: a meeting, callback or appointment.',
  keyPrefix: '00U',
  nameField: 'subject',
  operations: ['search', 'get', 'update', 'delete'],
  fields: {
    id: idField('event'),
    subject: field('Subject', 'string', 'Title, e.g. "Callback - discuss renewal options".', {
      maxLength: 255,
      search: 'like',
      compact: true,
      required: true,
    }),
    startDateTime: field(
      'StartDateTime',
      'datetime',
      'When it starts (ISO 8601, e.g. 2026-02-12T10:00:00Z).',
      { required: true, compact: true },
    ),
    endDateTime: field('EndDateTime', 'datetime', 'When it ends (ISO 8601), after the start.', {
      required: true,
      compact: true,
    }),
    location: field('Location', 'string', 'Where: Phone, Zoom, an address.', {
      maxLength: 255,
      search: 'like',
      compact: true,
    }),
    description: field('Description', 'textarea', 'Details (long text: not searchable in Salesforce).'),
    whoId: lookup('WhoId', WHO_OBJECTS, 'The contact or lead the event is with.', {
      compact: true,
      recommended: true,
    }),
    whatId: lookup(
      'WhatId',
      WHAT_OBJECTS,
      'The account, opportunity, case, campaign or product the event is about.',
      { compact: true },
    ),
    isAllDayEvent: field('IsAllDayEvent', 'boolean', 'An all-day event.'),
    showAs: field('ShowAs', 'picklist', 'Busy, OutOfOffice or Free.', {
      values: ['Busy', 'OutOfOffice', 'Free'],
      restricted: true,
    }),
    type: field('Type', 'picklist', 'Call, Email, Meeting or Other.', {
      values: ['Call', 'Email', 'Meeting', 'Other'],
    }),
    ownerId: ownerField(),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the event last changed.', {
      readOnly: true,
    }),
  },
  parents: {
    who: { field: 'whoId', relationship: 'Who', objects: WHO_OBJECTS },
    what: { field: 'whatId', relationship: 'What', objects: WHAT_OBJECTS },
  },
});
