import type { SessionSource } from '@sfgql/auth';
import type { Confirmation } from '@sfgql/confirm';
import { isAllowedBy } from '@sfgql/objects/confirmed';
import { reportError } from '@sfgql/objects/errors';
import { createDescribeCache, type DescribeCache } from '@sfgql/soql';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type Binding, errorResponse, problemResponse } from './binding.ts';
import { createActionsCallers } from './callers.ts';
import type { ActionsConfig } from './config.ts';
import { WRITE_POLICIES } from './confirmation.ts';
import { frontPage } from './front-page.ts';
import { registerOAuthRelay } from './oauth.ts';
import { openApiDocument } from './openapi.ts';
import { problem } from './problem.ts';
import { DEFAULT_PROFILE, findProfile, type Profile, profiles, servedBindings } from './profiles.ts';

export type ActionsOptions = Pick<
  ActionsConfig,
  'publicUrl' | 'instanceUrl' | 'loginUrl' | 'apiVersion' | 'authCacheTtlMs'
> &
  Partial<Pick<ActionsConfig, 'oauth' | 'tokenExpiresIn' | 'apiKey' | 'writes'>> & {
    /** The confirmation protocol (see `confirmationFromConfig`). */
    confirmation: Confirmation;
    /** API-key mode: the integration user's session (from `serviceAuthFromEnv`). */
    serviceSession?: SessionSource;
    fetch?: typeof fetch;
  };

/** Request bodies above this are refused (413): a GPT Action's payload stays under 100,000 characters. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const toHonoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/**
 * The GPT Actions REST adapter (no listening socket): each profile's operations bound to routes
 * over `@sfgql/objects`, each profile's OpenAPI 3.1 document at `/openapi.json?profile=NAME`, a
 * front page at `/` that lists them with their GPT instructions, and the OAuth relay. Callers act
 * as the Salesforce user whose token ChatGPT sends (or, in API-key mode, as the integration user);
 * every write goes through the confirmation protocol.
 */
