/** When and how often a failed read is tried again. */
export interface RetryPolicy {
  /** Tries after the first (default 3). 0 disables retries. */
  retries: number;
  /** Delay before the first retry (default 200 ms); doubles each time, with full jitter. */
  baseDelayMs: number;
  /** The longest delay between tries (default 5 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

// Salesforce's transient failures: a 5xx with or without an error body, and 429.
const TRANSIENT_ERROR_CODES = new Set([
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'ERROR_HTTP_429',
]);
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/**
 * Whether a failed request is worth another try: network failures, 5xx and 429. Never
 * REQUEST_LIMIT_EXCEEDED (the daily budget does not come back in seconds) and never a 4xx.
 */
export function isTransient(error: unknown): boolean {
  const e = error as {
    errorCode?: unknown;
    name?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
  } | null;
  if (!e) return false;
  const errorCode = typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' ? e.name : '';
  if (TRANSIENT_ERROR_CODES.has(errorCode) || /^ERROR_HTTP_5\d\d$/.test(errorCode)) return true;
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
  if (NETWORK_ERROR_CODES.has(code)) return true;
  // node:http reports network failures by `code` (above); fetch, as a TypeError("fetch failed").
  return error instanceof TypeError && /fetch failed|terminated|socket/i.test(error.message);
}

/** Exponential backoff with full jitter: a random delay up to base·2^attempt, capped. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}
