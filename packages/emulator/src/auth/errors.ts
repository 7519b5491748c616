/**
 * An OAuth error as Salesforce's OAuth endpoints report it: `{"error":"...","error_description":"..."}`,
 * with status 400 unless told otherwise.
 */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly error: string;
  readonly description: string;
  readonly status: number;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.description = description;
    this.status = status;
  }
}
