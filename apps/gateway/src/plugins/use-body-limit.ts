import type { Plugin } from 'graphql-yoga';

/** 1 MB: a GraphQL document is limited to 2000 tokens, and variables rarely take more than a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Refuses request bodies larger than `maxBytes` with 413 before they are read: the token limit
 * stops a long document, but comments and whitespace are not tokens, and variables are not parsed
 * by GraphQL's parser at all. The size is the `Content-Length` the client announced (a chunked body
 * without one is left to the token and cost limits). The connection is closed, since the rest of
 * the body is never read.
 */
export function useBodyLimit(maxBytes: number = MAX_BODY_BYTES): Plugin {
  const tooLarge = (fetchAPI: { Response: typeof Response }) =>
    fetchAPI.Response.json(
      {
        errors: [
          {
            message: `The request body is larger than ${maxBytes} bytes.`,
            extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes },
          },
        ],
      },
      { status: 413, headers: { connection: 'close' } },
    );
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) endResponse(tooLarge(fetchAPI));
    },
  };
}
