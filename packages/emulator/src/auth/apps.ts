import { createPublicKey, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { OAuthError } from './errors.ts';

/**
 * The OAuth flows a connected app can enable. `authorization_code` is Salesforce's web server flow,
 * `jwt_bearer` the `urn:ietf:params:oauth:grant-type:jwt-bearer` grant.
 */
export const OAUTH_FLOWS = [
  'authorization_code',
  'refresh_token',
  'password',
  'client_credentials',
  'jwt_bearer',
] as const;
export type OAuthFlow = (typeof OAUTH_FLOWS)[number];

/** The scopes an app gets when its configuration names none. */
export const DEFAULT_SCOPES = ['api', 'refresh_token', 'offline_access', 'id', 'profile', 'email'];

/**
 * A callback URL as configured: an absolute URL, matched exactly as Salesforce does. As an emulator
 * convenience (Salesforce has no such thing), a path segment may be `*`, which matches exactly one
 * non-empty segment: `https://chatgpt.com/aip/*\/oauth/callback` accepts every GPT's callback.
 */
const callbackUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not an absolute URL: ${value}` });
    return;
  }
  if (!value.includes('*')) return;
  const path = value.slice(url.origin.length).split(/[?#]/)[0] ?? '';
  const wildcardOutsidePath = value.slice(0, url.origin.length).includes('*') || /[?#].*\*/.test(value);
  if (wildcardOutsidePath || path.split('/').some((segment) => segment.includes('*') && segment !== '*')) {
    ctx.addIssue({ code: 'custom', message: `* may only stand for a whole path segment: ${value}` });
  }
});

const pemSchema = z.string().superRefine((value, ctx) => {
  try {
    if (value.includes('BEGIN CERTIFICATE')) new X509Certificate(value);
    else if (createPublicKey(value).asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `certificate must be a PEM X.509 certificate or RSA public key (${(error as Error).message})`,
    });
  }
});

/** A connected app, as the `apps` option and the `--apps` file give it. */
export const connectedAppSchema = z
  .object({
    /** The consumer key. */
    clientId: z.string().min(1),
    /** The consumer secret. */
    clientSecret: z.string().min(1),
    name: z.string().min(1).optional(),
    callbackUrls: z.array(callbackUrlSchema).default([]),
    /** Enabled flows (default: the web server flow and refresh tokens, as a new Salesforce app). */
    flows: z.array(z.enum(OAUTH_FLOWS)).default(['authorization_code', 'refresh_token']),
    /** The OAuth scopes the app may be granted. */
    scopes: z.array(z.string().min(1)).default(DEFAULT_SCOPES),
    /** For the JWT bearer flow: the PEM certificate (or RSA public key) whose key signs assertions. */
    certificate: pemSchema.optional(),
    /** For the client-credentials flow: the username of the "Run As" user. */
    integrationUser: z.string().min(1).optional(),
    /** "Require Proof Key for Code Exchange (PKCE)": refuse authorize requests without a challenge. */
    requirePkce: z.boolean().default(false),
    /** "Require Secret for Web Server Flow" (default on, as in Salesforce). */
    requireSecretForWebServerFlow: z.boolean().default(true),
    /** "Require Secret for Refresh Token Flow" (default on, as in Salesforce). */
    requireSecretForRefreshTokenFlow: z.boolean().default(true),
  })
  .strict()
  .superRefine((app, ctx) => {
    if (app.flows.includes('jwt_bearer') && !app.certificate) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificate'],
        message: 'the jwt_bearer flow needs a certificate',
      });
    }
  });

/** A connected app's configuration as written by hand (defaults not applied). */
export type ConnectedAppConfig = z.input<typeof connectedAppSchema>;

/** A connected app with every setting resolved. */
export type ConnectedApp = z.output<typeof connectedAppSchema> & { name: string };

/** The `--apps` file: an array of apps, or `{"apps": [...]}`. */
export const connectedAppsFileSchema = z.union([
  z.array(connectedAppSchema),
  z.object({ apps: z.array(connectedAppSchema) }).transform((file) => file.apps),
]);

function resolve(config: ConnectedAppConfig): ConnectedApp {
  const app = connectedAppSchema.parse(config);
  return { ...app, name: app.name ?? app.clientId };
}

/** Stores a connected app in the org (the seed's apps; replaced by clientId). */
export function installConnectedApp(db: DatabaseSync, config: ConnectedAppConfig): void {
  const { clientId, clientSecret, name, callbackUrls, ...settings } = resolve(config);
  db.prepare(
    `INSERT OR REPLACE INTO _connected_apps (clientId, clientSecret, name, callbackUrls, settings) VALUES (?, ?, ?, ?, ?)`,
  ).run(clientId, clientSecret, name, JSON.stringify(callbackUrls), JSON.stringify(settings));
}

/** Where the token and authorize endpoints look connected apps up. */
export interface ConnectedApps {
  find(clientId: string): ConnectedApp | undefined;
}

/**
 * The org's apps: those given at start (the `apps` option, `--apps`), which win, then those stored in
 * the org by the seed. Apps given at start live in memory only, so that a reset of the org, which
 * seeds its apps again, keeps them, and a restart without them forgets them.
 */
export function createConnectedApps(
  db: DatabaseSync,
  configured: readonly ConnectedAppConfig[] = [],
): ConnectedApps {
  const fromConfig = new Map<string, ConnectedApp>();
  for (const config of configured) {
    const app = resolve(config);
    if (fromConfig.has(app.clientId)) throw new Error(`Connected app ${app.clientId} is configured twice`);
    fromConfig.set(app.clientId, app);
  }
  // Stored apps resolved once per version of their row (the seed or a reset may rewrite them).
  const resolved = new Map<string, { key: string; app: ConnectedApp }>();
  return {
    find(clientId) {
      const configuredApp = fromConfig.get(clientId);
      if (configuredApp) return configuredApp;
      const row = db.prepare('SELECT * FROM _connected_apps WHERE clientId = ?').get(clientId) as
        | { clientId: string; clientSecret: string; name: string; callbackUrls: string; settings?: string }
        | undefined;
      if (!row) return undefined;
      const key = JSON.stringify(row);
      const cached = resolved.get(clientId);
      if (cached?.key === key) return cached.app;
      const settings = JSON.parse(row.settings ?? '{}') as Partial<ConnectedApp>;
      // Rows stored before apps had settings were served the password grant: they keep it.
      if (Object.keys(settings).length === 0) {
        settings.flows = ['authorization_code', 'refresh_token', 'password'];
      }
      const app: ConnectedApp = {
        ...connectedAppSchema.parse({
          ...settings,
          clientId: row.clientId,
          clientSecret: row.clientSecret,
          callbackUrls: JSON.parse(row.callbackUrls) as string[],
        }),
        name: row.name,
      };
      resolved.set(clientId, { key, app });
      return app;
    },
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The app named by a client id, or Salesforce's `invalid_client_id`. */
export function requireApp(apps: ConnectedApps, clientId: string | undefined | null): ConnectedApp {
  const app = clientId ? apps.find(clientId) : undefined;
  if (!app) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  return app;
}

/** Checks a client id and secret, with Salesforce's error for each way they can be wrong. */
export function authenticateClient(
  apps: ConnectedApps,
  clientId: string | undefined | null,
  clientSecret: string | undefined | null,
): ConnectedApp {
  const app = requireApp(apps, clientId);
  if (
    clientSecret === undefined ||
    clientSecret === null ||
    !constantTimeEqual(clientSecret, app.clientSecret)
  ) {
    throw new OAuthError('invalid_client', 'invalid client credentials');
  }
  return app;
}

/** True when the app has the flow on. */
export function hasFlow(app: ConnectedApp, flow: OAuthFlow): boolean {
  return app.flows.includes(flow);
}

/**
 * Whether `redirectUri` is one of the app's callback URLs. Salesforce compares them exactly, so
 * `http://localhost:3000/cb/` is not `http://localhost:3000/cb`. A `*` segment (the emulator's
 * convenience, see the schema) matches one non-empty segment of unreserved characters, and only in a
 * URI already in canonical form, so dot segments or encoded slashes cannot widen it.
 */
export function matchesCallbackUrl(app: ConnectedApp, redirectUri: string): boolean {
  return app.callbackUrls.some((pattern) => callbackUrlMatches(pattern, redirectUri));
}

export function callbackUrlMatches(pattern: string, uri: string): boolean {
  if (pattern === uri) return true;
  if (!pattern.includes('*')) return false;
  let expected: URL;
  let actual: URL;
  try {
    expected = new URL(pattern);
    actual = new URL(uri);
  } catch {
    return false;
  }
  if (actual.href !== uri || expected.origin !== actual.origin) return false;
  if (expected.search !== actual.search || expected.hash !== actual.hash) return false;
  const want = expected.pathname.split('/');
  const got = actual.pathname.split('/');
  return (
    want.length === got.length &&
    want.every((segment, i) => {
      const value = got[i] ?? '';
      if (segment !== '*') return segment === value;
      return /^[A-Za-z0-9._~-]+$/.test(value) && value !== '.' && value !== '..';
    })
  );
}
