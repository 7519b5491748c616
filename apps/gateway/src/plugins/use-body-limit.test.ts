import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBodyLimit } from './use-body-limit.ts';

const LIMIT = 1000;
let server: Server;
let port: number;
beforeAll(async () => {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { echo(text: String): String }',
      resolvers: { Query: { echo: (_: unknown, a: { text?: string }) => a.text ?? null } },
    }),
    logging: false,
    maxRequestBodySize: false,
    plugins: [useBodyLimit(LIMIT)],
  });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs `body` to /graphql in `chunks` pieces: with its Content-Length (or `length`), or chunked when `length` is null. */
function post(body: string, options: { length?: string | null; chunks?: number } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const length = options.length === undefined ? String(Buffer.byteLength(body)) : options.length;
    if (length !== null) headers['content-length'] = length;
    const req = request({ port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const n = options.chunks ?? 1;
    const size = Math.ceil(body.length / n);
    for (let i = 0; i < n; i++) req.write(body.slice(i * size, (i + 1) * size));
    req.end();
  });
}

const query = (text: string) =>
  JSON.stringify({ query: 'query ($t: String) { echo(text: $t) }', variables: { t: text } });

describe('useBodyLimit', () => {
  it('answers bodies within the limit, announced or chunked', async () => {
    expect(await post(query('hello'))).toMatchObject({ status: 200, body: '{"data":{"echo":"hello"}}' });
    expect(await post(query('x'.repeat(800)), { length: null, chunks: 4 })).toMatchObject({ status: 200 });
  });

  it('refuses a body whose Content-Length is over the limit with 413, before reading it', async () => {
    const answer = await post(query('x'.repeat(2000)));
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body once it passes the limit with 413', async () => {
    const answer = await post(query('x'.repeat(5000)), { length: null, chunks: 10 });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('refuses a Content-Length that is not one number with 400', async () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: Int }' }),
      logging: false,
      maxRequestBodySize: false,
      plugins: [useBodyLimit(LIMIT)],
    });
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '12, 12' },
      body: '{"query":"{a}"}',
    });
    expect(response.status).toBe(400);
  });
});
