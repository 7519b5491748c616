import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { SalesforceSession } from '@sfgql/auth';

/** What Salesforce answered: the parsed JSON body (undefined for 204) and the usage header. */
export interface HttpAnswer<T> {
  body: T;
  /** From `Sforce-Limit-Info: api-usage=N/M`. */
  usage?: { used: number; limit: number };
}

/** Salesforce refused a request: its HTTP status and its error body's first entry. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }
}

function parseUsage(header: string | null): HttpAnswer<unknown>['usage'] {
  const match = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : undefined;
}

/** Salesforce answers errors as `[{"errorCode","message","fields"}]`; OAuth and proxies differ. */
function errorFrom(status: number, text: string): HttpError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as
    | {
        errorCode?: unknown;
        message?: unknown;
        fields?: unknown;
        error?: unknown;
        error_description?: unknown;
      }
    | undefined;
  if (status === 300)
    return new HttpError(status, 'MULTIPLE_CHOICES', 'Several records match the external id');
  const errorCode =
    typeof first?.errorCode === 'string'
      ? first.errorCode
      : typeof first?.error === 'string'
        ? first.error
        : `ERROR_HTTP_${status}`;
  const message =
    typeof first?.message === 'string'
      ? first.message
      : typeof first?.error_description === 'string'
        ? first.error_description
        : `Salesforce answered HTTP ${status}`;
  return new HttpError(
    status,
    errorCode,
    message,
    Array.isArray(first?.fields) ? (first.fields as string[]) : undefined,
  );
}

/**
 * Connections kept open between requests (closed a second before the server's `Keep-Alive: timeout`
 * hint), the most recently used first so that idle ones expire.
 */
const AGENTS = {
  'http:': trackIdle(new HttpAgent({ keepAlive: true, scheduling: 'lifo' })),
  'https:': trackIdle(new HttpsAgent({ keepAlive: true, scheduling: 'lifo' })),
};

/** When each kept-alive socket was last handed back to its agent. */
const idleSince = new WeakMap<object, number>();

function trackIdle<A extends HttpAgent>(agent: A): A {
  // Node's keepSocketAlive answers whether the socket is kept (its typings say void).
  const keep = agent.keepSocketAlive.bind(agent) as (socket: Duplex) => boolean;
  agent.keepSocketAlive = ((socket: Duplex) => {
    const kept = keep(socket);
    if (kept) idleSince.set(socket, performance.now());
    return kept;
  }) as typeof agent.keepSocketAlive;
  return agent;
}

/**
 * A write is never sent on a connection idle for longer than this. A server (Node's default is 5 s,
 * load balancers in front of Salesforce differ) may close an idle connection at the very moment a
 * request is written to it; the request then fails before any answer and cannot be told apart from
 * one the server received. A read is simply sent again (see {@link exchange}); a write must not be,
 * so it takes a connection that cannot be near its server's idle limit, or a new one.
 */
export const WRITE_MAX_IDLE_MS = 1_000;

/** Destroys the agent's kept-alive sockets that have been idle longer than `maxIdleMs`. */
function dropIdleSockets(agent: HttpAgent, maxIdleMs: number) {
  const now = performance.now();
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) {
      const since = idleSince.get(socket);
      if (since !== undefined && now - since > maxIdleMs) {
        // The agent skips destroyed sockets when it picks one (oldest first, and with `lifo` the
        // freshest is picked last), so the write gets a fresh one or a new connection.
        socket.destroy();
      }
    }
  }
}

const gunzipAsync = promisify(gunzip);

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The error a deadline ends an exchange with: what `AbortSignal.timeout` gives `fetch`. */
const timeoutError = (ms: number) =>
  new DOMException(`The request to Salesforce took longer than ${ms} ms`, 'TimeoutError');

/** Methods whose request may be sent twice without changing anything (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

interface ExchangeOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** For tests: how long a connection may have been idle to carry a write. */
  writeMaxIdleMs?: number;
}

/**
 * One HTTP exchange over kept-alive connections. A kept-alive connection can be closed by the server
 * just as a request is written to it (the server's idle timer fires first), which fails the request
 * with `ECONNRESET` before a single byte of answer; the server never saw it. A read that fails this
 * way is sent once more on a new connection, at once and without counting as a retry; a write is
 * never sent twice blindly, so it is only ever written to a connection used within the last
 * {@link WRITE_MAX_IDLE_MS}.
 */
async function exchange(url: URL, options: ExchangeOptions): Promise<Exchange> {
  const agent = url.protocol === 'https:' || url.protocol === 'http:' ? AGENTS[url.protocol] : undefined;
  if (!agent) throw new TypeError(`Not an http(s) URL: ${url.origin}`);
  const idempotent = IDEMPOTENT.has(options.method);
  if (!idempotent) dropIdleSockets(agent, options.writeMaxIdleMs ?? WRITE_MAX_IDLE_MS);
  try {
    return await exchangeOnce(url, options, agent);
  } catch (error) {
    if (idempotent && isStaleConnection(error)) return exchangeOnce(url, options, false);
    throw error;
  }
}

/** The request was written to a reused connection that the server had closed: no answer began. */
const STALE = Symbol('stale connection');
const isStaleConnection = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { [STALE]?: boolean })[STALE] === true;

