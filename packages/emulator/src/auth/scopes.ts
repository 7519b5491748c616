import type { ConnectedApp } from './apps.ts';
import { OAuthError } from './errors.ts';

/** `refresh_token` and `offline_access` are the same scope in Salesforce: both grant a refresh token. */
export const isRefreshScope = (scope: string) => scope === 'refresh_token' || scope === 'offline_access';

const allows = (app: ConnectedApp, scope: string) =>
  app.scopes.includes(scope) || (isRefreshScope(scope) && app.scopes.some(isRefreshScope));

/**
 * The scopes an authorize request asks for (space-separated), checked against the app's: none named
 * means every scope the app has, as in Salesforce; one the app does not have is `invalid_scope`.
 */
export function requestedScopes(app: ConnectedApp, scope: string | null | undefined): string[] {
  const names = (scope ?? '').split(/[\s+]+/).filter(Boolean);
  if (names.length === 0) return [...app.scopes];
  for (const name of names) {
    if (!allows(app, name)) throw new OAuthError('invalid_scope', 'the requested scope is not allowed');
  }
  return [...new Set(names)];
}

/** A refresh token comes with the grant only when a refresh scope was granted and the app allows the flow. */
export function grantsRefreshToken(app: ConnectedApp, scopes: readonly string[]): boolean {
  return scopes.some(isRefreshScope) && app.flows.includes('refresh_token');
}

/**
 * The scopes of a grant without a user's consent (password, JWT bearer, client credentials): the app's,
 * without the refresh scopes (these grants never return a refresh token); client credentials also
 * lose `full` and `web`, as Salesforce documents.
 */
export function nonInteractiveScopes(
  app: ConnectedApp,
  grant: 'password' | 'jwt_bearer' | 'client_credentials',
): string[] {
  return app.scopes.filter(
    (scope) =>
      !isRefreshScope(scope) && !(grant === 'client_credentials' && (scope === 'full' || scope === 'web')),
  );
}

/** Human-readable descriptions of the scopes for the consent page (Salesforce's wording, shortened). */
export const SCOPE_LABELS: Record<string, string> = {
  api: 'Manage user data via APIs (api)',
  refresh_token: 'Perform requests at any time (refresh_token, offline_access)',
  offline_access: 'Perform requests at any time (refresh_token, offline_access)',
  id: 'Access the identity URL service (id, profile, email, address, phone)',
  profile: 'Access the identity URL service (id, profile, email, address, phone)',
  email: 'Access the identity URL service (id, profile, email, address, phone)',
  address: 'Access the identity URL service (id, profile, email, address, phone)',
  phone: 'Access the identity URL service (id, profile, email, address, phone)',
  openid: 'Access unique user identifiers (openid)',
  full: 'Full access (full)',
  web: 'Access the Salesforce API Platform (web)',
  chatter_api: 'Access Connect REST API resources (chatter_api)',
};
