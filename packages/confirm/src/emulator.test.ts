import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@sfgql/emulator';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import { emulatorControl } from '@sfgql/testing/emulator-control';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, SECRET } from '../test/fixtures.ts';
import { runScenario, stepsArb, type World } from '../test/scenario.ts';
import { type AuditEntry, createAuditTrail } from './audit.ts';
import { createConfirmation } from './confirmation.ts';
import { createMemoryNonceStore } from './nonce-store.ts';
import type { WriteRequest } from './types.ts';

/**
 * The protocol in front of real writes: every legitimate execution is one PATCH, DELETE or POST
 * against the emulator over HTTP, and the emulator's own call metrics must show exactly those (plus
 * the outside changes the test makes on purpose), nothing more.
 */

const VERSION = 'v62.0';
let emulator: RunningEmulator;
let accessToken: string;
let dir: string;
// The emulator's clock moves one second before every write, so that each write gets its own
// SystemModstamp (Salesforce's has whole seconds).
let emulatorMs = Date.parse('2026-03-01T10:00:00.000Z');

class SalesforceWriteError extends Error {
  readonly errorCode: string;
  constructor(status: number, errorCode: string) {
    super(`Salesforce answered ${status} ${errorCode}`);
    this.errorCode = errorCode;
  }
}

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.url}/services/data/${VERSION}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const errorCode = (json as { errorCode?: string }[] | undefined)?.[0]?.errorCode ?? 'UNKNOWN';
    throw new SalesforceWriteError(response.status, errorCode);
  }
  return json;
}

async function readCase(id: string): Promise<{ Status: string; SystemModstamp: string }> {
  return (await api('GET', `/sobjects/Case/${id}?fields=Status,SystemModstamp`)) as {
    Status: string;
    SystemModstamp: string;
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfgql-confirm-emulator-'));
  const org = await startDemoOrg({ now: () => new Date(emulatorMs) });
  emulator = org.emulator;
  accessToken = org.session.accessToken;
});
afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('confirmed writes against the emulator', () => {
  it('write exactly the legitimately confirmed changes, as the metrics, the records and the audit file show', async () => {
    const file = join(dir, 'audit.jsonl');
    const audit = createAuditTrail({ file });
    const performed: { tokenId: string | null; action: string; recordId: string | null }[] = [];
    const createdTaskIds: string[] = [];

    await fc.assert(
      fc.asyncProperty(
        stepsArb({ maxLength: 20 }),
        fc.integer({ min: 1, max: 2 }),
        async (steps, instanceCount) => {
          // Two fresh cases per run (set-up writes, before the metrics are reset).
          const ids: string[] = [];
          for (const n of [1, 2]) {
            const { id } = (await api('POST', '/sobjects/Case', {
              Subject: `Confirm test ${n}`,
              Status: 'New',
            })) as {
              id: string;
            };
            ids.push(id);
          }
          const cases = await Promise.all(ids.map(readCase));
          const world: World = {
            ids,
            status: cases.map((c) => c.Status),
            modstamp: cases.map((c) => c.SystemModstamp),
            deleted: [false, false],
          };
          await emulatorControl(emulator.url).resetMetrics();

          const clock = fakeClock();
          const store = createMemoryNonceStore({ now: clock.now });
          const instances = Array.from({ length: instanceCount }, () =>
            createConfirmation({ keys: { current: SECRET }, store, audit, now: clock.now }),
          );
          let touches = 0;
          const runWrites: { tokenId: string | null; action: string }[] = [];

          async function write(request: WriteRequest, tokenId: string | null): Promise<unknown> {
            emulatorMs += 1000;
            runWrites.push({ tokenId, action: request.action });
            performed.push({ tokenId, action: request.action, recordId: request.recordId ?? null });
            const index = world.ids.indexOf(request.recordId ?? '');
            switch (request.action) {
              case 'update': {
                await api(
                  'PATCH',
                  `/sobjects/Case/${request.recordId}`,
                  request.changes[0] && { Status: request.changes[0].after },
                );
                const now = await readCase(request.recordId ?? '');
                world.status[index] = now.Status;
                world.modstamp[index] = now.SystemModstamp;
                return { id: request.recordId };
              }
              case 'delete':
                await api('DELETE', `/sobjects/Case/${request.recordId}`);
                world.deleted[index] = true;
                return { id: request.recordId };
              case 'create': {
                const result = (await api('POST', '/sobjects/Task', request.args)) as { id: string };
                createdTaskIds.push(result.id);
                const last = performed.at(-1);
                if (last) last.recordId = result.id;
                return result;
              }
            }
          }

          const result = await runScenario({
            steps,
            instances,
            world,
            clock,
            write,
            async touch(record) {
              // Someone else edits the case in Salesforce between preview and confirmation.
              emulatorMs += 1000;
              touches++;
              const id = world.ids[record] ?? '';
              await api('PATCH', `/sobjects/Case/${id}`, { Description: `Edited elsewhere ${touches}` });
              world.modstamp[record] = (await readCase(id)).SystemModstamp;
            },
          });
          expect(result.outcomes).toEqual(result.expected);
          expect(runWrites.map((w) => w.tokenId)).toEqual(result.executed);

          const metrics = await emulatorControl(emulator.url).metrics();
          const count = (action: string) => runWrites.filter((w) => w.action === action).length;
          expect({
            update: metrics.byResource['PATCH /sobjects/Case/{id}'] ?? 0,
            delete: metrics.byResource['DELETE /sobjects/Case/{id}'] ?? 0,
            create: metrics.byResource['POST /sobjects/Task'] ?? 0,
          }).toEqual({ update: count('update') + touches, delete: count('delete'), create: count('create') });
          // The records agree: the deleted cases are gone, the others hold the last confirmed status.
          for (const [i, id] of world.ids.entries()) {
            if (world.deleted[i]) {
              await expect(readCase(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
            } else {
              expect((await readCase(id)).Status).toBe(world.status[i]);
            }
          }
        },
      ),
      { numRuns: 40 },
    );

    // The audit file of the whole run lists exactly the writes performed, in order (and, as
    // refused, the confirmed writes Salesforce turned down as stale or for a deleted record).
    await audit.close();
    const lines = (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEntry);
    const written = lines.filter((l) => l.outcome.status === 'written');
    expect(written.map(({ tokenId, action, recordId }) => ({ tokenId, action, recordId }))).toEqual(
      performed,
    );
    expect(
      lines.filter((l) => l.outcome.status !== 'written').every((l) => l.outcome.status === 'refused'),
    ).toBe(true);
    expect(performed.length).toBeGreaterThan(0);
    // Every created task exists (queryAll: deleting a case later takes its tasks to the Recycle Bin).
    if (createdTaskIds.length > 0) {
      const list = createdTaskIds.map((id) => `'${id}'`).join(',');
      const { totalSize } = (await api(
        'GET',
        `/queryAll?q=${encodeURIComponent(`SELECT Id FROM Task WHERE Id IN (${list})`)}`,
      )) as {
        totalSize: number;
      };
      expect(totalSize).toBe(createdTaskIds.length);
    }
  });
});
