import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  type BearerCache,
  type Caller,
  type CallerResolver,
  createCallerResolver,
  type SessionSource,
} from '@sfgql/auth';
import type { ApiKey } from '@sfgql/config';
import type { Confirmation } from '@sfgql/confirm';
import { reportError } from '@sfgql/objects/errors';
import { createDescribeCache } from '@sfgql/soql';
import { type Context, Hono } from 'hono';
import type { McpCaller } from './call-tool.ts';
import type { McpConfig } from './config.ts';
import { mcpCallerOf } from './confirmation.ts';
import { createConnection } from './connection.ts';
import { createLogger, type Logger } from './log.ts';
import { type McpTool, toolsOf } from './tools.ts';
import { isToolsetName, TOOLSET_NAMES, type ToolsetName } from './toolsets.ts';

export type McpAppOptions = Pick<
  McpConfig,
  | 'instanceUrl'
  | 'apiVersion'
  | 'authCacheTtlMs'
  | 'confirmTtlMs'
  | 'toolset'
  | 'writes'
  | 'authorizationServer'
> & {
  /** Where clients reach the server, e.g. `https://mcp.example.com` (`/mcp` is added). */
  publicUrl: string;
  /** The confirmation protocol (see `confirmationFromConfig`), under the same write policy as `writes`. */
  confirmation: Confirmation;
  /** Keys that act as the integration user. */
  apiKeys?: readonly ApiKey[];
  /** The integration user's session, for API keys and anonymous access. */
  integration?: SessionSource;
  /** Requests without credentials act as the integration user: loopback demo mode only. */
  anonymous?: boolean;
  /** Checked caller tokens shared with the other instances (`createRedisBearerCache`). */
  bearerCache?: BearerCache;
  logger?: Logger;
  fetch?: typeof fetch;
};

/** The HTTP app with its sessions: `fetch` serves requests, `close` ends every session. */
export interface McpApp {
  fetch(request: Request): Promise<Response>;
  /** Open sessions (for tests and metrics). */
  sessionCount(): number;
  close(): Promise<void>;
}

/** A session unused this long is closed; its client starts a new one (the spec's 404 answer). */
const SESSION_IDLE_MS = 30 * 60_000;
/** Most open sessions per caller: the oldest is closed beyond, so one caller cannot hoard memory. */
const SESSIONS_PER_CALLER = 50;

interface Session {
  id: string;
  /** Who opened it: later requests must come from the same user of the same org. */
  owner: string;
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  caller: McpCaller;
  /** The Salesforce session the client was made for; a refreshed token gets a new client. */
  credential: unknown;
  /** The latest request's headers: whose token to forget when Salesforce refuses it. */
  headers: Headers;
  lastSeen: number;
}

const ownerOf = (caller: Caller) => `${caller.kind}:${caller.keyName ?? ''}:${caller.orgId}:${caller.userId}`;
const credentialOf = (caller: Caller) =>
  'accessToken' in caller.session ? caller.session.accessToken : caller.session;

/** Loopback origins (a local inspector or desktop app); any other must be the server's own. */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/**
 * The MCP server over Streamable HTTP (no listening socket): `/mcp` (the default toolset) and
 * `/mcp/{toolset}` or `/mcp?toolset=NAME`, the OAuth protected-resource metadata (RFC 9728) naming
 * the org's authorization server, `/toolsets` and `/health`. Every request is resolved to its caller
 * by `@sfgql/auth`'s resolver (a Salesforce bearer token checked with Salesforce, an API key, or
 * loopback demo access); a session belongs to the caller who opened it and keeps one Salesforce
 * client for all its tool calls.
 */
