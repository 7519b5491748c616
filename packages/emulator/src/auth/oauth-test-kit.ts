/**
 * Test helpers for the OAuth flows: drive the authorize pages with plain HTTP (as a browser would post
 * the forms) and sign JWT bearer assertions. Used by the emulator's tests only.
 */
import { importPKCS8, SignJWT } from 'jose';

export interface FormsResult {
  /** Where the last answer sent the browser (the app's callback), if it redirected. */
  location?: URL;
  /** The last answer, when it did not redirect (an error or login page). */
  status: number;
  html?: string;
}

/** The value of a hidden field on a page. */
export const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

/**
 * Opens an authorize URL, logs in and allows (or denies) as a browser would: the same cookie jar
 * for every step, the hidden fields of each page posted back.
 */
export async function authorizeWithForms(
  authorizeUrl: string,
  options: { username: string; password: string; decision?: 'allow' | 'deny' },
): Promise<FormsResult> {
  const first = await fetch(authorizeUrl, { redirect: 'manual' });
  if (first.status !== 200) {
    const location = first.headers.get('location');
    return {
      status: first.status,
      html: await first.text(),
      ...(location ? { location: new URL(location) } : {}),
    };
  }
  const cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const html = await first.text();
  const endpoint = new URL('/services/oauth2/authorize', authorizeUrl);
  const post = (fields: Record<string, string>) =>
    fetch(endpoint, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: field(html, 'request'), csrf: field(html, 'csrf'), ...fields }),
    });
  const login = await post({ action: 'login', username: options.username, password: options.password });
  const consent = await login.text();
  if (!consent.includes('Allow access?')) return { status: login.status, html: consent };
  const decided = await post({ action: options.decision ?? 'allow' });
  const location = decided.headers.get('location');
  return { status: decided.status, ...(location ? { location: new URL(location) } : {}) };
}

/** An RS256 JWT bearer assertion with Salesforce's claims; every claim can be overridden. */
export async function signAssertion(
  privateKeyPem: string,
  claims: { iss: string; sub: string; aud: string | string[]; exp: number; [claim: string]: unknown },
): Promise<string> {
  const key = await importPKCS8(privateKeyPem, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(key);
}

/** POSTs a form to the token (or revoke) endpoint and returns the status and JSON body. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies.
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
