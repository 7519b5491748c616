import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call } from '../test-helpers.ts';
import type { ConnectedAppConfig } from './apps.ts';
import { DEMO_JWT_PRIVATE_KEY } from './demo-app.ts';
import { JWT_BEARER_GRANT } from './grants.ts';
import { authorizeWithForms, postForm, signAssertion } from './oauth-test-kit.ts';

const CALLBACK = 'http://127.0.0.1:4000/oauth/callback';
const LIFETIME_MS = 60 * 60 * 1000;

const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherPrivate = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const otherPublic = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

const apps: ConnectedAppConfig[] = [
  {
    clientId: 'jwt-app',
    clientSecret: 'jwt-secret',
    flows: ['jwt_bearer'],
    certificate: otherPublic,
  },
  {
    clientId: 'no-run-as',
    clientSecret: 'no-run-as-secret',
    flows: ['client_credentials'],
  },
  {
    clientId: 'code-only',
    clientSecret: 'code-only-secret',
    name: 'Code Only',
    callbackUrls: ['https://app.example.com/cb'],
    flows: ['authorization_code'],
    scopes: ['api', 'refresh_token'],
    requirePkce: true,
  },
];

let clock = Date.parse('2026-03-01T12:00:00.000Z');
let emulator: RunningEmulator;
let tokenUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({
    dataDir: ':memory:',
    now: () => new Date(clock),
    sessionLifetimeMs: LIFETIME_MS,
    apps,
  });
  tokenUrl = `${emulator.url}/services/oauth2/token`;
});
afterAll(() => emulator.close());

const demoOAuth = (options: { useVerifier?: boolean; redirectUri?: string } = {}) =>
  new OAuth2({
    loginUrl: emulator.url,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    redirectUri: options.redirectUri ?? CALLBACK,
    useVerifier: options.useVerifier ?? true,
  });

const asAdmin = { username: DEMO.username, password: DEMO.password };

/** A code from the authorize pages for the demo app. */
async function code(params: Record<string, string> = {}) {
  const url = new URL('/services/oauth2/authorize', emulator.url);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: DEMO.clientId,
    redirect_uri: CALLBACK,
    state: 's1',
    ...params,
  }))
    url.searchParams.set(name, value);
  const result = await authorizeWithForms(url.href, asAdmin);
  const value = result.location?.searchParams.get('code');
  if (!value) throw new Error(`no code: ${result.status} ${result.location ?? result.html}`);
  return value;
}

