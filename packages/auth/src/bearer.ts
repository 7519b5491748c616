import { createHash } from 'node:crypto';
import { SHARED_CACHE_DEADLINE_MS, withinDeadline } from './deadline.ts';
import { AuthError } from './errors.ts';
import type { SalesforceSession } from './session.ts';
import type { RedisTokenClient } from './token-store.ts';
import { fetchUserInfo } from './userinfo.ts';

/** Who a checked token belongs to, and until when that answer is trusted (epoch milliseconds). */
export interface CheckedIdentity {
  userId: string;
  orgId: string;
  expiresAt: number;
}

/**
 * Where checked tokens are remembered across instances, so that a token checked by one instance is
 * not checked again by the next one. Keys are the token's SHA-256 (base64url), never the token, and
 * values hold only the user and org: a reader of the cache learns no token.
 */
export interface BearerCache {
  get(key: string): Promise<CheckedIdentity | undefined>;
  set(key: string, identity: CheckedIdentity): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface BearerAuthenticatorOptions {
  /** The org's instance URL: where the token is checked and then used. */
  instanceUrl: string;
  /** How long a checked token is trusted without asking Salesforce again (default 60 s). */
  ttlMs?: number;
  /** How many checked tokens are remembered (default 10 000; the oldest go first). */
  maxEntries?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * A cache shared by several instances (see {@link createRedisBearerCache}), asked after this
   * process's own memory and before Salesforce. When it fails or does not answer within
   * `sharedDeadlineMs`, the token is checked with Salesforce; what is learnt is written to it
   * without waiting for it.
   */
  shared?: BearerCache;
  /** How long the shared cache may take to answer (default 500 ms). */
  sharedDeadlineMs?: number;
}

export interface BearerAuthenticator {
  /**
   * Turns an `Authorization` header carrying a Salesforce access token into a session acting as the
   * token's user. Throws `SF_AUTH_REQUIRED` when there is no bearer token and `SF_SESSION_EXPIRED`
   * when Salesforce does not accept it.
   */
  authenticate(authorization: string | null | undefined): Promise<SalesforceSession>;
  /** Forgets a token, e.g. after Salesforce answered INVALID_SESSION_ID for it. */
  forget(accessToken: string): void;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header (any case, one token), or `undefined`. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/**
 * Pass-through authentication: callers present their own Salesforce token. Each token is checked
 * once against userinfo, so a bad token is refused before any work, and a good one costs no extra
 * call per request while it is cached. Concurrent first requests with one token share one check.
 */
export function createBearerAuthenticator(options: BearerAuthenticatorOptions): BearerAuthenticator {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const shared = options.shared;
  const deadlineMs = options.sharedDeadlineMs ?? SHARED_CACHE_DEADLINE_MS;
  // Keyed by a hash so that raw tokens are not kept as map keys in memory dumps or logs.
  const cache = new Map<string, { expiresAt: number; session: Promise<SalesforceSession> }>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

  return {
    authenticate(authorization) {
      const token = bearerToken(authorization);
      if (!token) {
        return Promise.reject(
          new AuthError(
            'SF_AUTH_REQUIRED',
            'Send a Salesforce access token in the Authorization header: "Bearer <token>"',
          ),
        );
      }
      const key = keyOf(token);
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now()) return hit.session;
      if (hit) cache.delete(key);
      const sessionOf = (identity: { userId: string; orgId: string }): SalesforceSession => ({
        instanceUrl: options.instanceUrl,
        accessToken: token,
        userId: identity.userId,
        orgId: identity.orgId,
      });
      const check = async (): Promise<SalesforceSession> => {
        // A shared cache that is down or frozen costs at most its deadline: then Salesforce answers.
        const known = shared
          ? await withinDeadline(shared.get(key), deadlineMs).catch(() => undefined)
          : undefined;
        if (known && known.expiresAt > now()) return sessionOf(known);
        const info = await fetchUserInfo({
          instanceUrl: options.instanceUrl,
          accessToken: token,
          fetch: options.fetch,
        });
        const identity = { userId: info.user_id, orgId: info.organization_id };
        // Not awaited: the answer never waits for the cache.
        shared?.set(key, { ...identity, expiresAt: now() + ttlMs }).catch(() => {});
        return sessionOf(identity);
      };
      const session = check();
      cache.set(key, { expiresAt: now() + ttlMs, session });
      // A refused or failed check is not cached.
      session.catch(() => cache.delete(key));
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      return session;
    },
    forget(accessToken) {
      const key = keyOf(accessToken);
      cache.delete(key);
      shared?.delete(key).catch(() => {});
    },
  };
}

/**
 * A {@link BearerCache} in Redis (a node-redis client, connected and closed by the caller). Entries
 * expire from Redis when their trust does.
 */
export function createRedisBearerCache(options: {
  client: RedisTokenClient;
  keyPrefix?: string;
}): BearerCache {
  const prefix = options.keyPrefix ?? 'sfgql:bearer:';
  return {
    async get(key) {
      const raw = await options.client.get(prefix + key);
      if (!raw) return undefined;
      const value = JSON.parse(raw) as Partial<CheckedIdentity>;
      if (typeof value.userId !== 'string' || typeof value.orgId !== 'string') return undefined;
      if (typeof value.expiresAt !== 'number') return undefined;
      return { userId: value.userId, orgId: value.orgId, expiresAt: value.expiresAt };
    },
    async set(key, identity) {
      const ttl = Math.max(1, Math.ceil(identity.expiresAt - Date.now()));
      await options.client.set(prefix + key, JSON.stringify(identity), {
        expiration: { type: 'PX', value: ttl },
      });
    },
    async delete(key) {
      await options.client.del(prefix + key);
    },
  };
}
