import type { DatabaseSync } from 'node:sqlite';

function columns(db: DatabaseSync, table: string): Set<string> {
  return new Set(
    (db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map((r) => r.name),
  );
}

function addColumn(db: DatabaseSync, table: string, column: string, definition: string): void {
  if (!columns(db, table).has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

/**
 * The OAuth tables: authorization codes, refresh tokens, the login requests in progress on the
 * authorize page and each user's failed logins (for lockout); plus the columns that connected apps and sessions gained with them (added in place,
 * so an org folder created before them keeps its data).
 */
export function ensureOAuthTables(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS _oauth_codes (
      code TEXT PRIMARY KEY, clientId TEXT NOT NULL, userId TEXT NOT NULL, redirectUri TEXT NOT NULL,
      scope TEXT NOT NULL, codeChallenge TEXT, expiresAt INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0,
      refreshToken TEXT, accessToken TEXT);
    CREATE TABLE IF NOT EXISTS _refresh_tokens (
      token TEXT PRIMARY KEY, clientId TEXT NOT NULL, userId TEXT NOT NULL, scope TEXT NOT NULL,
      issuedAt INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS _oauth_requests (
      id TEXT PRIMARY KEY, csrf TEXT NOT NULL, browser TEXT NOT NULL, clientId TEXT NOT NULL,
      redirectUri TEXT NOT NULL, state TEXT, scope TEXT NOT NULL, codeChallenge TEXT, userId TEXT,
      failures INTEGER NOT NULL DEFAULT 0, expiresAt INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS _login_failures (
      userId TEXT PRIMARY KEY, failures INTEGER NOT NULL, lockedUntil INTEGER);
  `);
  // Flows, scopes, certificate, integration user, ...: one JSON column, see ConnectedAppSettings.
  addColumn(db, '_connected_apps', 'settings', `TEXT NOT NULL DEFAULT '{}'`);
  // An access token issued from a refresh token dies with it.
  addColumn(db, '_sessions', 'refreshToken', 'TEXT');
  addColumn(db, '_sessions', 'scope', `TEXT NOT NULL DEFAULT 'api'`);
  db.exec('CREATE INDEX IF NOT EXISTS ix__sessions_refreshToken ON _sessions (refreshToken)');
  // OpenID Connect's nonce, from the authorize request to the ID token.
  addColumn(db, '_oauth_requests', 'nonce', 'TEXT');
  addColumn(db, '_oauth_codes', 'nonce', 'TEXT');
}