export function createActionsApp(options: ActionsOptions) {
  const describeCache: DescribeCache = createDescribeCache();
  const apiKeyMode = Boolean(options.apiKey);
  if (apiKeyMode && !options.serviceSession)
    throw new Error('API-key mode needs the integration user (serviceSession)');
  const callers = createActionsCallers({
    instanceUrl: options.instanceUrl,
    apiVersion: options.apiVersion,
    ttlMs: options.authCacheTtlMs,
    describeCache,
    ...(options.apiKey && options.serviceSession
      ? { apiKey: { key: options.apiKey, source: options.serviceSession } }
      : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const relay = !apiKeyMode && (options.oauth ?? 'relay') === 'relay';
  const oauthUrl = (path: 'authorize' | 'token') =>
    relay
      ? `${options.publicUrl}/oauth2/${path}`
      : new URL(`/services/oauth2/${path}`, options.loginUrl).href;

  const app = new Hono();
  app.onError((error) => {
    console.error('[gpt-actions]', error);
    return problemResponse(problem(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error'));
  });
  app.notFound((c) =>
    problemResponse(
      problem(
        404,
        'NOT_FOUND',
        `No route ${c.req.method} ${c.req.path}. The operations are listed at /openapi (and described at /).`,
      ),
    ),
  );
  // A request refused before its body was read (no credentials, no such route, ...) leaves the
  // rest of its body on the connection, which then cannot carry another request: Node closes it
  // after the answer, under the client's next request, which fails with a reset. Said in advance,
  // the client opens a new connection instead.
  app.use(async (c, next) => {
    await next();
    const hasBody =
      Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && !c.req.raw.bodyUsed) c.res.headers.set('connection', 'close');
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is never read, so the connection cannot carry another request: closed,
      // or the client's next request on it would fail with a reset instead of an answer.
      onError: () =>
        problemResponse(problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 2 MB.'), {
          connection: 'close',
        }),
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok' }));

  // A document lists only what the running write policy allows (`SFGQL_ACTIONS_WRITES`).
  const policy = WRITE_POLICIES[options.writes ?? 'all'];
  const offered = (profile: Profile): Profile => ({
    ...profile,
    bindings: profile.bindings.filter((b) => !b.operation || isAllowedBy(policy, b.operation)),
  });
  const documentOf = (profile: Profile) =>
    openApiDocument(offered(profile), {
      publicUrl: options.publicUrl,
      auth: apiKeyMode ? 'apiKey' : 'oauth',
      authorizationUrl: oauthUrl('authorize'),
      tokenUrl: oauthUrl('token'),
    });
  const documents = new Map(profiles.map((p) => [p.name, documentOf(p)]));
  const unknownProfile = (name: string) =>
    problemResponse(
      problem(
        404,
        'NOT_FOUND',
        `No profile ${JSON.stringify(name)}; the profiles are ${profiles.map((p) => p.name).join(', ')}.`,
      ),
    );

  app.get('/', (c) =>
    c.html(
      frontPage({
        publicUrl: options.publicUrl,
        profiles: profiles.map(offered),
        defaultProfile: DEFAULT_PROFILE,
        oauth: apiKeyMode
          ? undefined
          : { authorizationUrl: oauthUrl('authorize'), tokenUrl: oauthUrl('token') },
      }),
    ),
  );

  app.get('/openapi.json', (c) => {
    const name = c.req.query('profile') || DEFAULT_PROFILE;
    const profile = findProfile(name);
    return profile ? c.json(documents.get(profile.name)) : unknownProfile(name);
  });
  app.get('/openapi', (c) =>
    c.json({
      profiles: profiles.map((p) => ({
        name: p.name,
        title: p.title,
        description: p.description,
        default: p.name === DEFAULT_PROFILE,
        operations: offered(p).bindings.map((b) => b.operationId),
        url: `${options.publicUrl}/openapi.json?profile=${p.name}`,
        instructions: p.instructions,
      })),
    }),
  );

  if (relay)
    registerOAuthRelay(app, {
      loginUrl: options.loginUrl,
      tokenExpiresIn: options.tokenExpiresIn ?? 3600,
      fetch: options.fetch,
    });

  // One route per method and path; a route several profiles share is the same operation.
  const bound = new Map<string, Binding>();
  for (const binding of servedBindings()) {
    const key = `${binding.method.toUpperCase()} ${binding.path}`;
    const existing = bound.get(key);
    if (existing) {
      if (existing.operationId !== binding.operationId)
        throw new Error(`${key} is bound to both ${existing.operationId} and ${binding.operationId}`);
      continue;
    }
    bound.set(key, binding);
    app.on(binding.method.toUpperCase(), toHonoPath(binding.path), async (c) => {
      try {
        const caller = await callers.resolve(c.req.raw.headers);
        let body: unknown;
        // A DELETE may carry a body too: models put the confirmation token there as often as in
        // the query string, and a token left unread would answer a new preview, again and again.
        if (binding.method !== 'get') {
          const text = await c.req.text();
          const type = c.req.header('content-type') ?? '';
          if (text.trim() && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
            return problemResponse(
              problem(
                415,
                'UNSUPPORTED_MEDIA_TYPE',
                `The body must be JSON sent as application/json, not ${JSON.stringify(type || 'without a content type')}.`,
              ),
            );
          }
          if (text.trim()) {
            try {
              body = JSON.parse(text);
            } catch (error) {
              return problemResponse(
                problem(400, 'INVALID_INPUT', `The body is not valid JSON: ${(error as Error).message}`, {
                  invalidParams: [{ name: '(body)', reason: 'must be a JSON object' }],
                }),
              );
            }
          }
        }
        return await binding.handle({
          caller,
          confirmation: options.confirmation,
          params: c.req.param() as Record<string, string>,
          query: new URL(c.req.url).searchParams,
          body,
          idempotencyKey: c.req.header('idempotency-key'),
        });
      } catch (error) {
        const report = reportError(error);
        if (report.code === 'SF_SESSION_EXPIRED') callers.forget(c.req.raw.headers);
        if (report.code === 'INTERNAL_SERVER_ERROR' || report.code === 'SERVICE_UNAVAILABLE')
          console.error(`[gpt-actions] ${binding.operationId}:`, error);
        return errorResponse(binding, error);
      }
    });
  }

  return app;
}
