import { AuthError, type SalesforceSession, type SessionSource } from '@sfgql/auth';

/**
 * The parts of a jsforce `Connection` (jsforce 3) a session is made of. Structural, so that this
 * package does not depend on jsforce: any Connection a user already holds fits.
 */
export interface JsforceConnectionLike {
  instanceUrl: string;
  accessToken?: string | null | undefined;
  refreshToken?: string | null | undefined;
  userInfo?: { id: string; organizationId: string } | null | undefined;
  /**
   * jsforce's own refresher: a Connection has one when it can refresh (made with an OAuth client and
   * a refresh token, or a `refreshFn`, or logged in with a username and password).
   */
  _refreshDelegate?: { refresh(since: number): Promise<void> } | null | undefined;
}

/**
 * A session source over a jsforce Connection the caller already holds: the client uses its
 * instance URL and access token, and when Salesforce says the token expired, has the Connection
 * refresh it (its own refresher), so the Connection and the client stay one session.
 *
 * @example
 * import { Connection } from 'jsforce';
 * import { createSalesforceClient, sessionFromJsforce, soql } from '@sfgql/soql';
 *
 * const conn = new Connection({ instanceUrl, accessToken, refreshToken, oauth2: { clientId, clientSecret } });
 * const client = createSalesforceClient({ session: sessionFromJsforce(conn) });
 * const { records } = await client.query(soql`SELECT Id FROM Case WHERE CaseNumber = ${number}`);
 */
export function sessionFromJsforce(conn: JsforceConnectionLike): SessionSource {
  const current = (): SalesforceSession => {
    if (!conn.accessToken) throw new TypeError('The jsforce Connection has no access token: log in first');
    return {
      instanceUrl: conn.instanceUrl,
      accessToken: conn.accessToken,
      ...(conn.refreshToken ? { refreshToken: conn.refreshToken } : {}),
      ...(conn.userInfo ? { userId: conn.userInfo.id, orgId: conn.userInfo.organizationId } : {}),
    };
  };
  return {
    current: async () => current(),
    async refresh() {
      // Read when needed: a Connection gets its refresher when it logs in.
      if (!conn._refreshDelegate)
        throw new AuthError(
          'SF_SESSION_EXPIRED',
          'The session expired and the jsforce Connection cannot refresh it',
        );
      await conn._refreshDelegate.refresh(Date.now());
      return current();
    },
  };
}
