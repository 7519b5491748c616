import type { Profile } from './profiles.ts';

/** Text as HTML: every character that could open markup or close an attribute is escaped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface FrontPageOptions {
  publicUrl: string;
  /** The profiles as the running write policy offers them, the default first. */
  profiles: readonly Profile[];
  defaultProfile: string;
  /** The OAuth URLs to paste into the GPT editor; none in API-key mode. */
  oauth?: { authorizationUrl: string; tokenUrl: string } | undefined;
}

/**
 * The adapter's front page: what it is, and for each profile its OpenAPI document (the URL to import
 * into a GPT) and the instructions to paste into that GPT. A small static page: no script, no
 * outside resources, every value escaped.
 */
export function frontPage(options: FrontPageOptions): string {
  const url = (path: string) => escapeHtml(`${options.publicUrl}${path}`);
  const profiles = options.profiles
    .map((p) => {
      const document = `/openapi.json?profile=${encodeURIComponent(p.name)}`;
      return `<section id="${escapeHtml(p.name)}">
<h2>${escapeHtml(p.title)} <small>(<code>${escapeHtml(p.name)}</code>${p.name === options.defaultProfile ? ', the default' : ''})</small></h2>
<p>${escapeHtml(p.description)}</p>
<p>Schema to import: <a href="${url(document)}">${url(document)}</a> (${p.bindings.length} operations: ${p.bindings.map((b) => `<code>${escapeHtml(b.operationId)}</code>`).join(', ')})</p>
<details><summary>Instructions to paste into the GPT</summary>
<pre>${escapeHtml(p.instructions)}</pre>
</details>
</section>`;
    })
    .join('\n');
  const oauth = options.oauth
    ? `<p>Authentication: OAuth, with your Salesforce connected app's consumer key and secret, authorization URL
<code>${escapeHtml(options.oauth.authorizationUrl)}</code>, token URL <code>${escapeHtml(options.oauth.tokenUrl)}</code> and scope
<code>api refresh_token</code>.</p>`
    : '<p>Authentication: API key (Bearer), the key this adapter is configured with.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Salesforce GPT Actions</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}code{background:#f4f4f4}</style>
</head>
<body>
<h1>Salesforce GPT Actions</h1>
<p>Connect a custom GPT to Salesforce: in the GPT editor, <em>Configure → Actions → Create new action</em>,
import one profile's schema below, set the authentication, and paste the profile's instructions into the GPT's
<em>Instructions</em>. Every change the GPT makes is read to the user and confirmed first.</p>
${oauth}
<p>All profiles as JSON: <a href="${url('/openapi')}">${url('/openapi')}</a>.</p>
${profiles}
</body>
</html>
`;
}
