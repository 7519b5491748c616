import { z } from 'zod';
import { SHARED_CACHE_DEADLINE_MS, withinDeadline } from './deadline.ts';
import { AuthError } from './errors.ts';
import { loginWithClientCredentials, loginWithJwtBearer, refreshSession } from './flows.ts';
import { loginWithPassword } from './password.ts';
import { createCredentialProvider } from './provider.ts';
import type { SalesforceSession, SessionSource } from './session.ts';
import type { TokenStore } from './token-store.ts';

const optional = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const envSchema = z.object({
  SF_LOGIN_URL: z
    .url({ message: 'SF_LOGIN_URL must be a URL such as https://login.salesforce.com' })
    .default('https://login.salesforce.com'),
  SF_CLIENT_ID: optional,
  SF_CLIENT_SECRET: optional,
  SF_USERNAME: optional,
  SF_PASSWORD: optional,
  SF_SECURITY_TOKEN: optional,
  SF_PRIVATE_KEY: optional,
  SF_PRIVATE_KEY_FILE: optional,
  SF_REFRESH_TOKEN: optional,
  SF_INSTANCE_URL: z.url().optional(),
});

export type ServiceFlow = 'jwt-bearer' | 'password' | 'refresh-token' | 'client-credentials';

export interface ServiceAuth {
  flow: ServiceFlow;
  source: SessionSource;
}

/**
 * Chooses the OAuth flow of a service identity from the settings given (an app's config module
 * passes its environment): JWT bearer when a private key is set, password when a username and
 * password are, refresh token when one is, client credentials when only the client is. Returns
 * undefined when nothing is set (callers then bring their own tokens). A half-configured flow is an
 * error naming what is missing; secrets never appear in it.
 */
export function serviceAuthFromEnv(
  env: Record<string, string | undefined>,
  options: { store?: TokenStore; fetch?: typeof fetch } = {},
): ServiceAuth | undefined {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new AuthError('SF_AUTH_FAILED', `Invalid Salesforce settings:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data;
  const base = { loginUrl: c.SF_LOGIN_URL, fetch: options.fetch };
  const need = (flow: string, names: (keyof typeof c)[]) => {
    const missing = names.filter((n) => !c[n]);
    if (missing.length)
      throw new AuthError('SF_AUTH_FAILED', `The ${flow} flow needs ${missing.join(' and ')} to be set`);
  };

  let flow: ServiceFlow;
  let login: () => Promise<SalesforceSession>;
  if (c.SF_PRIVATE_KEY || c.SF_PRIVATE_KEY_FILE) {
    need('JWT bearer', ['SF_CLIENT_ID', 'SF_USERNAME']);
    flow = 'jwt-bearer';
    login = () =>
      loginWithJwtBearer({
        ...base,
        clientId: c.SF_CLIENT_ID as string,
        username: c.SF_USERNAME as string,
        privateKey: c.SF_PRIVATE_KEY,
        privateKeyFile: c.SF_PRIVATE_KEY_FILE,
      });
  } else if (c.SF_USERNAME || c.SF_PASSWORD) {
    need('password', ['SF_USERNAME', 'SF_PASSWORD', 'SF_CLIENT_ID', 'SF_CLIENT_SECRET']);
    flow = 'password';
    login = () =>
      loginWithPassword({
        ...base,
        clientId: c.SF_CLIENT_ID as string,
        clientSecret: c.SF_CLIENT_SECRET as string,
        username: c.SF_USERNAME as string,
        password: c.SF_PASSWORD as string,
        securityToken: c.SF_SECURITY_TOKEN,
      });
  } else if (c.SF_REFRESH_TOKEN) {
    need('refresh token', ['SF_CLIENT_ID']);
    flow = 'refresh-token';
    login = () =>
      refreshSession({
        ...base,
        clientId: c.SF_CLIENT_ID as string,
        clientSecret: c.SF_CLIENT_SECRET,
        refreshToken: c.SF_REFRESH_TOKEN as string,
      });
  } else if (c.SF_CLIENT_ID || c.SF_CLIENT_SECRET) {
    need('client credentials', ['SF_CLIENT_ID', 'SF_CLIENT_SECRET']);
    flow = 'client-credentials';
    login = () =>
      loginWithClientCredentials({
        ...base,
        clientId: c.SF_CLIENT_ID as string,
        clientSecret: c.SF_CLIENT_SECRET as string,
      });
  } else {
    return undefined;
  }

  const store = options.store;
  const key = `${flow}:${c.SF_LOGIN_URL}:${c.SF_USERNAME ?? c.SF_CLIENT_ID}`;
  const provider = createCredentialProvider({
    // A session another instance saved is reused before logging in again.
    login: async () => login(),
    clientId: c.SF_CLIENT_ID,
    clientSecret: c.SF_CLIENT_SECRET,
    loginUrl: c.SF_LOGIN_URL,
    fetch: options.fetch,
    // A store that fails or does not answer in time is done without: the session is this process's.
    onSession: store
      ? (session) => withinDeadline(store.set(key, session), SHARED_CACHE_DEADLINE_MS).catch(() => {})
      : undefined,
  });
  if (!store) return { flow, source: provider };
  return {
    flow,
    source: {
      async current() {
        const shared = await withinDeadline(store.get(key), SHARED_CACHE_DEADLINE_MS).catch(() => undefined);
        return shared ?? provider.current();
      },
      refresh: (expired) => provider.refresh?.(expired) ?? provider.current(),
    },
  };
}
