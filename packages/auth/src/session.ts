/** What a client needs to call Salesforce as one user. */
export interface SalesforceSession {
  /** `https://example.my.salesforce.com`: where the REST API is. */
  instanceUrl: string;
  accessToken: string;
  refreshToken?: string;
  /** 18-character User Id, when known. */
  userId?: string;
  /** 18-character Organization Id, when known. */
  orgId?: string;
  /** The identity URL (`.../id/00D.../005...`). */
  identityUrl?: string;
  /** When the token was issued, in epoch milliseconds. */
  issuedAt?: number;
}

/** Reads the org and user ids from an identity URL: `https://login.salesforce.com/id/00D.../005...`. */
export function parseIdentityUrl(url: string): { orgId: string; userId: string } | undefined {
  const match = /\/id\/([a-zA-Z0-9]{15,18})\/([a-zA-Z0-9]{15,18})\/?$/.exec(url);
  return match?.[1] && match[2] ? { orgId: match[1], userId: match[2] } : undefined;
}

/**
 * Where a client gets its session. A source that can `refresh` is asked once for a new session
 * when Salesforce answers INVALID_SESSION_ID; one that cannot (a caller's own bearer token) lets the
 * error through.
 */
export interface SessionSource {
  current(): Promise<SalesforceSession>;
  refresh?(expired: SalesforceSession): Promise<SalesforceSession>;
}

/** A source that always gives the same session and never refreshes it. */
export function staticSession(session: SalesforceSession): SessionSource {
  return { current: async () => session };
}
