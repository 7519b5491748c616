import { randomBytes } from 'node:crypto';
import type { Org } from '../org.ts';
import { transaction } from '../store/database.ts';
import type { ConnectedApp } from './apps.ts';
import { idToken } from './id-token.ts';
import { createSession, revokeSession, signTokenResponse } from './sessions.ts';

/** A successful answer of `POST /services/oauth2/token`, in Salesforce's field order. */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope: string;
  id_token?: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

export interface RefreshToken {
  token: string;
  clientId: string;
  userId: string;
  scope: string;
  issuedAt: number;
}

/**
 * Issues an access token (a session) and the token response. `refreshToken: 'new'` also issues a
 * refresh token and returns it; an existing refresh token links the session to it (the refresh
 * grant), and is not sent again: Salesforce does not rotate refresh tokens by default.
 */
export function issueTokens(
  org: Org,
  options: {
    app: ConnectedApp;
    userId: string;
    scopes: readonly string[];
    /** The instance's origin, for `instance_url` and the identity URL. */
    origin: string;
    refreshToken?: 'new' | string;
    /**
     * For the grants that carry OpenID Connect (web server and refresh): an ID token comes with the
     * tokens when `openid` is among the scopes, with the authorize request's nonce.
     */
    openId?: { nonce: string | null };
  },
): TokenResponse {
  const now = org.now().getTime();
  const scope = options.scopes.join(' ');
  return transaction(org.db, () => {
    let refreshToken: string | undefined;
    if (options.refreshToken === 'new') {
      // Salesforce refresh tokens start with 5Aep86.
      refreshToken = `5Aep861${randomBytes(42).toString('base64url')}`;
      org.db
        .prepare(
          'INSERT INTO _refresh_tokens (token, clientId, userId, scope, issuedAt) VALUES (?, ?, ?, ?, ?)',
        )
        .run(refreshToken, options.app.clientId, options.userId, scope, now);
    }
    const session = createSession(org.db, {
      orgId: org.orgId,
      userId: options.userId,
      clientId: options.app.clientId,
      now,
      lifetimeMs: org.sessionLifetimeMs,
      scope,
      refreshToken: refreshToken ?? options.refreshToken,
    });
    const id = `${options.origin}/id/${org.orgId}/${options.userId}`;
    const issuedAt = String(now);
    return {
      access_token: session.token,
      ...(options.refreshToken === 'new' && refreshToken ? { refresh_token: refreshToken } : {}),
      signature: signTokenResponse(id, issuedAt, options.app.clientSecret),
      scope,
      ...(options.openId && options.scopes.includes('openid')
        ? {
            id_token: idToken(org, {
              issuer: options.origin,
              clientId: options.app.clientId,
              userId: options.userId,
              accessToken: session.token,
              scopes: options.scopes,
              nonce: options.openId.nonce,
            }),
          }
        : {}),
      instance_url: options.origin,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  });
}

/** A live (not revoked) refresh token. */
export function findRefreshToken(org: Org, token: string): RefreshToken | undefined {
  return org.db
    .prepare(
      'SELECT token, clientId, userId, scope, issuedAt FROM _refresh_tokens WHERE token = ? AND revoked = 0',
    )
    .get(token) as RefreshToken | undefined;
}

/** Revokes a refresh token and every access token issued with or from it. */
export function revokeRefreshToken(org: Org, token: string): boolean {
  return transaction(org.db, () => {
    const changed = Number(
      org.db.prepare('UPDATE _refresh_tokens SET revoked = 1 WHERE token = ? AND revoked = 0').run(token)
        .changes,
    );
    org.db.prepare('UPDATE _sessions SET revoked = 1 WHERE refreshToken = ?').run(token);
    return changed > 0;
  });
}

/**
 * `POST /services/oauth2/revoke`: an access token ends alone; a refresh token takes its access tokens
 * with it. False when the token is unknown or already revoked.
 */
export function revokeAnyToken(org: Org, token: string): boolean {
  return revokeSession(org.db, token) || revokeRefreshToken(org, token);
}
