import { randomBytes } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import {
  type BearerCache,
  type Caller,
  createCallerResolver,
  isAuthError,
  isIntegrationUnavailableError,
  type SessionSource,
} from '@sfgql/auth';
import { type Confirmation, createConfirmation, type WritePolicy } from '@sfgql/confirm';
import { callerContext } from '@sfgql/objects/confirmed';
import { extendSpec, loadOrgSpecs } from '@sfgql/objects/custom';
import { STANDARD_SPECS } from '@sfgql/objects/specs';
import { createContext, createSchema } from '@sfgql/schema';
import { createDescribeCache, createSalesforceClient, type SalesforceClient } from '@sfgql/soql';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerOptions } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { Registry } from 'prom-client';
import type { GatewayConfig, QueryLimits } from './config.ts';
import { createLogger, type Logger, yogaLogger } from './logger.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useErrorReports } from './plugins/use-error-reports.ts';
import { useHealth } from './plugins/use-health.ts';
import { type GatewayContext, useObservability } from './plugins/use-observability.ts';
import { DEFAULT_QUERY_LIMITS, useQueryLimits } from './plugins/use-query-limits.ts';
import { useSalesforceCalls } from './plugins/use-salesforce-calls.ts';

export type GatewayOptions = Pick<GatewayConfig, 'instanceUrl' | 'apiVersion' | 'authCacheTtlMs'> & {
  fetch?: typeof fetch;
  /**
   * The confirmation protocol for writes. Without one, tokens are signed with a secret made for this
   * process, so a token only works on the instance that issued it (fine for one instance and tests).
   */
  confirmation?: Confirmation;
  /**
   * Read each org's custom fields (and the custom objects named in `customObjects`) from describe
   * and show them in its schema under their API names (default true). Describes are made once per
   * org and kept for ten minutes.
   */
  customFields?: boolean;
  /** Custom objects to include, e.g. `['Shipment__c']`. */
  customObjects?: readonly string[];
  /** Keys that act as the integration user (`X-API-Key: <key>` or `Authorization: Bearer <key>`). */
  apiKeys?: GatewayConfig['apiKeys'];
  /** The integration user's session (from `serviceAuthFromEnv`), for API keys and anonymous access. */
  integration?: SessionSource;
  /** Requests without credentials act as the integration user: loopback demo mode only. */
  anonymous?: boolean;
  /** Checked caller tokens shared with the other instances (`createRedisBearerCache`). */
  bearerCache?: BearerCache;
  /** Origins browsers may call from (`*` for any); none by default. */
  corsOrigins?: readonly string[];
  /** Limits on abusive queries (defaults: {@link DEFAULT_QUERY_LIMITS}). */
  limits?: Partial<QueryLimits>;
  /** Where request logs go (default: JSON lines on stdout at info). */
  logger?: Logger;
  /** Where `/metrics` come from (default: a registry of this gateway's own). */
  registry?: Registry;
};

/** How long an org's schema (its describes) is reused. */
const USER_SCHEMA_TTL_MS = 10 * 60_000;

