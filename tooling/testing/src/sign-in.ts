import { DEMO } from '@sfgql/emulator';

/**
 * Signs in on an org's authorize pages as a browser would, with plain HTTP: opens the authorize
 * URL, posts the login form (the demo admin unless told) and then Allow, each with the page's
 * hidden fields and cookie. Answers where the org sent the browser: the app's callback URL with
 * `code` and `state`, or with `error`.
 */
export async function signInWithForms(
  authorizeUrl: string | URL,
  user: { username: string; password: string } = DEMO,
): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const early = page.headers.get('location');
  if (early) return new URL(early);
  const html = await page.text();
  if (page.status !== 200)
    throw new Error(`the authorize page answered ${page.status}: ${html.slice(0, 300)}`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const post = (fields: Record<string, string>) =>
    fetch(new URL('/services/oauth2/authorize', authorizeUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: hidden('request'), csrf: hidden('csrf'), ...fields }),
    });
  const login = await post({ action: 'login', username: user.username, password: user.password });
  const consent = await login.text();
  if (!consent.includes('Allow access?')) throw new Error(`the login was refused: ${login.status}`);
  const allowed = await post({ action: 'allow' });
  const location = allowed.headers.get('location');
  if (!location) throw new Error(`Allow answered ${allowed.status} without a redirect`);
  return new URL(location);
}
