import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { invalidSession } from '../errors.ts';

export interface Session {
  token: string;
  userId: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  name: string;
  callbackUrls: string[];
}

/** An OAuth error as Salesforce's token endpoint reports it: `{"error":"...","error_description":"..."}`. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly error: string;
  readonly description: string;
  readonly status: number;

  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.description = description;
    this.status = status;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function findConnectedApp(db: DatabaseSync, clientId: string): ConnectedApp | undefined {
  const row = db.prepare('SELECT * FROM _connected_apps WHERE clientId = ?').get(clientId) as
    | { clientId: string; clientSecret: string; name: string; callbackUrls: string }
    | undefined;
  return row && { ...row, callbackUrls: JSON.parse(row.callbackUrls) as string[] };
}

/** Checks a client id and secret, with Salesforce's error for each way they can be wrong. */
export function authenticateClient(
  db: DatabaseSync,
  clientId: string | undefined,
  clientSecret: string | undefined,
): ConnectedApp {
  const app = clientId ? findConnectedApp(db, clientId) : undefined;
  if (!app) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (clientSecret === undefined || !constantTimeEqual(clientSecret, app.clientSecret)) {
    throw new OAuthError('invalid_client', 'invalid client credentials');
  }
  return app;
}

/** The password grant: the password is the user's password immediately followed by the security token. */
export function authenticateUser(db: DatabaseSync, username: string, passwordWithToken: string): string {
  const row = db
    .prepare(
      `SELECT u."Id" AS userId, c.password, c.securityToken FROM "User" u JOIN _credentials c ON c.userId = u."Id"
       WHERE u."Username" = ? AND u."IsActive" = 1 AND u."IsDeleted" = 0`,
    )
    .get(username) as { userId: string; password: string; securityToken: string } | undefined;
  if (!row || !constantTimeEqual(passwordWithToken, row.password + row.securityToken)) {
    throw new OAuthError('invalid_grant', 'authentication failure');
  }
  return row.userId;
}

export function createSession(
  db: DatabaseSync,
  options: { orgId: string; userId: string; clientId: string; now: number; lifetimeMs: number },
): Session {
  // Salesforce access tokens start with the org id and an exclamation mark.
  const token = `${options.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
  const session: Session = {
    token,
    userId: options.userId,
    clientId: options.clientId,
    issuedAt: options.now,
    expiresAt: options.now + options.lifetimeMs,
  };
  db.prepare(
    'INSERT INTO _sessions (token, userId, clientId, issuedAt, expiresAt) VALUES (?, ?, ?, ?, ?)',
  ).run(session.token, session.userId, session.clientId, session.issuedAt, session.expiresAt);
  return session;
}

/** The session behind a bearer token, or INVALID_SESSION_ID when it is unknown, revoked or expired. */
export function requireSession(db: DatabaseSync, authorization: string | undefined, now: number): Session {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw invalidSession();
  const row = db.prepare('SELECT * FROM _sessions WHERE token = ? AND revoked = 0').get(match[1]) as
    | (Session & { revoked: number })
    | undefined;
  if (!row || row.expiresAt <= now) throw invalidSession();
  return {
    token: row.token,
    userId: row.userId,
    clientId: row.clientId,
    issuedAt: row.issuedAt,
    expiresAt: row.expiresAt,
  };
}

/** Salesforce signs `id + issued_at` with the client secret so that a client can check the response. */
export function signTokenResponse(idUrl: string, issuedAt: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(idUrl + issuedAt)
    .digest('base64');
}
