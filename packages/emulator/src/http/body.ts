import type { Context } from 'hono';
import { ApiError } from '../errors.ts';
import { type JsonLocation, jsonParserError, parseJson } from './json.ts';

/** The default cap on a request body: Salesforce's REST limit for a JSON body is in this range (unconfirmed). */
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;

/** A JSON object body and where each member's value sits in the text. */
export interface JsonObjectBody {
  value: Record<string, unknown>;
  locations: Map<string, JsonLocation>;
}

const tooLarge = (max: number) =>
  new ApiError(413, 'REQUEST_ENTITY_TOO_LARGE', `Request body exceeds the maximum size of ${max} bytes`);

/** Reads the body as text, refusing more than `maxBytes` without buffering the excess. */
async function readText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  const stream = c.req.raw.body;
  if (!stream) return '';
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let exceeded = Number.isFinite(declared) && declared > maxBytes;
  // Read (and drop) what the client sends even when it is too large, so that it sees the 413 instead
  // of a reset connection; past four times the cap, stop listening altogether.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) exceeded = true;
    if (exceeded) {
      chunks.length = 0;
      if (size > maxBytes * 4) {
        await reader.cancel();
        break;
      }
      continue;
    }
    chunks.push(value);
  }
  if (exceeded) throw tooLarge(maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw jsonParserError('Invalid UTF-8 byte sequence in the request body');
  }
}

/**
 * Reads a request body that must be one JSON object (an sObject's fields). Salesforce answers a
 * content type it cannot parse with 415, and any body that is not a JSON object with JSON_PARSER_ERROR.
 * XML bodies, which Salesforce also accepts, are not supported by the emulator.
 */
export async function readJsonObject(
  c: Context,
  typeName: string,
  maxBytes: number,
): Promise<JsonObjectBody> {
  const type = c.req.header('content-type');
  // A missing Content-Type is read as JSON, as curl users and some clients send none (unconfirmed).
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type header specified in HTTP request is not supported: ${type}`,
    );
  }
  const text = await readText(c, maxBytes);
  const parsed = parseJson(text);
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    const token = Array.isArray(parsed.value) ? 'START_ARRAY' : 'VALUE_STRING';
    throw jsonParserError(
      `Cannot deserialize instance of ${typeName} from ${token} value [line:1, column:1]`,
    );
  }
  return { value: parsed.value as Record<string, unknown>, locations: parsed.locations };
}
