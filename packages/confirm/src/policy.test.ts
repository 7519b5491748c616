import { describe, expect, it } from 'vitest';
import { WriteForbiddenError } from './errors.ts';
import { checkWrite, DEFAULT_GATEWAY_POLICY, DEFAULT_GPT_ACTIONS_POLICY, policyFor } from './policy.ts';
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

describe('checkWrite', () => {
  it('lets the gateway default write anything, always confirmed', () => {
    expect(checkWrite(DEFAULT_GATEWAY_POLICY, write('Opportunity', 'update', ['StageName']))).toEqual({
      confirm: true,
    });
    expect(checkWrite(DEFAULT_GATEWAY_POLICY, write('Account', 'delete'))).toEqual({ confirm: true });
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

  it('keeps the GPT Actions default to cases, case comments and tasks', () => {
    const gpt = DEFAULT_GPT_ACTIONS_POLICY;
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

  it('cannot be changed at run time', () => {
    expect(() => {
      (DEFAULT_GPT_ACTIONS_POLICY.objects as Record<string, unknown>).Account = {};
    }).toThrow(TypeError);
  });
});

describe('policyFor', () => {
  it("picks the client's own policy, else the default, and ignores inherited names", () => {
    const config = {
      default: DEFAULT_GATEWAY_POLICY,
      clients: { 'gpt-actions': DEFAULT_GPT_ACTIONS_POLICY },
    };
    expect(policyFor(config, 'gpt-actions')).toBe(DEFAULT_GPT_ACTIONS_POLICY);
    expect(policyFor(config, 'gateway')).toBe(DEFAULT_GATEWAY_POLICY);
    expect(policyFor(config, 'constructor')).toBe(DEFAULT_GATEWAY_POLICY);
  });
});
