import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { ConnectedApps } from '../auth/apps.ts';
import {
  type AuthorizeRequest,
  checkAuthorizeRequest,
  findLogin,
  finishLogin,
  loginFailed,
  loginSucceeded,
  newBrowserId,
  type PendingLogin,
  redirectTo,
  startLogin,
} from '../auth/authorize.ts';
import { createCode } from '../auth/codes.ts';
import { OAuthError } from '../auth/errors.ts';
import { handleTokenRequest } from '../auth/grants.ts';
import { jwks } from '../auth/id-token.ts';
import { consentPage, errorPage, loginPage, PAGE_HEADERS } from '../auth/pages.ts';
import { SCOPE_LABELS } from '../auth/scopes.ts';
import { checkPassword, requireSession } from '../auth/sessions.ts';
import { revokeAnyToken } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import type { Org } from '../org.ts';
import type { Env } from './app.ts';
import { API_VERSIONS } from './versions.ts';

const BROWSER_COOKIE = 'sfgql_browser';
const LOGIN_FAILED =
  "Please check your username and password. If you still can't log in, contact your Salesforce administrator.";

type UserRow = Record<string, string | number | null>;

function userRow(org: Org, userId: string): UserRow | undefined {
  return org.db
    .prepare(
      `SELECT "Id", "Username", "Name", "Email", "FirstName", "LastName", "CommunityNickname", "MobilePhone", "IsActive", "TimeZoneSidKey", "LocaleSidKey", "LanguageLocaleKey", "UserType", "LastModifiedDate" FROM "User" WHERE "Id" = ?`,
    )
    .get(userId) as UserRow | undefined;
}

