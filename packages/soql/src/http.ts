import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
  'http:': new HttpAgent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new HttpsAgent({ keepAlive: true, scheduling: 'lifo' }),
};

const gunzipAsync = promisify(gunzip);

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The error a deadline ends an exchange with: what `AbortSignal.timeout` gives `fetch`. */
const timeoutError = (ms: number) =>
  new DOMException(`The request to Salesforce took longer than ${ms} ms`, 'TimeoutError');

/**
 * One HTTP exchange with `node:http(s)` over kept-alive connections: the response's whole body
 * (gunzipped), or an error. It settles exactly once: on the body's end, on any error of the request
 * or the response (a connection dropped mid-body is `ECONNRESET`), or at the deadline, which covers
 * the whole exchange, body included, and destroys the request.
 *
 * Not `fetch`: Node's fetch (undici) spends three to four times the CPU of `node:http` on a small
 * JSON exchange (its web streams, abort signals and header guards), and the gateway makes one or
 * more of these per GraphQL request; see docs/performance.md.
 */
function exchange(
  url: URL,
  options: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const agent = url.protocol === 'https:' || url.protocol === 'http:' ? AGENTS[url.protocol] : undefined;
    if (!agent) {
      reject(new TypeError(`Not an http(s) URL: ${url.origin}`));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const headers: Record<string, string | number> = { ...options.headers, 'accept-encoding': 'gzip' };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const request = send(url, { method: options.method, headers, agent }, (response) => {
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

/**
 * One request to Salesforce's REST API. The whole exchange, body included, runs under one deadline,
 * and a connection dropped mid-body rejects the promise like any network error. (jsforce 3's HTTP
 * layer, used here before, never settled in that case and raised an error no one could catch, which
 * ends a Node process.)
 */
export async function salesforceRequest<T>(
  session: SalesforceSession,
  request: {
    method: string;
    path: string;
    body?: unknown;
    timeoutMs: number;
    /** More request headers, e.g. `If-Unmodified-Since`. */
    headers?: Record<string, string>;
  },
): Promise<HttpAnswer<T>> {
  const response = await exchange(new URL(request.path, session.instanceUrl), {
    method: request.method,
    headers: {
      ...request.headers,
      authorization: `Bearer ${session.accessToken}`,
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    timeoutMs: request.timeoutMs,
  });
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status >= 300) throw errorFrom(response.status, text);
  const usage = parseUsage(header(response.headers, 'sforce-limit-info'));
  return { body: (text === '' ? undefined : JSON.parse(text)) as T, ...(usage ? { usage } : {}) };
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
