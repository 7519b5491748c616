import type { Context } from 'hono';
import { Hono } from 'hono';
import { getPath } from 'hono/utils/url';
import { type ConnectedAppConfig, createConnectedApps } from '../auth/apps.ts';
import { OAuthError } from '../auth/errors.ts';
import { requireSession } from '../auth/sessions.ts';
import { createGate, isSubrequest } from '../composite/gate.ts';
import { isApiError, notFound } from '../errors.ts';
import { createFaultInjector } from '../faults/injector.ts';
import type { FaultConfig } from '../faults/rules.ts';
import type { Org } from '../org.ts';
import { DEFAULT_MAX_BODY_BYTES } from './body.ts';
import { registerBulkRoutes } from './bulk.ts';
import { registerCompositeRoutes } from './composite.ts';
import { registerControlRoutes } from './controls.ts';
import { registerDescribeRoutes } from './describe.ts';
import { createFaultMiddleware, registerFaultRoutes } from './faults.ts';
import { registerLayoutRoutes } from './layouts.ts';
import { registerLimitsRoute } from './limits.ts';
import { registerListViewRoutes } from './listviews.ts';
import { registerOAuthRoutes } from './oauth.ts';
import { registerQueryRoutes } from './query.ts';
import { registerRecentTabsThemeRoutes } from './recent-tabs-theme.ts';
import { registerSearchRoutes } from './search.ts';
import { registerSoapRoutes } from './soap.ts';
import { registerSObjectRoutes } from './sobjects.ts';
import { API_VERSIONS, releaseName, versionResources } from './versions.ts';

const VERSION_PATTERN = /^v(\d{2}\.0)$/;

/** What the session middleware puts in the context of every data request. */
export type Env = { Variables: { userId: string; version: string; metered: boolean } };

/**
 * The path a request is routed by, normalized as Salesforce's servers normalize it: a run of
 * slashes is one slash (the Salesforce CLI stores instance URLs with a trailing slash and then asks
 * for `//services/data/...`), and a trailing slash is dropped (`/sobjects/Contact/`, `/query/?q=`).
 */
export function salesforcePath(request: Request): string {
  const path = getPath(request).replace(/\/{2,}/g, '/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Serve the test controls under `/__emulator/` (default true). */
  controls?: boolean;
  /** The largest request body accepted, in bytes (default 50 MB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Connected apps besides the seeded ones (same client id: these win); see ConnectedAppConfig. */
  apps?: ConnectedAppConfig[];
  /** Fault injection rules from the start (changed at run time under `/__emulator/faults`). */
  faults?: FaultConfig;
}

/**
 * The metrics name of a data request: its method and path after the version, with record ids,
 * external id values, query locators and Bulk API job ids replaced by placeholders
 * (`GET /sobjects/Contact/{id}`, `GET /jobs/ingest/{id}/successfulResults`).
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
  else if (segments[0] === 'jobs' && segments[2]) segments[2] = '{id}';
  return `${method} /${segments.join('/')}`;
}

/** The emulator's HTTP API: Salesforce's OAuth and REST surfaces over one org. */
export function createApp(org: Org, options: AppOptions = {}): Hono<Env> {
  const resolved: Required<AppOptions> = {
    controls: options.controls ?? true,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    apps: options.apps ?? [],
    faults: options.faults ?? {},
  };
  const app = new Hono<Env>({ getPath: salesforcePath });

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

  // Faults first: an injected one answers before any route runs (and before any write).
  const faults = createFaultInjector(resolved.faults);
  app.use('*', createFaultMiddleware(org, faults));

  registerOAuthRoutes(app, org, createConnectedApps(org.db, resolved.apps));
  registerSoapRoutes(app, org);

  // Every data resource needs a valid session; the version list alone is public, as in Salesforce.
  app.get('/services/data', (c) => {
    return c.json(
      API_VERSIONS.map((version) => ({
        label: releaseName(version),
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
    // A composite call counts once, as in Salesforce: its subrequests are not metered again.
    if (isSubrequest(c.req.raw)) return next();
    const usage = org.meter.consume();
    const { counted } = await org.meter.track(next);
    if (!counted) org.meter.count(resourceName(org, c.req.method, c.req.path));
    c.header('Sforce-Limit-Info', `api-usage=${usage.used}/${usage.max}`);
  };
  app.use('/services/data/:version/*', dataCall);
  app.use('/services/data/:version', dataCall);

  app.get('/services/data/:version', (c) =>
    c.json(
      versionResources(c.get('version'), `${new URL(c.req.url).origin}/id/${org.orgId}/${c.get('userId')}`),
    ),
  );

  // Composite first: its gate keeps other requests out of an all-or-none transaction. Bulk jobs
  // processed in the background take the gate too.
  const gate = createGate();
  registerCompositeRoutes(app, org, resolved, gate);
  registerBulkRoutes(app, org, gate);
  registerQueryRoutes(app, org);
  registerSearchRoutes(app, org, resolved);
  registerLimitsRoute(app, org);
  registerRecentTabsThemeRoutes(app, org);
  // Describe before rows: `/sobjects/X/describe` must not be read as a record Id.
  registerDescribeRoutes(app, org);
  registerLayoutRoutes(app, org);
  registerListViewRoutes(app, org);
  registerSObjectRoutes(app, org, resolved);
  if (resolved.controls) {
    registerFaultRoutes(app, faults);
    registerControlRoutes(app, org);
  }

  return app;
}
