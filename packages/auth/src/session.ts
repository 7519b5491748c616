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
