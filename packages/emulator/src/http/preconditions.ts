/**
 * Conditional requests on sObject rows (`GET`, `PATCH`, `DELETE /sobjects/X/{id}`), after RFC 9110
 * with Salesforce's exceptions:
 *
 * - `ETag` is a hash of the record; `If-Match` (a list of ETags, or `*`) and `If-None-Match` test it.
 * - `If-Unmodified-Since` and `If-Modified-Since` compare an HTTP-date with the record's
 *   LastModifiedDate, at the second (an HTTP-date has no milliseconds, so a record is modified
 *   since a date when its LastModifiedDate, cut to the second, is later).
 * - A failed precondition on a write answers 412 and writes nothing; `If-None-Match` or
 *   `If-Modified-Since` on a GET of an unchanged record answers 304 with no body.
 * - An invalid `If-Match`, `If-None-Match` or `If-Unmodified-Since` on a write answers 400 (as
 *   Salesforce documents for PATCH and POST); on a GET an invalid date is ignored, as HTTP says.
 *
 * Salesforce documents ETags for Account rows only, and documents DELETE as not supporting these
 * headers; the emulator honours them on every object and on DELETE too, so that a client can
 * guard a delete the same way as an update (see the README's fidelity table). The 412 body's
 * errorCode and wording are unconfirmed.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { ObjectMeta } from '../metadata/types.ts';
import type { StoredValue } from '../store/values.ts';

type Row = Record<string, StoredValue>;

/** The answer a precondition gives: go on, 304 (GET only), or an error. */
export type PreconditionOutcome = 'proceed' | 'not-modified';

/** The request headers that make a request conditional, as received. */
export interface ConditionalHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

const preconditionFailed = (message: string) => new ApiError(412, 'PRECONDITION_FAILED', message);
// (unconfirmed) the code and wording Salesforce uses for an unreadable conditional header.
const invalidHeader = (name: string, value: string) =>
  new ApiError(400, 'INVALID_HEADER_VALUE', `Invalid value for the ${name} header: ${value}`);

/** A strong ETag for a record: the SHA-1 of its stored values, quoted (`"base64="`). */
export function recordETag(object: ObjectMeta, row: Row): string {
  const hash = createHash('sha1');
  for (const field of object.fields) hash.update(`${field.name}\u0000${String(row[field.name] ?? '')}\u0001`);
  return `"${hash.digest('base64')}"`;
}

/** The record's LastModifiedDate as an HTTP-date (`Thu, 12 Feb 2026 10:00:00 GMT`). */
export function lastModifiedHeader(row: Row): string | undefined {
  const value = row.LastModifiedDate;
  return typeof value === 'string' ? new Date(value).toUTCString() : undefined;
}

const HTTP_DATE = [
  // IMF-fixdate, the preferred form: `Sun, 06 Nov 1994 08:49:37 GMT`.
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  // The obsolete RFC 850 form: `Sunday, 06-Nov-94 08:49:37 GMT`.
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  // ANSI C's asctime() form: `Sun Nov  6 08:49:37 1994`.
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * An HTTP-date in milliseconds, or undefined when the value is not one. ISO 8601 timestamps are
 * not HTTP-dates and are refused, as a strict HTTP server refuses them.
 */
export function parseHttpDate(value: string): number | undefined {
  const text = value.trim();
  if (!HTTP_DATE.some((re) => re.test(text))) return undefined;
  const time = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(time) ? undefined : time;
}

/** The ETags of an If-Match / If-None-Match list, or `*`; undefined when the list is unreadable. */
function parseETags(value: string): string[] | '*' | undefined {
  const text = value.trim();
  if (text === '*') return '*';
  const tags: string[] = [];
  const re = /\s*(?:W\/)?("[^"]*")\s*(?:,|$)/y;
  while (re.lastIndex < text.length) {
    const start = re.lastIndex;
    const match = re.exec(text);
    if (!match || re.lastIndex === start) return undefined;
    // Salesforce appends `-gzip` inside the quotes when it compressed the response.
    tags.push((match[1] as string).replace(/-gzip"$/, '"'));
  }
  return tags.length > 0 ? tags : undefined;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Checks a request's preconditions against the record it addresses. Throws 412 (or 400 for an
 * unreadable header on a write); returns `not-modified` for a GET that should answer 304.
 */
export function checkPreconditions(
  method: string,
  headers: ConditionalHeaders,
  object: ObjectMeta,
  row: Row,
): PreconditionOutcome {
  const write = method !== 'GET' && method !== 'HEAD';
  const etag = recordETag(object, row);
  const modified = seconds(Date.parse(String(row.LastModifiedDate)));

  if (headers.ifMatch !== undefined) {
    const tags = parseETags(headers.ifMatch);
    if (tags === undefined) {
      if (write) throw invalidHeader('If-Match', headers.ifMatch);
    } else if (tags !== '*' && !tags.includes(etag)) {
      throw preconditionFailed('The ETag of the record does not match any ETag in the If-Match header.');
    }
  } else if (headers.ifUnmodifiedSince !== undefined) {
    const since = parseHttpDate(headers.ifUnmodifiedSince);
    if (since === undefined) {
      if (write) throw invalidHeader('If-Unmodified-Since', headers.ifUnmodifiedSince);
    } else if (modified > seconds(since)) {
      throw preconditionFailed(
        `The record was modified after the date in the If-Unmodified-Since header: it was last modified at ${new Date(modified * 1000).toUTCString()}.`,
      );
    }
  }

  if (headers.ifNoneMatch !== undefined) {
    const tags = parseETags(headers.ifNoneMatch);
    if (tags === undefined) {
      if (write) throw invalidHeader('If-None-Match', headers.ifNoneMatch);
      return 'proceed';
    }
    const matches = tags === '*' || tags.includes(etag);
    if (!matches) return 'proceed';
    if (write)
      throw preconditionFailed('The ETag of the record matches an ETag in the If-None-Match header.');
    return 'not-modified';
  }
  if (!write && headers.ifModifiedSince !== undefined) {
    const since = parseHttpDate(headers.ifModifiedSince);
    if (since !== undefined && modified <= seconds(since)) return 'not-modified';
  }
  return 'proceed';
}

/** The conditional headers of a request. */
export function conditionalHeaders(header: (name: string) => string | undefined): ConditionalHeaders {
  return {
    ifMatch: header('if-match'),
    ifNoneMatch: header('if-none-match'),
    ifModifiedSince: header('if-modified-since'),
    ifUnmodifiedSince: header('if-unmodified-since'),
  };
}
