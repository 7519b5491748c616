import { soql } from '@sfgql/soql';
import { field, idField } from '../field.ts';
import { activeOnly } from '../read.ts';
import { defineObject } from '../spec.ts';

/** A Salesforce user. */
export const userSpec = defineObject({
  apiName: 'User',
  label: 'User',
  labelPlural: 'Users',
  description: 'A person who uses Salesforce: an agent, a rep, an admin.',
  keyPrefix: '005',
  nameField: 'name',
  operations: ['search', 'get'],
  read: {
    scopes: [
      activeOnly('Include users who can no longer log in (left out by default: they cannot take work).'),
    ],
  },
  fields: {
    id: idField('user'),
    name: field('Name', 'string', 'Full name.', { readOnly: true, compact: true, search: 'like' }),
    username: field('Username', 'string', 'Login name.', { readOnly: true, compact: true, search: 'like' }),
    email: field('Email', 'email', 'Email address.', { readOnly: true, compact: true, search: 'like' }),
    title: field('Title', 'string', 'Job title.', { readOnly: true, compact: true }),
    department: field('Department', 'string', 'Department.', { readOnly: true }),
    phone: field('Phone', 'phone', 'Phone.', { readOnly: true, search: 'phone' }),
    isActive: field('IsActive', 'boolean', 'Whether the user can log in.', { readOnly: true, compact: true }),
    lastModifiedDate: field('LastModifiedDate', 'datetime', 'When the user last changed.', {
      readOnly: true,
    }),
  },
});

/** A queue: a Group of type Queue that cases and leads can be assigned to. */
export const queueSpec = defineObject({
  apiName: 'Group',
  label: 'Queue',
  labelPlural: 'Queues',
  description: 'A queue that records (cases, leads) can be assigned to, for a team to pick up.',
  keyPrefix: '00G',
  nameField: 'name',
  operations: [],
  // A Group is a queue only when its Type says so (public groups and roles are Groups too).
  read: { base: soql`Type = 'Queue'`, order: [{ field: 'name', direction: 'ASC' }] },
  fields: {
    id: idField('queue'),
    name: field('Name', 'string', 'Queue name, e.g. Billing Support.', {
      readOnly: true,
      compact: true,
      search: 'like',
    }),
    developerName: field('DeveloperName', 'string', 'API name of the queue.', {
      readOnly: true,
      compact: true,
    }),
    email: field('Email', 'email', 'Queue email.', { readOnly: true }),
  },
});
