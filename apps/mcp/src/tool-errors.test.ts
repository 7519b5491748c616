import { ConfirmationError, type ConfirmationRequest, WriteForbiddenError } from '@sfgql/confirm';
import { OperationError } from '@sfgql/objects/errors';
import { SalesforceError } from '@sfgql/soql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_META, toolErrorResult } from './tool-errors.ts';

const text = (error: unknown, mode: 'token' | 'elicitation' = 'token') => {
  const content = toolErrorResult(error, mode).result.content[0];
  return content?.type === 'text' ? content.text : '';
};

const fresh: ConfirmationRequest = {
  token: 'fresh-token',
  expiresAt: '2027-01-01T00:00:00.000Z',
  summary: 'Update case "00001104": status from "Working" to "Escalated".',
  action: 'update',
  object: 'Case',
  recordId: '5005g0000000001AAA',
  changes: [{ field: 'Status', before: 'Working', after: 'Escalated' }],
  destructive: false,
};

describe('tool error results', () => {
  it('name each invalid argument and say what to do, with the code in the text and in _meta', () => {
    const parsed = z
      .strictObject({ id: z.string().length(18) })
      .safeParse({ id: 'x', whereClause: 'Id != null' });
    const error = new OperationError('INVALID_INPUT', 'invalid', { cause: parsed.error });
    const { result, report } = toolErrorResult(error, 'token');
    expect(result.isError).toBe(true);
    expect(text(error)).toMatch(
      /^Invalid arguments: id: .*; Unrecognized key: "whereClause"\. Correct the arguments and call again\. \(INVALID_INPUT\)$/,
    );
    expect(result._meta?.[ERROR_META]).toEqual({ code: 'INVALID_INPUT' });
    expect(report.status).toBe(400);
  });

  it("give a changed record's fresh summary and token to the model only in token mode", () => {
    const stale = new ConfirmationError('CONFIRMATION_STALE', 'changed', { confirmation: fresh });
    expect(text(stale, 'token')).toMatch(
      /nothing was written\. As it is now: Update case .* confirmationToken "fresh-token"/,
    );
    expect(text(stale, 'elicitation')).not.toMatch(/fresh-token/);
    expect(text(stale, 'elicitation')).toMatch(/Call again to show the user the change as it would be now/);
  });

  it("keep Salesforce's error code and say whether to retry", () => {
    const refused = new SalesforceError('SF_REFUSED', 'Cannot delete: the contact has cases', {
      errorCode: 'DELETE_FAILED',
    });
    expect(text(refused)).toBe(
      "Cannot delete: the contact has cases. Salesforce's own rules refuse this change: tell the user why, do not retry as it is. (SF_REFUSED, Salesforce DELETE_FAILED)",
    );
    const forbidden = new WriteForbiddenError('OBJECT', 'This client may not write Account records.', {
      object: 'Account',
    });
    expect(text(forbidden)).toMatch(
      /may not write Account records\. This connection may not make this change/,
    );
  });

  it('mask what is not known, leaking no message or stack', () => {
    const secret = new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2');
    expect(text(secret)).toBe(
      'Unexpected error. The server failed unexpectedly: call again, and tell the user if it fails again. (INTERNAL_SERVER_ERROR)',
    );
  });
});
