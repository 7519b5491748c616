import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret, SECRET_FILE } from './secret.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfgql-secret-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadOrCreateSecret', () => {
  it('generates 32 random bytes into a 0600 file the first time and reads them afterwards', async () => {
    const dataDir = join(dir, 'data');
    const secret = await loadOrCreateSecret(dataDir);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const file = join(dataDir, SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await readFile(file, 'utf8')).trim()).toBe(secret);
    expect(await loadOrCreateSecret(dataDir)).toBe(secret);
    expect(await readdir(dataDir)).toEqual([SECRET_FILE]);
  });

  it('agrees on one secret when many start at once', async () => {
    const secrets = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateSecret(dir)));
    expect(new Set(secrets).size).toBe(1);
    expect(await readdir(dir)).toEqual([SECRET_FILE]);
  });

  it('narrows a secret file others could read to 0600', async () => {
    const file = join(dir, SECRET_FILE);
    await writeFile(file, `${'k'.repeat(43)}\n`, { mode: 0o644 });
    expect(await loadOrCreateSecret(dir)).toBe('k'.repeat(43));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a secret file that is too short', async () => {
    await writeFile(join(dir, SECRET_FILE), 'short\n', { mode: 0o600 });
    await expect(loadOrCreateSecret(dir)).rejects.toThrow(/too short/);
  });

  it("returns a fresh secret and writes nothing for ':memory:'", async () => {
    const a = await loadOrCreateSecret(':memory:');
    const b = await loadOrCreateSecret(':memory:');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  });
});
