/** What went wrong talking to Salesforce, in the project's terms. */
export type SalesforceErrorCode =
  /** The session is invalid or expired (INVALID_SESSION_ID). */
  | 'SF_SESSION_EXPIRED'
  /** Salesforce refused the query (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...). */
  | 'SF_QUERY_INVALID'
  /** The record or resource does not exist (NOT_FOUND, ENTITY_IS_DELETED). */
  | 'SF_NOT_FOUND'
  /** The org's API request limit is exhausted (REQUEST_LIMIT_EXCEEDED). */
  | 'SF_REQUEST_LIMIT'
  /** The user may not do this (INSUFFICIENT_ACCESS_*). */
  | 'SF_FORBIDDEN'
  /** Salesforce refused the write's data (REQUIRED_FIELD_MISSING, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, ...). */
  | 'SF_INVALID_DATA'
  /**
   * The record changed since the version a conditional write named (HTTP 412 to
   * `If-Unmodified-Since`): nothing was written.
   */
  | 'SF_PRECONDITION_FAILED'
  /** The write conflicts with data already there (DUPLICATE_VALUE, a locked record, ...). */
  | 'SF_CONFLICT'
  /**
   * Salesforce refused the request for a reason of its own (a validation rule, an integrity check,
   * ...): it answered 4xx, nothing was written; `errorCode` says which.
   */
  | 'SF_REFUSED'
  /** Refused here to keep the org's remaining daily API calls for essential work. */
  | 'SF_API_BUDGET_LOW'
  /** Salesforce itself failed: unreachable, a 5xx, no answer in time, an unexpected answer. */
  | 'SF_REQUEST_FAILED';

/** An error from Salesforce, with Salesforce's own `errorCode` and `fields` kept. */
export class SalesforceError extends Error {
  override name = 'SalesforceError';
  readonly code: SalesforceErrorCode;
  /** Salesforce's errorCode, e.g. `MALFORMED_QUERY`. */
  readonly errorCode: string | undefined;
  readonly fields: string[] | undefined;
  /**
   * The HTTP status Salesforce answered with; undefined when no answer came (a network failure, a
   * deadline) or the error was raised before anything was sent. A write that failed without a
   * status may have happened.
   */
  readonly status: number | undefined;

  constructor(
    code: SalesforceErrorCode,
    message: string,
    options: { errorCode?: string; fields?: string[]; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.errorCode = options.errorCode;
    this.fields = options.fields;
    this.status = options.status;
  }
}

export function isSalesforceError(error: unknown): error is SalesforceError {
  return error instanceof SalesforceError;
}

const BY_ERROR_CODE: Record<string, SalesforceErrorCode> = {
  INVALID_SESSION_ID: 'SF_SESSION_EXPIRED',
  MALFORMED_QUERY: 'SF_QUERY_INVALID',
  INVALID_FIELD: 'SF_QUERY_INVALID',
  INVALID_TYPE: 'SF_QUERY_INVALID',
  INVALID_QUERY_FILTER_OPERATOR: 'SF_QUERY_INVALID',
  NUMBER_OUTSIDE_VALID_RANGE: 'SF_QUERY_INVALID',
  INVALID_QUERY_LOCATOR: 'SF_QUERY_INVALID',
  NOT_FOUND: 'SF_NOT_FOUND',
  ENTITY_IS_DELETED: 'SF_NOT_FOUND',
  REQUEST_LIMIT_EXCEEDED: 'SF_REQUEST_LIMIT',
  INSUFFICIENT_ACCESS_OR_READONLY: 'SF_FORBIDDEN',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'SF_FORBIDDEN',
  REQUIRED_FIELD_MISSING: 'SF_INVALID_DATA',
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 'SF_INVALID_DATA',
  INVALID_FIELD_FOR_INSERT_UPDATE: 'SF_INVALID_DATA',
  MALFORMED_ID: 'SF_INVALID_DATA',
  INVALID_CROSS_REFERENCE_KEY: 'SF_INVALID_DATA',
  STRING_TOO_LONG: 'SF_INVALID_DATA',
  JSON_PARSER_ERROR: 'SF_INVALID_DATA',
  INVALID_EMAIL_ADDRESS: 'SF_INVALID_DATA',
  DUPLICATE_VALUE: 'SF_CONFLICT',
  DUPLICATES_DETECTED: 'SF_CONFLICT',
  ENTITY_IS_LOCKED: 'SF_CONFLICT',
  UNABLE_TO_LOCK_ROW: 'SF_CONFLICT',
};

/**
 * Maps Salesforce's errorCode (from an error carrying `errorCode`, or named after it) and HTTP
 * status to ours. A 412 is a failed precondition whatever its body says; any other 4xx whose code
 * has no mapping is Salesforce's refusal (`SF_REFUSED`); only a 5xx or no answer at all is
 * Salesforce failing (`SF_REQUEST_FAILED`).
 */
export function toSalesforceError(error: unknown): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const e = (error ?? {}) as {
    errorCode?: unknown;
    name?: unknown;
    message?: unknown;
    fields?: unknown;
    status?: unknown;
  };
  const errorCode =
    typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' ? e.name : undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code =
    status === 412
      ? 'SF_PRECONDITION_FAILED'
      : ((errorCode ? BY_ERROR_CODE[errorCode] : undefined) ??
        (status !== undefined && status >= 400 && status < 500 ? 'SF_REFUSED' : 'SF_REQUEST_FAILED'));
  const message = typeof e.message === 'string' ? e.message.trim() : 'Salesforce request failed';
  const fields = Array.isArray(e.fields) ? (e.fields as string[]) : undefined;
  return new SalesforceError(code, message, {
    errorCode,
    fields,
    ...(status === undefined ? {} : { status }),
    cause: error,
  });
}
