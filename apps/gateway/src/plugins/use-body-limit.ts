import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** 1 MB: a GraphQL document is limited to 2000 tokens, and variables rarely take more than a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A `Content-Length` is one non-negative integer; anything else (`1, 2`, `-1`) is a smuggling attempt. */
const CONTENT_LENGTH = /^\d+$/;

/**
 * Refuses request bodies larger than `maxBytes` with 413 before they are read: the token limit
 * stops a long document, but comments and whitespace are not tokens, and variables are not parsed
 * by GraphQL's parser at all. A body with a `Content-Length` is judged by it (the HTTP server reads
 * no more than it says) and the connection is closed, since the rest of the body is never read. A
 * chunked body (no `Content-Length`) is counted as it is read and refused once it passes the limit.
 *
 * This replaces Yoga's own limit (`maxRequestBodySize`, which the gateway turns off): that one pipes
 * every body through a counting stream, the costliest step of a small request after the socket.
 */
export function useBodyLimit(maxBytes: number = MAX_BODY_BYTES): Plugin {
  const message = `The request body is larger than ${maxBytes} bytes.`;
  const extensions = { code: 'PAYLOAD_TOO_LARGE', maxBytes };
  const tooLarge = (fetchAPI: { Response: typeof Response }) =>
    fetchAPI.Response.json(
      { errors: [{ message, extensions }] },
      { status: 413, headers: { connection: 'close' } },
    );
  const badLength = (fetchAPI: { Response: typeof Response }) =>
    fetchAPI.Response.json(
      { errors: [{ message: 'The Content-Length header is invalid.', extensions: { code: 'BAD_REQUEST' } }] },
      { status: 400, headers: { connection: 'close' } },
    );
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = request.headers.get('content-length');
      if (length === null) return;
      if (!CONTENT_LENGTH.test(length)) endResponse(badLength(fetchAPI));
      else if (Number(length) > maxBytes) endResponse(tooLarge(fetchAPI));
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.headers.has('content-length') || !request.body || !requestParser) return;
      const parse = requestParser;
      setRequestParser((req) =>
        parse(limited(req, maxBytes, fetchAPI, () => tooLargeError(message, extensions))),
      );
    },
  };
}

const tooLargeError = (message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { ...extensions, http: { status: 413 } } });

/** The request with its body counted as it is read: an error once more than `maxBytes` came. */
function limited(
  request: Request,
  maxBytes: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
  error: () => Error,
): Request {
  let read = 0;
  // Node's own streams with Node's own bodies, the server's ponyfill with its (as Yoga does).
  const Transform = request.body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream;
  const body = (request.body as ReadableStream<Uint8Array>).pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > maxBytes) controller.error(error());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: 'half',
  } as RequestInit);
}
