import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  authenticateClient,
  authenticateUser,
  createSession,
  OAuthError,
  requireSession,
  signTokenResponse,
} from '../auth/sessions.ts';
import { ApiError, isApiError, notFound } from '../errors.ts';
import type { Org } from '../org.ts';
import { DEFAULT_MAX_BODY_BYTES } from './body.ts';
import { registerControlRoutes } from './controls.ts';
import { registerDescribeRoutes } from './describe.ts';
import { registerLimitsRoute } from './limits.ts';
import { registerQueryRoutes } from './query.ts';
import { registerSObjectRoutes } from './sobjects.ts';

/** API versions served, as `GET /services/data` lists them. */
export const API_VERSIONS = Array.from({ length: 17 }, (_, i) => `${50 + i}.0`);

const VERSION_PATTERN = /^v(\d{2}\.0)$/;

/** What the session middleware puts in the context of every data request. */
export type Env = { Variables: { userId: string; version: string; metered: boolean } };

function userInfo(org: Org, origin: string, userId: string) {
  const user = org.db
    .prepare(`SELECT "Id", "Username", "Name", "Email", "FirstName", "LastName" FROM "User" WHERE "Id" = ?`)
    .get(userId) as Record<string, string> | undefined;
  if (!user) return undefined;
  const version = API_VERSIONS.at(-1);
  return {
    sub: `${origin}/id/${org.orgId}/${userId}`,
    user_id: userId,
    organization_id: org.orgId,
    preferred_username: user.Username,
    nickname: user.Username?.split('@')[0],
    name: user.Name,
    given_name: user.FirstName,
    family_name: user.LastName,
    email: user.Email,
    email_verified: true,
    zoneinfo: 'America/Los_Angeles',
    locale: 'en_US',
    active: true,
    user_type: 'STANDARD',
    urls: {
      rest: `${origin}/services/data/v{version}/`,
      sobjects: `${origin}/services/data/v{version}/sobjects/`,
      query: `${origin}/services/data/v{version}/query/`,
      profile: `${origin}/${userId}`,
      custom_domain: origin,
    },
    version,
  };
}

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Serve the test controls under `/__emulator/` (default true). */
  controls?: boolean;
  /** The largest request body accepted, in bytes (default 50 MB); larger ones get 413. */
  maxBodyBytes?: number;
}

/**
 * The metrics name of a data request: its method and path after the version, with record ids and
 * external id values replaced by placeholders (`GET /sobjects/Contact/{id}`).
 */
export function resourceName(org: Org, method: string, path: string): string {
  const segments = path.split('/').filter(Boolean).slice(3);
  if (segments[0] === 'sobjects' && segments[1]) {
    segments[1] = org.catalog.object(segments[1])?.name ?? segments[1];
    if (segments.length === 3 && !['describe', 'updated', 'deleted'].includes(segments[2] ?? ''))
      segments[2] = '{id}';
    if (segments.length === 4) {
      if (/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(segments[2] ?? '') && /\d/.test(segments[2] ?? ''))
        segments[2] = '{id}';
      else segments[3] = '{value}';
    }
  } else if ((segments[0] === 'query' || segments[0] === 'queryAll') && segments[1])
    segments[1] = '{locator}';
  return `${method} /${segments.join('/')}`;
}