/** The URLs both identity answers carry, with `{version}` left for the client to fill in. */
function identityUrls(org: Org, origin: string, userId: string) {
  const data = `${origin}/services/data/v{version}`;
  return {
    enterprise: `${origin}/services/Soap/c/{version}/${org.orgId}`,
    metadata: `${origin}/services/Soap/m/{version}/${org.orgId}`,
    partner: `${origin}/services/Soap/u/{version}/${org.orgId}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${origin}/services/Soap/T/{version}/${org.orgId}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${origin}/${userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: origin,
  };
}

/** A time zone's offset from UTC at a moment, in milliseconds (`-28800000` for Los Angeles in winter). */
function utcOffsetMs(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

/** `/services/oauth2/userinfo`: the OpenID Connect UserInfo shape. */
function userInfo(org: Org, origin: string, userId: string) {
  const user = userRow(org, userId);
  if (!user) return undefined;
  return {
    sub: `${origin}/id/${org.orgId}/${userId}`,
    user_id: userId,
    organization_id: org.orgId,
    preferred_username: user.Username,
    nickname: user.CommunityNickname ?? String(user.Username).split('@')[0],
    name: user.Name,
    given_name: user.FirstName,
    family_name: user.LastName,
    email: user.Email,
    email_verified: true,
    zoneinfo: user.TimeZoneSidKey ?? 'America/Los_Angeles',
    locale: user.LocaleSidKey ?? 'en_US',
    active: user.IsActive !== 0,
    user_type: String(user.UserType ?? 'Standard').toUpperCase(),
    urls: identityUrls(org, origin, userId),
    version: API_VERSIONS.at(-1),
  };
}

/**
 * `/id/{org}/{user}`: Salesforce's identity service shape (`id`, `username`, `display_name`,
 * `nick_name`, `photos`, ...), which differs from userinfo's OpenID names. A user may read only
 * their own identity URL; another user's answers 403, as Salesforce answers (unconfirmed wording).
 */
function identity(org: Org, origin: string, userId: string) {
  const user = userRow(org, userId);
  if (!user) return undefined;
  const photo = `${origin}/profilephoto/005`;
  const lastModified = user.LastModifiedDate ? String(user.LastModifiedDate).replace(/\.\d{3}Z$/, 'Z') : null;
  return {
    id: `${origin}/id/${org.orgId}/${userId}`,
    asserted_user: true,
    user_id: userId,
    organization_id: org.orgId,
    username: user.Username,
    nick_name: user.CommunityNickname ?? String(user.Username).split('@')[0],
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey ?? 'America/Los_Angeles',
    photos: { picture: `${photo}/F`, thumbnail: `${photo}/T` },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: user.MobilePhone ?? null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: identityUrls(org, origin, userId),
    active: user.IsActive !== 0,
    user_type: String(user.UserType ?? 'Standard').toUpperCase(),
    language: user.LanguageLocaleKey ?? 'en_US',
    locale: user.LocaleSidKey ?? 'en_US',
    utcOffset: utcOffsetMs(String(user.TimeZoneSidKey ?? 'America/Los_Angeles'), org.now()),
    last_modified_date: lastModified,
    is_app_installed: true,
  };
}

/** A form-encoded body, as every OAuth endpoint requires. */
async function readForm(c: Context<Env>): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'must use application/x-www-form-urlencoded');
  }
  return new URLSearchParams(await c.req.text());
}

const page = (c: Context<Env>, html: string, status = 200) => c.body(html, status as 200, PAGE_HEADERS);

function loginPageFor(
  pending: PendingLogin,
  apps: ConnectedApps,
  extra: { username?: string; error?: string } = {},
) {
  return loginPage({
    appName: apps.find(pending.clientId)?.name ?? pending.clientId,
    requestId: pending.id,
    csrf: pending.csrf,
    ...extra,
  });
}

/**
 * Salesforce's OAuth 2.0 endpoints: the token endpoint (every grant), the authorize pages of the web
 * server flow, revocation, userinfo and the identity URL; OpenID Connect's discovery document and keys.
 */
export function registerOAuthRoutes(app: Hono<Env>, org: Org, apps: ConnectedApps): void {
  app.post('/services/oauth2/token', async (c) => {
    const form = await readForm(c);
    const response = await handleTokenRequest(org, apps, {
      form,
      authorization: c.req.header('authorization'),
      origin: new URL(c.req.url).origin,
    });
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
    return c.json(response);
  });

  /** Shows the login page for a new authorize request, or its error (page or redirect). */
  const authorize = (c: Context<Env>, query: URLSearchParams) => {
    const checked = checkAuthorizeRequest(apps, query);
    if (!checked.ok) {
      const { failure } = checked;
      if (failure.kind === 'redirect') return c.redirect(failure.location, 302);
      return page(c, errorPage(failure), 400);
    }
    const request: AuthorizeRequest = checked.request;
    let browser = getCookie(c, BROWSER_COOKIE);
    if (!browser || !/^[\w-]{20,64}$/.test(browser)) {
      browser = newBrowserId();
      setCookie(c, BROWSER_COOKIE, browser, {
        path: '/services/oauth2',
        httpOnly: true,
        sameSite: 'Lax',
        secure: new URL(c.req.url).protocol === 'https:',
      });
    }
    const pending = startLogin(org, request, browser);
    return page(c, loginPageFor(pending, apps));
  };

  app.get('/services/oauth2/authorize', (c) => authorize(c, new URL(c.req.url).searchParams));

  app.post('/services/oauth2/authorize', async (c) => {
    const form = await readForm(c).catch(() => new URLSearchParams());
    // Salesforce also takes the authorize request itself as a form post.
    if (!form.has('request')) return authorize(c, form);

    const pending = findLogin(org, {
      id: form.get('request') ?? '',
      csrf: form.get('csrf') ?? '',
      browser: getCookie(c, BROWSER_COOKIE),
    });
    if (!pending) {
      return page(
        c,
        errorPage({
          error: 'invalid_request',
          description:
            'this login page has expired or was not opened in this browser; start again from the application',
        }),
        400,
      );
    }
    const action = form.get('action');

    if (action === 'login') {
      const username = form.get('username') ?? '';
      const userId = checkPassword(org.db, username, form.get('password') ?? '', org.now().getTime());
      if (!userId) {
        if (!loginFailed(org, pending)) {
          return c.redirect(
            redirectTo(pending.redirectUri, {
              error: 'access_denied',
              error_description: 'too many failed login attempts',
              state: pending.state,
            }),
            302,
          );
        }
        return page(c, loginPageFor(pending, apps, { username, error: LOGIN_FAILED }));
      }
      loginSucceeded(org, pending, userId);
      return page(
        c,
        consentPage({
          appName: apps.find(pending.clientId)?.name ?? pending.clientId,
          requestId: pending.id,
          csrf: pending.csrf,
          username,
          scopes: pending.scope.split(' ').filter(Boolean),
        }),
      );
    }

    if ((action === 'allow' || action === 'deny') && pending.userId) {
      finishLogin(org, pending);
      if (action === 'deny') {
        return c.redirect(
          redirectTo(pending.redirectUri, {
            error: 'access_denied',
            error_description: 'end-user denied authorization',
            state: pending.state,
          }),
          302,
        );
      }
      const code = createCode(org, {
        clientId: pending.clientId,
        userId: pending.userId,
        redirectUri: pending.redirectUri,
        scope: pending.scope,
        codeChallenge: pending.codeChallenge,
        nonce: pending.nonce,
      });
      return c.redirect(redirectTo(pending.redirectUri, { code, state: pending.state }), 302);
    }

    // Allow or deny before logging in, or an unknown action: show the login page again.
    return page(c, loginPageFor(pending, apps));
  });

  const revoke = async (c: Context<Env>, token: string | null) => {
    if (!token) throw new OAuthError('invalid_request', 'missing token parameter');
    if (!revokeAnyToken(org, token)) throw new OAuthError('invalid_token', 'invalid token');
    c.header('Cache-Control', 'no-store');
    return c.body(null, 200);
  };
  app.post('/services/oauth2/revoke', async (c) => revoke(c, (await readForm(c)).get('token')));
  app.get('/services/oauth2/revoke', (c) => revoke(c, c.req.query('token') ?? null));

  const userInfoHandler = (c: Context<Env>) => {
    const session = requireSession(org.db, c.req.header('authorization'), org.now().getTime());
    const info = userInfo(org, new URL(c.req.url).origin, session.userId);
    if (!info) throw new ApiError(403, 'INSUFFICIENT_ACCESS', 'user is not active');
    return c.json(info);
  };
  app.get('/services/oauth2/userinfo', userInfoHandler);
  app.post('/services/oauth2/userinfo', userInfoHandler);
  /**
   * Any internal user of the org may read another one's identity URL (Salesforce allows it to
   * STANDARD users with the api scope); another org's, or no user's, is refused (unconfirmed codes).
   * `?version=` fills in the `{version}` of the URLs (`latest` for the newest).
   */
  const identityHandler = (c: Context<Env>) => {
    requireSession(org.db, c.req.header('authorization'), org.now().getTime());
    if (normalizeId(c.req.param('orgId') ?? '') !== org.orgId) {
      throw new ApiError(403, 'INSUFFICIENT_ACCESS', 'Bad_OAuth_Token');
    }
    const info = identity(org, new URL(c.req.url).origin, normalizeId(c.req.param('userId') ?? '') ?? '');
    if (!info) throw new ApiError(404, 'NOT_FOUND', 'Bad_Id');
    const version = c.req.query('version');
    const chosen = version === 'latest' ? API_VERSIONS.at(-1) : version?.replace(/^v/, '');
    if (!chosen || !API_VERSIONS.includes(chosen)) return c.json(info);
    return c.json(JSON.parse(JSON.stringify(info).replaceAll('{version}', chosen)));
  };
  app.get('/id/:orgId/:userId', identityHandler);
  app.post('/id/:orgId/:userId', identityHandler);

  // OpenID Connect: the keys that verify ID tokens, and the discovery document (no session needed).
  app.get('/id/keys', (c) => c.json(jwks(org)));
  app.get('/.well-known/openid-configuration', (c) => c.json(openIdConfiguration(new URL(c.req.url).origin)));
}

/**
 * `/.well-known/openid-configuration`, in the order and shape Salesforce answers, with the emulator's
 * own endpoints. Salesforce also names a registration and an introspection endpoint; the emulator has
 * neither, so they are left out rather than promised.
 */
function openIdConfiguration(origin: string) {
  const oauth = `${origin}/services/oauth2`;
  return {
    issuer: origin,
    authorization_endpoint: `${oauth}/authorize`,
    token_endpoint: `${oauth}/token`,
    revocation_endpoint: `${oauth}/revoke`,
    userinfo_endpoint: `${oauth}/userinfo`,
    jwks_uri: `${origin}/id/keys`,
    scopes_supported: Object.keys(SCOPE_LABELS),
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    display_values_supported: ['page', 'popup', 'touch'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'active',
      'email',
      'email_verified',
      'family_name',
      'given_name',
      'locale',
      'name',
      'nickname',
      'organization_id',
      'preferred_username',
      'sub',
      'urls',
      'user_id',
      'user_type',
      'zoneinfo',
    ],
  };
}
