import { createHash } from 'node:crypto';
import { AuthError } from './errors.ts';
import type { SalesforceSession } from './session.ts';
import { fetchUserInfo } from './userinfo.ts';

export interface BearerAuthenticatorOptions {
  /** The org's instance URL: where the token is checked and then used. */
  instanceUrl: string;
  /** How long a checked token is trusted without asking Salesforce again (default 60 s). */
  ttlMs?: number;
  /** How many checked tokens are remembered (default 10 000; the oldest go first). */
  maxEntries?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface BearerAuthenticator {
  /**
   * Turns an `Authorization` header carrying a Salesforce access token into a session acting as the
   * token's user. Throws `SF_AUTH_REQUIRED` when there is no bearer token and `SF_SESSION_EXPIRED`
   * when Salesforce does not accept it.
   */
  authenticate(authorization: string | null | undefined): Promise<SalesforceSession>;
  /** Forgets a token, e.g. after Salesforce answered INVALID_SESSION_ID for it. */
  forget(accessToken: string): void;
}

const BEARER = /^Bearer\s+([^\s]+)\s*$/i;

/**
 * Pass-through authentication: callers present their own Salesforce token. Each token is checked
 * once against userinfo, so a bad token is refused before any work, and a good one costs no extra
 * call per request while it is cached. Concurrent first requests with one token share one check.
 */
export function createBearerAuthenticator(options: BearerAuthenticatorOptions): BearerAuthenticator {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Keyed by a hash so that raw tokens are not kept as map keys in memory dumps or logs.
  const cache = new Map<string, { expiresAt: number; session: Promise<SalesforceSession> }>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

  return {
    authenticate(authorization) {
      const token = BEARER.exec(authorization ?? '')?.[1];
      if (!token) {
        return Promise.reject(
          new AuthError(
            'SF_AUTH_REQUIRED',
            'Send a Salesforce access token in the Authorization header: "Bearer <token>"',
          ),
        );
      }
      const key = keyOf(token);
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now()) return hit.session;
      if (hit) cache.delete(key);
      const session = fetchUserInfo({
        instanceUrl: options.instanceUrl,
        accessToken: token,
        fetch: options.fetch,
      }).then(
        (info): SalesforceSession => ({
          instanceUrl: options.instanceUrl,
          accessToken: token,
          userId: info.user_id,
          orgId: info.organization_id,
        }),
      );
      cache.set(key, { expiresAt: now() + ttlMs, session });
      // A refused or failed check is not cached.
      session.catch(() => cache.delete(key));
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      return session;
    },
    forget(accessToken) {
      cache.delete(keyOf(accessToken));
    },
  };
}
