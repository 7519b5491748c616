import type { ConfirmationRequest } from './types.ts';

/** Why a write was not performed, in the confirmation protocol's terms. */
export type ConfirmationErrorCode =
  /** The token is garbled, forged, signed with an unknown key or not a confirmation token at all. */
  | 'CONFIRMATION_INVALID'
  /** The token was genuine but its time ran out; preview again. */
  | 'CONFIRMATION_EXPIRED'
  /** The token was issued for another caller, operation, object, record or other arguments. */
  | 'CONFIRMATION_MISMATCH'
  /** The token was already used (a replay, or a second submission of the same confirmation). */
  | 'CONFIRMATION_USED'
  /** The record changed since the preview; the error carries a fresh confirmation request. */
  | 'CONFIRMATION_STALE';

/** What a token did not match, for `CONFIRMATION_MISMATCH`. */
export type MismatchedPart = 'principal' | 'operation' | 'action' | 'object' | 'record' | 'arguments';

/**
 * A refused write. `CONFIRMATION_STALE` carries the fresh `confirmation` the caller should show to a
 * person and send back with its token.
 */
export class ConfirmationError extends Error {
  override name = 'ConfirmationError';
  readonly code: ConfirmationErrorCode;
  /** The confirmation request to present (for `CONFIRMATION_STALE`). */
  readonly confirmation: ConfirmationRequest | undefined;
  /** The parts that differ (for `CONFIRMATION_MISMATCH`). */
  readonly mismatch: readonly MismatchedPart[] | undefined;

  constructor(
    code: ConfirmationErrorCode,
    message: string,
    options: { confirmation?: ConfirmationRequest; mismatch?: MismatchedPart[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.confirmation = options.confirmation;
    this.mismatch = options.mismatch;
  }
}

export function isConfirmationError(error: unknown): error is ConfirmationError {
  return error instanceof ConfirmationError;
}

/** Why a client may not perform a write at all, whatever it confirms. */
export type WriteForbiddenReason =
  /** The client is read-only. */
  | 'READ_ONLY'
  /** The object is not on the client's allowlist. */
  | 'OBJECT'
  /** The action (create, update or delete) is not allowed on this object for this client. */
  | 'ACTION'
  /** A field is not on the client's allowlist for this object. */
  | 'FIELD';

/** A write the client's policy refuses (code `WRITE_FORBIDDEN`); no token can change that. */
export class WriteForbiddenError extends Error {
  override name = 'WriteForbiddenError';
  readonly code = 'WRITE_FORBIDDEN' as const;
  readonly reason: WriteForbiddenReason;
  readonly object: string;
  /** The fields that are not allowed (for reason `FIELD`). */
  readonly fields: readonly string[] | undefined;

  constructor(
    reason: WriteForbiddenReason,
    message: string,
    options: { object: string; fields?: string[]; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.object = options.object;
    this.fields = options.fields;
  }
}

export function isWriteForbiddenError(error: unknown): error is WriteForbiddenError {
  return error instanceof WriteForbiddenError;
}

/**
 * The HTTP status an adapter should report for each code of this package, for the project's one
 * error report (`reportError` in `@sfgql/objects/errors`).
 */
export const CONFIRMATION_HTTP_STATUS: Readonly<
  Record<ConfirmationErrorCode | 'WRITE_FORBIDDEN' | 'SERVICE_UNAVAILABLE', number>
> = {
  CONFIRMATION_INVALID: 400,
  CONFIRMATION_EXPIRED: 400,
  CONFIRMATION_MISMATCH: 400,
  CONFIRMATION_USED: 409,
  CONFIRMATION_STALE: 409,
  WRITE_FORBIDDEN: 403,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Where used tokens or idempotency keys are kept (Redis, SQLite) did not answer in time or refused:
 * nothing was written, and the same call can be repeated once the store is back (code
 * `SERVICE_UNAVAILABLE`, retryable). A write whose safety depends on the store never runs without it.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  /** Always true: the same call may be repeated later. */
  readonly retryable = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
  }
}

export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}
