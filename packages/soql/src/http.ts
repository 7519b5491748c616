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
 * One request to Salesforce's REST API with `fetch`. The whole exchange, body included, runs under
 * one deadline, and a connection dropped mid-body rejects the promise like any network error.
 * (jsforce 3's HTTP layer, used here before, never settled in that case and raised an error no one
 * could catch, which ends a Node process.)
 */
export async function salesforceRequest<T>(
  session: SalesforceSession,
  request: { method: string; path: string; body?: unknown; timeoutMs: number },
): Promise<HttpAnswer<T>> {
  const response = await fetch(new URL(request.path, session.instanceUrl), {
    method: request.method,
    headers: {
      authorization: `Bearer ${session.accessToken}`,
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    redirect: 'manual',
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) throw errorFrom(response.status, text);
  const usage = parseUsage(response.headers.get('sforce-limit-info'));
  return { body: (text === '' ? undefined : JSON.parse(text)) as T, ...(usage ? { usage } : {}) };
}

/** The raw bytes of a resource (a base64 field's content), under the same deadline. */
export async function salesforceBytes(
  session: SalesforceSession,
  path: string,
  timeoutMs: number,
): Promise<Buffer> {
  const response = await fetch(new URL(path, session.instanceUrl), {
    headers: { authorization: `Bearer ${session.accessToken}` },
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw errorFrom(response.status, bytes.toString('utf8'));
  return bytes;
}
