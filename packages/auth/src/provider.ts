import { refreshSession } from './flows.ts';
import type { SalesforceSession, SessionSource } from './session.ts';

export interface CredentialProviderOptions {
  /** Runs the configured grant (password, client credentials, JWT bearer, ...). */
  login(): Promise<SalesforceSession>;
  /** Needed to use refresh tokens (authorization code flow); without them the grant is re-run. */
  clientId?: string;
  clientSecret?: string;
  loginUrl?: string;
  fetch?: typeof fetch;
  /** An existing session to start from (e.g. loaded from a token store). */
  initial?: SalesforceSession;
  /** Called with every new session, e.g. to save it in a token store. */
  onSession?(session: SalesforceSession): void | Promise<void>;
}

/**
 * A session source for a service identity: logs in on first use, reuses the token while Salesforce
 * accepts it, and when a request meets INVALID_SESSION_ID, gets one new session (through the
 * refresh token when there is one, otherwise by running the grant again) shared by every request
 * that met the same expired token.
 */
export function createCredentialProvider(options: CredentialProviderOptions): SessionSource {
  let session: Promise<SalesforceSession> | undefined = options.initial
    ? Promise.resolve(options.initial)
    : undefined;
  let refreshing: { from: SalesforceSession; next: Promise<SalesforceSession> } | undefined;

  const obtain = async (from?: SalesforceSession): Promise<SalesforceSession> => {
    const next =
      from?.refreshToken && options.clientId && options.loginUrl
        ? await refreshSession({
            loginUrl: options.loginUrl,
            clientId: options.clientId,
            clientSecret: options.clientSecret,
            refreshToken: from.refreshToken,
            fetch: options.fetch,
          })
        : await options.login();
    await options.onSession?.(next);
    return next;
  };

  return {
    current() {
      if (!session) {
        session = obtain();
        // A failed login is not remembered: the next request tries again.
        session.catch(() => {
          session = undefined;
        });
      }
      return session;
    },
    async refresh(expired) {
      const current = await session?.catch(() => undefined);
      // Someone already replaced the expired session: use theirs.
      if (current && current.accessToken !== expired.accessToken) return current;
      if (refreshing?.from.accessToken === expired.accessToken) return refreshing.next;
      const next = obtain(expired);
      refreshing = { from: expired, next };
      session = next;
      try {
        return await next;
      } catch (error) {
        session = undefined;
        throw error;
      } finally {
        if (refreshing?.next === next) refreshing = undefined;
      }
    },
  };
}
