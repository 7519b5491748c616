import { connect } from 'node:net';
import { DEMO } from '@sfgql/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.ts';
import { type DemoOrg, loginAsDemo, startDemoOrg } from './demo-org.ts';
import { emulatorControl } from './emulator-control.ts';
import { freePort, spawnProgram } from './processes.ts';
import { startRedis } from './redis-server.ts';

/** Sends one inline Redis command and reads the first line of the answer. */
async function redisCommand(port: number, command: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.write(`${command}\r\n`);
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('data', (chunk) => resolve(chunk.toString().trim()));
      socket.once('error', reject);
    });
  } finally {
    socket.destroy();
  }
}

describe('startRedis', () => {
  it('starts a redis-server of its own on 127.0.0.1 and stops it', async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await redisCommand(redis.port, 'PING')).toBe('+PONG');
    } finally {
      await redis.stop();
    }
    await expect(redisCommand(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await redis.stop();
  });

  it('freezes (the connection opens, nothing answers) and thaws, and stops while frozen', async () => {
    const redis = await startRedis();
    try {
      redis.pause();
      const answer = redisCommand(redis.port, 'PING');
      const first = await Promise.race([answer, new Promise((r) => setTimeout(() => r('silence'), 300))]);
      expect(first).toBe('silence');
      redis.resume();
      expect(await answer).toBe('+PONG');
      redis.pause();
    } finally {
      await redis.stop();
    }
  });
});

describe('spawnProgram', () => {
  it('starts a program on a free port, waits for it to say so, and kills it with SIGKILL', async () => {
    const port = await freePort();
    const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('ready on ' + ${port}))`;
    const program = await spawnProgram({ args: ['-e', script], ready: /ready on (\d+)/ });
    expect(program.ready[1]).toBe(String(port));
    expect(await (await fetch(`http://127.0.0.1:${port}`)).text()).toBe('ok');
    await program.kill9();
    expect(program.child.signalCode).toBe('SIGKILL');
    await expect(fetch(`http://127.0.0.1:${port}`)).rejects.toThrow();
  });

  it('says what the program printed when it exits before it is ready', async () => {
    await expect(
      spawnProgram({ args: ['-e', 'console.error("no config"); process.exit(3)'], ready: /never/ }),
    ).rejects.toThrow(/exited \(3\)[\s\S]*no config/);
  });
});

describe('the demo org', () => {
  let org: DemoOrg;
  beforeAll(async () => {
    org = await startDemoOrg();
  });
  afterAll(() => org?.close());

  it('is logged in as the demo admin', async () => {
    expect(org.session.instanceUrl).toBe(org.emulator.url);
    const info = await fetch(`${org.emulator.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${org.session.accessToken}` },
    });
    expect(((await info.json()) as { preferred_username: string }).preferred_username).toBe(DEMO.username);
  });

  it('logs in the other demo users', async () => {
    const session = await loginAsDemo(org.emulator.url, DEMO.users.readOnly);
    expect(session.accessToken).not.toBe(org.session.accessToken);
  });

  it("counts calls in the emulator's metrics, resets them, and refuses a bad control loudly", async () => {
    const control = emulatorControl(org.emulator.url);
    await control.resetMetrics();
    await fetch(`${org.emulator.url}/services/data/v60.0/sobjects/Case/describe`, {
      headers: { authorization: `Bearer ${org.session.accessToken}` },
    }).then((r) => r.body?.cancel());
    expect((await control.metrics()).total).toBe(1);
    await control.setFaults({ rules: [{ kind: 'error500', rate: 1, resources: ['query'] }] });
    await control.clearFaults();
    await control.resetMetrics();
    expect((await control.metrics()).total).toBe(0);
    await expect(control.seed(0)).rejects.toThrow(/answered 400/);
  });
});

describe('launchChromium', () => {
  it('runs Debian’s Chromium with a fresh profile', async () => {
    const chromium = await launchChromium();
    try {
      const page = await chromium.context().newPage();
      await page.goto('data:text/html,<title>sfgql</title>');
      expect(await page.title()).toBe('sfgql');
    } finally {
      await chromium.close();
    }
  }, 60_000);
});
