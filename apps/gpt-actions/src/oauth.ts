import type { Hono } from 'hono';

export interface OAuthRelayOptions {
  /** Where the org's authorize and token endpoints are. */
  loginUrl: string;
  /** `expires_in` to add to token answers that have none (Salesforce gives none); 0 adds nothing. */
  tokenExpiresIn: number;
  fetch?: typeof fetch;
}

/** The grants ChatGPT uses: the code after sign-in, and refresh tokens. */
const GRANTS = new Set(['authorization_code', 'refresh_token']);

const oauthError = (status: number, error: string, description: string) =>
  new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

/**
 * GPT Actions require the OAuth URLs to be on the same domain as the API, so the adapter relays the
 * flow to the org: `/oauth2/authorize` redirects the browser to the org's authorize endpoint with
 * the same query, and `/oauth2/token` passes the code or refresh token grant, with the client's
 * credentials, to the org's token endpoint and its answer back. Nothing is stored; the relay only
 * ever talks to the configured org.
 */
export function registerOAuthRelay(app: Hono, options: OAuthRelayOptions): void {
  const authorizeUrl = new URL('/services/oauth2/authorize', options.loginUrl);
  const tokenUrl = new URL('/services/oauth2/token', options.loginUrl);
  const doFetch = options.fetch ?? fetch;

  app.get('/oauth2/authorize', (c) => {
    const target = new URL(authorizeUrl);
    target.search = new URL(c.req.url).search;
    return c.redirect(target.href, 302);
  });

  app.post('/oauth2/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
      return oauthError(
        400,
        'invalid_request',
        'Send the token request as application/x-www-form-urlencoded',
      );
    const body = new URLSearchParams(await c.req.text());
    const grant = body.get('grant_type') ?? '';
    if (!GRANTS.has(grant))
      return oauthError(
        400,
        'unsupported_grant_type',
        'Only authorization_code and refresh_token are relayed',
      );
    const authorization = c.req.header('authorization');
    let answer: Response;
    try {
      answer = await doFetch(tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body,
      });
    } catch {
      return oauthError(502, 'temporarily_unavailable', `Could not reach ${tokenUrl.origin}`);
    }
    const text = await answer.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return oauthError(
        502,
        'temporarily_unavailable',
        `${tokenUrl.origin} answered ${answer.status} without JSON`,
      );
    }
    // Salesforce's access tokens carry no expires_in; with one, ChatGPT refreshes before they lapse.
    if (
      answer.ok &&
      typeof json.access_token === 'string' &&
      json.expires_in === undefined &&
      options.tokenExpiresIn > 0
    )
      json.expires_in = options.tokenExpiresIn;
    return new Response(JSON.stringify(json), {
      status: answer.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  });
}
