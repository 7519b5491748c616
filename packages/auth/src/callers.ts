import { createApiKeyChecker, type NamedApiKey } from './api-keys.ts';
import { type BearerCache, bearerToken, createBearerAuthenticator } from './bearer.ts';
import { AuthError } from './errors.ts';
import { createSourceIdentity } from './identity.ts';
import type { SalesforceSession, SessionSource } from './session.ts';

/** Who a request acts as, and with which Salesforce session. */
export interface Caller {
  /** `user`: the caller's own Salesforce token; `apiKey`: a key of the integration user; `anonymous`: demo mode. */
  kind: 'user' | 'apiKey' | 'anonymous';
  /** The API key's name, for logs, metrics and the audit trail. */
  keyName?: string;
  session: SalesforceSession | SessionSource;
  userId: string;
  orgId: string;
}

export interface CallerResolverOptions {
  instanceUrl: string;
  /** How long a checked caller token is trusted. */
  ttlMs: number;
  /**
   * Whether callers may present their own Salesforce access token (checked with Salesforce, then
   * cached). Off, only the API keys are accepted (a door where every caller is the integration user).
   */
  userTokens?: boolean;
  /** Checked caller tokens shared with other instances (Redis). */
  shared?: BearerCache;
  /** Keys that act as the integration user. */
  apiKeys?: readonly NamedApiKey[];
  /** The integration user's session, for API keys and anonymous access. */
  integration?: SessionSource;
  /** Requests without credentials act as the integration user (a loopback demo mode). */
  anonymous?: boolean;
  fetch?: typeof fetch;
}

export interface CallerResolver {
  /** The caller of a request, or an `AuthError` (401), or `IntegrationUnavailableError` (503). */
  resolve(headers: Headers): Promise<Caller>;
  /** Forgets the request's token once Salesforce no longer accepts it, so the next one is checked again. */
  forget(headers: Headers): void;
}

/**
 * The integration user could not sign in: the caller's key is fine, the server's `SF_*` settings
 * or Salesforce are not (answered 503, logged with the cause).
 */
export class IntegrationUnavailableError extends Error {
  override readonly name = 'IntegrationUnavailableError';
  readonly code = 'SF_INTEGRATION_UNAVAILABLE';
}

export function isIntegrationUnavailableError(error: unknown): error is IntegrationUnavailableError {
  return error instanceof IntegrationUnavailableError;
}

/**
 * Resolves a request's caller, the same way in every door: an API key (`X-API-Key`, or as the
 * bearer token) acts as the integration user; any other bearer token is the caller's own Salesforce
 * token, checked once with Salesforce and cached (when `userTokens` is on); no credentials at all
 * is anonymous, refused unless in demo mode.
 *
 * @example
 * const callers = createCallerResolver({ instanceUrl, ttlMs: 60_000 });
 * const caller = await callers.resolve(request.headers); // AuthError (401) without a valid token
 */
export function createCallerResolver(options: CallerResolverOptions): CallerResolver {
  const userTokens = options.userTokens ?? true;
  const authenticator = createBearerAuthenticator({
    instanceUrl: options.instanceUrl,
    ttlMs: options.ttlMs,
    fetch: options.fetch,
    ...(options.shared ? { shared: options.shared } : {}),
  });
  const keys = options.apiKeys ?? [];
  if ((keys.length || options.anonymous) && !options.integration)
    throw new Error('API keys and anonymous access need the integration user (integration)');
  if (!userTokens && !keys.length) throw new Error('Without user tokens, callers need API keys');
  /** The name of the key, compared as digests in constant time against every key (no early exit). */
  const keyName = createApiKeyChecker(keys);

  const source = options.integration as SessionSource;
  const identity = createSourceIdentity(source, { fetch: options.fetch });
  const integrationCaller = async (kind: 'apiKey' | 'anonymous', name?: string): Promise<Caller> => {
    try {
      const { userId, orgId } = await identity();
      return { kind, ...(name ? { keyName: name } : {}), session: source, userId, orgId };
    } catch (cause) {
      throw new IntegrationUnavailableError('The integration user could not sign in to Salesforce', {
        cause,
      });
    }
  };

  return {
    async resolve(headers) {
      const apiKey = headers.get('x-api-key');
      if (apiKey !== null) {
        const name = keys.length ? keyName(apiKey.trim()) : undefined;
        if (!name) throw new AuthError('SF_AUTH_FAILED', 'The API key is not valid');
        return integrationCaller('apiKey', name);
      }
      const authorization = headers.get('authorization');
      const bearer = bearerToken(authorization);
      if (bearer && keys.length) {
        // A key sent as the bearer token is never sent on to Salesforce.
        const name = keyName(bearer);
        if (name) return integrationCaller('apiKey', name);
      }
      if (!authorization && options.anonymous) return integrationCaller('anonymous');
      if (!userTokens) {
        if (!bearer)
          throw new AuthError(
            'SF_AUTH_REQUIRED',
            'Send the API key in the Authorization header: "Bearer <key>"',
          );
        throw new AuthError('SF_AUTH_FAILED', 'The API key is not valid');
      }
      const session = await authenticator.authenticate(authorization);
      return {
        kind: 'user',
        session,
        userId: session.userId ?? 'unknown',
        orgId: session.orgId ?? 'unknown',
      };
    },
    forget(headers) {
      const token = bearerToken(headers.get('authorization'));
      if (token) authenticator.forget(token);
    },
  };
}