/**
 * One HTTP exchange with `node:http(s)`: the response's whole body (gunzipped), or an error. It
 * settles exactly once: on the body's end, on any error of the request or the response (a connection
 * dropped mid-body is `ECONNRESET`), or at the deadline, which covers the whole exchange, body
 * included, and destroys the request. `agent: false` opens a new connection for this exchange only.
 *
 * Not `fetch`: Node's fetch (undici) spends three to four times the CPU of `node:http` on a small
 * JSON exchange (its web streams, abort signals and header guards), and the gateway makes one or
 * more of these per GraphQL request; see docs/performance.md.
 */
function exchangeOnce(url: URL, options: ExchangeOptions, agent: HttpAgent | false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let answered = false;
    const headers: Record<string, string | number> = { ...options.headers, 'accept-encoding': 'gzip' };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const request = send(url, { method: options.method, headers, agent }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('close', () => {
        if (!response.complete)
          fail(
            Object.assign(new Error('The connection closed before the response ended'), {
              code: 'ECONNRESET',
            }),
          );
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        const encoding = response.headers['content-encoding'];
        const answer = (body: Buffer) =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        if (!encoding || encoding === 'identity') answer(raw);
        else if (encoding === 'gzip' || encoding === 'x-gzip') gunzipAsync(raw).then(answer, reject);
        else reject(new TypeError(`Salesforce answered with an unexpected content-encoding: ${encoding}`));
      });
    });
    const timer = setTimeout(() => fail(timeoutError(options.timeoutMs)), options.timeoutMs);
    function fail(error: unknown) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      const code = (error as { code?: unknown } | null)?.code;
      if (request.reusedSocket && !answered && (code === 'ECONNRESET' || code === 'EPIPE'))
        Object.defineProperty(error, STALE, { value: true });
      reject(error);
    }
    request.on('error', fail);
    request.end(options.body);
  });
}

const header = (headers: IncomingHttpHeaders, name: string): string | null => {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
};

/** What Salesforce answered, kept as text: its status, headers (lower-case names) and body. */
export interface TextAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** From `Sforce-Limit-Info: api-usage=N/M`. */
  usage?: { used: number; limit: number };
}

/**
 * One request to Salesforce whose answer is kept as text with its headers: a Bulk API 2.0 results
 * page (CSV, with the next page's `Sforce-Locator`), or a job's JSON. The whole exchange, body
 * included, runs under one deadline, and a connection dropped mid-body rejects the promise like any
 * network error. (jsforce 3's HTTP layer, used here before, never settled in that case and raised
 * an error no one could catch, which ends a Node process.) A non-2xx answer throws an
 * {@link HttpError}.
 */
export async function salesforceText(
  session: SalesforceSession,
  request: {
    method: string;
    path: string;
    /** Sent as is; give its `content-type` in `headers`. */
    body?: string;
    timeoutMs: number;
    /** More request headers, e.g. `If-Unmodified-Since`, `Accept: text/csv`. */
    headers?: Record<string, string>;
    /** For tests: see {@link WRITE_MAX_IDLE_MS}. */
    writeMaxIdleMs?: number;
  },
): Promise<TextAnswer> {
  const response = await exchange(new URL(request.path, session.instanceUrl), {
    method: request.method,
    headers: {
      accept: 'application/json',
      ...request.headers,
      authorization: `Bearer ${session.accessToken}`,
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    timeoutMs: request.timeoutMs,
    ...(request.writeMaxIdleMs === undefined ? {} : { writeMaxIdleMs: request.writeMaxIdleMs }),
  });
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status >= 300) throw errorFrom(response.status, text);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(response.headers)) {
    const value = header(response.headers, name);
    if (value !== null) headers[name] = value;
  }
  const usage = parseUsage(headers['sforce-limit-info'] ?? null);
  return { status: response.status, headers, text, ...(usage ? { usage } : {}) };
}

/** One request to Salesforce's REST API, JSON both ways, as {@link salesforceText} sends it. */
export async function salesforceRequest<T>(
  session: SalesforceSession,
  request: {
    method: string;
    path: string;
    body?: unknown;
    timeoutMs: number;
    /** More request headers, e.g. `If-Unmodified-Since`. */
    headers?: Record<string, string>;
    /** For tests: see {@link WRITE_MAX_IDLE_MS}. */
    writeMaxIdleMs?: number;
  },
): Promise<HttpAnswer<T>> {
  const { body, ...rest } = request;
  const answer = await salesforceText(session, {
    ...rest,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { ...request.headers, 'content-type': 'application/json' } }),
  });
  return {
    body: (answer.text === '' ? undefined : JSON.parse(answer.text)) as T,
    ...(answer.usage ? { usage: answer.usage } : {}),
  };
}

/** The raw bytes of a resource (a base64 field's content), under the same deadline. */
export async function salesforceBytes(
  session: SalesforceSession,
  path: string,
  timeoutMs: number,
): Promise<Buffer> {
  const response = await exchange(new URL(path, session.instanceUrl), {
    method: 'GET',
    headers: { authorization: `Bearer ${session.accessToken}` },
    timeoutMs,
  });
  if (response.status < 200 || response.status >= 300)
    throw errorFrom(response.status, response.body.toString('utf8'));
  return response.body;
}
