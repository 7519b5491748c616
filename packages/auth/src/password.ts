import type { SalesforceSession } from './session.ts';
import { requestToken, type TokenRequestOptions } from './token-endpoint.ts';

export interface PasswordLoginOptions extends TokenRequestOptions {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /**
   * The user's security token. Salesforce expects it appended to the password; it may be omitted
   * when the org trusts the caller's IP range.
   */
  securityToken?: string;
}

/**
 * The OAuth username-password flow, as AI-agent platforms configure it. Salesforce issues no refresh
 * token for it: when the session expires, log in again.
 */
export function loginWithPassword(options: PasswordLoginOptions): Promise<SalesforceSession> {
  return requestToken(options, {
    grant_type: 'password',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    username: options.username,
    password: options.password + (options.securityToken ?? ''),
  });
}
