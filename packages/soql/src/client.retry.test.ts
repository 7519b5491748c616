import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SalesforceSession } from '@sfgql/auth';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSalesforceClient } from './client.ts';
import { createApiBudget } from './meter.ts';
import { soql } from './soql.ts';

// A scripted Salesforce stand-in: each test says what every request gets, in order.
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';
let server: Server | undefined;
const seen: { method: string; url: string; authorization: string }[] = [];

async function salesforce(handler: (req: IncomingMessage, n: number) => Reply): Promise<string> {
  seen.length = 0;
  const created = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization ?? '',
    });
    const reply = handler(req, seen.length);
    if (reply === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const EMPTY = { totalSize: 0, done: true, records: [] };
const unavailable = {
  status: 503,
  body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server unavailable' }],
};
const session = (instanceUrl: string, accessToken = 'token'): SalesforceSession => ({
  instanceUrl,
  accessToken,
});
const noWait = { sleep: async () => {} };

describe('retries', () => {
  it('retries a read on 503 and on a dropped connection, then succeeds', async () => {
    const url = await salesforce((_req, n) =>
      n === 1 ? unavailable : n === 2 || n === 3 ? 'drop' : { status: 200, body: EMPTY },
    );
    const client = createSalesforceClient({ session: session(url), ...noWait });
    await expect(client.query(soql`SELECT Id FROM Case`)).resolves.toMatchObject({ totalSize: 0 });
    // The second try goes out on the kept-alive connection and is dropped before any answer: it is
    // sent again at once on a new connection (the same call), which is dropped too; the third try
    // then succeeds.
    expect(seen).toHaveLength(4);
    expect(client.meter.snapshot()).toMatchObject({ calls: 3, byKind: { query: 3 } });
  });

  it('gives up after the configured retries with a typed error', async () => {
    const url = await salesforce(() => unavailable);
    const client = createSalesforceClient({ session: session(url), retry: { retries: 2 }, ...noWait });
    await expect(client.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({
      code: 'SF_REQUEST_FAILED',
      errorCode: 'SERVER_UNAVAILABLE',
    });
    expect(seen).toHaveLength(3);
  });

  it('never retries a write, even on 503', async () => {
    const url = await salesforce(() => unavailable);
    const client = createSalesforceClient({ session: session(url), ...noWait });
    await expect(client.create('Case', { Subject: 'x' })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    expect(seen.map((r) => r.method)).toEqual(['POST']);
  });

  it('never retries REQUEST_LIMIT_EXCEEDED', async () => {
    const url = await salesforce(() => ({
      status: 403,
      body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }],
    }));
    const client = createSalesforceClient({ session: session(url), ...noWait });
    await expect(client.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({ code: 'SF_REQUEST_LIMIT' });
    expect(seen).toHaveLength(1);
  });

  it('waits with exponential backoff between tries', async () => {
    const url = await salesforce((_req, n) => (n < 3 ? unavailable : { status: 200, body: EMPTY }));
    const sleep = vi.fn(async (_ms: number) => {});
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const client = createSalesforceClient({ session: session(url), retry: { baseDelayMs: 100 }, sleep });
    await client.query(soql`SELECT Id FROM Case`);
    vi.restoreAllMocks();
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100, 200]);
  });
});

describe('expired sessions', () => {
  const expired = {
    status: 401,
    body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }],
  };

  it('refreshes once and replays the request with the new token', async () => {
    const url = await salesforce((req) =>
      req.headers.authorization === 'Bearer fresh' ? { status: 200, body: EMPTY } : expired,
    );
    const refresh = vi.fn(async () => session(url, 'fresh'));
    const client = createSalesforceClient({
      session: { current: async () => session(url, 'stale'), refresh },
      ...noWait,
    });
    await expect(client.query(soql`SELECT Id FROM Case`)).resolves.toMatchObject({ done: true });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen.map((r) => r.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('passes INVALID_SESSION_ID through when the session cannot be refreshed', async () => {
    const url = await salesforce(() => expired);
    const client = createSalesforceClient({ session: session(url), ...noWait });
    await expect(client.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({
      code: 'SF_SESSION_EXPIRED',
    });
    expect(seen).toHaveLength(1);
  });

  it('does not loop when the refreshed token is refused too', async () => {
    const url = await salesforce(() => expired);
    const refresh = vi.fn(async () => session(url, 'also-bad'));
    const client = createSalesforceClient({
      session: { current: async () => session(url, 'stale'), refresh },
      ...noWait,
    });
    await expect(client.query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({
      code: 'SF_SESSION_EXPIRED',
    });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(2);
  });
});

describe('pagination and limits', () => {
  it('follows nextRecordsUrl, stops at maxRecords and tracks Sforce-Limit-Info', async () => {
    const pageOf = (n: number, last: boolean) => ({
      totalSize: 5,
      done: last,
      records: [{ Id: `r${n}` }, { Id: `r${n}b` }],
      ...(last ? {} : { nextRecordsUrl: `/services/data/v60.0/query/01gLOCATOR-${n * 2}` }),
    });
    const url = await salesforce((_req, n) => ({
      status: 200,
      body: pageOf(n, n === 3),
      headers: { 'sforce-limit-info': `api-usage=${40 + n}/15000` },
    }));
    const client = createSalesforceClient({ session: session(url) });
    const all = await client.query(soql`SELECT Id FROM Contact`);
    expect(all.records).toHaveLength(6);
    expect(all.done).toBe(true);
    expect(client.meter.snapshot()).toMatchObject({
      calls: 3,
      byKind: { query: 1, queryMore: 2 },
      dailyUsed: 43,
      dailyLimit: 15000,
    });

    const capped = await client.query(soql`SELECT Id FROM Contact`, { maxRecords: 3 });
    expect(capped.records).toHaveLength(3);
    expect(capped.done).toBe(false);
  });

  it('refuses ids and names that are not well formed before calling Salesforce', async () => {
    const url = await salesforce(() => ({ status: 200, body: {} }));
    const client = createSalesforceClient({ session: session(url) });
    await expect(client.retrieve('Case', "500' OR 1=1")).rejects.toMatchObject({ code: 'SF_INVALID_DATA' });
    await expect(client.retrieve('Case/../User', '500000000000001')).rejects.toThrow(TypeError);
    await expect(client.queryMore('https://evil.example.com/x')).rejects.toThrow(TypeError);
    expect(seen).toHaveLength(0);
  });
});

describe('the daily API budget', () => {
  it('refuses non-essential calls below the low-water mark, and lets essential ones through', async () => {
    const url = await salesforce(() => ({
      status: 200,
      body: EMPTY,
      headers: { 'sforce-limit-info': 'api-usage=14950/15000' },
    }));
    const budget = createApiBudget({ lowWaterMark: 100 });
    const client = createSalesforceClient({ session: session(url), budget });
    // Nothing is known yet: the first call goes through and reports 50 left.
    await client.nonEssential().query(soql`SELECT Id FROM Case`);
    expect(budget.state()).toEqual({ remaining: 50, lowWaterMark: 100 });
    await expect(client.nonEssential().query(soql`SELECT Id FROM Case`)).rejects.toMatchObject({
      code: 'SF_API_BUDGET_LOW',
    });
    await expect(client.query(soql`SELECT Id FROM Case`)).resolves.toMatchObject({ totalSize: 0 });
    expect(seen).toHaveLength(2);
    expect(() => createApiBudget({ lowWaterMark: -1 })).toThrow(RangeError);
  });
});
