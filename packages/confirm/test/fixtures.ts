import type { Principal, WriteRequest } from '../src/types.ts';

/** Two 32-byte secrets for tests (never used outside them). */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const OTHER_SECRET = 'other-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export const ALICE: Principal = {
  userId: '005000000000001AAA',
  orgId: '00D000000000001AAA',
  clientId: 'gateway',
};
export const BOB: Principal = {
  userId: '005000000000002AAA',
  orgId: '00D000000000001AAA',
  clientId: 'gateway',
};

export const CASE_ID = '500000000000001AAA';
export const MODSTAMP = '2026-03-01T09:00:00.000Z';

/** "Update case 00001104: Status from New to Escalated." */
export function updateCase(overrides: Partial<WriteRequest> = {}): WriteRequest {
  return {
    principal: ALICE,
    operation: 'updateCase',
    action: 'update',
    object: 'Case',
    recordId: CASE_ID,
    recordLabel: '00001104',
    args: { id: CASE_ID, fields: { status: 'Escalated' } },
    changes: [{ field: 'Status', before: 'New', after: 'Escalated' }],
    systemModstamp: MODSTAMP,
    ...overrides,
  };
}

export function deleteCase(overrides: Partial<WriteRequest> = {}): WriteRequest {
  return {
    principal: ALICE,
    operation: 'deleteCase',
    action: 'delete',
    object: 'Case',
    recordId: CASE_ID,
    recordLabel: '00001104',
    args: { id: CASE_ID },
    changes: [],
    systemModstamp: MODSTAMP,
    ...overrides,
  };
}

export function createTask(overrides: Partial<WriteRequest> = {}): WriteRequest {
  return {
    principal: ALICE,
    operation: 'createTask',
    action: 'create',
    object: 'Task',
    args: { subject: 'Call back', whatId: CASE_ID },
    changes: [
      { field: 'Subject', before: null, after: 'Call back' },
      { field: 'WhatId', before: null, after: CASE_ID },
    ],
    ...overrides,
  };
}

/** A clock tests move by hand. */
export function fakeClock(start = Date.parse('2026-03-01T10:00:00.000Z')) {
  let at = start;
  return {
    now: () => at,
    advance(ms: number) {
      at += ms;
    },
  };
}

/** A settled promise's refusal code, or 'ok'. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw error;
  }
}
