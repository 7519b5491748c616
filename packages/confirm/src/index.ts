export {
  type AuditEntry,
  type AuditLogger,
  type AuditOutcome,
  type AuditTrail,
  createAuditTrail,
} from './audit.ts';
export { canonicalJson, hashArgs } from './canonical.ts';
export {
  type Confirmation,
  type ConfirmationOptions,
  createConfirmation,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_TTL_MS,
  type ExecuteOptions,
  type ExecuteResult,
  type WriteContext,
  type WriteFailure,
} from './confirmation.ts';
export { DEFAULT_STORE_DEADLINE_MS } from './deadline.ts';
export {
  CONFIRMATION_HTTP_STATUS,
  ConfirmationError,
  type ConfirmationErrorCode,
  isConfirmationError,
  isStoreUnavailableError,
  isWriteForbiddenError,
  type MismatchedPart,
  StoreUnavailableError,
  WriteForbiddenError,
  type WriteForbiddenReason,
} from './errors.ts';
export {
  createMemoryIdempotencyStore,
  IDEMPOTENCY_HTTP_STATUS,
  type IdempotencyEntry,
  IdempotencyError,
  type IdempotencyErrorCode,
  type IdempotencyStore,
  isIdempotencyError,
  isValidIdempotencyKey,
  type MemoryIdempotencyStore,
} from './idempotency.ts';
export { createMemoryNonceStore, type MemoryNonceStore, type NonceStore } from './nonce-store.ts';
export {
  checkFields,
  checkWrite,
  isDestructive,
  type ObjectRule,
  type PolicyConfig,
  policyFor,
  type WritePolicy,
} from './policy.ts';
export { loadOrCreateSecret, MIN_SECRET_BYTES, SECRET_FILE } from './secret.ts';
export { objectWords, summarize } from './summary.ts';
export type { ConfirmationKeys } from './token.ts';
export type { ConfirmationRequest, FieldChange, Principal, WriteAction, WriteRequest } from './types.ts';
