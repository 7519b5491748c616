import { randomBytes } from 'node:crypto';
import type { SalesforceSession } from '@sfgql/auth';
import { createBearerAuthenticator, isAuthError } from '@sfgql/auth';
import { type Confirmation, createConfirmation, DEFAULT_GATEWAY_POLICY } from '@sfgql/confirm';
import { extendSpec, loadOrgSpecs } from '@sfgql/objects/custom';
import { createContext, createSchema, type GraphQLContext, STANDARD_SPECS } from '@sfgql/schema';
import { createSalesforceClient, type SalesforceClient } from '@sfgql/soql';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { GatewayConfig } from './config.ts';
import { useErrorReports } from './plugins/use-error-reports.ts';
import { useHealth } from './plugins/use-health.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';
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
};

/** How long an org's schema (its describes) is reused. */
const ORG_SCHEMA_TTL_MS = 10 * 60_000;

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
 * The gateway app (no listening socket): GraphQL Yoga over the CRM schema. Callers send their own
 * Salesforce access token as `Authorization: Bearer ...` and every Salesforce call acts as them.
 */
export function createGateway(options: GatewayOptions) {
  const authenticator = createBearerAuthenticator({
    instanceUrl: options.instanceUrl,
    ttlMs: options.authCacheTtlMs,
    fetch: options.fetch,
  });
  const confirmation =
    options.confirmation ??
    createConfirmation({ keys: { current: randomBytes(32) }, policy: { default: DEFAULT_GATEWAY_POLICY } });
  const baseSchema = createSchema();
  const orgSchemas = new Map<string, { expiresAt: number; schema: Promise<GraphQLSchema> }>();
  const describeCache = new Map();
  const schemaFor = async (authorization: string | null): Promise<GraphQLSchema> => {
    if (options.customFields === false) return baseSchema;
    let session: SalesforceSession;
    try {
      session = await authenticator.authenticate(authorization);
    } catch {
      // The context refuses the request with 401; the schema does not matter then.
      return baseSchema;
    }
    const key = `${session.instanceUrl} ${session.orgId ?? ''}`;
    const hit = orgSchemas.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.schema;
    const client = createSalesforceClient({ session, apiVersion: options.apiVersion, describeCache });
    const schema = orgSchema(client, options.customObjects ?? []).catch(() => baseSchema);
    orgSchemas.set(key, { expiresAt: Date.now() + ORG_SCHEMA_TTL_MS, schema });
    return schema;
  };
  return createYoga<Record<string, never>, GraphQLContext>({
    schema: ({ request }) => schemaFor(request.headers.get('authorization')),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL at /graphql in a browser; queries need the caller's token in the headers tab.
    graphiql: {
      title: 'sfgql',
      headers: JSON.stringify({ authorization: 'Bearer <your Salesforce access token>' }, null, 2),
      defaultQuery: EXAMPLE_QUERY,
    },
    async context({ request }) {
      try {
        const session = await authenticator.authenticate(request.headers.get('authorization'));
        return createContext({
          client: createSalesforceClient({ session, apiVersion: options.apiVersion }),
          apiVersion: options.apiVersion,
          confirmation,
          principal: {
            userId: session.userId ?? 'unknown',
            orgId: session.orgId ?? 'unknown',
            clientId: GATEWAY_CLIENT_ID,
          },
        });
      } catch (error) {
        // No request reaches Salesforce without the caller's own valid token.
        if (isAuthError(error)) {
          throw new GraphQLError(error.message, {
            extensions: {
              code: error.code,
              http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
            },
          });
        }
        throw error;
      }
    },
    // At most five operations per batched request.
    batching: { limit: 5 },
    plugins: [
      useHealth({ instanceUrl: options.instanceUrl, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      useQueryLimits(),
      useErrorReports(),
      useSalesforceCalls(),
    ],
  });
}
