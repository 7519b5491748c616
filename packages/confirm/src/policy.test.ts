import { describe, expect, it } from 'vitest';
import { WriteForbiddenError } from './errors.ts';
import { checkFields, checkWrite, policyFor, type WritePolicy } from './policy.ts';
import type { FieldChange, WriteAction } from './types.ts';

const write = (
  object: string,
  action: WriteAction,
  fields: string[] = [],
  operation = `${action}${object}`,
) => ({
  operation,
  action,
  object,
  changes: fields.map((field): FieldChange => ({ field, before: null, after: 'x' })),
});

function forbidden(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WriteForbiddenError);
    return error as WriteForbiddenError;
  }
  throw new Error('expected WRITE_FORBIDDEN');
}

/** A support agent's writes: cases, comments on them, and tasks. */
const SUPPORT: WritePolicy = {
  objects: {
    Case: { actions: ['create', 'update', 'delete'], fields: ['Subject', 'Status', 'Priority'] },
    CaseComment: { actions: ['create'], fields: ['ParentId', 'CommentBody'] },
    Task: { actions: ['create', 'update'], fields: ['Subject', 'WhatId', 'CallType'] },
  },
};

describe('checkWrite', () => {
  it('lets an empty policy write anything, always confirmed', () => {
    expect(checkWrite({}, write('Opportunity', 'update', ['StageName']))).toEqual({ confirm: true });
    expect(checkWrite({}, write('Account', 'delete'))).toEqual({ confirm: true });
  });

  it('refuses everything in read-only mode', () => {
    for (const action of ['create', 'update', 'delete'] as const) {
      const error = forbidden(() => checkWrite({ readOnly: true }, write('Case', action)));
      expect(error).toMatchObject({ code: 'WRITE_FORBIDDEN', reason: 'READ_ONLY', object: 'Case' });
    }
  });

  it('exempts listed operations from confirmation, but never deletes or destructive writes', () => {
    const policy = { skipConfirmation: ['createTask', 'deleteTask', 'mergeAccounts'] };
    expect(checkWrite(policy, write('Task', 'create', [], 'createTask'))).toEqual({ confirm: false });
    expect(checkWrite(policy, write('Task', 'update', [], 'updateTask'))).toEqual({ confirm: true });
    expect(checkWrite(policy, write('Task', 'delete', [], 'deleteTask'))).toEqual({ confirm: true });
    expect(
      checkWrite(policy, { ...write('Account', 'update', [], 'mergeAccounts'), destructive: true }),
    ).toEqual({
      confirm: true,
    });
  });

  it('keeps an allowlist to its objects, actions and fields, whatever the case of the names', () => {
    const gpt = SUPPORT;
    expect(checkWrite(gpt, write('Case', 'update', ['Status', 'Priority']))).toEqual({ confirm: true });
    expect(checkWrite(gpt, write('case', 'update', ['status']))).toEqual({ confirm: true });
    expect(checkWrite(gpt, write('Case', 'delete'))).toEqual({ confirm: true });
    expect(checkWrite(gpt, write('CaseComment', 'create', ['ParentId', 'CommentBody']))).toEqual({
      confirm: true,
    });
    expect(checkWrite(gpt, write('Task', 'create', ['Subject', 'WhatId', 'CallType']))).toEqual({
      confirm: true,
    });

    expect(forbidden(() => checkWrite(gpt, write('Account', 'update', ['Name'])))).toMatchObject({
      reason: 'OBJECT',
    });
    expect(forbidden(() => checkWrite(gpt, write('Task', 'delete')))).toMatchObject({ reason: 'ACTION' });
    expect(forbidden(() => checkWrite(gpt, write('CaseComment', 'update', ['CommentBody'])))).toMatchObject({
      reason: 'ACTION',
    });
    expect(
      forbidden(() => checkWrite(gpt, write('Case', 'update', ['Status', 'OwnerId', 'RecordTypeId']))),
    ).toMatchObject({ reason: 'FIELD', fields: ['OwnerId', 'RecordTypeId'] });
  });
});

describe('checkFields', () => {
  it('checks the object, the action and each field named', () => {
    expect(() => checkFields(SUPPORT, 'Case', 'update', ['Status'])).not.toThrow();
    expect(forbidden(() => checkFields(SUPPORT, 'Case', 'update', ['Status', 'OwnerId']))).toMatchObject({
      reason: 'FIELD',
      fields: ['OwnerId'],
    });
    expect(forbidden(() => checkFields({ readOnly: true }, 'Case', 'create', []))).toMatchObject({
      reason: 'READ_ONLY',
    });
  });
});

describe('policyFor', () => {
  it("picks the client's own policy, else the default, and ignores inherited names", () => {
    const open: WritePolicy = {};
    const config = { default: open, clients: { 'gpt-actions': SUPPORT } };
    expect(policyFor(config, 'gpt-actions')).toBe(SUPPORT);
    expect(policyFor(config, 'gateway')).toBe(open);
    expect(policyFor(config, 'constructor')).toBe(open);
  });
});
