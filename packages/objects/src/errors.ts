import { isAuthError, isIntegrationUnavailableError } from '@sfgql/auth';
import {
  CONFIRMATION_HTTP_STATUS,
  IDEMPOTENCY_HTTP_STATUS,
  isConfirmationError,
  isIdempotencyError,
  isStoreUnavailableError,
  isWriteForbiddenError,
} from '@sfgql/confirm';
import { isSalesforceError } from '@sfgql/soql';

export type OperationErrorCode =
  /** The caller's input does not fit the operation. */
  | 'INVALID_INPUT'
  /** The record the caller named does not exist. */
  | 'NOT_FOUND';

/** An error of an operation, caused by its input rather than by Salesforce. */
export class OperationError extends Error {
  override name = 'OperationError';
  readonly code: OperationErrorCode;

  constructor(code: OperationErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

export function isOperationError(error: unknown): error is OperationError {
  return error instanceof OperationError;
}

/** How an adapter should report an error: its HTTP status, code and a message fit for the caller. */
export interface ErrorReport {
  status: number;
  code: string;
  message: string;
  /** Salesforce's errorCode, when Salesforce reported the error. */
  salesforceErrorCode?: string;
  /** For confirmation refusals: the confirmation request to show, the mismatched parts, or why a write is forbidden. */
  details?: Record<string, unknown>;
  /** Seconds after which the same request may succeed (`Retry-After`), for a refusal that will pass. */
  retryAfter?: number;
}

const STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  SF_AUTH_REQUIRED: 401,
  SF_AUTH_FAILED: 401,
  SF_SESSION_EXPIRED: 401,
  SF_QUERY_INVALID: 400,
  SF_NOT_FOUND: 404,
  SF_REQUEST_LIMIT: 503,
  SF_API_BUDGET_LOW: 429,
  SF_FORBIDDEN: 403,
  SF_INVALID_DATA: 400,
  // Salesforce refused the write for a reason of its own (a validation rule, an integrity check):
  // the request was understood and cannot be done as it is, which is not a gateway failure.
  SF_REFUSED: 422,
  SF_CONFLICT: 409,
  SF_PRECONDITION_FAILED: 409,
  // Only Salesforce failing (a 5xx, no answer) is a bad gateway.
  SF_REQUEST_FAILED: 502,
};

/**
 * Turns any error from an operation into what an adapter reports. Errors the project knows keep
 * their code and message; anything else is masked as INTERNAL_SERVER_ERROR.
 */
export function reportError(error: unknown): ErrorReport {
  if (isConfirmationError(error)) {
    const details: Record<string, unknown> = {};
    if (error.confirmation) details.confirmation = error.confirmation;
    if (error.mismatch) details.mismatch = error.mismatch;
    return {
      status: CONFIRMATION_HTTP_STATUS[error.code],
      code: error.code,
      message: error.message,
      details,
    };
  }
  if (isIntegrationUnavailableError(error)) {
    // The caller's key is fine; the server's integration user (or Salesforce) is not: retry later.
    return { status: 503, code: error.code, message: error.message };
  }
  if (isStoreUnavailableError(error)) {
    // The store's own words (which store, what deadline) are for the logs, not for the caller.
    return {
      status: CONFIRMATION_HTTP_STATUS.SERVICE_UNAVAILABLE,
      code: error.code,
      message:
        'Writes are paused: this server cannot reach the store that keeps them from running twice. Nothing was written; try again in a moment.',
      details: { retryable: true },
      retryAfter: 1,
    };
  }
  if (isIdempotencyError(error)) {
    return { status: IDEMPOTENCY_HTTP_STATUS[error.code], code: error.code, message: error.message };
  }
  if (isWriteForbiddenError(error)) {
    return {
      status: CONFIRMATION_HTTP_STATUS.WRITE_FORBIDDEN,
      code: error.code,
      message: error.message,
      details: {
        reason: error.reason,
        object: error.object,
        ...(error.fields ? { fields: error.fields } : {}),
      },
    };
  }
  if (isOperationError(error) || isAuthError(error) || isSalesforceError(error)) {
    const report: ErrorReport = {
      status: STATUS[error.code] ?? 500,
      code: error.code,
      message: error.message,
    };
    if (isSalesforceError(error) && error.errorCode) report.salesforceErrorCode = error.errorCode;
    return report;
  }
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error' };
}

/** How a door names what a caller sends back: its confirmation token and its idempotency key. */
export interface DoorWords {
  /** The argument or field that carries a confirmation token (`confirmationToken`). */
  token: string;
  /** The header or argument of an idempotency key, where the door takes one (`Idempotency-Key`). */
  idempotencyKey?: string;
}

/**
 * What a caller (often a model) should do after an error, by its code, in the door's words: added
 * to the error's own sentence by every door, so that a refusal says the same through each.
 */
export function nextStep(code: string, door: DoorWords): string | undefined {
  const { token } = door;
  switch (code) {
    case 'INVALID_INPUT':
      return 'Correct the arguments and call again.';
    case 'NOT_FOUND':
    case 'SF_NOT_FOUND':
      return 'Check the number or Id with the user, or search for the record first.';
    case 'CONFIRMATION_INVALID':
      return `Call again without ${token} to get a new confirmation, and send its token back unchanged.`;
    case 'CONFIRMATION_EXPIRED':
      return `Call again without ${token} for a fresh confirmation, read its summary to the user, and send the new token only if they agree.`;
    case 'CONFIRMATION_MISMATCH':
      return `A token confirms only the exact call it was issued for: repeat that call with the same arguments, or call without ${token} to confirm these arguments.`;
    case 'CONFIRMATION_USED':
      return `Nothing was written twice. To make another change, call again without ${token}.`;
    case 'CONFIRMATION_STALE':
      return `A fresh confirmation is attached: read its summary to the user and, if they agree, call again with the same arguments and the new ${token}.`;
    case 'WRITE_FORBIDDEN':
      return 'This connection may not make this change: tell the user to make it in Salesforce.';
    case 'SF_FORBIDDEN':
      return 'The signed-in Salesforce user may not do this: tell the user, do not retry.';
    case 'SF_REQUEST_LIMIT':
      return "The org's daily API limit is used up: tell the user to try again later.";
    case 'SF_API_BUDGET_LOW':
      return "The org's API calls are kept for essential work today: tell the user to try again later.";
    case 'SERVICE_UNAVAILABLE':
      return `Call again in a few seconds with the same arguments (and the same ${token}, if any).`;
    case 'SF_INTEGRATION_UNAVAILABLE':
      return 'The server cannot sign in to Salesforce right now: try again later.';
    case 'IDEMPOTENCY_OUTCOME_UNKNOWN':
      return door.idempotencyKey
        ? `Search for the record first: if it was not written, call again with a new ${door.idempotencyKey}.`
        : 'Search for the record first: if it was not written, call again.';
    case 'SF_CONFLICT':
      return 'Salesforce already has this (a duplicate, or a record another change holds): tell the user, do not retry.';
    case 'SF_REFUSED':
      return "Salesforce's own rules refuse this change: tell the user why, do not retry as it is.";
    case 'SF_INVALID_DATA':
      return 'Correct the values Salesforce names and call again.';
    case 'SF_QUERY_INVALID':
      return 'Change the arguments and call again.';
    case 'SF_SESSION_EXPIRED':
      return 'The Salesforce sign-in expired: reconnect to sign in again, then call again.';
    case 'SF_AUTH_FAILED':
      return 'The Salesforce sign-in is not valid: reconnect to sign in again.';
    case 'SF_AUTH_REQUIRED':
      return 'Reconnect with Salesforce credentials.';
    case 'SF_REQUEST_FAILED':
      return 'Salesforce did not answer: call again in a moment.';
    case 'INTERNAL_SERVER_ERROR':
      return 'The server failed unexpectedly: call again, and tell the user if it fails again.';
    default:
      return undefined;
  }
}
