import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loginAsDemo } from '@sfgql/testing/demo-org';
import { freePort } from '@sfgql/testing/processes';
import { afterAll, expect, it } from 'vitest';
import { type Adapters, spawnEmulator, startAdapters } from './stack.ts';

/**
 * Crash safety: the emulator's own program (a child process with its data on disk) is killed with
 * `kill -9` while confirmed creates stream through both adapters, then started again on the same
 * folder and port. Every create an adapter acknowledged must be there, and none twice.
 */

const dir = mkdtempSync(join(tmpdir(), 'sfgql-crash-'));
let emulator: Awaited<ReturnType<typeof spawnEmulator>> | undefined;
let adapters: Adapters | undefined;
afterAll(async () => {
  await adapters?.close();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CREATE = `mutation ($input: CreateCaseInput!, $token: String) {
  createCase(input: $input, confirmationToken: $token) {
    __typename ... on ConfirmationRequired { token } ... on CreateCaseResult { id }
  }
}`;

it('keeps every acknowledged write, once, across kill -9 and a restart', async () => {
  const port = await freePort();
  emulator = await spawnEmulator({ port, dataDir: dir });
  let token = (await loginAsDemo(emulator.url)).accessToken;
  adapters = await startAdapters(emulator.url, () => token);
  const a = adapters;
  const run = `crash-${Date.now()}`;

  /** One confirmed create through the gateway (even workers) or the REST adapter (odd ones). */
  const create = async (worker: number, n: number): Promise<{ title: string; id?: string }> => {
    const title = `${run} ${worker}-${n}`;
    if (worker % 2 === 0) {
      const preview = await a.graphql(CREATE, { input: { subject: title } });
      const t = preview.body.data?.createCase?.token;
      if (!t) return { title };
      const done = await a.graphql(CREATE, { input: { subject: title }, token: t });
      return { title, id: done.body.data?.createCase?.id };
    }
    const preview = await a.rest('POST', '/cases', { Subject: title });
    if (preview.status !== 200) return { title };
    const done = await a.rest('POST', '/cases', {
      Subject: title,
      confirmationToken: preview.body.confirmationToken,
    });
    return { title, ...(done.status === 201 ? { id: done.body.id } : {}) };
  };

  const acknowledged = new Map<string, string>();
  const attempted = new Set<string>();
  let failures = 0;
  let stop = false;
  const workers = Array.from({ length: 4 }, async (_, worker) => {
    for (let n = 0; !stop && n < 500; n++) {
      attempted.add(`${run} ${worker}-${n}`);
      try {
        const { title, id } = await create(worker, n);
        if (id) acknowledged.set(title, id);
        else failures++;
      } catch {
        failures++;
      }
      // Once the emulator is gone, keep trying a little (every call fails fast), not in a tight loop.
      if (failures > 0) await new Promise((r) => setTimeout(r, 20));
    }
  });

  // Let the stream run, then kill the emulator in the middle of it.
  const started = Date.now();
  while (acknowledged.size < 40 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
  await emulator.kill9();
  const ackedBeforeKill = acknowledged.size;
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await Promise.all(workers);
  expect(ackedBeforeKill).toBeGreaterThanOrEqual(40);
  expect(failures).toBeGreaterThan(0);

  emulator = await spawnEmulator({ port, dataDir: dir });
  token = (await loginAsDemo(emulator.url)).accessToken;
  const response = await fetch(
    `${emulator.url}/services/data/v60.0/query?q=${encodeURIComponent(`SELECT Id, Subject FROM Case WHERE Subject LIKE '${run}%' LIMIT 2000`)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const { records } = (await response.json()) as { records: { Id: string; Subject: string }[] };
  const stored = new Map<string, string[]>();
  for (const r of records) stored.set(r.Subject, [...(stored.get(r.Subject) ?? []), r.Id]);

  for (const [title, id] of acknowledged) expect(stored.get(title), title).toEqual([id]);
  for (const [title, ids] of stored) {
    expect(ids, title).toHaveLength(1);
    expect(attempted.has(title), title).toBe(true);
  }
  // And the adapters work again against the restarted org.
  const again = await create(0, 10_000);
  expect(again.id).toMatch(/^500/);
  console.log(
    `crash: ${acknowledged.size} writes acknowledged (${ackedBeforeKill} before the kill), ${stored.size - acknowledged.size} written but not acknowledged, ${failures} refused`,
  );
});
