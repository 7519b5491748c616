import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTask, fakeClock, outcome, SECRET } from '../test/fixtures.ts';
import type { CrashTask } from '../test/sqlite-child.ts';
import { createConfirmation } from './confirmation.ts';
import type { IdempotencyEntry } from './idempotency.ts';
import { createSqliteStores } from './sqlite-store.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'sqlite-child.ts');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfgql-confirm-sqlite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
const fresh = () => join(dir, `store-${++n}`, 'confirm.db');
const pending = (fingerprint: string): IdempotencyEntry => ({
  state: 'pending',
  fingerprint,
  tokenId: 't',
  leaseUntil: 1,
});

describe('createSqliteStores', () => {
  it('claims a nonce once until it expires, and creates a private file in WAL mode', async () => {
    const clock = fakeClock();
    const file = fresh();
    const { nonces, close } = createSqliteStores({ file, now: clock.now });
    expect(await nonces.claim('a', 1000)).toBe(true);
    expect(await nonces.claim('a', 1000)).toBe(false);
    expect(await nonces.claim('b', 1000)).toBe(true);
    clock.advance(999);
    expect(await nonces.claim('a', 1000)).toBe(false);
    clock.advance(1);
    expect(await nonces.claim('a', 1000)).toBe(true);
    close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new DatabaseSync(file);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    db.close();
  });

  it('reserves a key once, replaces and frees it, and forgets it after its time', async () => {
    const clock = fakeClock();
    const { idempotency, close } = createSqliteStores({ file: fresh(), now: clock.now, sweepEveryMs: 10 });
    expect(await idempotency.reserve('k', pending('f'), 1000)).toBeNull();
    expect(await idempotency.reserve('k', pending('g'), 1000)).toEqual(pending('f'));
    const done: IdempotencyEntry = { state: 'done', fingerprint: 'f', result: { id: 'a', n: [1, null] } };
    await idempotency.put('k', done, 5000);
    expect(await idempotency.get('k')).toEqual(done);
    expect(await idempotency.reserve('k', pending('g'), 1000)).toEqual(done);
    await idempotency.release('k');
    expect(await idempotency.get('k')).toBeUndefined();
    expect(await idempotency.reserve('k', pending('g'), 1000)).toBeNull();
    clock.advance(1001);
    expect(await idempotency.get('k')).toBeUndefined();
    expect(await idempotency.reserve('k', pending('h'), 1000)).toBeNull();
    close();
  });

  it('keeps what it holds across a restart of the process', async () => {
    const file = fresh();
    const before = createSqliteStores({ file });
    await before.nonces.claim('used', 60_000);
    await before.idempotency.put('k', { state: 'done', fingerprint: 'f', result: 1 }, 60_000);
    before.close();
    const after = createSqliteStores({ file });
    expect(await after.nonces.claim('used', 60_000)).toBe(false);
    expect(await after.idempotency.get('k')).toEqual({ state: 'done', fingerprint: 'f', result: 1 });
    after.close();
  });

  it('lets exactly one of several connections to one file claim a nonce or reserve a key', async () => {
    const file = fresh();
    const stores = Array.from({ length: 4 }, () => createSqliteStores({ file }));
    const claims = await Promise.all(
      stores.flatMap((s) => [s.nonces.claim('n', 60_000), s.nonces.claim('n', 60_000)]),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const reservations = await Promise.all(
      stores.map((s) => s.idempotency.reserve('k', pending('f'), 60_000)),
    );
    expect(reservations.filter((r) => r === null)).toHaveLength(1);
    for (const s of stores) s.close();
  });

  it('fails a call (SERVICE_UNAVAILABLE, nothing written) when another process holds the file past the busy timeout', async () => {
    const file = fresh();
    const stores = createSqliteStores({ file, busyTimeoutMs: 100 });
    const confirmation = createConfirmation({
      keys: { current: SECRET },
      store: stores.nonces,
      idempotency: stores.idempotency,
    });
    const { token } = await confirmation.preview(createTask());
    const blocker = new DatabaseSync(file);
    blocker.exec('BEGIN IMMEDIATE');
    const write = vi.fn(async () => ({ id: '00T000000000001AAA' }));
    expect(await outcome(confirmation.execute(createTask(), token, write, { idempotencyKey: 'k' }))).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(await outcome(confirmation.execute(createTask(), token, write))).toBe('SERVICE_UNAVAILABLE');
    expect(write).not.toHaveBeenCalled();
    blocker.exec('ROLLBACK');
    blocker.close();
    // Nothing was claimed: the same token now writes, once.
    expect(await outcome(confirmation.execute(createTask(), token, write, { idempotencyKey: 'k' }))).toBe(
      'ok',
    );
    expect(write).toHaveBeenCalledTimes(1);
    stores.close();
  });
});

/** Runs the child over `tasks`; `killWhen` (given the write log's line count) ends it with SIGKILL. */
async function runChild(
  file: string,
  tasks: CrashTask[],
  log: string,
  killWhen?: (written: number) => boolean,
): Promise<{ outcomes: Map<string, string>; killed: boolean }> {
  const tasksFile = join(dirname(file), `tasks-${++n}.json`);
  await writeFile(tasksFile, JSON.stringify(tasks));
  const child: ChildProcess = spawn(process.execPath, [CHILD, file, tasksFile, log], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const outcomes = new Map<string, string>();
  let stderr = '';
  let buffered = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let killed = false;
  const exited = once(child, 'exit');
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [key, result] = line.split(' ') as [string, string];
      outcomes.set(key, result);
    }
  });
  if (killWhen) {
    const poll = setInterval(() => {
      const written = existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0;
      if (!killed && killWhen(written)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 1);
    await exited;
    clearInterval(poll);
  } else {
    const [code] = await exited;
    if (code !== 0) throw new Error(`the child exited with ${code}:\n${stderr}`);
  }
  return { outcomes, killed };
}

describe('a process killed with kill -9 at any instant', () => {
  it('never writes twice: a replay with the same token and key gets the first result or is refused', async () => {
    const file = fresh();
    await mkdir(dirname(file), { recursive: true });
    const log = join(dirname(file), 'salesforce.log');
    const previewer = createConfirmation({ keys: { current: SECRET } });
    const tasks: CrashTask[] = [];
    for (let i = 0; i < 150; i++) {
      const request = createTask({ args: { subject: `Crash ${i}` } });
      tasks.push({ request, token: (await previewer.preview(request)).token, key: `key-${i}` });
    }
    // Three runs, each killed at another point of the stream; the last runs to its end.
    const killPoints = [20 + Math.floor(Math.random() * 20), 70 + Math.floor(Math.random() * 20)];
    for (const point of killPoints) {
      const { killed } = await runChild(file, tasks, log, (written) => written >= point);
      expect(killed).toBe(true);
    }
    const { outcomes } = await runChild(file, tasks, log);

    const writes = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const counts = new Map<string, number>();
    for (const key of writes) counts.set(key, (counts.get(key) ?? 0) + 1);
    // Nothing doubled.
    expect([...counts.values()].filter((c) => c > 1)).toEqual([]);
    for (const task of tasks) {
      const result = outcomes.get(task.key);
      if (counts.has(task.key)) {
        // Written once: the last run replays its result, or, for a write a kill interrupted
        // before its result was kept, refuses the spent token.
        expect(['written', 'replayed', 'CONFIRMATION_USED']).toContain(result);
      } else {
        // Not written: only a write a kill interrupted before it reached "Salesforce" is refused.
        expect(['written', 'CONFIRMATION_USED'], task.key).toContain(result);
      }
    }
    // The writes interrupted by the kills are at most one per kill; everything else was written.
    const refusedUnwritten = tasks.filter((t) => !counts.has(t.key)).length;
    expect(refusedUnwritten).toBeLessThanOrEqual(killPoints.length);
  });
});
