import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, salesforceBytes, salesforceRequest, salesforceText } from './http.ts';
import { isTransient } from './retry.ts';

let server: Server;
let instanceUrl: string;
let connections = 0;
let serverIdleLimitMs = Number.POSITIVE_INFINITY;
const lastAnswered = new WeakMap<Socket, number>();
const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const last = lastAnswered.get(req.socket);
    if (last !== undefined && performance.now() - last > serverIdleLimitMs) {
      req.socket.destroy();
      return;
    }
    res.on('finish', () => lastAnswered.set(req.socket, performance.now()));
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (route) route(req, res);
    else
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('[{"errorCode":"NOT_FOUND","message":"no"}]');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const session = () => ({ instanceUrl, accessToken: '00Dx!token' });

describe('salesforceRequest (node:http)', () => {
  it('sends the token, reads JSON (gzipped when Salesforce gzips it) and the usage header', async () => {
    routes.set('/json', (req, res) => {
      const body = JSON.stringify({ auth: req.headers.authorization, method: req.method, sent: null });
      if (req.headers['accept-encoding']?.includes('gzip'))
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            'sforce-limit-info': 'api-usage=12/15000',
          })
          .end(gzipSync(body));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const answer = await salesforceRequest<{ auth: string }>(session(), {
      method: 'GET',
      path: '/json',
      timeoutMs: 5_000,
    });
    expect(answer.body).toEqual({ auth: 'Bearer 00Dx!token', method: 'GET', sent: null });
    expect(answer.usage).toEqual({ used: 12, limit: 15000 });
  });

  it('sends a JSON body with its length, and reads an empty 204', async () => {
    let received = '';
    routes.set('/write', (req, res) => {
      req.on('data', (c: Buffer) => {
        received += c.toString();
      });
      req.on('end', () => res.writeHead(204).end());
    });
    const answer = await salesforceRequest(session(), {
      method: 'PATCH',
      path: '/write',
      body: { Subject: 'héllo' },
      timeoutMs: 5_000,
    });
    expect(answer.body).toBeUndefined();
    expect(JSON.parse(received)).toEqual({ Subject: 'héllo' });
  });

  it('reads a CSV answer as text with its headers, gunzipped, asking for the type it names', async () => {
    const csv = '"Id","Name"\n"003000000000001AAA","Zoë, "the" first"\n';
    routes.set('/csv', (req, res) => {
      res
        .writeHead(200, {
          'content-type': 'text/csv',
          'content-encoding': 'gzip',
          'sforce-locator': 'MTAwMDA=',
          'x-accept': String(req.headers.accept),
        })
        .end(gzipSync(csv));
    });
    const answer = await salesforceText(session(), {
      method: 'GET',
      path: '/csv',
      headers: { accept: 'text/csv' },
      timeoutMs: 5_000,
    });
    expect(answer).toMatchObject({ status: 200, text: csv });
    expect(answer.headers['sforce-locator']).toBe('MTAwMDA=');
    expect(answer.headers['x-accept']).toBe('text/csv');
    await expect(
      salesforceText(session(), { method: 'GET', path: '/missing', timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ name: 'HttpError', status: 404, errorCode: 'NOT_FOUND' });
  });

  it("turns Salesforce's error bodies into HttpErrors", async () => {
    await expect(
      salesforceRequest(session(), { method: 'GET', path: '/missing', timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ name: 'HttpError', status: 404, errorCode: 'NOT_FOUND' });
    await expect(salesforceBytes(session(), '/missing', 5_000)).rejects.toBeInstanceOf(HttpError);
  });

  it('keeps the connection open between requests', async () => {
    routes.set('/ok', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await salesforceRequest(session(), { method: 'GET', path: '/ok', timeoutMs: 5_000 });
    const before = connections;
    for (let i = 0; i < 5; i++)
      await salesforceRequest(session(), { method: 'GET', path: '/ok', timeoutMs: 5_000 });
    expect(connections).toBe(before);
  });

  it('holds the whole exchange, body included, to one deadline', async () => {
    routes.set('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"records": [');
    });
    const started = performance.now();
    await expect(
      salesforceRequest(session(), { method: 'GET', path: '/stall', timeoutMs: 300 }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects, as a transient network error, when the connection drops mid-body', async () => {
    routes.set('/drop', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"records": [', () => res.socket?.destroy());
    });
    const error = await salesforceRequest(session(), { method: 'GET', path: '/drop', timeoutMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(isTransient(error)).toBe(true);
  });

  it('rejects a refused connection as a transient network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await salesforceRequest(
      { instanceUrl: `http://127.0.0.1:${port}`, accessToken: 'x' },
      { method: 'GET', path: '/ok', timeoutMs: 5_000 },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isTransient(error)).toBe(true);
  });

  describe('a kept-alive connection the server closes as a request is written to it', () => {
    // The server below drops, unanswered, a request that arrives on a connection idle for longer than
    // `serverIdleLimitMs`: its idle timer won the race against the request (Node's 5 s
    // keepAliveTimeout under load, or a load balancer's). The client could not have known.
    afterEach(() => {
      serverIdleLimitMs = Number.POSITIVE_INFINITY;
    });
    const idle = async () => {
      await salesforceRequest(session(), { method: 'GET', path: '/ok', timeoutMs: 5_000 });
      serverIdleLimitMs = 20;
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    routes.set('/ok', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    let writes = 0;
    routes.set('/create', (req, res) => {
      req.resume();
      req.on('end', () => {
        writes++;
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"x","success":true}');
      });
    });
    const create = (writeMaxIdleMs: number) =>
      salesforceRequest(session(), {
        method: 'POST',
        path: '/create',
        body: { Subject: 'once' },
        timeoutMs: 5_000,
        writeMaxIdleMs,
      });

    it('sends a read once more on a new connection, and answers it', async () => {
      for (let i = 0; i < 3; i++) {
        await idle();
        const answer = await salesforceRequest(session(), { method: 'GET', path: '/ok', timeoutMs: 5_000 });
        expect(answer.body).toEqual({});
        serverIdleLimitMs = Number.POSITIVE_INFINITY;
      }
    });

    it('never writes to a connection idle longer than the write limit, so the write goes through once', async () => {
      writes = 0;
      for (let i = 0; i < 3; i++) {
        await idle();
        await expect(create(10)).resolves.toMatchObject({ body: { id: 'x', success: true } });
        serverIdleLimitMs = Number.POSITIVE_INFINITY;
      }
      expect(writes).toBe(3);
    });

    it('never sends a write twice: one written to a connection closed under it fails as a network error', async () => {
      writes = 0;
      await idle();
      const error = await create(60_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) });
      expect(isTransient(error)).toBe(true);
      expect(writes).toBe(0);
    });
  });
});
