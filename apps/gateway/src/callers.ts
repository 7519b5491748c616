import {
  AuthError,
  type BearerCache,
  bearerToken,
  createApiKeyChecker,
  createBearerAuthenticator,
  createSourceIdentity,
  type SalesforceSession,
  type SessionIdentity,
  type SessionSource,
} from '@sfgql/auth';
import type { ApiKey } from './config.ts';

/** Who a request acts as, and with which Salesforce session. */
export interface Caller {
  /** `user`: the caller's own Salesforce token; `apiKey`: a key of the integration user; `anonymous`: demo mode. */
  kind: 'user' | 'apiKey' | 'anonymous';
  /** The API key's name, for logs and metrics. */
  keyName?: string;
  session: SalesforceSession | SessionSource;
  userId: string;
  orgId: string;
}

export interface CallerOptions {
  instanceUrl: string;
  /** How long a checked caller token is trusted. */
  ttlMs: number;
  /** Checked caller tokens shared with other instances (Redis). */
  shared?: BearerCache;
  /** Keys that act as the integration user. */
  apiKeys?: readonly ApiKey[];
  /** The integration user's session, for API keys and anonymous access. */
  integration?: SessionSource;
  /** Requests without credentials act as the integration user (loopback demo mode). */
  anonymous?: boolean;
  fetch?: typeof fetch;
}

export interface CallerResolver {
  /** The caller of a request, or an `AuthError` (401). */
  resolve(headers: Headers): Promise<Caller>;
}

/**
 * The integration user could not sign in: the caller's key is fine, the gateway's `SF_*` settings
 * or Salesforce are not (answered 503, logged with the cause).
 */
export class IntegrationUnavailableError extends Error {
  override readonly name = 'IntegrationUnavailableError';
  readonly code = 'SF_INTEGRATION_UNAVAILABLE';
}

/**
 * Resolves a request's caller: an API key (`X-API-Key`, or as the bearer token) acts as the
 * integration user; any other bearer token is the caller's own Salesforce token, checked once with
 * Salesforce and cached; no credentials at all is anonymous, refused unless in loopback demo mode.
 */
export function createCallerResolver(options: CallerOptions): CallerResolver {
  const authenticator = createBearerAuthenticator({
    instanceUrl: options.instanceUrl,
    ttlMs: options.ttlMs,
    fetch: options.fetch,
    ...(options.shared ? { shared: options.shared } : {}),
  });
  const keys = options.apiKeys ?? [];
  if ((keys.length || options.anonymous) && !options.integration)
    throw new Error('API keys and anonymous access need the integration user (integration)');
  /** The name of the key, compared as digests in constant time against every key (no early exit). */
  const keyName = createApiKeyChecker(keys);

  const source = options.integration as SessionSource;
  const identity = createSourceIdentity(source, { fetch: options.fetch });
  const integrationCaller = async (kind: 'apiKey' | 'anonymous', name?: string): Promise<Caller> => {
    let who: SessionIdentity;
    try {
      who = await identity();
    } catch (cause) {
      throw new IntegrationUnavailableError('The integration user could not sign in to Salesforce', {
        cause,
      });
    }
    const { userId, orgId } = who;
    return { kind, ...(name ? { keyName: name } : {}), session: source, userId, orgId };
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
      const session = await authenticator.authenticate(authorization);
      return {
        kind: 'user',
        session,
        userId: session.userId ?? 'unknown',
        orgId: session.orgId ?? 'unknown',
      };
    },
  };
}
