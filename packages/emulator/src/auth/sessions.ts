import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { invalidSession } from '../errors.ts';
import { OAuthError } from './errors.ts';

export interface Session {
  token: string;
  userId: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
  /** The granted scopes, space-separated as in the token response. */
  scope: string;
  /** The refresh token this access token was issued with or from, if any. */
  refreshToken?: string;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

interface CredentialRow {
  userId: string;
  password: string;
  securityToken: string;
}

function credentials(db: DatabaseSync, username: string): CredentialRow | undefined {
  return db
    .prepare(
      `SELECT u."Id" AS userId, c.password, c.securityToken FROM "User" u JOIN _credentials c ON c.userId = u."Id"
       WHERE u."Username" = ? AND u."IsActive" = 1 AND u."IsDeleted" = 0`,
    )
    .get(username) as CredentialRow | undefined;
}

/**
 * Salesforce's default password policy: ten invalid login attempts lock the user out for fifteen
 * minutes, whatever the way in (OAuth password grant, SOAP login(), the login page); a successful
 * login resets the count. A locked-out user's correct password fails like a wrong one.
 */
export const MAX_LOGIN_FAILURES = 10;
export const LOCKOUT_MS = 15 * 60 * 1000;

/**
 * Checks a username and password (with the security token for API logins) and keeps the lockout
 * count. The user's Id, or undefined for a wrong password, an unknown or inactive user, or a
 * locked-out one: callers answer all four alike, as Salesforce does.
 */
export function verifyLogin(
  db: DatabaseSync,
  username: string,
  password: string,
  options: { now: number; withToken: boolean },
): string | undefined {
  const row = credentials(db, username);
  if (!row) return undefined;
  const state = db
    .prepare('SELECT failures, lockedUntil FROM _login_failures WHERE userId = ?')
    .get(row.userId) as { failures: number; lockedUntil: number | null } | undefined;
  if (state?.lockedUntil && state.lockedUntil > options.now) return undefined;
  const expected = options.withToken ? row.password + row.securityToken : row.password;
  if (constantTimeEqual(password, expected)) {
    db.prepare('DELETE FROM _login_failures WHERE userId = ?').run(row.userId);
    return row.userId;
  }
  // A lockout that has ended starts the count again.
  const failures = (state?.lockedUntil ? 0 : (state?.failures ?? 0)) + 1;
  db.prepare(
    'INSERT INTO _login_failures (userId, failures, lockedUntil) VALUES (?, ?, ?) ON CONFLICT(userId) DO UPDATE SET failures = excluded.failures, lockedUntil = excluded.lockedUntil',
  ).run(row.userId, failures, failures >= MAX_LOGIN_FAILURES ? options.now + LOCKOUT_MS : null);
  return undefined;
}

/** The password grant: the password is the user's password immediately followed by the security token. */
export function authenticateUser(
  db: DatabaseSync,
  username: string,
  passwordWithToken: string,
  now: number,
): string {
  const userId = verifyLogin(db, username, passwordWithToken, { now, withToken: true });
  if (!userId) throw new OAuthError('invalid_grant', 'authentication failure');
  return userId;
}

/**
 * The login page's check: a person logging in through the browser types the password alone (the
 * security token is for API logins from outside trusted networks). Undefined when it fails.
 */
export function checkPassword(
  db: DatabaseSync,
  username: string,
  password: string,
  now: number,
): string | undefined {
  return verifyLogin(db, username, password, { now, withToken: false });
}

/** The Id of an active user, by username (JWT `sub`, a client-credentials "Run As" user). */
export function activeUserId(db: DatabaseSync, username: string): string | undefined {
  return (
    db
      .prepare(`SELECT "Id" FROM "User" WHERE "Username" = ? AND "IsActive" = 1 AND "IsDeleted" = 0`)
      .get(username) as { Id: string } | undefined
  )?.Id;
}

/** Whether a user (by Id) is active and not deleted. */
export function isActiveUser(db: DatabaseSync, userId: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM "User" WHERE "Id" = ? AND "IsActive" = 1 AND "IsDeleted" = 0`).get(userId) !==
    undefined
  );
}

export function createSession(
  db: DatabaseSync,
  options: {
    orgId: string;
    userId: string;
    clientId: string;
    now: number;
    lifetimeMs: number;
    scope?: string;
    refreshToken?: string;
  },
): Session {
  // Salesforce access tokens start with the org id and an exclamation mark.
  const token = `${options.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
  const session: Session = {
    token,
    userId: options.userId,
    clientId: options.clientId,
    issuedAt: options.now,
    expiresAt: options.now + options.lifetimeMs,
    scope: options.scope ?? 'api',
    ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}),
  };
  db.prepare(
    'INSERT INTO _sessions (token, userId, clientId, issuedAt, expiresAt, scope, refreshToken) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    session.token,
    session.userId,
    session.clientId,
    session.issuedAt,
    session.expiresAt,
    session.scope,
    session.refreshToken ?? null,
  );
  return session;
}

/** The bearer token of an `Authorization` header (`Bearer x` or Salesforce's older `OAuth x`). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/** The session behind a bearer token, or INVALID_SESSION_ID when it is unknown, revoked or expired. */
export function requireSession(db: DatabaseSync, authorization: string | undefined, now: number): Session {
  const token = bearerToken(authorization);
  if (!token) throw invalidSession();
  const row = db.prepare('SELECT * FROM _sessions WHERE token = ? AND revoked = 0').get(token) as
    | (Omit<Session, 'refreshToken'> & { revoked: number; refreshToken: string | null })
    | undefined;
  if (!row || row.expiresAt <= now) throw invalidSession();
  return {
    token: row.token,
    userId: row.userId,
    clientId: row.clientId,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
    scope: row.scope,
    ...(row.refreshToken ? { refreshToken: row.refreshToken } : {}),
  };
}

/** Ends one access token (revocation, or a fault rule expiring it); true when it was live. */
export function revokeSession(db: DatabaseSync, token: string): boolean {
  return (
    Number(
      db.prepare('UPDATE _sessions SET revoked = 1 WHERE token = ? AND revoked = 0').run(token).changes,
    ) > 0
  );
}

/** Salesforce signs `id + issued_at` with the client secret so that a client can check the response. */
export function signTokenResponse(idUrl: string, issuedAt: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(idUrl + issuedAt)
    .digest('base64');
}
