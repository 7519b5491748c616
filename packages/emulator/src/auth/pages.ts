import { SCOPE_LABELS } from './scopes.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

/** Security headers of every page: nothing external, no framing (clickjacking), no caching. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // No form-action: Chrome applies it to the redirect after the post, which goes to the app.
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f3f3f3; color: #181818; }
  main { max-width: 24rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem;
    box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  p.app { margin: 0 0 1.5rem; color: #444; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=text], input[type=password] { box-sizing: border-box; width: 100%; padding: .6rem;
    font-size: 1rem; border: 1px solid #747474; border-radius: .25rem; }
  input:focus-visible, button:focus-visible { outline: 3px solid #0b5cab; outline-offset: 2px; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { flex: 1; padding: .65rem; font-size: 1rem; border-radius: .25rem; border: 1px solid #0b5cab;
    cursor: pointer; background: #fff; color: #0b5cab; }
  button.primary { background: #0b5cab; color: #fff; }
  .error { padding: .75rem; border-left: 4px solid #ba0517; background: #fef1ee; color: #8e030f; margin: 0 0 1rem; }
  ul.scopes { padding-left: 1.25rem; }
  footer { margin-top: 1.5rem; font-size: .8rem; color: #555; }
  @media (prefers-color-scheme: dark) {
    body { background: #1b1b1b; color: #eee; } main { background: #2a2a2a; } p.app, footer { color: #ccc; }
    button { background: #2a2a2a; color: #8ab4f8; border-color: #8ab4f8; }
    button.primary { background: #8ab4f8; color: #111; }
    .error { background: #3a1c1c; color: #ffb4ab; }
  }`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>sfgql Salesforce emulator: a local test org, not Salesforce.</footer>
</main>
</body>
</html>
`;
}

const hidden = (form: { requestId: string; csrf: string }) =>
  `<input type="hidden" name="request" value="${escapeHtml(form.requestId)}">
<input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}">`;

/** The login page: username and password (no security token, as on Salesforce's own login page). */
export function loginPage(options: {
  appName: string;
  requestId: string;
  csrf: string;
  username?: string;
  error?: string;
}): string {
  const error = options.error
    ? `<p class="error" role="alert" id="login-error">${escapeHtml(options.error)}</p>`
    : '';
  const described = options.error ? ' aria-describedby="login-error"' : '';
  return layout(
    'Log in | Salesforce emulator',
    `<h1>Log in</h1>
<p class="app">to continue to <strong>${escapeHtml(options.appName)}</strong></p>
${error}<form method="post" action="/services/oauth2/authorize">
${hidden(options)}
<input type="hidden" name="action" value="login">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(options.username ?? '')}"${described}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${described}>
<div class="actions"><button type="submit" class="primary">Log In</button></div>
</form>`,
  );
}

/** The consent page ("Allow Access?"), listing what the app asks for. */
export function consentPage(options: {
  appName: string;
  requestId: string;
  csrf: string;
  username: string;
  scopes: readonly string[];
}): string {
  const labels = [...new Set(options.scopes.map((scope) => SCOPE_LABELS[scope] ?? `${scope}`))];
  return layout(
    'Allow access? | Salesforce emulator',
    `<h1>Allow access?</h1>
<p class="app"><strong>${escapeHtml(options.appName)}</strong> is asking to access your account, <strong>${escapeHtml(options.username)}</strong>, and to:</p>
<ul class="scopes">
${labels.map((label) => `<li>${escapeHtml(label)}</li>`).join('\n')}
</ul>
<form method="post" action="/services/oauth2/authorize">
${hidden(options)}
<div class="actions">
<button type="submit" name="action" value="deny">Deny</button>
<button type="submit" name="action" value="allow" class="primary" autofocus>Allow</button>
</div>
</form>`,
  );
}

/** An error shown in the browser instead of redirecting (unknown app, callback URL not configured, ...). */
export function errorPage(options: { error: string; description: string }): string {
  return layout(
    'Error | Salesforce emulator',
    `<h1>We can't authorize you</h1>
<p class="error" role="alert">error=${escapeHtml(options.error)}&amp;error_description=${escapeHtml(options.description)}</p>
<p>The application sent an authorization request that this org cannot accept. Check its client id and that its callback URL is one of the connected app's callback URLs, character for character.</p>`,
  );
}