const pkcePair = () => {
  const verifier = 'v'.repeat(20) + Math.random().toString(36).slice(2) + 'x'.repeat(30);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

async function jsforceError(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected a failure');
}

describe('password grant through jsforce', () => {
  it('logs in with password + security token and signs the response with the client secret', async () => {
    const oauth2 = demoOAuth({ useVerifier: false });
    const response = (await oauth2.authenticate(DEMO.username, DEMO.password + DEMO.securityToken)) as Record<
      string,
      string
    >;
    expect(Object.keys(response)).toEqual([
      'access_token',
      'signature',
      'scope',
      'instance_url',
      'id',
      'token_type',
      'issued_at',
    ]);
    expect(response.issued_at).toBe(String(clock));
    const expected = createHmac('sha256', DEMO.clientSecret)
      .update(`${response.id}${response.issued_at}`)
      .digest('base64');
    expect(response.signature).toBe(expected);
    expect(response.scope?.split(' ')).not.toContain('refresh_token');

    const conn = new Connection({ oauth2, version: '60.0' });
    await conn.login(DEMO.username, DEMO.password + DEMO.securityToken);
    const result = await conn.query('SELECT Id FROM Account LIMIT 1');
    expect(result.totalSize).toBe(1);
  });

  it('refuses a wrong password, an unknown client and a wrong secret', async () => {
    expect(
      await jsforceError(demoOAuth().authenticate(DEMO.username, `${DEMO.password}WRONG`)),
    ).toMatchObject({ name: 'invalid_grant', message: 'authentication failure' });
    const unknown = new OAuth2({ loginUrl: emulator.url, clientId: 'nope', clientSecret: 'x' });
    expect(await jsforceError(unknown.authenticate(DEMO.username, 'x'))).toMatchObject({
      name: 'invalid_client_id',
      message: 'client identifier invalid',
    });
    const wrongSecret = new OAuth2({ loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: 'x' });
    expect(await jsforceError(wrongSecret.authenticate(DEMO.username, 'x'))).toMatchObject({
      name: 'invalid_client',
      message: 'invalid client credentials',
    });
  });

  it('refuses the password grant for an app that does not enable it', async () => {
    const { status, body } = await postForm(tokenUrl, {
      grant_type: 'password',
      client_id: 'code-only',
      client_secret: 'code-only-secret',
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });
});

describe('token endpoint input', () => {
  it('answers unsupported_grant_type for an unknown or missing grant, and needs a form body', async () => {
    for (const grant_type of ['magic', '']) {
      const { status, body } = await postForm(tokenUrl, { grant_type, client_id: DEMO.clientId });
      expect(status).toBe(400);
      expect(body).toEqual({
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });
    }
    const json = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password' }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('authorization code with PKCE, refresh and revoke through jsforce', () => {
  it('exchanges the code, refreshes after the access token expires, and revokes', async () => {
    const oauth2 = demoOAuth();
    const authorizeUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'xyz' });
    expect(authorizeUrl).toContain('code_challenge=');
    const result = await authorizeWithForms(authorizeUrl, asAdmin);
    expect(result.status).toBe(302);
    expect(`${result.location?.origin}${result.location?.pathname}`).toBe(CALLBACK);
    expect(result.location?.searchParams.get('state')).toBe('xyz');

    const conn = new Connection({ oauth2, version: '60.0' });
    const user = await conn.authorize(result.location?.searchParams.get('code') ?? '');
    expect(user.organizationId).toBe(emulator.org.orgId);
    expect(conn.refreshToken).toMatch(/^5Aep861/);
    const firstToken = conn.accessToken;
    expect((await conn.query('SELECT Id FROM Case LIMIT 1')).totalSize).toBe(1);

    // The access token expires; jsforce gets INVALID_SESSION_ID and refreshes by itself.
    clock += LIFETIME_MS + 1000;
    expect((await call(emulator, firstToken ?? '', 'GET', '/services/data/v60.0/limits')).status).toBe(401);
    expect((await conn.query('SELECT Id FROM Case LIMIT 1')).totalSize).toBe(1);
    expect(conn.accessToken).not.toBe(firstToken);

    // The refresh grant answers a new access token, not a new refresh token.
    const refreshed = (await oauth2.refreshToken(conn.refreshToken ?? '')) as Record<string, string>;
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeUndefined();
    expect(refreshed.scope).toBe('api refresh_token');

    // Revoking the refresh token ends every access token issued from it, and the refresh token.
    const live = conn.accessToken ?? '';
    await conn.logout(true);
    expect((await call(emulator, live, 'GET', '/services/data/v60.0/limits')).status).toBe(401);
    expect(
      (await call(emulator, refreshed.access_token ?? '', 'GET', '/services/data/v60.0/limits')).status,
    ).toBe(401);
    expect(
      await jsforceError(oauth2.refreshToken(refreshed.refresh_token ?? String(conn.refreshToken))),
    ).toMatchObject({ name: 'invalid_grant' });
  });

  it('works without PKCE, and gives no refresh token when the scope does not ask for one', async () => {
    const { status, body } = await postForm(tokenUrl, {
      grant_type: 'authorization_code',
      code: await code({ scope: 'api' }),
      redirect_uri: CALLBACK,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('api');
    expect((await call(emulator, body.access_token, 'GET', '/services/oauth2/userinfo')).body).toMatchObject({
      preferred_username: DEMO.username,
    });
  });

  it('issues a refresh token for offline_access too', async () => {
    const { body } = await postForm(tokenUrl, {
      grant_type: 'authorization_code',
      code: await code({ scope: 'api offline_access' }),
      redirect_uri: CALLBACK,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    });
    expect(body.refresh_token).toMatch(/^5Aep861/);
  });
});

describe('authorization code: bad input', () => {
  const exchange = (fields: Record<string, string>) =>
    postForm(tokenUrl, {
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      ...fields,
    });

  it('refuses a wrong PKCE verifier, and the code is spent by the attempt', async () => {
    const { verifier, challenge } = pkcePair();
    const value = await code({ code_challenge: challenge, code_challenge_method: 'S256' });
    expect(await exchange({ code: value, code_verifier: `${verifier}x` })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid code verifier' },
    });
    expect(await exchange({ code: value, code_verifier: verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
  });

  it('refuses a missing verifier for a code with a challenge, and a verifier for one without', async () => {
    const { challenge, verifier } = pkcePair();
    expect(await exchange({ code: await code({ code_challenge: challenge }) })).toMatchObject({
      body: { error: 'invalid_grant', error_description: 'invalid code verifier' },
    });
    expect(await exchange({ code: await code(), code_verifier: verifier })).toMatchObject({
      body: { error: 'invalid_grant', error_description: 'invalid code verifier' },
    });
  });

  it('refuses a replayed code and revokes what the first exchange gave', async () => {
    const value = await code({ scope: 'api refresh_token' });
    const first = await exchange({ code: value });
    expect(first.status).toBe(200);
    expect(await exchange({ code: value })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
    expect((await call(emulator, first.body.access_token, 'GET', '/services/data/v60.0/limits')).status).toBe(
      401,
    );
    expect(
      await postForm(tokenUrl, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
  });

  it('refuses another redirect_uri than the one authorized, an expired code, and another client', async () => {
    expect(
      await exchange({ code: await code(), redirect_uri: 'http://localhost:4000/oauth/callback' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' },
    });
    const old = await code();
    clock += 15 * 60 * 1000 + 1;
    expect(await exchange({ code: old })).toMatchObject({
      body: { error: 'invalid_grant', error_description: 'expired authorization code' },
    });
    expect(
      await exchange({ code: await code(), client_id: 'code-only', client_secret: 'code-only-secret' }),
    ).toMatchObject({ body: { error: 'invalid_grant', error_description: 'invalid authorization code' } });
    expect(await exchange({ code: await code(), client_secret: 'wrong' })).toMatchObject({
      body: { error: 'invalid_client' },
    });
    expect(await exchange({ code: 'aPrxforged' })).toMatchObject({
      body: { error: 'invalid_grant', error_description: 'invalid authorization code' },
    });
  });
});

describe('authorize pages: bad input', () => {
  const authorize = (params: Record<string, string>) => {
    const url = new URL('/services/oauth2/authorize', emulator.url);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: DEMO.clientId,
      ...params,
    }))
      url.searchParams.set(name, value);
    return fetch(url, { redirect: 'manual' });
  };

  it('shows a mismatched redirect_uri or an unknown client as an error page, never redirecting', async () => {
    for (const redirect_uri of [
      'http://127.0.0.1:4000/oauth/callback/',
      'http://127.0.0.1:4000/oauth/callback?x=1',
      'https://evil.example.com/oauth/callback',
      'https://chatgpt.com/aip/g-1/../../evil/oauth/callback',
      'https://chatgpt.com/aip/g-1/extra/oauth/callback',
    ]) {
      const response = await authorize({ redirect_uri, state: 's' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('redirect_uri_mismatch');
    }
    const unknown = await authorize({ client_id: 'nope', redirect_uri: CALLBACK });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('invalid_client_id');
  });

  it("accepts a GPT Action's callback URL through the demo app's * segment", async () => {
    const response = await authorize({ redirect_uri: 'https://chatgpt.com/aip/g-abc123/oauth/callback' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('redirects later errors to the callback with the state', async () => {
    const errorOf = async (params: Record<string, string>) => {
      const response = await authorize({ redirect_uri: CALLBACK, state: 'st', ...params });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.searchParams.get('state')).toBe('st');
      return location.searchParams.get('error');
    };
    expect(await errorOf({ response_type: 'token' })).toBe('unsupported_response_type');
    expect(await errorOf({ scope: 'api chatter_api' })).toBe('invalid_scope');
    expect(await errorOf({ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' })).toBe(
      'invalid_request',
    );
    expect(await errorOf({ code_challenge: 'short' })).toBe('invalid_request');
    const pkceRequired = await authorize({
      client_id: 'code-only',
      redirect_uri: 'https://app.example.com/cb',
    });
    expect(new URL(pkceRequired.headers.get('location') ?? '').searchParams.get('error_description')).toBe(
      'missing required code challenge',
    );
  });

  it('sends access_denied when the user denies, and re-asks on a wrong password', async () => {
    const url = `${emulator.url}/services/oauth2/authorize?response_type=code&client_id=${DEMO.clientId}&redirect_uri=${encodeURIComponent(CALLBACK)}&state=d`;
    const denied = await authorizeWithForms(url, { ...asAdmin, decision: 'deny' });
    expect(denied.location?.searchParams.get('error')).toBe('access_denied');
    expect(denied.location?.searchParams.get('state')).toBe('d');
    expect(denied.location?.searchParams.get('code')).toBeNull();

    const wrong = await authorizeWithForms(url, { username: DEMO.username, password: 'nope' });
    expect(wrong.status).toBe(200);
    expect(wrong.html).toContain('Please check your username and password');
    // The security token is for API logins: the page takes the password alone.
    const withToken = await authorizeWithForms(url, {
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    });
    expect(withToken.html).toContain('Please check your username and password');
  });

  it('refuses a form post without the page cookie or with another CSRF token', async () => {
    const page = await fetch(
      `${emulator.url}/services/oauth2/authorize?response_type=code&client_id=${DEMO.clientId}&redirect_uri=${encodeURIComponent(CALLBACK)}`,
    );
    const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    expect(page.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax/i);
    const html = await page.text();
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(`${emulator.url}/services/oauth2/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ action: 'login', ...asAdmin, ...fields }),
      });
    expect((await post({}, { request, csrf })).status).toBe(400);
    expect((await post({ cookie }, { request, csrf: 'forged' })).status).toBe(400);
    expect((await post({ cookie }, { request, csrf })).status).toBe(200);
  });
});

describe('refresh_token grant', () => {
  let refreshToken: string;
  beforeAll(async () => {
    const { body } = await postForm(tokenUrl, {
      grant_type: 'authorization_code',
      code: await code({ scope: 'api refresh_token' }),
      redirect_uri: CALLBACK,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    });
    refreshToken = body.refresh_token;
  });

  it('needs the client secret and the client the token was issued to', async () => {
    const refresh = (fields: Record<string, string>) =>
      postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, ...fields });
    expect(await refresh({ client_id: DEMO.clientId })).toMatchObject({ body: { error: 'invalid_client' } });
    expect(await refresh({ client_id: DEMO.clientId, client_secret: 'x' })).toMatchObject({
      body: { error: 'invalid_client' },
    });
    expect(await refresh({ client_id: 'no-run-as', client_secret: 'no-run-as-secret' })).toMatchObject({
      body: { error: 'unsupported_grant_type' },
    });
    expect(
      await refresh({ client_id: DEMO.clientId, client_secret: DEMO.clientSecret, refresh_token: 'nope' }),
    ).toMatchObject({ body: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });
    expect(await refresh({ client_id: DEMO.clientId, client_secret: DEMO.clientSecret })).toMatchObject({
      status: 200,
    });
  });
});

describe('client_credentials grant', () => {
  it('runs as the demo admin through jsforce (body credentials)', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret },
      version: '60.0',
    });
    const user = await conn.authorize({ grant_type: 'client_credentials' });
    const admin = (
      await conn.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${DEMO.username}'`)
    ).records[0];
    expect(user.id).toBe(admin?.Id);
    expect(conn.refreshToken).toBeUndefined();
  });

  it('takes HTTP Basic credentials, with scopes minus refresh_token, full and web', async () => {
    const basic = Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64');
    const { status, body } = await postForm(
      tokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${basic}` },
    );
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope.split(' ')).toEqual(['api', 'id', 'profile', 'email', 'openid']);
  });

  it('refuses a wrong secret, an app without a Run As user, and an app without the flow', async () => {
    const basic = (id: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    });
    expect(
      await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic(DEMO.clientId, 'wrong')),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    expect(
      await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic('no-run-as', 'no-run-as-secret')),
    ).toMatchObject({
      body: { error: 'invalid_grant', error_description: 'no client credentials user enabled' },
    });
    expect(
      await postForm(tokenUrl, { grant_type: 'client_credentials' }, basic('code-only', 'code-only-secret')),
    ).toMatchObject({ body: { error: 'unsupported_grant_type' } });
    expect(
      await postForm(
        tokenUrl,
        { grant_type: 'client_credentials', client_id: 'code-only' },
        basic(DEMO.clientId, DEMO.clientSecret),
      ),
    ).toMatchObject({ body: { error: 'invalid_request' } });
  });
});

describe('JWT bearer grant', () => {
  const nowS = () => Math.floor(clock / 1000);
  const assertion = (claims: Record<string, unknown> = {}, key = DEMO_JWT_PRIVATE_KEY) =>
    signAssertion(key, {
      iss: DEMO.clientId,
      sub: DEMO.username,
      aud: 'https://login.salesforce.com',
      exp: nowS() + 180,
      ...claims,
    });
  const grant = async (value: string) =>
    postForm(tokenUrl, { grant_type: JWT_BEARER_GRANT, assertion: value });

  it('logs in through jsforce with an assertion signed by the demo key', async () => {
    const conn = new Connection({ oauth2: { loginUrl: emulator.url }, version: '60.0' });
    const user = await conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion: await assertion() });
    expect(user.organizationId).toBe(emulator.org.orgId);
    expect((await conn.query('SELECT Id FROM Contact LIMIT 1')).totalSize).toBe(1);
  });

  it("accepts the emulator's own origin and an app's public key, and gives no refresh token", async () => {
    const { status, body } = await grant(
      await assertion({ iss: 'jwt-app', aud: emulator.url, sub: DEMO.users.standard.username }, otherPrivate),
    );
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect((await call(emulator, body.access_token, 'GET', '/services/oauth2/userinfo')).body).toMatchObject({
      preferred_username: DEMO.users.standard.username,
    });
  });

  it('refuses expired, far-off, tampered, wrongly signed, wrong-audience and unknown-party assertions', async () => {
    const expectError = async (value: Promise<string> | string, error: string, description?: string) => {
      const { status, body } = await grant(await value);
      expect(status).toBe(400);
      expect(body).toEqual({ error, error_description: description ?? expect.any(String) });
    };
    await expectError(assertion({ exp: nowS() - 1 }), 'invalid_grant', 'expired authorization code');
    await expectError(assertion({ exp: nowS() + 3600 }), 'invalid_grant', 'invalid assertion');
    await expectError(assertion({ aud: 'https://evil.example.com' }), 'invalid_grant', 'audience is invalid');
    await expectError(assertion({}, stranger), 'invalid_grant', 'invalid assertion');
    await expectError(assertion({ iss: 'nope' }), 'invalid_client_id', 'client identifier invalid');
    await expectError(assertion({ sub: 'nobody@sfgql.dev' }), 'invalid_grant', 'invalid assertion');
    await expectError(assertion({ sub: 'jordan.lee@sfgql.dev' }), 'invalid_grant', 'invalid assertion');
    await expectError(assertion({ iss: 'code-only' }), 'unsupported_grant_type');
    await expectError('not.a.jwt', 'invalid_grant', 'invalid assertion');

    // The signature of one assertion on another's claims.
    const [header, , signature] = (await assertion()).split('.');
    const claims = Buffer.from(
      JSON.stringify({
        iss: DEMO.clientId,
        sub: DEMO.users.readOnly.username,
        aud: emulator.url,
        exp: nowS() + 60,
      }),
    ).toString('base64url');
    await expectError(`${header}.${claims}.${signature}`, 'invalid_grant', 'invalid assertion');
    // An HS256 assertion "signed" with the public certificate, the classic algorithm confusion.
    const hs = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    await expectError(`${hs}.${claims}.${signature}`, 'invalid_grant', 'invalid assertion');
  });
});

describe('revoke', () => {
  const revoke = (token: string) => postForm(`${emulator.url}/services/oauth2/revoke`, { token });

  it('revokes an access token alone; unknown and already revoked tokens are invalid_token', async () => {
    const { body } = await postForm(tokenUrl, {
      grant_type: 'authorization_code',
      code: await code({ scope: 'api refresh_token' }),
      redirect_uri: CALLBACK,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    });
    expect(await revoke(body.access_token)).toMatchObject({ status: 200, body: undefined });
    expect((await call(emulator, body.access_token, 'GET', '/services/data/v60.0/limits')).status).toBe(401);
    const refreshed = await postForm(tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
    });
    expect(refreshed.status).toBe(200);
    expect(await revoke(body.access_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_token', error_description: 'invalid token' },
    });
    expect(await revoke('nope')).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
    expect(await postForm(`${emulator.url}/services/oauth2/revoke`, {})).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });
});

describe('identity', () => {
  it('serves userinfo and the identity URL for any grant', async () => {
    const { body } = await postForm(tokenUrl, {
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    });
    const identity = await call(emulator, body.access_token, 'GET', new URL(body.id).pathname);
    expect(identity.status).toBe(200);
    expect(identity.body).toMatchObject({
      id: body.id,
      organization_id: emulator.org.orgId,
      username: DEMO.username,
    });
    expect((await call(emulator, 'nope', 'GET', '/services/oauth2/userinfo')).status).toBe(401);
  });
});

describe('apps from configuration', () => {
  it('replace the seeded app with the same client id and survive a reset of the org', async () => {
    const own = await startEmulator({
      dataDir: ':memory:',
      apps: [
        {
          clientId: DEMO.clientId,
          clientSecret: 'rotated',
          callbackUrls: ['https://chatgpt.com/aip/g-0123/oauth/callback'],
          flows: ['password', 'authorization_code'],
        },
      ],
    });
    try {
      const login = (secret: string) =>
        postForm(`${own.url}/services/oauth2/token`, {
          grant_type: 'password',
          client_id: DEMO.clientId,
          client_secret: secret,
          username: DEMO.username,
          password: DEMO.password + DEMO.securityToken,
        });
      expect((await login(DEMO.clientSecret)).body).toMatchObject({ error: 'invalid_client' });
      expect((await login('rotated')).status).toBe(200);
      await fetch(`${own.url}/__emulator/reset`, { method: 'POST' });
      expect((await login('rotated')).status).toBe(200);
      const authorize = (uri: string) =>
        fetch(
          `${own.url}/services/oauth2/authorize?response_type=code&client_id=${DEMO.clientId}&redirect_uri=${encodeURIComponent(uri)}`,
          { redirect: 'manual' },
        );
      expect((await authorize('https://chatgpt.com/aip/g-0123/oauth/callback')).status).toBe(200);
      expect((await authorize('https://chatgpt.com/aip/g-9999/oauth/callback')).status).toBe(400);
    } finally {
      await own.close();
    }
  });

  it('refuses an invalid configuration at start', async () => {
    await expect(
      startEmulator({
        dataDir: ':memory:',
        apps: [{ clientId: 'x', clientSecret: 'y', flows: ['jwt_bearer'] }],
      }),
    ).rejects.toThrow(/certificate/);
    await expect(
      startEmulator({
        dataDir: ':memory:',
        apps: [{ clientId: 'x', clientSecret: 'y', callbackUrls: ['https://*.example.com/cb'] }],
      }),
    ).rejects.toThrow(/whole path segment/);
  });
});
