import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import type { Org } from '../org.ts';

/**
 * OpenID Connect for the web server flow: the org's signing key (RS256, published at `/id/keys`)
 * and the ID token issued with the tokens when the grant includes the `openid` scope.
 */

/** How long an ID token is valid (unconfirmed for Salesforce). */
export const ID_TOKEN_LIFETIME_S = 5 * 60;

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const keys = new WeakMap<Org, SigningKey>();

/** The org's ID token signing key: made on first use and kept with the org's data. */
function signingKey(org: Org): SigningKey {
  const known = keys.get(org);
  if (known) return known;
  const row = org.db.prepare(`SELECT value FROM _meta WHERE key = 'idTokenSigningKey'`).get() as
    | { value: string }
    | undefined;
  let pem = row?.value;
  if (!pem) {
    pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    org.db.prepare(`INSERT OR IGNORE INTO _meta (key, value) VALUES ('idTokenSigningKey', ?)`).run(pem);
    // Another process on the same folder may have made one first: use whichever was kept.
    pem = (
      org.db.prepare(`SELECT value FROM _meta WHERE key = 'idTokenSigningKey'`).get() as { value: string }
    ).value;
  }
  const privateKey = createPrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  // RFC 7638 thumbprint of the public key: the same key always has the same id.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url')
    .slice(0, 16);
  const key = {
    kid,
    privateKey,
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: 'RS256', use: 'sig', kid },
  };
  keys.set(org, key);
  return key;
}

/** `/id/keys`: the JSON Web Key Set that verifies the org's ID tokens. */
export function jwks(org: Org): { keys: Record<string, unknown>[] } {
  return { keys: [signingKey(org).publicJwk] };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

interface UserClaimsRow {
  Username: string;
  Name: string | null;
  FirstName: string | null;
  LastName: string | null;
  Email: string | null;
  LocaleSidKey: string | null;
  TimeZoneSidKey: string | null;
}

/**
 * An RS256 ID token for a user and a client: the identity URL as `sub`, the client id as `aud`, the
 * access token's hash (`at_hash`), the authorize request's `nonce`, and the user's profile and email
 * claims when those scopes were granted.
 */
export function idToken(
  org: Org,
  options: {
    issuer: string;
    clientId: string;
    userId: string;
    accessToken: string;
    scopes: readonly string[];
    nonce?: string | null;
  },
): string {
  const key = signingKey(org);
  const iat = Math.floor(org.now().getTime() / 1000);
  const user = org.db
    .prepare(
      'SELECT "Username", "Name", "FirstName", "LastName", "Email", "LocaleSidKey", "TimeZoneSidKey" FROM "User" WHERE "Id" = ?',
    )
    .get(options.userId) as UserClaimsRow | undefined;
  const digest = createHash('sha256').update(options.accessToken).digest();
  const claims: Record<string, unknown> = {
    at_hash: base64url(digest.subarray(0, digest.length / 2)),
    sub: `${options.issuer}/id/${org.orgId}/${options.userId}`,
    aud: options.clientId,
    iss: options.issuer,
    exp: iat + ID_TOKEN_LIFETIME_S,
    iat,
    ...(options.nonce ? { nonce: options.nonce } : {}),
  };
  if (user && options.scopes.includes('profile')) {
    Object.assign(claims, {
      name: user.Name,
      preferred_username: user.Username,
      given_name: user.FirstName,
      family_name: user.LastName,
      locale: user.LocaleSidKey ?? 'en_US',
      zoneinfo: user.TimeZoneSidKey ?? 'America/Los_Angeles',
    });
  }
  if (user && options.scopes.includes('email'))
    Object.assign(claims, { email: user.Email, email_verified: true });
  const signingInput = `${base64url(JSON.stringify({ kid: key.kid, typ: 'JWT', alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), key.privateKey))}`;
}
