import { createHash, timingSafeEqual } from 'node:crypto';
import type { Org } from '../org.ts';
import {
  authenticateClient,
  type ConnectedApp,
  type ConnectedApps,
  hasFlow,
  type OAuthFlow,
  requireApp,
} from './apps.ts';
import { consumeCode } from './codes.ts';
import { OAuthError } from './errors.ts';
import { readAssertion, verifyAssertion } from './jwt.ts';
import { grantsRefreshToken, nonInteractiveScopes } from './scopes.ts';
import { activeUserId, authenticateUser, isActiveUser } from './sessions.ts';
import { findRefreshToken, issueTokens, revokeRefreshToken, type TokenResponse } from './tokens.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** One request to the token endpoint: its form fields and `Authorization` header. */
export interface TokenRequest {
  form: URLSearchParams;
  authorization: string | undefined;
  /** The emulator's origin: `instance_url`, the identity URL, and an accepted JWT audience. */
  origin: string;
}

interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
}

const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

/**
 * The client's id and secret: form fields, or HTTP Basic (`client_id:client_secret`, each
 * form-urlencoded first as RFC 6749 asks). Both at once must agree.
 */
function clientCredentials(request: TokenRequest): ClientCredentials {
  const fromForm = {
    clientId: request.form.get('client_id'),
    clientSecret: request.form.get('client_secret'),
  };
  const basic = /^Basic\s+(\S+)$/i.exec(request.authorization ?? '')?.[1];
  if (!basic) return fromForm;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  let fromHeader: ClientCredentials;
  try {
    fromHeader =
      colon < 0
        ? { clientId: formDecode(decoded), clientSecret: null }
        : {
            clientId: formDecode(decoded.slice(0, colon)),
            clientSecret: formDecode(decoded.slice(colon + 1)),
          };
  } catch {
    throw new OAuthError('invalid_client', 'invalid client credentials');
  }
  if (
    (fromForm.clientId !== null && fromForm.clientId !== fromHeader.clientId) ||
    (fromForm.clientSecret !== null && fromForm.clientSecret !== fromHeader.clientSecret)
  ) {
    throw new OAuthError('invalid_request', 'client credentials given twice and different');
  }
  return fromHeader;
}

/**
 * A flow the app has not enabled. Salesforce's answer differs by flow and setting and is not
 * documented; the emulator answers them all alike (unconfirmed).
 */
