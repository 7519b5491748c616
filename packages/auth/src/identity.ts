import type { SalesforceSession, SessionSource } from './session.ts';
import { parseIdentityUrl } from './session.ts';
import { fetchUserInfo } from './userinfo.ts';

/** The user and org a session acts as. */
export interface SessionIdentity {
  userId: string;
  orgId: string;
}

/**
 * Works out whose session this is, as cheaply as it can: from the session's own ids (a token
 * response with `id`), else from its identity URL, else by asking Salesforce's userinfo (one call;
 * a token Salesforce does not accept gives `SF_SESSION_EXPIRED`).
 */
export async function identifySession(
  session: SalesforceSession,
  options: { fetch?: typeof fetch } = {},
): Promise<SessionIdentity> {
  if (session.userId && session.orgId) return { userId: session.userId, orgId: session.orgId };
  const parsed = session.identityUrl ? parseIdentityUrl(session.identityUrl) : undefined;
  if (parsed) return { userId: parsed.userId, orgId: parsed.orgId };
  const info = await fetchUserInfo({
    instanceUrl: session.instanceUrl,
    accessToken: session.accessToken,
    fetch: options.fetch,
  });
  return { userId: info.user_id, orgId: info.organization_id };
}

/**
 * The identity of a session source's user (an integration user), worked out with
 * {@link identifySession} on first use and remembered: the user behind a source does not change
 * when its token is refreshed. A failure (the user could not sign in) is not remembered, so the next
 * call tries again. Concurrent first calls share one attempt.
 */
export function createSourceIdentity(
  source: SessionSource,
  options: { fetch?: typeof fetch } = {},
): () => Promise<SessionIdentity> {
  let identity: Promise<SessionIdentity> | undefined;
  return () => {
    if (!identity) {
      const attempt = source.current().then((session) => identifySession(session, options));
      identity = attempt;
      attempt.catch(() => {
        if (identity === attempt) identity = undefined;
      });
    }
    return identity;
  };
}
