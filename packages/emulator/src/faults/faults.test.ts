import { Connection } from 'jsforce';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../http/app.ts';
import { createOrg } from '../org.ts';
import { DEMO, seedDemo } from '../seed/demo.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../server.ts';
import { call, login } from '../test-helpers.ts';
import { createFaultInjector } from './injector.ts';
import type { FaultConfig } from './rules.ts';

const running: RunningEmulator[] = [];
afterAll(async () => {
  for (const emulator of running) await emulator.close();
});
async function start(options: EmulatorOptions = {}) {
  const emulator = await startEmulator({ dataDir: ':memory:', ...options });
  running.push(emulator);
  return emulator;
}

// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies.
const metrics = async (emulator: RunningEmulator): Promise<any> =>
  (await fetch(`${emulator.url}/__emulator/metrics`)).json();
const setFaults = (emulator: RunningEmulator, config: unknown, method = 'PUT') =>
  fetch(`${emulator.url}/__emulator/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
const QUERY = `/services/data/v60.0/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`;
const accounts = (emulator: RunningEmulator) =>
  (emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Account"').get() as { n: number }).n;

describe('the fault injector', () => {
  it('makes the same decisions for the same seed, and others for another seed', () => {
    const config: FaultConfig = { seed: 42, rules: [{ kind: 'error500', rate: 0.5 }] };
    const run = (c: FaultConfig) => {
      const injector = createFaultInjector(c);
      return Array.from(
        { length: 64 },
        () => injector.decide({ resource: 'query', method: 'GET' }).fault?.kind ?? '-',
      );
    };
    const first = run(config);
    expect(run(config)).toEqual(first);
    expect(run({ ...config, seed: 43 })).not.toEqual(first);
    const fired = first.filter((kind) => kind === 'error500').length;
    expect(fired).toBeGreaterThan(16);
    expect(fired).toBeLessThan(48);
  });

  it('scopes rules by resource and method, stops after `times`, and reports a random seed', () => {
    const injector = createFaultInjector({
      rules: [{ kind: 'error503', resources: ['sobjects'], methods: ['post'], times: 2 }],
    });
    expect(injector.config().seed).toEqual(expect.any(Number));
    expect(injector.decide({ resource: 'query', method: 'POST' }).fault).toBeUndefined();
    expect(injector.decide({ resource: 'sobjects', method: 'GET' }).fault).toBeUndefined();
    expect(injector.decide({ resource: 'sobjects', method: 'POST' }).fault?.kind).toBe('error503');
    expect(injector.decide({ resource: 'sobjects', method: 'POST' }).fault?.kind).toBe('error503');
    expect(injector.decide({ resource: 'sobjects', method: 'POST' }).fault).toBeUndefined();
    expect(injector.metrics()).toEqual({
      total: 2,
      byKind: { error503: 2 },
      byResource: { sobjects: 2 },
      byMethod: { POST: 2 },
      entries: [{ kind: 'error503', resource: 'sobjects', method: 'POST', count: 2 }],
    });
  });
});

describe('fault injection over HTTP', () => {
  it('answers a seeded fraction of queries with 500, the same ones on every run, as the metrics report', async () => {
    const faults: FaultConfig = { seed: 7, rules: [{ kind: 'error500', rate: 0.3, resources: ['query'] }] };
    const statuses: number[][] = [];
    for (const _ of [1, 2]) {
      const emulator = await start({ faults });
      const token = await login(emulator);
      const run: number[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await call(emulator, token, 'GET', QUERY);
        if (response.status === 500) expect(response.body[0].errorCode).toBe('UNKNOWN_EXCEPTION');
        run.push(response.status);
        // Other resources are not in the rule's scope.
        expect((await call(emulator, token, 'GET', '/services/data/v60.0/limits')).status).toBe(200);
      }
      statuses.push(run);
      const failed = run.filter((s) => s === 500).length;
      expect(failed).toBeGreaterThan(0);
      expect(failed).toBeLessThan(40);
      const m = await metrics(emulator);
      expect(m.faults).toEqual({
        total: failed,
        byKind: { error500: failed },
        byResource: { query: failed },
        byMethod: { GET: failed },
        entries: [{ kind: 'error500', resource: 'query', method: 'GET', count: failed }],
      });
      // A faulted call never reached the API: it is not counted as one.
      expect(m.byResource['GET /query']).toBe(40 - failed);
    }
    expect(statuses[1]).toEqual(statuses[0]);
  });

  it('is set, read and cleared at run time under /__emulator/faults', async () => {
    const emulator = await start();
    const token = await login(emulator);
    expect(
      await (
        await setFaults(emulator, {
          seed: 1,
          rules: [{ kind: 'requestLimit', afterCalls: 2, resources: ['sobjects'] }],
        })
      ).json(),
    ).toMatchObject({
      seed: 1,
      rules: [{ kind: 'requestLimit', afterCalls: 2, resources: ['sobjects'] }],
    });
    const describeAccount = () =>
      call(emulator, token, 'GET', '/services/data/v60.0/sobjects/Account/describe');
    expect((await describeAccount()).status).toBe(200);
    expect((await describeAccount()).status).toBe(200);
    const limited = await describeAccount();
    expect(limited.status).toBe(403);
    expect(limited.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect((await describeAccount()).status).toBe(403);
    expect((await call(emulator, token, 'GET', QUERY)).status).toBe(200);

    const current = await (await fetch(`${emulator.url}/__emulator/faults`)).json();
    expect(current).toMatchObject({ seed: 1, metrics: { total: 2, byKind: { requestLimit: 2 } } });
    expect((await fetch(`${emulator.url}/__emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await describeAccount()).status).toBe(200);
    expect((await metrics(emulator)).faults.total).toBe(2);
    await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' });
    // No rules and nothing injected since the reset: the metrics are back to their plain shape.
    expect(await metrics(emulator)).not.toHaveProperty('faults');
  });

  it('refuses an invalid rule with 400 and keeps the rules it had', async () => {
    const emulator = await start({ faults: { rules: [{ kind: 'latency', ms: 1 }] } });
    const bad = await setFaults(emulator, { rules: [{ kind: 'error500', rate: 2 }] }, 'POST');
    expect(bad.status).toBe(400);
    expect((await bad.json())[0]).toMatchObject({ errorCode: 'INVALID_INPUT' });
    expect((await setFaults(emulator, { rules: [{ kind: 'nope' }] })).status).toBe(400);
    expect((await setFaults(emulator, [])).status).toBe(400);
    expect((await (await fetch(`${emulator.url}/__emulator/faults`)).json()).rules).toEqual([
      { kind: 'latency', ms: 1, rate: 1, jitterMs: 0 },
    ]);
  });

  it('expires a session after N calls; jsforce refreshes it and goes on', async () => {
    const emulator = await start({
      faults: { rules: [{ kind: 'expireSession', afterCalls: 2, resources: ['query'] }] },
    });
    const token = await login(emulator);
    expect((await call(emulator, token, 'GET', QUERY)).status).toBe(200);
    expect((await call(emulator, token, 'GET', QUERY)).status).toBe(200);
    const expired = await call(emulator, token, 'GET', QUERY);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    // Really expired: other resources refuse the token too, and that is not a new fault.
    expect((await call(emulator, token, 'GET', '/services/data/v60.0/limits')).status).toBe(401);
    expect((await metrics(emulator)).faults.byKind).toEqual({ expireSession: 1 });

    // jsforce's username-password login logs in again on INVALID_SESSION_ID.
    const conn = new Connection({
      oauth2: { loginUrl: emulator.url, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret },
      version: '60.0',
    });
    await conn.login(DEMO.username, DEMO.password + DEMO.securityToken);
    for (let i = 0; i < 5; i++)
      expect((await conn.query('SELECT Id FROM Account LIMIT 1')).totalSize).toBe(1);
    expect((await metrics(emulator)).faults.byKind).toEqual({ expireSession: 3 });
  });

  it('adds latency', async () => {
    const emulator = await start({ faults: { rules: [{ kind: 'latency', ms: 150, methods: ['GET'] }] } });
    const token = await login(emulator);
    const started = performance.now();
    expect((await call(emulator, token, 'GET', QUERY)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect((await metrics(emulator)).faults.entries).toEqual([
      { kind: 'latency', resource: 'query', method: 'GET', count: 1 },
    ]);
  });

  it('drops the connection after the headers, before anything is written', async () => {
    const emulator = await start({
      faults: { rules: [{ kind: 'dropConnection', resources: ['sobjects'], methods: ['POST'] }] },
    });
    const token = await login(emulator);
    const before = accounts(emulator);
    const response = await fetch(`${emulator.url}/services/data/v60.0/sobjects/Account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Dropped Inc.' }),
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(accounts(emulator)).toBe(before);
    expect((await metrics(emulator)).faults.byKind).toEqual({ dropConnection: 1 });
    // Not through jsforce: jsforce 3 pipes the response body without forwarding stream errors, so a
    // body cut short leaves its promise pending forever (and the error uncaught).
  });

  it('fails the body stream when there is no socket to drop (app.request)', async () => {
    const org = createOrg();
    seedDemo(org);
    try {
      const app = createApp(org, {
        faults: { rules: [{ kind: 'dropConnection', resources: ['versions'] }] },
      });
      const response = await app.request('/services/data');
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow(/connection dropped/);
    } finally {
      org.close();
    }
  });

  it('answers before any write: a 500 or 503 on create leaves nothing behind', async () => {
    const emulator = await start({
      faults: {
        rules: [
          { kind: 'error503', resources: ['sobjects'], methods: ['POST'], times: 1 },
          { kind: 'error500', resources: ['sobjects'], methods: ['POST'], times: 1 },
        ],
      },
    });
    const token = await login(emulator);
    const before = accounts(emulator);
    const conn = new Connection({ instanceUrl: emulator.url, accessToken: token, version: '60.0' });
    await expect(conn.sobject('Account').create({ Name: 'A' })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    await expect(conn.sobject('Account').create({ Name: 'B' })).rejects.toMatchObject({
      errorCode: 'UNKNOWN_EXCEPTION',
    });
    expect(accounts(emulator)).toBe(before);
    expect(await conn.sobject('Account').create({ Name: 'C' })).toMatchObject({ success: true });
    expect(accounts(emulator)).toBe(before + 1);
    expect((await metrics(emulator)).faults.entries).toEqual([
      { kind: 'error500', resource: 'sobjects', method: 'POST', count: 1 },
      { kind: 'error503', resource: 'sobjects', method: 'POST', count: 1 },
    ]);
  });

  it("lets jsforce's retries of a GET get through a fault that stops after `times`", async () => {
    const emulator = await start({
      faults: { seed: 3, rules: [{ kind: 'error503', resources: ['query'], times: 2 }] },
    });
    const conn = new Connection({
      instanceUrl: emulator.url,
      accessToken: await login(emulator),
      version: '60.0',
    });
    // jsforce waits 0.5 s, then 1 s, between its retries.
    expect((await conn.query('SELECT Id FROM Account LIMIT 1')).totalSize).toBe(1);
    expect((await metrics(emulator)).faults.entries).toEqual([
      { kind: 'error503', resource: 'query', method: 'GET', count: 2 },
    ]);
  });

  it('judges a composite call as one: its subrequests are never faulted, the call itself before it runs', async () => {
    const emulator = await start({
      faults: {
        rules: [
          { kind: 'error500', resources: ['sobjects'], methods: ['POST'] },
          { kind: 'error503', resources: ['composite'], times: 1 },
        ],
      },
    });
    const token = await login(emulator);
    const before = accounts(emulator);
    const composite = () =>
      call(emulator, token, 'POST', '/services/data/v60.0/composite', {
        allOrNone: false,
        compositeRequest: ['One', 'Two'].map((name, i) => ({
          method: 'POST',
          url: '/services/data/v60.0/sobjects/Account',
          referenceId: `ref${i}`,
          body: { Name: `Composite ${name}` },
        })),
      });
    const faulted = await composite();
    expect(faulted.status).toBe(503);
    expect(accounts(emulator)).toBe(before);
    const served = await composite();
    expect(served.status).toBe(200);
    expect(served.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([
      201, 201,
    ]);
    expect(accounts(emulator)).toBe(before + 2);
    expect((await metrics(emulator)).faults.entries).toEqual([
      { kind: 'error503', resource: 'composite', method: 'POST', count: 1 },
    ]);
  });

  it('reaches the OAuth endpoints when scoped to them, and never the test controls', async () => {
    const emulator = await start({ faults: { rules: [{ kind: 'error503', resources: ['oauth'] }] } });
    await expect(login(emulator)).rejects.toThrow(/login failed/);
    expect((await fetch(`${emulator.url}/__emulator/faults`)).status).toBe(200);
    expect((await metrics(emulator)).faults.byResource).toEqual({ oauth: 1 });
  });
});
