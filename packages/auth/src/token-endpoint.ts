import { z } from 'zod';
import { AuthError } from './errors.ts';
import { parseIdentityUrl, type SalesforceSession } from './session.ts';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  instance_url: z.url(),
  id: z.string(),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  signature: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export interface TokenRequestOptions {
  /** `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL. */
  loginUrl: string;
  /** Another fetch (for proxies or tests); the global one by default. */
  fetch?: typeof fetch;
}

/**
 * POSTs a grant to `/services/oauth2/token` and turns the answer into a session, or throws
 * `SF_AUTH_FAILED` carrying Salesforce's `error` and `error_description`.
 */
export async function requestToken(
  options: TokenRequestOptions,
  grant: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<SalesforceSession> {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/services/oauth2/token', options.loginUrl);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...headers,
      },
      body: new URLSearchParams(grant),
    });
  } catch (cause) {
    throw new AuthError('SF_AUTH_FAILED', `Could not reach ${url.origin} to log in`, { cause });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = oauthErrorSchema.safeParse(body);
    const error = parsed.success ? parsed.data.error : `http_${response.status}`;
    const description = parsed.success
      ? (parsed.data.error_description ?? parsed.data.error)
      : response.statusText;
    throw new AuthError('SF_AUTH_FAILED', `Salesforce refused the login: ${description}`, {
      salesforceError: error,
    });
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new AuthError('SF_AUTH_FAILED', 'Salesforce answered the login with an unexpected body', {
      cause: parsed.error,
    });
  }
  const token = parsed.data;
  const identity = parseIdentityUrl(token.id);
  return {
    instanceUrl: token.instance_url,
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    ...(identity ?? {}),
    identityUrl: token.id,
    issuedAt: token.issued_at ? Number(token.issued_at) : Date.now(),
  };
}
