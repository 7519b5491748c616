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
  /** Refused here to keep the org's remaining daily API calls for essential work. */
  | 'SF_API_BUDGET_LOW'
  /** Anything else: Salesforce unreachable, a 5xx, an unexpected answer. */
  | 'SF_REQUEST_FAILED';

/** An error from Salesforce, with Salesforce's own `errorCode` and `fields` kept. */
export class SalesforceError extends Error {
  override name = 'SalesforceError';
  readonly code: SalesforceErrorCode;
  /** Salesforce's errorCode, e.g. `MALFORMED_QUERY`. */
  readonly errorCode: string | undefined;
  readonly fields: string[] | undefined;

  constructor(
    code: SalesforceErrorCode,
    message: string,
    options: { errorCode?: string; fields?: string[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.errorCode = options.errorCode;
    this.fields = options.fields;
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
};

/** Maps Salesforce's errorCode (from an error carrying `errorCode`, or named after it) to ours. */
export function toSalesforceError(error: unknown): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const e = (error ?? {}) as { errorCode?: unknown; name?: unknown; message?: unknown; fields?: unknown };
  const errorCode =
    typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' ? e.name : undefined;
  const code = (errorCode ? BY_ERROR_CODE[errorCode] : undefined) ?? 'SF_REQUEST_FAILED';
  const message = typeof e.message === 'string' ? e.message.trim() : 'Salesforce request failed';
  const fields = Array.isArray(e.fields) ? (e.fields as string[]) : undefined;
  return new SalesforceError(code, message, { errorCode, fields, cause: error });
}
