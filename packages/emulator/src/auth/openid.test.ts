import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { authorizeWithForms, postForm } from './oauth-test-kit.ts';

/**
 * OpenID Connect against the emulator with openid-client, a certified relying party: discovery,
 * the web server flow with PKCE and a nonce, the ID token checked against the published keys
 * (signature, issuer, audience, nonce and expiry by openid-client, at_hash here), userinfo for the same subject, and refresh.
 */
const CALLBACK = 'http://127.0.0.1:4000/oauth/callback';
let emulator: RunningEmulator;
let config: client.Configuration;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: ':memory:' });
  config = await client.discovery(
    new URL(emulator.url),
    DEMO.clientId,
    { client_secret: DEMO.clientSecret, redirect_uris: [CALLBACK] },
    client.ClientSecretPost(DEMO.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
});
afterAll(() => emulator.close());

/**
 * Signs in as the demo admin for `scope`, returning the callback URL and the checks to make on it;
 * with the openid scope, the request carries a nonce (and openid-client then requires an ID token).
 */
/** A code for the demo app from the authorize pages of the emulator at `origin`. */
async function codeFor(origin: string, scope: string) {
  const url = new URL('/services/oauth2/authorize', origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO.clientId,
    redirect_uri: CALLBACK,
    scope,
  }).toString();
  const result = await authorizeWithForms(url.href, { username: DEMO.username, password: DEMO.password });
  const code = result.location?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${result.status} ${result.html}`);
  return code;
}

async function signIn(scope: string) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = scope.split(' ').includes('openid') ? client.randomNonce() : undefined;
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(nonce ? { nonce } : {}),
  });
  const result = await authorizeWithForms(url.href, { username: DEMO.username, password: DEMO.password });
  if (!result.location) throw new Error(`no callback: ${result.status} ${result.html}`);
  return {
    callback: result.location,
    checks: { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state },
  };
}

describe('OpenID Connect', () => {
  it("publishes a discovery document naming the emulator's own endpoints, and the keys it names", async () => {
    const metadata = config.serverMetadata();
    expect(metadata).toMatchObject({
      issuer: emulator.url,
      authorization_endpoint: `${emulator.url}/services/oauth2/authorize`,
      token_endpoint: `${emulator.url}/services/oauth2/token`,
      userinfo_endpoint: `${emulator.url}/services/oauth2/userinfo`,
      jwks_uri: `${emulator.url}/id/keys`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['api', 'openid', 'refresh_token']));
    // Only what the emulator serves: no registration or introspection endpoint is promised.
    expect(metadata.registration_endpoint).toBeUndefined();
    expect(metadata.introspection_endpoint).toBeUndefined();
    const keys = (await (await fetch(`${emulator.url}/id/keys`)).json()) as {
      keys: Record<string, string>[];
    };
    expect(keys.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(keys.keys[0]).not.toHaveProperty('d');
    // Salesforce's login host serves only the OpenID document, not RFC 8414's.
    expect((await fetch(`${emulator.url}/.well-known/oauth-authorization-server`)).status).toBe(404);
  });

  it('signs in with PKCE and a nonce; the ID token verifies and names the same user as userinfo', async () => {
    const { callback, checks } = await signIn('openid api refresh_token profile email');
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: emulator.url,
      aud: DEMO.clientId,
      sub: expect.stringMatching(new RegExp(`/id/${emulator.org.orgId}/005`)),
      nonce: checks.expectedNonce,
      preferred_username: DEMO.username,
      email_verified: true,
    });
    // OpenID Connect's at_hash: the left half of the access token's SHA-256, in base64url.
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(claims?.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    const info = await client.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
    expect(info.preferred_username).toBe(DEMO.username);

    // A refresh answers a new ID token for the same subject (openid-client checks it).
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.claims()?.sub).toBe(claims?.sub);
    expect(refreshed.claims()?.nonce).toBeUndefined();
  });

  it('gives no ID token without the openid scope, nor profile claims without the profile scope', async () => {
    const plain = await signIn('api');
    const tokens = await client.authorizationCodeGrant(config, plain.callback, plain.checks);
    expect(tokens.id_token).toBeUndefined();

    const bare = await signIn('openid api');
    const claims = (await client.authorizationCodeGrant(config, bare.callback, bare.checks)).claims();
    expect(claims?.preferred_username).toBeUndefined();
    expect(claims?.email).toBeUndefined();
  });

  it('gives no ID token to the grants without a user at the keyboard', async () => {
    const { body } = await postForm(`${emulator.url}/services/oauth2/token`, {
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    });
    expect(body.access_token).toBeTruthy();
    expect(body.scope.split(' ')).toContain('openid');
    expect(body.id_token).toBeUndefined();
  });

  it('keeps its signing key with the org: after a restart, earlier ID tokens still verify', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfgql-oidc-'));
    try {
      let running = await startEmulator({ dataDir });
      const origin = running.url;
      const issued = (
        await postForm(`${origin}/services/oauth2/token`, {
          grant_type: 'authorization_code',
          code: await codeFor(origin, 'openid api'),
          redirect_uri: CALLBACK,
          client_id: DEMO.clientId,
          client_secret: DEMO.clientSecret,
        })
      ).body as { id_token: string };
      await running.close();
      running = await startEmulator({ dataDir });
      try {
        const keys = createRemoteJWKSet(new URL(`${running.url}/id/keys`));
        const { payload } = await jwtVerify(issued.id_token, keys, {
          issuer: origin,
          audience: DEMO.clientId,
        });
        expect(payload.sub).toContain(`/id/${running.org.orgId}/`);
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
