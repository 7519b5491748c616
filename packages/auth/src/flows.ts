import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importPKCS8, SignJWT } from 'jose';
import { AuthError } from './errors.ts';
import type { SalesforceSession } from './session.ts';
import { requestToken, type TokenRequestOptions } from './token-endpoint.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The refresh-token grant: a new access token for a session that has a refresh token. */
export async function refreshSession(
  options: TokenRequestOptions & { clientId: string; clientSecret?: string; refreshToken: string },
): Promise<SalesforceSession> {
  const session = await requestToken(options, {
    grant_type: 'refresh_token',
    refresh_token: options.refreshToken,
    client_id: options.clientId,
    ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
  });
  // Salesforce does not send the refresh token again (unless rotation is on): keep the one we have.
  return { ...session, refreshToken: session.refreshToken ?? options.refreshToken };
}

/** The client-credentials flow: the connected app acts as its configured integration user. */
export function loginWithClientCredentials(
  options: TokenRequestOptions & ClientCredentials,
): Promise<SalesforceSession> {
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');
  return requestToken(options, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
}

export interface JwtBearerOptions extends TokenRequestOptions {
  clientId: string;
  /** The Salesforce username the token is for. */
  username: string;
  /** A PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), or `privateKeyFile`. */
  privateKey?: string;
  privateKeyFile?: string;
  /** The `aud` claim: `https://login.salesforce.com`, `https://test.salesforce.com`, or the login URL (default). */
  audience?: string;
  now?: () => number;
}

/** The JWT bearer flow: an RS256 assertion signed with the key whose certificate the app holds. */
export async function loginWithJwtBearer(options: JwtBearerOptions): Promise<SalesforceSession> {
  const pem =
    options.privateKey ??
    (options.privateKeyFile ? await readFile(options.privateKeyFile, 'utf8') : undefined);
  if (!pem)
    throw new AuthError(
      'SF_AUTH_FAILED',
      'The JWT bearer flow needs a private key (privateKey or privateKeyFile)',
    );
  let key: CryptoKey;
  try {
    key = await importPKCS8(pem, 'RS256');
  } catch (cause) {
    // The key itself is never put in the message.
    throw new AuthError(
      'SF_AUTH_FAILED',
      'The private key for the JWT bearer flow is not a PKCS#8 PEM RSA key',
      { cause },
    );
  }
  const nowSeconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(options.clientId)
    .setSubject(options.username)
    .setAudience(options.audience ?? new URL(options.loginUrl).origin)
    // Salesforce accepts assertions that expire within three minutes.
    .setExpirationTime(nowSeconds + 180)
    .sign(key);
  return requestToken(options, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
}

export interface AuthorizeRequest {
  /** Where to send the user's browser. */
  url: string;
  /** Keep it (e.g. in the user's cookie) and check it when the callback comes back. */
  state: string;
  /** Keep it with the state; needed to exchange the code when PKCE is on. */
  codeVerifier?: string;
}

/** Builds the authorize URL of the authorization-code flow, with a random `state` and optional PKCE (S256). */
export function createAuthorizeRequest(options: {
  loginUrl: string;
  clientId: string;
  redirectUri: string;
  scope?: string;
  pkce?: boolean;
}): AuthorizeRequest {
  const state = randomBytes(24).toString('base64url');
  const url = new URL('/services/oauth2/authorize', options.loginUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', state);
  if (options.scope) url.searchParams.set('scope', options.scope);
  if (options.pkce === false) return { url: url.href, state };
  const codeVerifier = randomBytes(48).toString('base64url');
  url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.href, state, codeVerifier };
}

/**
 * Exchanges the code from the authorize callback for a session, after checking that the callback's
 * `state` is the one this client issued (a mismatch is a forged or replayed callback).
 */
export function exchangeAuthorizationCode(
  options: TokenRequestOptions &
    ClientCredentials & {
      code: string;
      redirectUri: string;
      expectedState: string;
      returnedState: string | null;
      codeVerifier?: string;
    },
): Promise<SalesforceSession> {
  if (!options.returnedState || options.returnedState !== options.expectedState) {
    return Promise.reject(
      new AuthError(
        'SF_AUTH_FAILED',
        'The OAuth callback state does not match the request: refusing the code',
      ),
    );
  }
  return requestToken(options, {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    client_id: options.clientId,
    client_secret: options.clientSecret,
    ...(options.codeVerifier ? { code_verifier: options.codeVerifier } : {}),
  });
}

/** Revokes an access or refresh token (revoking a refresh token ends its access tokens too). */
export async function revokeToken(options: TokenRequestOptions & { token: string }): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/services/oauth2/revoke', options.loginUrl);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: options.token }),
    });
  } catch (cause) {
    throw new AuthError('SF_AUTH_FAILED', `Could not reach ${url.origin} to revoke the token`, { cause });
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; error_description?: string };
    throw new AuthError(
      'SF_AUTH_FAILED',
      `Salesforce refused to revoke the token: ${body.error_description ?? body.error ?? response.status}`,
      {
        salesforceError: body.error,
      },
    );
  }
  await response.body?.cancel();
}
