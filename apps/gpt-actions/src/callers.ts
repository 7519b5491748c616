import { createHash, timingSafeEqual } from 'node:crypto';
import {
  AuthError,
  createBearerAuthenticator,
  fetchUserInfo,
  parseIdentityUrl,
  type SalesforceSession,
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

const BEARER = /^Bearer\s+(\S+)\s*$/i;

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
      const token = BEARER.exec(authorization ?? '')?.[1];
      if (token) authenticator.forget(token);
    },
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * API-key mode: callers present the adapter's key as a bearer token and act as one integration
 * user, whose session comes from `@sfgql/auth`'s service flows and is refreshed when it expires.
 * Every GPT user then shares that user's access and its confirmations.
 */
export function createApiKeyCallers(
  options: ResolverOptions & { apiKey: string; source: SessionSource },
): CallerResolver {
  const expected = digest(options.apiKey);
  let identity: Promise<{ userId: string; orgId: string }> | undefined;
  const identify = async (session: SalesforceSession) => {
    if (session.userId && session.orgId) return { userId: session.userId, orgId: session.orgId };
    const parsed = session.identityUrl ? parseIdentityUrl(session.identityUrl) : undefined;
    if (parsed) return parsed;
    const info = await fetchUserInfo({
      instanceUrl: session.instanceUrl,
      accessToken: session.accessToken,
      fetch: options.fetch,
    });
    return { userId: info.user_id, orgId: info.organization_id };
  };
  return {
    async resolve(authorization) {
      const key = BEARER.exec(authorization ?? '')?.[1];
      if (!key)
        throw new AuthError(
          'SF_AUTH_REQUIRED',
          'Send the API key in the Authorization header: "Bearer <key>"',
        );
      // Compared as digests, in constant time: neither the key nor its length leaks through timing.
      if (!timingSafeEqual(digest(key), expected))
        throw new AuthError('SF_AUTH_FAILED', 'The API key is not valid');
      identity ??= options.source.current().then(identify);
      identity.catch(() => {
        identity = undefined;
      });
      const { userId, orgId } = await identity;
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