export function createMcpApp(options: McpAppOptions): McpApp {
  const logger = options.logger ?? createLogger();
  const publicUrl = options.publicUrl.replace(/\/$/, '');
  const resource = `${publicUrl}/mcp`;
  const metadataUrl = `${publicUrl}/.well-known/oauth-protected-resource/mcp`;
  const resolver: CallerResolver = createCallerResolver({
    instanceUrl: options.instanceUrl,
    ttlMs: options.authCacheTtlMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.bearerCache ? { shared: options.bearerCache } : {}),
    ...(options.apiKeys?.length ? { apiKeys: options.apiKeys } : {}),
    ...(options.integration ? { integration: options.integration } : {}),
    ...(options.anonymous ? { anonymous: true } : {}),
  });
  const describeCache = createDescribeCache();
  const toolsets = new Map<ToolsetName, ReadonlyMap<string, McpTool>>(
    TOOLSET_NAMES.map((name) => [name, toolsOf(name, options.writes)]),
  );
  const sessions = new Map<string, Session>();

  const closeSession = (session: Session) => {
    sessions.delete(session.id);
    // Closing the transport ends its streams; the server's close ends the connection.
    void session.server.close().catch((error: unknown) => logger.warn({ err: error }, 'session close'));
  };
  const sweep = setInterval(() => {
    const idleSince = Date.now() - SESSION_IDLE_MS;
    for (const session of sessions.values()) if (session.lastSeen < idleSince) closeSession(session);
  }, 60_000);
  sweep.unref();

  async function openSession(toolset: ToolsetName, caller: Caller, headers: Headers): Promise<Session> {
    const owner = ownerOf(caller);
    const state = {
      id: '',
      owner,
      caller: mcpCallerOf(caller, { apiVersion: options.apiVersion, describeCache }),
      credential: credentialOf(caller),
      headers,
      lastSeen: Date.now(),
    };
    const server = createConnection({
      toolset,
      tools: toolsets.get(toolset) as ReadonlyMap<string, McpTool>,
      confirmation: options.confirmation,
      confirmTimeoutMs: options.confirmTtlMs,
      caller: async () => state.caller,
      logger,
      // Salesforce no longer accepts the token: checked again at the next request (401 then).
      onErrorReport: (report) => {
        if (report.code === 'SF_SESSION_EXPIRED') resolver.forget(state.headers);
      },
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        state.id = id;
        const mine = [...sessions.values()].filter((s) => s.owner === owner);
        for (const old of mine.slice(0, Math.max(0, mine.length - SESSIONS_PER_CALLER + 1)))
          closeSession(old);
        sessions.set(id, session);
      },
      // The client ended the session (DELETE).
      onsessionclosed: (id) => {
        const closing = sessions.get(id);
        if (closing) closeSession(closing);
      },
    });
    const session: Session = Object.assign(state, { server, transport });
    await server.connect(transport);
    return session;
  }

  /** 401 as the MCP authorization spec has it: where to learn how to get a token. */
  const unauthorized = (code: string, message: string, hadCredentials: boolean) => {
    const challenge = [`resource_metadata="${metadataUrl}"`];
    if (hadCredentials)
      challenge.push('error="invalid_token"', `error_description="${message.replace(/["\\]/g, "'")}"`);
    return json(
      401,
      {
        error: hadCredentials ? 'invalid_token' : 'unauthorized',
        error_description: `${message}. Sign in to Salesforce (see ${metadataUrl}) and send the access token as "Authorization: Bearer <token>", or send an API key of this server.`,
        code,
      },
      { 'www-authenticate': `Bearer ${challenge.join(', ')}` },
    );
  };

  const app = new Hono();
  app.onError((error) => {
    logger.error({ err: error }, 'request failed');
    return json(500, { error: 'internal_error', error_description: 'Unexpected error' });
  });
  app.notFound((c) =>
    json(404, {
      error: 'not_found',
      error_description: `No route ${c.req.method} ${c.req.path}. MCP is served at ${resource} (toolsets: ${TOOLSET_NAMES.map((n) => `/mcp/${n}`).join(', ')}).`,
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok' }));

  // RFC 9728: at the root, and under the resource's path (/mcp and each /mcp/{toolset}).
  const metadata = () =>
    json(200, {
      resource,
      authorization_servers: [options.authorizationServer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['api', 'refresh_token'],
      resource_name: 'sfgql MCP server (Salesforce)',
    });
  app.get('/.well-known/oauth-protected-resource', metadata);
  app.get('/.well-known/oauth-protected-resource/mcp', metadata);
  app.get('/.well-known/oauth-protected-resource/mcp/:toolset', metadata);

  app.get('/toolsets', (c) =>
    c.json({
      default: options.toolset,
      toolsets: TOOLSET_NAMES.map((name) => ({
        name,
        url: `${resource}/${name}`,
        tools: [...(toolsets.get(name)?.keys() ?? [])],
      })),
    }),
  );

  const serve = async (c: Context) => {
    const origin = c.req.header('origin');
    // A browser page (a DNS-rebinding one included) sends its origin: only ours or a local one.
    if (origin && origin !== new URL(publicUrl).origin && !LOOPBACK_ORIGIN.test(origin))
      return json(403, { error: 'forbidden', error_description: `Requests from ${origin} are not accepted` });
    let caller: Caller;
    try {
      caller = await resolver.resolve(c.req.raw.headers);
    } catch (error) {
      const report = reportError(error);
      if (report.status === 401) {
        const hadCredentials =
          c.req.header('authorization') !== undefined || c.req.header('x-api-key') !== undefined;
        return unauthorized(report.code, report.message, hadCredentials);
      }
      if (report.status >= 500) logger.error({ err: error, code: report.code }, 'caller not resolved');
      return json(
        report.status,
        { error: 'unavailable', error_description: report.message, code: report.code },
        report.retryAfter || report.status === 503 ? { 'retry-after': String(report.retryAfter ?? 5) } : {},
      );
    }

    const sessionId = c.req.header('mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      // Another caller's session is answered as an unknown one: its id tells them nothing.
      if (!session || session.owner !== ownerOf(caller))
        return json(404, {
          jsonrpc: '2.0',
          error: { code: -32001, message: 'Session not found: initialize a new session' },
          id: null,
        });
      session.lastSeen = Date.now();
      session.headers = c.req.raw.headers;
      const credential = credentialOf(caller);
      if (credential !== session.credential) {
        session.caller = mcpCallerOf(caller, { apiVersion: options.apiVersion, describeCache });
        session.credential = credential;
      }
      return session.transport.handleRequest(c.req.raw);
    }

    const toolset = c.req.param('toolset') ?? c.req.query('toolset') ?? options.toolset;
    if (!isToolsetName(toolset))
      return json(404, {
        error: 'not_found',
        error_description: `No toolset ${JSON.stringify(toolset)}; the toolsets are ${TOOLSET_NAMES.join(', ')} (e.g. ${resource}/${TOOLSET_NAMES[0]}).`,
      });
    // Only an initialize request opens a session; the transport refuses anything else (400).
    const session = await openSession(toolset, caller, c.req.raw.headers);
    const response = await session.transport.handleRequest(c.req.raw);
    if (!session.id) await session.server.close();
    return response;
  };
  app.all('/mcp', serve);
  app.all('/mcp/:toolset', serve);

  return {
    fetch: async (request) => app.fetch(request),
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweep);
      await Promise.allSettled([...sessions.values()].map((s) => s.server.close()));
      sessions.clear();
    },
  };
}
