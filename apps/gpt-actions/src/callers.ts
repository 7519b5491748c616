import { type CallerResolver, createCallerResolver, type SessionSource } from '@sfgql/auth';
import { callerContext } from '@sfgql/objects/confirmed';
import type { DescribeCache } from '@sfgql/soql';
import type { Caller } from './binding.ts';

/** The principal's client id: confirmations and write policies name the adapter by it. */
export const CLIENT_ID = 'gpt-actions';

export interface ActionsCallers {
  /** The caller of a request: a client acting as them and the principal confirmations bind. */
  resolve(headers: Headers): Promise<Caller>;
  /** Forgets a token Salesforce no longer accepts, so that the next request checks it again. */
  forget(headers: Headers): void;
}

/**
 * The adapter's callers, through `@sfgql/auth`'s one resolver. Pass-through (the default): ChatGPT
 * sends the Salesforce access token of the user who signed in, checked once and cached, and every
 * call acts as that user. API-key mode: callers present the adapter's key as a bearer token and all
 * act as one integration user (whose session `@sfgql/auth`'s service flows keep fresh).
 */
export function createActionsCallers(options: {
  instanceUrl: string;
  apiVersion: string;
  ttlMs: number;
  /** Describes shared by the adapter's callers (per user: see `createDescribeCache`). */
  describeCache: DescribeCache;
  apiKey?: { key: string; source: SessionSource } | undefined;
  fetch?: typeof fetch;
}): ActionsCallers {
  const resolver: CallerResolver = createCallerResolver({
    instanceUrl: options.instanceUrl,
    ttlMs: options.ttlMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.apiKey
      ? {
          userTokens: false,
          apiKeys: [{ name: CLIENT_ID, key: options.apiKey.key }],
          integration: options.apiKey.source,
        }
      : {}),
  });
  return {
    async resolve(headers) {
      return callerContext(await resolver.resolve(headers), { ...options, clientId: CLIENT_ID });
    },
    forget: (headers) => resolver.forget(headers),
  };
}
