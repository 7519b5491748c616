import { randomBytes } from 'node:crypto';
import type { Org } from '../org.ts';
import { OAuthError } from './errors.ts';
import { revokeSession } from './sessions.ts';
import { revokeRefreshToken } from './tokens.ts';

/** Salesforce's authorization codes are valid for 15 minutes. */
export const CODE_LIFETIME_MS = 15 * 60 * 1000;

export interface AuthorizationCode {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  nonce: string | null;
  expiresAt: number;
}

/** Issues a single-use code bound to the app, the user, the redirect URI, the scopes and the PKCE challenge (and OpenID Connect's nonce). */
export function createCode(org: Org, grant: Omit<AuthorizationCode, 'code' | 'expiresAt'>): string {
  const now = org.now().getTime();
  // Spent and expired codes are kept a day, long enough to recognise a replay.
  org.db.prepare('DELETE FROM _oauth_codes WHERE expiresAt < ?').run(now - 24 * 60 * 60 * 1000);
  // Salesforce's codes start with aPrx.
  const code = `aPrx${randomBytes(36).toString('base64url')}`;
  org.db
    .prepare(
      'INSERT INTO _oauth_codes (code, clientId, userId, redirectUri, scope, codeChallenge, nonce, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      code,
      grant.clientId,
      grant.userId,
      grant.redirectUri,
      grant.scope,
      grant.codeChallenge,
      grant.nonce,
      now + CODE_LIFETIME_MS,
    );
  return code;
}

const invalidCode = () => new OAuthError('invalid_grant', 'invalid authorization code');

/**
 * Takes a code for the client, once: the code is spent by this attempt whatever follows (a wrong
 * verifier or redirect URI does not leave it usable for another guess). A code presented again after
 * it was spent is a replay: the tokens it gave are revoked, as RFC 6749 recommends.
 */
export function consumeCode(org: Org, code: string, clientId: string): AuthorizationCode {
  const row = org.db
    .prepare('SELECT * FROM _oauth_codes WHERE code = ? AND clientId = ?')
    .get(code, clientId) as
    | (AuthorizationCode & { used: number; accessToken: string | null; refreshToken: string | null })
    | undefined;
  if (!row) throw invalidCode();
  if (row.used) {
    if (row.refreshToken) revokeRefreshToken(org, row.refreshToken);
    if (row.accessToken) revokeSession(org.db, row.accessToken);
    throw invalidCode();
  }
  org.db.prepare('UPDATE _oauth_codes SET used = 1 WHERE code = ?').run(code);
  return {
    code: row.code,
    clientId: row.clientId,
    userId: row.userId,
    redirectUri: row.redirectUri,
    scope: row.scope,
    codeChallenge: row.codeChallenge,
    nonce: row.nonce,
    expiresAt: row.expiresAt,
  };
}
