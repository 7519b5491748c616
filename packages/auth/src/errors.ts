/** Why authentication failed. */
export type AuthErrorCode =
  /** No credentials were presented. */
  | 'SF_AUTH_REQUIRED'
  /** Salesforce refused the credentials or the grant. */
  | 'SF_AUTH_FAILED'
  /** The access token is unknown, revoked or expired. */
  | 'SF_SESSION_EXPIRED';

/** An authentication failure, with Salesforce's OAuth `error` kept when there is one. */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  /** Salesforce's OAuth error (`invalid_grant`, `invalid_client_id`, ...) or REST errorCode. */
  readonly salesforceError: string | undefined;

  constructor(
    code: AuthErrorCode,
    message: string,
    options: { salesforceError?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.salesforceError = options.salesforceError;
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}
