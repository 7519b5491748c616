import { DEMO } from '@sfgql/emulator';
import { signInWithForms } from '@sfgql/testing/sign-in';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, startStack, type TestStack } from './test-support.ts';

/**
 * A custom GPT's sign-in, end to end, with the settings the README says to paste: ChatGPT sends
 * the browser to the adapter's /oauth2/authorize, the user signs in to the org (the emulator's
 * login and consent pages, posted as a browser would), ChatGPT exchanges the code at the adapter's
 * /oauth2/token, calls an operation with the token, and later refreshes it there.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const CALLBACK = 'https://chatgpt.com/aip/g-0123456789abcdef/oauth/callback';
/** Follows the adapter's redirect and signs in on the org's pages as a browser would; returns the callback URL. */
async function signIn(authorizeUrl: string): Promise<URL> {
  const relayed = await stack.app.request(authorizeUrl);
  expect(relayed.status).toBe(302);
  const orgPage = relayed.headers.get('location') as string;
  expect(orgPage.startsWith(`${stack.emulator.url}/services/oauth2/authorize?`)).toBe(true);
  return signInWithForms(orgPage);
}

/** ChatGPT's token request with the "Default (POST request)" exchange method: credentials in the body. */
async function token(fields: Record<string, string>): Promise<{ status: number; body: Json }> {
  const response = await stack.app.request('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: DEMO.clientId, client_secret: DEMO.clientSecret, ...fields }),
  });
  return { status: response.status, body: await response.json() };
}

describe("a custom GPT's OAuth sign-in through the adapter", () => {
  it('signs the user in, exchanges the code, calls as that user, and refreshes', async () => {
    const doc = (await (await stack.app.request('/openapi.json?profile=service')).json()) as Json;
    const flow = doc.components.securitySchemes.salesforceOAuth.flows.authorizationCode;
    const authorizeUrl = new URL(flow.authorizationUrl);
    const tokenUrl = new URL(flow.tokenUrl);
    expect(authorizeUrl.origin).toBe(new URL(doc.servers[0].url).origin);
    expect(tokenUrl.origin).toBe(new URL(doc.servers[0].url).origin);

    const query = new URLSearchParams({
      response_type: 'code',
      client_id: DEMO.clientId,
      redirect_uri: CALLBACK,
      state: 'gpt-state-1',
      scope: 'api refresh_token',
    });
    const callback = await signIn(`${authorizeUrl.pathname}?${query}`);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('gpt-state-1');
    const code = callback.searchParams.get('code') as string;
    expect(code).toBeTruthy();

    const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
    });

    const lookedUp = await stack.call(
      'GET',
      '/cases/by-number/00001104',
      undefined,
      exchanged.body.access_token,
    );
    expect(lookedUp.status).toBe(200);
    expect(lookedUp.body.CaseNumber).toBe('00001104');

    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: exchanged.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(exchanged.body.access_token);
    const again = await stack.call(
      'GET',
      '/cases/by-number/00001104',
      undefined,
      refreshed.body.access_token,
    );
    expect(again.status).toBe(200);

    // A code is single use, as at Salesforce: the org's refusal comes back as it is.
    const reused = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant' });
  });
});
