import {
  type AuditTrail,
  type Confirmation,
  createConfirmation,
  type IdempotencyStore,
  type NonceStore,
  type PolicyConfig,
  type WritePolicy,
} from '@sfgql/confirm';
import { openConfirmation } from '@sfgql/confirm/stores';
import { CLIENT_ID } from './callers.ts';
import type { ActionsConfig, WriteScope } from './config.ts';

/**
 * The writes of the default profiles (`service`, `cookbook` and `calls`), a support agent's: cases
 * may be opened, updated and deleted (deleting only with confirmation, as every delete), comments
 * added to cases, tasks created and updated (calls and follow-ups), events created (callbacks) and
 * notes written (a title, a body and the record they are on). Nothing else, and only the fields
 * listed: no record types or system fields, no other objects, no other owner for a task or an
 * event. Two fields come from the profiles' own operations: a case's OwnerId, which
 * routeCaseToQueue changes to the queue, and a task's Type, which logCall sets to Call. A model
 * still cannot write accounts, opportunities or users.
 */
export const SERVICE_WRITE_POLICY: WritePolicy = {
  objects: {
    Case: {
      actions: ['create', 'update', 'delete'],
      fields: [
        'Subject',
        'Description',
        'Status',
        'Priority',
        'Origin',
        'Type',
        'Reason',
        'ContactId',
        'AccountId',
        'SuppliedName',
        'SuppliedEmail',
        'SuppliedPhone',
        'OwnerId',
      ],
    },
    CaseComment: { actions: ['create'], fields: ['ParentId', 'CommentBody', 'IsPublished'] },
    Task: {
      actions: ['create', 'update'],
      fields: [
        'Subject',
        'Description',
        'Status',
        'Priority',
        'ActivityDate',
        'WhoId',
        'WhatId',
        'TaskSubtype',
        'CallType',
        'CallDurationInSeconds',
        'CallDisposition',
        'Type',
      ],
    },
    Event: {
      actions: ['create'],
      fields: [
        'Subject',
        'StartDateTime',
        'EndDateTime',
        'Location',
        'Description',
        'WhoId',
        'WhatId',
        'IsAllDayEvent',
        'ShowAs',
        'Type',
      ],
    },
    ContentNote: { actions: ['create'] },
  },
};

/** The write policy of each `SFGQL_ACTIONS_WRITES` setting; every write is confirmed under all of them. */
export const WRITE_POLICIES: Readonly<Record<WriteScope, WritePolicy>> = {
  service: SERVICE_WRITE_POLICY,
  all: {},
  none: { readOnly: true },
};

/** The policies of the adapter's principal under the configured scope. */
const policyOf = (writes: WriteScope): PolicyConfig => {
  const policy = WRITE_POLICIES[writes];
  return { default: policy, clients: { [CLIENT_ID]: policy } };
};

/** The confirmation protocol for the adapter's principal, with the policy of the configured scope. */
export function createActionsConfirmation(options: {
  secret: string;
  writes: WriteScope;
  ttlMs?: number;
  store?: NonceStore;
  idempotency?: IdempotencyStore;
  audit?: AuditTrail;
  now?: () => number;
}): Confirmation {
  return createConfirmation({
    keys: { current: options.secret },
    policy: policyOf(options.writes),
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    onStoreError: (error, context) => console.error('[gpt-actions] confirmation store:', context, error),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** The adapter's log stream for audit entries (`SFGQL_AUDIT=log`): JSON lines on stdout. */
const logger = {
  info(obj: object, msg?: string) {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...obj })}\n`);
  },
  error(obj: object, msg?: string) {
    console.error(`[gpt-actions] ${msg ?? ''}`, obj);
  },
};

/**
 * The confirmation protocol as configured (`openConfirmation`): the configured secret (or the demo
 * secret kept in the data folder), used tokens and idempotency keys in SQLite in the data folder (or
 * in Redis when a URL is set), and the audit trail shared with the other adapters of the data folder.
 */
export async function confirmationFromConfig(
  config: Pick<ActionsConfig, 'confirmSecret' | 'dataDir' | 'writes' | 'confirmTtlMs' | 'redisUrl' | 'audit'>,
): Promise<{ confirmation: Confirmation; close(): Promise<void> }> {
  const { confirmation, stores } = await openConfirmation({
    ...config,
    logger,
    policy: policyOf(config.writes),
  });
  return { confirmation, close: () => stores.close() };
}
