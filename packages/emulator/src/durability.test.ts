import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from './seed/demo.ts';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sfgql-durability-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the CLI on a free port and resolves with its URL once it listens. */
function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output}`)));
  });
}

async function token(url: string): Promise<string> {
  const response = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      username: DEMO.username,
      password: DEMO.password + DEMO.securityToken,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('durability', () => {
  it('keeps every acknowledged write after kill -9 and a restart', async () => {
    const first = await startCli();
    const auth = { authorization: `Bearer ${await token(first.url)}`, 'content-type': 'application/json' };
    const base = `${first.url}/services/data/v60.0/sobjects`;
    const created: { id: string; lastName: string }[] = [];
    // Writes in flight at the same time, as a busy client would send them.
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const lastName = `Durable ${i}`;
        const response = await fetch(`${base}/Contact`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ LastName: lastName }),
        });
        if (response.status === 201)
          created.push({ id: ((await response.json()) as { id: string }).id, lastName });
      }),
    );
    expect(created).toHaveLength(40);
    const updated = created.slice(0, 10);
    for (const { id } of updated) {
      const response = await fetch(`${base}/Contact/${id}`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ Title: 'Survivor' }),
      });
      expect(response.status).toBe(204);
    }
    const deleted = created.slice(10, 15);
    for (const { id } of deleted) {
      expect((await fetch(`${base}/Contact/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    }
    const upsert = await fetch(`${base}/Product2/ExternalId/DUR-1`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ Name: 'Durable product' }),
    });
    expect(upsert.status).toBe(201);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startCli();
    const again = { authorization: `Bearer ${await token(second.url)}` };
    const read = async (path: string) => {
      const response = await fetch(`${second.url}/services/data/v60.0/sobjects/${path}`, { headers: again });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown> | { errorCode: string }[],
      };
    };
    for (const { id, lastName } of created) {
      const { status, body } = await read(`Contact/${id}?fields=LastName,Title`);
      if (deleted.some((d) => d.id === id)) {
        expect(status).toBe(404);
        expect(body).toMatchObject([{ errorCode: 'ENTITY_IS_DELETED' }]);
      } else {
        expect(status).toBe(200);
        expect(body).toMatchObject({
          LastName: lastName,
          Title: updated.some((u) => u.id === id) ? 'Survivor' : null,
        });
      }
    }
    expect((await read('Product2/ExternalId/DUR-1?fields=Name')).body).toMatchObject({
      Name: 'Durable product',
    });
    // The demo org was seeded once: a restart on the same folder does not seed it again.
    const cases = await fetch(
      `${second.url}/services/data/v60.0/query?q=${encodeURIComponent(`SELECT COUNT() FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`)}`,
      { headers: again },
    );
    expect(((await cases.json()) as { totalSize: number }).totalSize).toBe(1);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  }, 30_000);
});
