import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Org } from '../org.ts';
import { type ConnectedApp, type ConnectedApps, hasFlow, matchesCallbackUrl } from './apps.ts';
import { OAuthError } from './errors.ts';
import { requestedScopes } from './scopes.ts';

/** How long a login page stays usable (emulator's choice). */
export const LOGIN_REQUEST_LIFETIME_MS = 15 * 60 * 1000;
/** Wrong passwords allowed on one login page before it has to be started again (emulator's choice). */
export const MAX_LOGIN_FAILURES = 5;

/** An authorize request that passed its checks. */
export interface AuthorizeRequest {
  app: ConnectedApp;
  redirectUri: string;
  state: string | null;
  scopes: string[];
  codeChallenge: string | null;
  /** OpenID Connect's `nonce`, returned in the ID token. */
  nonce: string | null;
}

/**
 * Why an authorize request cannot go on. Without a known app and one of its callback URLs there is
 * nowhere safe to send the browser, so the error is shown on a page (`page`); any later error goes
 * back to the app's callback with `error`, `error_description` and `state` (`redirect`).
 */
export type AuthorizeFailure =
  | { kind: 'page'; error: string; description: string }
  | { kind: 'redirect'; location: string };

/** `redirect_uri` with the given query parameters added. */
export function redirectTo(redirectUri: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value != null) url.searchParams.set(name, value);
  return url.href;
}

/** Checks `GET /services/oauth2/authorize`'s query, in the order Salesforce does. */
export function checkAuthorizeRequest(
  apps: ConnectedApps,
  query: URLSearchParams,
): { ok: true; request: AuthorizeRequest } | { ok: false; failure: AuthorizeFailure } {
  const clientId = query.get('client_id');
  const app = clientId ? apps.find(clientId) : undefined;
  if (!app) {
    return {
      ok: false,
      failure: { kind: 'page', error: 'invalid_client_id', description: 'client identifier invalid' },
    };
  }
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri || !matchesCallbackUrl(app, redirectUri)) {
    return {
      ok: false,
      failure: {
        kind: 'page',
        error: 'redirect_uri_mismatch',
        description: 'redirect_uri must match configuration',
      },
    };
  }
  const state = query.get('state');
  const fail = (error: string, description: string) => ({
    ok: false as const,
    failure: {
      kind: 'redirect' as const,
      location: redirectTo(redirectUri, { error, error_description: description, state }),
    },
  });
  // The user-agent flow (response_type=token) and hybrid flows are not emulated.
  if (query.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'response type not supported');
  if (!hasFlow(app, 'authorization_code')) {
    return fail('unauthorized_client', 'the client is not authorized to use this flow');
  }
  const codeChallenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (codeChallenge !== null) {
    // Salesforce supports S256 only; a SHA-256 digest in base64url is 43 characters.
    if (method !== null && method !== 'S256')
      return fail('invalid_request', 'unsupported code_challenge_method');
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail('invalid_request', 'invalid code_challenge');
  } else if (app.requirePkce) {
    return fail('invalid_request', 'missing required code challenge');
  }
  let scopes: string[];
  try {
    scopes = requestedScopes(app, query.get('scope'));
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.description);
    throw error;
  }
  return { ok: true, request: { app, redirectUri, state, scopes, codeChallenge, nonce: query.get('nonce') } };
}

/** A login page in progress: the checked request, its CSRF token, and the user once logged in. */
export interface PendingLogin {
  id: string;
  csrf: string;
  /** The random id of the browser (a cookie) the page was shown to. */
  browser: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  scope: string;
  codeChallenge: string | null;
  nonce: string | null;
  userId: string | null;
  failures: number;
  expiresAt: number;
}

const token = () => randomBytes(24).toString('base64url');

/** A new browser id for the `sfgql_browser` cookie. */
export const newBrowserId = token;

/** Starts a login for a checked request, shown to one browser. */
export function startLogin(org: Org, request: AuthorizeRequest, browser: string): PendingLogin {
  const now = org.now().getTime();
  org.db.prepare('DELETE FROM _oauth_requests WHERE expiresAt < ?').run(now);
  const pending: PendingLogin = {
    id: token(),
    csrf: token(),
    browser,
    clientId: request.app.clientId,
    redirectUri: request.redirectUri,
    state: request.state,
    scope: request.scopes.join(' '),
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    userId: null,
    failures: 0,
    expiresAt: now + LOGIN_REQUEST_LIFETIME_MS,
  };
  org.db
    .prepare(
      'INSERT INTO _oauth_requests (id, csrf, browser, clientId, redirectUri, state, scope, codeChallenge, nonce, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      pending.id,
      pending.csrf,
      pending.browser,
      pending.clientId,
      pending.redirectUri,
      pending.state,
      pending.scope,
      pending.codeChallenge,
      pending.nonce,
      pending.expiresAt,
    );
  return pending;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The login a form post continues, when the post carries the page's CSRF token and comes from the
 * browser the page was shown to (its cookie): another site can neither read the token nor send the
 * cookie (SameSite=Lax) with a cross-site post.
 */
export function findLogin(
  org: Org,
  form: { id: string; csrf: string; browser: string | undefined },
): PendingLogin | undefined {
  const row = org.db.prepare('SELECT * FROM _oauth_requests WHERE id = ?').get(form.id) as
    | PendingLogin
    | undefined;
  if (!row || row.expiresAt <= org.now().getTime() || !form.browser) return undefined;
  if (!same(row.csrf, form.csrf) || !same(row.browser, form.browser)) return undefined;
  return row;
}

/** Records a successful login on the page; the consent step follows. */
export function loginSucceeded(org: Org, pending: PendingLogin, userId: string): void {
  org.db.prepare('UPDATE _oauth_requests SET userId = ? WHERE id = ?').run(userId, pending.id);
}

/** Counts a wrong password; false when the page has had too many and is closed. */
export function loginFailed(org: Org, pending: PendingLogin): boolean {
  const failures = pending.failures + 1;
  if (failures >= MAX_LOGIN_FAILURES) {
    finishLogin(org, pending);
    return false;
  }
  org.db.prepare('UPDATE _oauth_requests SET failures = ? WHERE id = ?').run(failures, pending.id);
  return true;
}

/** Ends the page: allowed, denied or closed. */
export function finishLogin(org: Org, pending: PendingLogin): void {
  org.db.prepare('DELETE FROM _oauth_requests WHERE id = ?').run(pending.id);
}
