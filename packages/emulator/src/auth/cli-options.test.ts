import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('../cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sfgql-cli-oauth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (...rest: string[]) => [CLI, 'start', '--data-dir', ':memory:', '--port', '0', ...rest];

describe('sfgql-emulator start --apps --faults', () => {
  it('refuses an invalid apps file or fault rules before starting', () => {
    const apps = join(dir, 'bad-apps.json');
    writeFileSync(apps, JSON.stringify([{ clientId: 'x', clientSecret: 'y', flows: ['magic'] }]));
    const badApps = spawnSync(process.execPath, args('--apps', apps), { encoding: 'utf8', timeout: 20_000 });
    expect(badApps.status).toBe(1);
    expect(badApps.stderr).toContain(`cannot use the apps file ${apps}`);
    const badFaults = spawnSync(
      process.execPath,
      args('--faults', '{"rules":[{"kind":"error500","rate":5}]}'),
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(badFaults.status).toBe(1);
    expect(badFaults.stderr).toContain('cannot use the faults');
  });

  it('serves the apps of the file and the inline fault rules', async () => {
    const apps = join(dir, 'apps.json');
    writeFileSync(
      apps,
      JSON.stringify({
        apps: [
          {
            clientId: 'cli-app',
            clientSecret: 'cli-secret',
            flows: ['client_credentials'],
            integrationUser: 'agent@sfgql.dev',
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      args('--apps', apps, '--faults', '{"seed":9,"rules":[{"kind":"latency","ms":1}]}'),
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const token = await fetch(`${url}/services/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('cli-app:cli-secret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(token.status).toBe(200);
      expect(await (await fetch(`${url}/__emulator/faults`)).json()).toMatchObject({
        seed: 9,
        rules: [{ kind: 'latency', ms: 1 }],
        metrics: { byKind: { latency: 1 } },
      });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
