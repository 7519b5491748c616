import { randomBytes } from 'node:crypto';
import { createBearerAuthenticator, isAuthError } from '@sfgql/auth';
import { type Confirmation, createConfirmation, DEFAULT_GATEWAY_POLICY } from '@sfgql/confirm';
import { createContext, createSchema, type GraphQLContext } from '@sfgql/schema';
import { createSalesforceClient } from '@sfgql/soql';
import { GraphQLError } from 'graphql';
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
};

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
  return createYoga<Record<string, never>, GraphQLContext>({
    schema: createSchema(),
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
