import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createBearerAuthenticator } from '@sfgql/auth';
import { caseSpec, getCaseByNumber } from '@sfgql/objects/case';
import type { OperationContext } from '@sfgql/objects/operation';
import { recordSchema } from '@sfgql/objects/spec';
import { createSalesforceClient } from '@sfgql/soql';
import type { ActionsConfig } from './config.ts';
import { problem, problemFromError, problemResponse } from './problem.ts';

export type ActionsOptions = Pick<
  ActionsConfig,
  'publicUrl' | 'instanceUrl' | 'loginUrl' | 'apiVersion' | 'authCacheTtlMs'
> & {
  fetch?: typeof fetch;
};

type Env = { Variables: { ctx: OperationContext } };

const SECURITY_SCHEME = 'salesforceOAuth';
/** Paths anyone may read: the OpenAPI documents and the health check. */
const PUBLIC_PATHS = new Set(['/openapi.json', '/health']);

/**
 * The GPT Actions REST adapter (no listening socket): thin routes over `@sfgql/objects`, described
 * by an OpenAPI 3.1 document that a custom GPT imports. Callers authenticate with their own
 * Salesforce token, which GPT Actions obtains through the OAuth authorization-code flow.
 */
export function createActionsApp(options: ActionsOptions) {
  const authenticator = createBearerAuthenticator({
    instanceUrl: options.instanceUrl,
    ttlMs: options.authCacheTtlMs,
    fetch: options.fetch,
  });
  const app = new OpenAPIHono<Env>({
    // Invalid parameters get a problem body naming what is wrong, not zod's raw issue list.
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(problem(400, 'INVALID_INPUT', z.prettifyError(result.error)), 400, {
          'content-type': 'application/problem+json',
        });
      }
    },
  });

  app.onError((error, c) => {
    const body = problemFromError(error);
    if (body.status >= 500 && body.code === 'INTERNAL_SERVER_ERROR') console.error('[gpt-actions]', error);
    return c.json(body, body.status as 400, { 'content-type': 'application/problem+json' });
  });
  app.notFound((c) =>
    c.json(problem(404, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404, {
      'content-type': 'application/problem+json',
    }),
  );

  app.use(async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const session = await authenticator.authenticate(c.req.header('authorization'));
    c.set('ctx', { client: createSalesforceClient({ session, apiVersion: options.apiVersion }) });
    return next();
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'oauth2',
    description:
      'Salesforce OAuth 2.0 (authorization code). The GPT acts as the Salesforce user who signs in.',
    flows: {
      authorizationCode: {
        authorizationUrl: new URL('/services/oauth2/authorize', options.loginUrl).href,
        tokenUrl: new URL('/services/oauth2/token', options.loginUrl).href,
        scopes: { api: 'Access Salesforce data', refresh_token: 'Stay signed in' },
      },
    },
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/cases/by-number/{caseNumber}',
      operationId: getCaseByNumber.name,
      summary: getCaseByNumber.summary,
      'x-openai-isConsequential': getCaseByNumber.kind !== 'read',
      security: [{ [SECURITY_SCHEME]: ['api'] }],
      request: { params: getCaseByNumber.input },
      responses: {
        200: {
          description: 'The case.',
          content: { 'application/json': { schema: recordSchema(caseSpec) } },
        },
        400: problemResponse('The case number is missing or malformed.'),
        401: problemResponse('No valid Salesforce token was sent.'),
        404: problemResponse('No case has this number.'),
      },
    }),
    async (c) => {
      const { caseNumber } = c.req.valid('param');
      const found = await getCaseByNumber.run(c.get('ctx'), { caseNumber });
      if (!found) {
        return c.json(
          problem(404, 'NOT_FOUND', `No case has the number ${JSON.stringify(caseNumber)}.`),
          404,
          {
            'content-type': 'application/problem+json',
          },
        );
      }
      return c.json(found, 200);
    },
  );

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Salesforce Service Cloud for GPT Actions',
      version: '0.1.0',
      description: 'Look up Salesforce Service Cloud cases.',
    },
    servers: [{ url: options.publicUrl }],
  });

  return app;
}
