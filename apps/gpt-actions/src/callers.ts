import {
  AuthError,
  bearerToken,
  createApiKeyChecker,
  createBearerAuthenticator,
  createSourceIdentity,
  type SessionSource,
} from '@sfgql/auth';
import { createSalesforceClient, type DescribeCache } from '@sfgql/soql';
import type { Caller } from './binding.ts';

/** The principal's client id: confirmations and write policies name the adapter by it. */
export const CLIENT_ID = 'gpt-actions';

/** Turns a request's Authorization header into the caller it acts as. */
export interface CallerResolver {
  resolve(authorization: string | undefined): Promise<Caller>;
  /** Forgets a token Salesforce no longer accepts, so that the next request checks it again. */
  forget(authorization: string | undefined): void;
}

interface ResolverOptions {
  instanceUrl: string;
  apiVersion: string;
  /** Describes shared by every caller of the org (Case Status values). */
  describeCache: DescribeCache;
  fetch?: typeof fetch;
}

/**
 * Pass-through: ChatGPT sends the Salesforce access token of the user who signed in, the token is
 * checked once against userinfo (and cached for `ttlMs`), and every call acts as that user.
 */
export function createPassThroughCallers(options: ResolverOptions & { ttlMs: number }): CallerResolver {
  const authenticator = createBearerAuthenticator({
    instanceUrl: options.instanceUrl,
    ttlMs: options.ttlMs,
    fetch: options.fetch,
  });
  return {
    async resolve(authorization) {
      const session = await authenticator.authenticate(authorization);
      return {
        client: createSalesforceClient({
          session,
          apiVersion: options.apiVersion,
          describeCache: options.describeCache,
        }),
        principal: { userId: session.userId ?? '', orgId: session.orgId ?? '', clientId: CLIENT_ID },
      };
    },
    forget(authorization) {
      const token = bearerToken(authorization);
      if (token) authenticator.forget(token);
    },
  };
}

/**
 * API-key mode: callers present the adapter's key as a bearer token and act as one integration
 * user, whose session comes from `@sfgql/auth`'s service flows and is refreshed when it expires.
 * Every GPT user then shares that user's access and its confirmations.
 */
export function createApiKeyCallers(
  options: ResolverOptions & { apiKey: string; source: SessionSource },
): CallerResolver {
  const keyName = createApiKeyChecker([{ name: CLIENT_ID, key: options.apiKey }]);
  const identity = createSourceIdentity(options.source, { fetch: options.fetch });
  return {
    async resolve(authorization) {
      const key = bearerToken(authorization);
      if (!key)
        throw new AuthError(
          'SF_AUTH_REQUIRED',
          'Send the API key in the Authorization header: "Bearer <key>"',
        );
      // Compared as digests, in constant time: neither the key nor its length leaks through timing.
      if (keyName(key) === undefined) throw new AuthError('SF_AUTH_FAILED', 'The API key is not valid');
      const { userId, orgId } = await identity();
      return {
        client: createSalesforceClient({
          session: options.source,
          apiVersion: options.apiVersion,
          describeCache: options.describeCache,
        }),
        principal: { userId, orgId, clientId: CLIENT_ID },
      };
    },
    forget() {},
  };
}
