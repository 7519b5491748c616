import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { DEMO } from '@sfgql/emulator';
import { signInWithForms } from '@sfgql/testing/sign-in';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMcpServer } from '../src/listen.ts';
import { codeOf, type DemoOrg, startDemoOrg, startMcp, structuredOf, textOf } from './harness.ts';

/**
 * An MCP client signing a person in as the MCP authorization spec has it, with the SDK's own OAuth
 * client: the server's 401 names its protected-resource metadata, that names Salesforce (here the
 * emulator) as the authorization server, whose OpenID Connect discovery gives the endpoints; then
 * the authorization code flow with PKCE, and every tool call acts as the person who signed in.
 */
const CALLBACK = 'http://127.0.0.1:4000/oauth/callback';
let org: DemoOrg;
let mcp: RunningMcpServer;

beforeAll(async () => {
  org = await startDemoOrg();
  mcp = await startMcp(org.emulator.url);
});
afterAll(async () => {
  await mcp?.close();
  await org?.close();
});

/** What a desktop MCP client keeps for one server: the app registered in the org, tokens, the verifier. */
class MemoryProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  saved: OAuthTokens | undefined;
  private verifier = '';
  readonly redirectUrl = CALLBACK;
  readonly clientMetadata: OAuthClientMetadata = {
    redirect_uris: [CALLBACK],
    client_name: 'sfgql tests',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  clientInformation(): OAuthClientInformationMixed {
    // Salesforce has no open registration: the client is a connected app set up in the org.
    return { client_id: DEMO.clientId, client_secret: DEMO.clientSecret };
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

const connect = async (provider: OAuthClientProvider, path = '/mcp') => {
  const client = new Client({ name: 'sfgql-tests', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${mcp.url}${path}`), {
    authProvider: provider,
  });
  await client.connect(transport);
  return { client, transport };
};

/** The whole sign-in: refused, sent to the org's pages, signed in as `user`, code exchanged. */
async function signIn(user: { username: string; password: string }, path = '/mcp') {
  const provider = new MemoryProvider();
  const client = new Client({ name: 'sfgql-tests', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${mcp.url}${path}`), {
    authProvider: provider,
  });
  await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  const authorizationUrl = provider.authorizationUrl;
  if (!authorizationUrl) throw new Error('the client was not sent to sign in');
  const callback = await signInWithForms(authorizationUrl, user);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback}`);
  await transport.finishAuth(code);
  return { provider, authorizationUrl };
}

describe('signing in from an MCP client', () => {
  it('finds Salesforce from the 401, signs in with PKCE, and calls tools as that person', async () => {
    const { provider, authorizationUrl } = await signIn(DEMO);
    // Discovered, not configured: the org's authorize endpoint, PKCE, the resource (RFC 8707).
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(
      `${org.emulator.url}/services/oauth2/authorize`,
    );
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('client_id')).toBe(DEMO.clientId);
    expect(authorizationUrl.searchParams.get('resource')).toBe(`${mcp.url}/mcp`);
    expect(provider.saved?.access_token).toMatch(/^00D/);
    expect(provider.saved?.refresh_token).toMatch(/^5Aep861/);

    const { client } = await connect(provider);
    try {
      const found = await client.callTool({
        name: 'getCaseDetailsFromNumber',
        arguments: { caseNumber: DEMO.caseNumber },
      });
      expect(structuredOf<{ caseNumber: string }>(found).caseNumber, textOf(found)).toBe(DEMO.caseNumber);
    } finally {
      await client.close();
    }
  });

  it("acts as the person signed in: a read-only user's write is refused by Salesforce, and nothing changes", async () => {
    const { provider } = await signIn(DEMO.users.readOnly, '/mcp/all');
    const { client } = await connect(provider, '/mcp/all');
    try {
      const found = await client.callTool({
        name: 'getCaseDetailsFromNumber',
        arguments: { caseNumber: DEMO.caseNumber },
      });
      const { id, subject } = structuredOf<{ id: string; subject: string }>(found);
      const args = { id, subject: 'Changed by a read-only user' };
      const preview = await client.callTool({ name: 'updateCase', arguments: args });
      const token = structuredOf<{ confirmationToken?: string }>(preview).confirmationToken;
      const outcome = token
        ? await client.callTool({ name: 'updateCase', arguments: { ...args, confirmationToken: token } })
        : preview;
      expect(outcome.isError, textOf(outcome)).toBe(true);
      expect(codeOf(outcome)).toMatch(/INSUFFICIENT_ACCESS|FORBIDDEN|NOT_UPDATEABLE/);
      const again = await client.callTool({
        name: 'getCaseDetailsFromNumber',
        arguments: { caseNumber: DEMO.caseNumber },
      });
      expect(structuredOf<{ subject: string }>(again).subject).toBe(subject);
    } finally {
      await client.close();
    }
  });

  it('refuses the token once the org has revoked the sign-in', async () => {
    const { provider } = await signIn(DEMO);
    const token = provider.saved?.access_token ?? '';
    const revoked = await fetch(`${org.emulator.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: provider.saved?.refresh_token ?? '' }),
    });
    expect(revoked.status).toBe(200);
    const response = await fetch(`${mcp.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});
