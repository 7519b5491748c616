import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET, updateCase } from '../test/fixtures.ts';
import { type AuditEntry, createAuditTrail } from './audit.ts';
import { createConfirmation } from './confirmation.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfgql-audit-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (n: number, value = 'Escalated'): AuditEntry => ({
  time: new Date(Date.UTC(2026, 2, 1, 10, 0, n)).toISOString(),
  principal: { userId: '005000000000001AAA', orgId: '00D000000000001AAA' },
  client: 'gateway',
  operation: 'updateCase',
  action: 'update',
  object: 'Case',
  recordId: `500${String(n).padStart(15, '0')}`,
  changes: [{ field: 'Status', before: 'New', after: value }],
  outcome: { status: 'written' },
  tokenId: `nonce-${n}`,
});

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);

describe('createAuditTrail', () => {
  it('appends one JSON line per entry to a 0600 file (creating its directory) and logs it', async () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    const logger = { info: vi.fn() };
    const audit = createAuditTrail({ file, logger });
    await audit.record(entry(1));
    await audit.record(entry(2));
    await audit.close();
    expect(await lines(file)).toEqual([entry(1), entry(2)]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logger.info).toHaveBeenCalledWith({ audit: entry(1) }, 'audit: update Case 500000000000000001');
  });

  it('never interleaves lines, even for many large concurrent entries', async () => {
    const file = join(dir, 'audit.jsonl');
    const audit = createAuditTrail({ file });
    const big = (n: number) => entry(n, String(n % 10).repeat(200_000));
    await Promise.all(Array.from({ length: 50 }, (_, n) => audit.record(big(n))));
    await audit.close();
    const written = await lines(file);
    expect(written).toHaveLength(50);
    expect(written.map((e) => e.tokenId).sort()).toEqual(
      Array.from({ length: 50 }, (_, n) => `nonce-${n}`).sort(),
    );
    for (const e of written) expect(e).toEqual(big(Number(e.tokenId?.slice(6))));
  });

  it('never interleaves lines of two trails appending to one file, as two processes do', async () => {
    const file = join(dir, 'audit.jsonl');
    const gateway = createAuditTrail({ file });
    const actions = createAuditTrail({ file });
    const big = (n: number) => entry(n, String(n % 10).repeat(100_000));
    await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? gateway : actions).record(big(n))));
    await Promise.all([gateway.close(), actions.close()]);
    const written = await lines(file);
    expect(written).toHaveLength(40);
    for (const e of written) expect(e).toEqual(big(Number(e.tokenId?.slice(6))));
  });

  it('appends to an existing file across restarts', async () => {
    const file = join(dir, 'audit.jsonl');
    for (const n of [1, 2]) {
      const audit = createAuditTrail({ file });
      await audit.record(entry(n));
      await audit.close();
    }
    expect(await lines(file)).toEqual([entry(1), entry(2)]);
  });

  it('reports a file it cannot write without failing the write that happened', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const onError = vi.fn();
    const audit = createAuditTrail({ file: join(blocker, 'audit.jsonl'), onError });
    await expect(audit.record(entry(1))).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: expect.any(String) }), entry(1));
    const logger = { info: vi.fn(), error: vi.fn() };
    const logged = createAuditTrail({ file: join(blocker, 'audit.jsonl'), logger });
    await logged.record(entry(2));
    expect(logger.error).toHaveBeenCalledTimes(1);
    await logged.close();
  });

  it('records confirmed writes without the token or the secret', async () => {
    const file = join(dir, 'audit.jsonl');
    const logged: unknown[] = [];
    const audit = createAuditTrail({ file, logger: { info: (obj, msg) => logged.push(obj, msg) } });
    const confirmation = createConfirmation({ keys: { current: SECRET }, audit });
    const { token } = await confirmation.preview(updateCase());
    await confirmation.execute(updateCase(), token, async () => ({ id: '500000000000001AAA' }));
    await audit.close();
    const text = await readFile(file, 'utf8');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    for (const secretish of [token, signature, `${header}.${payload}`, SECRET]) {
      expect(text).not.toContain(secretish);
      expect(JSON.stringify(logged)).not.toContain(secretish);
    }
    expect(await lines(file)).toHaveLength(1);
  });
});