function requireFlow(app: ConnectedApp, flow: OAuthFlow): void {
  if (!hasFlow(app, flow)) throw new OAuthError('unsupported_grant_type', 'grant type not supported');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `POST /services/oauth2/token`: every grant Salesforce offers, each only when the app enables it. */
export async function handleTokenRequest(
  org: Org,
  apps: ConnectedApps,
  request: TokenRequest,
): Promise<TokenResponse> {
  const { form } = request;
  const grantType = form.get('grant_type');
  const now = org.now().getTime();
  switch (grantType) {
    case 'password': {
      const client = clientCredentials(request);
      const app = authenticateClient(apps, client.clientId, client.clientSecret);
      requireFlow(app, 'password');
      const userId = authenticateUser(org.db, form.get('username') ?? '', form.get('password') ?? '', now);
      return issueTokens(org, {
        app,
        userId,
        scopes: nonInteractiveScopes(app, 'password'),
        origin: request.origin,
      });
    }

    case 'authorization_code': {
      const client = clientCredentials(request);
      // "Require Secret for Web Server Flow" off lets a public client (PKCE) leave the secret out;
      // a secret that is sent is always checked.
      const app =
        client.clientSecret !== null || requiresSecret(apps, client.clientId, 'web')
          ? authenticateClient(apps, client.clientId, client.clientSecret)
          : requireApp(apps, client.clientId);
      requireFlow(app, 'authorization_code');
      const code = consumeCode(org, form.get('code') ?? '', app.clientId);
      if (code.expiresAt <= now) throw new OAuthError('invalid_grant', 'expired authorization code');
      if (form.get('redirect_uri') !== code.redirectUri) {
        throw new OAuthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
      }
      const verifier = form.get('code_verifier');
      if (code.codeChallenge) {
        const computed = verifier ? createHash('sha256').update(verifier).digest('base64url') : '';
        if (!safeEqual(computed, code.codeChallenge)) {
          throw new OAuthError('invalid_grant', 'invalid code verifier');
        }
      } else if (verifier) {
        // A verifier for a code issued without a challenge: refused, as OAuth 2.1 asks (unconfirmed
        // for Salesforce).
        throw new OAuthError('invalid_grant', 'invalid code verifier');
      }
      const scopes = code.scope.split(' ').filter(Boolean);
      const response = issueTokens(org, {
        app,
        userId: code.userId,
        scopes,
        origin: request.origin,
        openId: { nonce: code.nonce },
        ...(grantsRefreshToken(app, scopes) ? { refreshToken: 'new' } : {}),
      });
      // Kept so that a replay of the code can revoke what it gave.
      org.db
        .prepare('UPDATE _oauth_codes SET accessToken = ?, refreshToken = ? WHERE code = ?')
        .run(response.access_token, response.refresh_token ?? null, code.code);
      return response;
    }

    case 'refresh_token': {
      const client = clientCredentials(request);
      const app =
        client.clientSecret !== null || requiresSecret(apps, client.clientId, 'refresh')
          ? authenticateClient(apps, client.clientId, client.clientSecret)
          : requireApp(apps, client.clientId);
      requireFlow(app, 'refresh_token');
      const expired = () => new OAuthError('invalid_grant', 'expired access/refresh token');
      const stored = findRefreshToken(org, form.get('refresh_token') ?? '');
      if (!stored || stored.clientId !== app.clientId) throw expired();
      if (!isActiveUser(org.db, stored.userId)) {
        // A deactivated user's refresh tokens stop working.
        revokeRefreshToken(org, stored.token);
        throw expired();
      }
      return issueTokens(org, {
        app,
        userId: stored.userId,
        scopes: stored.scope.split(' ').filter(Boolean),
        origin: request.origin,
        openId: { nonce: null },
        refreshToken: stored.token,
      });
    }

    case 'client_credentials': {
      const client = clientCredentials(request);
      const app = authenticateClient(apps, client.clientId, client.clientSecret);
      requireFlow(app, 'client_credentials');
      const userId = app.integrationUser ? activeUserId(org.db, app.integrationUser) : undefined;
      if (!userId) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
      return issueTokens(org, {
        app,
        userId,
        scopes: nonInteractiveScopes(app, 'client_credentials'),
        origin: request.origin,
      });
    }

    case JWT_BEARER_GRANT: {
      const assertion = form.get('assertion');
      const claims = readAssertion(assertion);
      const app = requireApp(apps, claims.iss);
      requireFlow(app, 'jwt_bearer');
      await verifyAssertion(assertion ?? '', app, { origin: request.origin, now });
      // Every user counts as pre-authorized for the app ("Admin approved users are pre-authorized").
      const userId = activeUserId(org.db, claims.sub);
      if (!userId) throw new OAuthError('invalid_grant', 'invalid assertion');
      return issueTokens(org, {
        app,
        userId,
        scopes: nonInteractiveScopes(app, 'jwt_bearer'),
        origin: request.origin,
      });
    }

    default:
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** Whether the app (if it exists; an unknown one fails later with invalid_client_id) needs the secret. */
function requiresSecret(apps: ConnectedApps, clientId: string | null, flow: 'web' | 'refresh'): boolean {
  const app = clientId ? apps.find(clientId) : undefined;
  if (!app) return true;
  return flow === 'web' ? app.requireSecretForWebServerFlow : app.requireSecretForRefreshTokenFlow;
}
