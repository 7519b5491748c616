import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sfgql-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'start', '--data-dir', ':memory:', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('sfgql-emulator start', () => {
  it('refuses bad arguments before starting', () => {
    const seed = run('--seed', 'lots');
    expect(seed.status).toBe(1);
    expect(seed.stderr).toContain('--seed must be demo or none');
    expect(run('--port', '99999').stderr).toContain('must be a port number');
    expect(run('--scale', '0').stderr).toContain('must be a number of contacts');
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ fields: { Account: [{ name: 'X__c', type: 'blob' }] } }));
    const metadata = run('--metadata', file);
    expect(metadata.status).toBe(1);
    expect(metadata.stderr).toContain(`cannot use the metadata file ${file}`);
    expect(run('--metadata', join(dir, 'missing.json')).stderr).toContain('ENOENT');
  });
});
