import { createBearerAuthenticator, isAuthError } from '@sfgql/auth';
import { createSchema, type GraphQLContext } from '@sfgql/schema';
import { createSalesforceClient } from '@sfgql/soql';
import { GraphQLError } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { GatewayConfig } from './config.ts';
import { useErrorReports } from './plugins/use-error-reports.ts';

export type GatewayOptions = Pick<GatewayConfig, 'instanceUrl' | 'apiVersion' | 'authCacheTtlMs'> & {
  fetch?: typeof fetch;
};

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
  return createYoga<Record<string, never>, GraphQLContext>({
    schema: createSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    async context({ request }) {
      try {
        const session = await authenticator.authenticate(request.headers.get('authorization'));
        return { client: createSalesforceClient({ session, apiVersion: options.apiVersion }) };
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
    plugins: [useErrorReports()],
  });
}