/** What GraphiQL opens with: contacts, their accounts and latest cases, in one Salesforce call. */
export const EXAMPLE_QUERY = `{
  contacts(first: 10, orderBy: [{ field: lastName }]) {
    totalCount
    edges {
      node {
        name
        email
        account { name }
        cases(first: 3, orderBy: [{ field: createdDate, direction: DESC }]) {
          nodes { caseNumber subject status owner { name } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/**
 * The schema of one org: the standard objects with its custom fields, and the custom objects asked
 * for. An object the caller may not describe keeps its standard fields.
 */
async function orgSchema(client: SalesforceClient, customObjects: readonly string[]): Promise<GraphQLSchema> {
  const specs = await Promise.all(
    STANDARD_SPECS.map(async (spec) => {
      try {
        return extendSpec(spec, await client.describe(spec.apiName));
      } catch {
        return spec;
      }
    }),
  );
  const custom = customObjects.length
    ? (await loadOrgSpecs(client, { specs: [], customObjects })).customObjects
    : [];
  return createSchema({ specs, customObjects: custom });
}

/** The principal's client id in confirmation tokens and the audit trail. */
export const GATEWAY_CLIENT_ID = 'gateway';

/**
 * What the gateway's callers may write: any object and field their Salesforce user may (sharing and
 * field-level security still apply), every write confirmed.
 */
export const GATEWAY_WRITE_POLICY: WritePolicy = {};

/**
 * The gateway app (no listening socket): GraphQL Yoga over the CRM schema. Callers send their own
 * Salesforce access token as `Authorization: Bearer ...` and every Salesforce call acts as them.
 */
export function createGateway(options: GatewayOptions) {
  const logger = options.logger ?? createLogger();
  const limits = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  const callers = createCallerResolver({
    instanceUrl: options.instanceUrl,
    ttlMs: options.authCacheTtlMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.bearerCache ? { shared: options.bearerCache } : {}),
    ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
    ...(options.integration ? { integration: options.integration } : {}),
    ...(options.anonymous ? { anonymous: true } : {}),
  });
  // The schema (an org's custom fields) and the context both need the caller: resolved once.
  const resolved = new WeakMap<Request, Promise<Caller>>();
  const callerOf = (request: Request) => {
    let caller = resolved.get(request);
    if (!caller) {
      caller = callers.resolve(request.headers);
      resolved.set(request, caller);
    }
    return caller;
  };
  const confirmation =
    options.confirmation ??
    createConfirmation({ keys: { current: randomBytes(32) }, policy: { default: GATEWAY_WRITE_POLICY } });
  const baseSchema = createSchema();
  // Each user's own schema: custom fields show as their describe shows them (field-level security).
  const userSchemas = new LRUCache<string, Promise<GraphQLSchema>>({ max: 200, ttl: USER_SCHEMA_TTL_MS });
  const describeCache = createDescribeCache();
  const schemaFor = async (request: Request): Promise<GraphQLSchema> => {
    if (options.customFields === false) return baseSchema;
    let caller: Caller;
    try {
      caller = await callerOf(request);
    } catch {
      // The context refuses the request with 401; the schema does not matter then.
      return baseSchema;
    }
    const key = `${options.instanceUrl} ${caller.orgId} ${caller.userId}`;
    const hit = userSchemas.get(key);
    if (hit) return hit;
    const client = createSalesforceClient({
      session: caller.session,
      apiVersion: options.apiVersion,
      describeCache,
    });
    const schema = orgSchema(client, options.customObjects ?? []).catch(() => baseSchema);
    userSchemas.set(key, schema);
    return schema;
  };
  const observability = useObservability({
    logger,
    registry: options.registry ?? new Registry(),
    graphqlEndpoint: '/graphql',
  });
  const cors: YogaServerOptions<object, object>['cors'] = options.corsOrigins?.length
    ? {
        origin: options.corsOrigins.includes('*') ? '*' : [...options.corsOrigins],
        methods: ['GET', 'POST'],
        allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
        exposedHeaders: ['x-request-id'],
        credentials: false,
        maxAge: 600,
      }
    : false;
  // GraphiQL with its scripts and styles inlined (no CDN), rendered once: the page is 9 MB.
  let graphiqlPage: string | undefined;
  return createYoga<Record<string, never>, GatewayContext>({
    schema: ({ request }) => schemaFor(request),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: yogaLogger(logger),
    cors,
    // GraphiQL at /graphql in a browser; queries need the caller's token in the headers tab.
    graphiql: {
      title: 'sfgql',
      headers: JSON.stringify(
        options.anonymous ? {} : { authorization: 'Bearer <your Salesforce access token>' },
        null,
        2,
      ),
      defaultQuery: EXAMPLE_QUERY,
    },
    renderGraphiQL: (graphiqlOptions) => {
      graphiqlPage ??= renderGraphiQL(graphiqlOptions);
      return graphiqlPage;
    },
    async context({ request }) {
      try {
        const caller = await callerOf(request);
        return {
          ...createContext({
            // Describes are shared by the callers (per user): the previews check writes against them.
            ...callerContext(caller, {
              clientId: GATEWAY_CLIENT_ID,
              apiVersion: options.apiVersion,
              describeCache,
            }),
            apiVersion: options.apiVersion,
            confirmation,
          }),
          caller,
        };
      } catch (error) {
        // No request reaches Salesforce without valid credentials.
        if (isAuthError(error)) {
          throw new GraphQLError(error.message, {
            extensions: {
              code: error.code,
              http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
            },
          });
        }
        if (isIntegrationUnavailableError(error)) {
          logger.error({ err: error }, 'integration user unavailable');
          throw new GraphQLError(error.message, {
            extensions: { code: error.code, http: { status: 503 } },
          });
        }
        throw error;
      }
    },
    batching: { limit: limits.maxBatch },
    // useBodyLimit does this, cheaper: Yoga's would stream every body through a counter.
    maxRequestBodySize: false,
    plugins: [
      ...observability.first,
      useBodyLimit(),
      useHealth({ instanceUrl: options.instanceUrl, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      useQueryLimits(limits),
      useErrorReports({ onSessionExpired: (request) => callers.forget(request.headers) }),
      useSalesforceCalls(),
      observability.last,
    ],
  });
}
