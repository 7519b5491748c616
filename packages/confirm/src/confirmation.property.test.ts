import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, SECRET } from '../test/fixtures.ts';
import { applyToWorld, memoryWorld, runScenario, stepsArb } from '../test/scenario.ts';
import { type AuditEntry, createAuditTrail } from './audit.ts';
import { createConfirmation } from './confirmation.ts';
import { createMemoryNonceStore } from './nonce-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfgql-confirm-property-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the confirmation protocol, on random sequences', () => {
  it('runs a write exactly once per legitimately executed token, never otherwise, and audits exactly those', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        stepsArb({ maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (steps, instanceCount) => {
          const clock = fakeClock();
          const world = memoryWorld(2);
          let version = 0;
          const stamp = () => `2026-03-01T10:00:00.${String(++version).padStart(3, '0')}Z`;
          const file = join(dir, `audit-${++run}.jsonl`);
          const audit = createAuditTrail({ file });
          // Several instances sharing one store and one audit file, as behind a load balancer.
          const store = createMemoryNonceStore({ now: clock.now });
          const instances = Array.from({ length: instanceCount }, () =>
            createConfirmation({ keys: { current: SECRET }, store, audit, now: clock.now, ttlMs: 300_000 }),
          );
          const writes: { tokenId: string | null; recordId: string | null; changes: unknown }[] = [];
          const result = await runScenario({
            steps,
            instances,
            world,
            clock,
            async write(request, tokenId) {
              // Yield first, so that concurrent submissions really overlap.
              await setImmediate();
              writes.push({ tokenId, recordId: request.recordId ?? null, changes: request.changes });
              applyToWorld(world, request, stamp);
              return { id: request.recordId ?? '00T000000000001AAA' };
            },
            async touch(record) {
              world.modstamp[record] = stamp();
            },
          });
          await audit.close();
          expect(result.outcomes).toEqual(result.expected);
          expect(writes.map((w) => w.tokenId)).toEqual(result.executed);
          expect(new Set(result.executed).size).toBe(result.executed.length);

          const text = await readFile(file, 'utf8').catch(() => '');
          // Every write that ran is recorded; those Salesforce refused (stale, deleted) as refused.
          const lines = text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as AuditEntry)
            .filter((l) => l.outcome.status === 'written');
          expect(
            lines.map((l) => ({
              tokenId: l.tokenId,
              recordId: l.action === 'create' ? null : l.recordId,
              changes: l.changes,
            })),
          ).toEqual(writes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