/** The emulator's HTTP API: Salesforce's OAuth and REST surfaces over one org. */
export function createApp(org: Org, options: AppOptions = {}): Hono<Env> {
  const resolved: Required<AppOptions> = {
    controls: options.controls ?? true,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  // Not strict: Salesforce serves `/sobjects/Contact/` and `/query/?q=` with their trailing slashes.
  const app = new Hono<Env>({ strict: false });

  app.onError((error, c) => {
    if (isApiError(error)) return c.json(error.toBody(), error.status as 400);
    if (error instanceof OAuthError) {
      return c.json({ error: error.error, error_description: error.description }, error.status as 400);
    }
    // Never a stack trace: Salesforce answers unknown failures with UNKNOWN_EXCEPTION.
    console.error('[emulator]', error);
    return c.json(
      [
        {
          message: 'An unexpected error occurred. Please include this ErrorId if you contact support.',
          errorCode: 'UNKNOWN_EXCEPTION',
        },
      ],
      500,
    );
  });
  app.notFound((c) => c.json(notFound().toBody(), 404));

  app.post('/services/oauth2/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'must use application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(await c.req.text());
    const grantType = form.get('grant_type');
    const origin = new URL(c.req.url).origin;
    if (grantType !== 'password') throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    const app = authenticateClient(
      org.db,
      form.get('client_id') ?? undefined,
      form.get('client_secret') ?? undefined,
    );
    const userId = authenticateUser(org.db, form.get('username') ?? '', form.get('password') ?? '');
    const now = org.now().getTime();
    const session = createSession(org.db, {
      orgId: org.orgId,
      userId,
      clientId: app.clientId,
      now,
      lifetimeMs: org.sessionLifetimeMs,
    });
    const id = `${origin}/id/${org.orgId}/${userId}`;
    const issuedAt = String(now);
    return c.json({
      access_token: session.token,
      instance_url: origin,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      signature: signTokenResponse(id, issuedAt, app.clientSecret),
      scope: 'api',
    });
  });

  const userInfoHandler = (c: Context<Env>) => {
    const session = requireSession(org.db, c.req.header('authorization'), org.now().getTime());
    const info = userInfo(org, new URL(c.req.url).origin, session.userId);
    if (!info) throw new ApiError(403, 'INSUFFICIENT_ACCESS', 'user is not active');
    return c.json(info);
  };
  app.get('/services/oauth2/userinfo', userInfoHandler);
  app.get('/id/:orgId/:userId', userInfoHandler);

  // Every data resource needs a valid session; the version list alone is public, as in Salesforce.
  app.get('/services/data', (c) => {
    return c.json(
      API_VERSIONS.map((version) => ({
        label: `API ${version}`,
        url: `/services/data/v${version}`,
        version,
      })),
    );
  });
  // Every data call: a supported version, a valid session, then one API request off the daily
  // allowance (403 REQUEST_LIMIT_EXCEEDED when none is left) and a count in the metrics.
  const dataCall = async (c: Context<Env>, next: () => Promise<void>) => {
    // Both patterns below can match one URL (`/services/data/v60.0/`): meter it once.
    if (c.get('metered')) return next();
    c.set('metered', true);
    const match = VERSION_PATTERN.exec(c.req.param('version') ?? '');
    if (!match?.[1] || !API_VERSIONS.includes(match[1])) throw notFound();
    const session = requireSession(org.db, c.req.header('authorization'), org.now().getTime());
    c.set('userId', session.userId);
    c.set('version', c.req.param('version') ?? '');
    const usage = org.meter.consume();
    const { counted } = await org.meter.track(next);
    if (!counted) org.meter.count(resourceName(org, c.req.method, new URL(c.req.url).pathname));
    c.header('Sforce-Limit-Info', `api-usage=${usage.used}/${usage.max}`);
  };
  app.use('/services/data/:version/*', dataCall);
  app.use('/services/data/:version', dataCall);

  app.get('/services/data/:version', (c) => {
    const base = `/services/data/${c.req.param('version')}`;
    return c.json({
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      limits: `${base}/limits`,
      identity: `${new URL(c.req.url).origin}/id/${org.orgId}/${c.get('userId')}`,
    });
  });

  registerQueryRoutes(app, org);
  registerLimitsRoute(app, org);
  // Describe before rows: `/sobjects/X/describe` must not be read as a record Id.
  registerDescribeRoutes(app, org);
  registerSObjectRoutes(app, org, resolved);
  if (resolved.controls) registerControlRoutes(app, org);

  return app;
}
