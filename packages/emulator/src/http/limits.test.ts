import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { call, connect, login } from '../test-helpers.ts';

const running: RunningEmulator[] = [];
afterAll(async () => {
  for (const emulator of running) await emulator.close();
});
async function start(options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator({ dataDir: ':memory:', ...options });
  running.push(emulator);
  return emulator;
}

describe('API limits', () => {
  it('counts each data call in Sforce-Limit-Info and /limits', async () => {
    const emulator = await start();
    const token = await login(emulator);
    const first = await call(emulator, token, 'GET', '/services/data/v60.0/sobjects');
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    // Errors count too, as in Salesforce; an invalid session does not.
    const failed = await call(emulator, token, 'GET', '/services/data/v60.0/sobjects/Nope');
    expect(failed.headers.get('sforce-limit-info')).toBe('api-usage=2/15000');
    await call(emulator, 'bad-token', 'GET', '/services/data/v60.0/sobjects');
    const conn = await connect(emulator);
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 15000, Remaining: 15000 - 3 });
    expect(limits).toHaveProperty('DataStorageMB.Max');
    expect(limits).toHaveProperty('DailyBulkApiBatches');
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED when the allowance is used, until the next day', async () => {
    let clock = new Date('2026-03-02T22:00:00.000Z');
    const emulator = await start({
      dailyApiRequests: 3,
      now: () => clock,
      sessionLifetimeMs: 24 * 60 * 60 * 1000,
    });
    const token = await login(emulator);
    for (let i = 1; i <= 3; i++) {
      const ok = await call(emulator, token, 'GET', '/services/data/v60.0/limits');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('sforce-limit-info')).toBe(`api-usage=${i}/3`);
    }
    const refused = await call(emulator, token, 'GET', '/services/data/v60.0/sobjects');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
    ]);
    const conn = await connect(emulator);
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    });
    // Logging in is not a data call, and the version list is public.
    expect((await fetch(`${emulator.url}/services/data`)).status).toBe(200);
    clock = new Date('2026-03-03T00:00:01.000Z');
    const nextDay = await call(emulator, token, 'GET', '/services/data/v60.0/limits');
    expect(nextDay.status).toBe(200);
    expect(nextDay.body.DailyApiRequests).toEqual({ Max: 3, Remaining: 2 });
  });

  it('keeps the day usage across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfgql-limits-'));
    try {
      const first = await startEmulator({ dataDir: dir });
      const token = await login(first);
      for (let i = 0; i < 4; i++) await call(first, token, 'GET', '/services/data/v60.0/sobjects/Account');
      await first.close();
      const second = await startEmulator({ dataDir: dir });
      try {
        const again = await call(second, await login(second), 'GET', '/services/data/v60.0/limits');
        expect(again.headers.get('sforce-limit-info')).toBe('api-usage=5/15000');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics and test controls', () => {
  it('counts calls by resource and by SOQL since the last reset', async () => {
    const emulator = await start();
    const token = await login(emulator);
    await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' });
    const soql = `SELECT Id, Subject FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`;
    const conn = await connect(emulator);
    await conn.query(soql);
    await conn.query(soql);
    const { records } = await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1');
    await conn.sobject('Contact').retrieve(records[0]?.Id as string);
    await call(emulator, token, 'PATCH', `/services/data/v60.0/sobjects/Contact/${records[0]?.Id}`, {
      Title: 'x',
    });
    const metrics = await (await fetch(`${emulator.url}/__emulator/metrics`)).json();
    expect(metrics).toEqual({
      since: expect.any(String),
      total: 5,
      byResource: { 'GET /query': 3, 'GET /sobjects/Contact/{id}': 1, 'PATCH /sobjects/Contact/{id}': 1 },
      bySoql: { [soql]: 2, 'SELECT Id FROM Contact LIMIT 1': 1 },
    });
    expect((await fetch(`${emulator.url}/__emulator/metrics/reset`, { method: 'POST' })).status).toBe(204);
    expect(await (await fetch(`${emulator.url}/__emulator/metrics`)).json()).toMatchObject({
      total: 0,
      byResource: {},
      bySoql: {},
    });
  });

  it('resets the org to the demo seed, or to nothing, and keeps tokens working', async () => {
    const emulator = await start();
    const token = await login(emulator);
    const created = await call(emulator, token, 'POST', '/services/data/v60.0/sobjects/Account', {
      Name: 'Temporary',
    });
    const reset = await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
    expect(await reset.json()).toEqual({ ok: true, seed: 'demo' });
    expect(
      (await call(emulator, token, 'GET', `/services/data/v60.0/sobjects/Account/${created.body.id}`)).status,
    ).toBe(404);
    const sameCase = await call(
      emulator,
      token,
      'GET',
      `/services/data/v60.0/query?q=${encodeURIComponent(`SELECT Id FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`)}`,
    );
    expect(sameCase.body.totalSize).toBe(1);
    expect(sameCase.headers.get('sforce-limit-info')).toBe('api-usage=2/15000');

    await fetch(`${emulator.url}/__emulator/reset`, {
      method: 'POST',
      body: JSON.stringify({ seed: 'none' }),
    });
    expect(emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Contact"').get()).toEqual({ n: 0 });
    await expect(login(emulator)).rejects.toThrow(/login failed/);
    const bad = await fetch(`${emulator.url}/__emulator/reset`, {
      method: 'POST',
      body: JSON.stringify({ seed: 'lots' }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST', body: '{"seed":"demo"}' });
    expect(await login(emulator)).toMatch(/^00D/);
  });

  it('seeds volume on request', async () => {
    const emulator = await start();
    const before = (emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Contact"').get() as { n: number }).n;
    const response = await fetch(`${emulator.url}/__emulator/seed`, {
      method: 'POST',
      body: JSON.stringify({ scale: 100 }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { counts: Record<string, number> };
    expect(body.counts).toMatchObject({
      Contact: 100,
      Account: 20,
      Case: 50,
      Lead: 25,
      Opportunity: 20,
      Task: 50,
      Event: 20,
    });
    expect(emulator.org.db.prepare('SELECT COUNT(*) AS n FROM "Contact"').get()).toEqual({ n: before + 100 });
    for (const scale of [0, -1, 1.5, 'many']) {
      const refused = await fetch(`${emulator.url}/__emulator/seed`, {
        method: 'POST',
        body: JSON.stringify({ scale }),
      });
      expect(refused.status, String(scale)).toBe(400);
    }
    expect((await fetch(`${emulator.url}/__emulator/seed`, { method: 'POST', body: '{' })).status).toBe(400);
  });

  it('can be turned off, and never lives under /services', async () => {
    const emulator = await start({ controls: false });
    expect((await fetch(`${emulator.url}/__emulator/metrics`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })).status).toBe(404);
    const token = await login(emulator);
    expect((await call(emulator, token, 'GET', '/services/data/v60.0/__emulator/metrics')).status).toBe(404);
  });
});
