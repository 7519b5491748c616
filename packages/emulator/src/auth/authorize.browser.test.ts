import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo.ts';
import { type RunningEmulator, startEmulator } from '../server.ts';
import { postForm } from './oauth-test-kit.ts';

/**
 * The web server flow with PKCE in a real browser: Debian's Chromium, driven by playwright-core,
 * fills in the emulator's login and consent pages and lands on a real callback server.
 */
const CHROMIUM = '/usr/bin/chromium';
const CLIENT_ID = 'browser-app';
const CLIENT_SECRET = 'browser-secret';

let callbackServer: Server | undefined;
let callbackUrl: string;
let emulator: RunningEmulator;
let browser: BrowserContext | undefined;
let profile: string | undefined;
const requests: string[] = [];

/** The browser; without Chromium, every test here fails (never skips) with how to install it. */
function context(): BrowserContext {
  if (!browser) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (CI does this in .ci/run).`,
    );
  }
  return browser;
}

beforeAll(async () => {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><title>Callback</title><h1>Back in the app</h1><p>${request.url?.length}</p>`,
    );
  });
  callbackServer = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback`;
  emulator = await startEmulator({
    dataDir: ':memory:',
    apps: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        name: 'Browser Test App',
        callbackUrls: [callbackUrl],
        flows: ['authorization_code', 'refresh_token'],
        scopes: ['api', 'refresh_token', 'id'],
        requirePkce: true,
      },
    ],
  });
  if (!existsSync(CHROMIUM)) return;
  profile = mkdtempSync(join(tmpdir(), 'sfgql-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  browser.on('request', (request) => {
    requests.push(request.url());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await emulator?.close();
  const server = callbackServer;
  if (server) await new Promise((resolve) => server.close(resolve));
});

function authorizeUrl(options: { redirectUri?: string; scope?: string } = {}) {
  const verifier = randomBytes(48).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const url = new URL('/services/oauth2/authorize', emulator.url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: options.redirectUri ?? callbackUrl,
    state,
    scope: options.scope ?? 'api refresh_token',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, verifier, state };
}

async function logIn(page: Page, password: string) {
  await page.getByLabel('Username').fill(DEMO.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log In' }).click();
}

describe('authorization code + PKCE in Chromium', () => {
  it('logs in, allows, lands on the callback with code and state, and the code gives a working session', async () => {
    const page = await context().newPage();
    const { url, verifier, state } = authorizeUrl();
    await page.goto(url);
    expect(await page.title()).toContain('Log in');
    await expect(page.getByRole('heading', { name: 'Log in' }).isVisible()).resolves.toBe(true);
    expect(await page.getByText('Browser Test App').isVisible()).toBe(true);

    // A wrong password: the page says so in an alert, and the field keeps the username.
    await logIn(page, 'wrong-password');
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Please check your username and password',
    );
    expect(await page.getByLabel('Username').inputValue()).toBe(DEMO.username);

    await logIn(page, DEMO.password);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    const consent = await page.locator('main').textContent();
    expect(consent).toContain('Manage user data via APIs (api)');
    expect(consent).toContain('Perform requests at any time');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    expect(await page.getByRole('heading', { name: 'Back in the app' }).isVisible()).toBe(true);

    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe(state);
    const code = landed.searchParams.get('code') ?? '';
    expect(code).toMatch(/^aPrx/);

    const token = await postForm(`${emulator.url}/services/oauth2/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code_verifier: verifier,
    });
    expect(token.status).toBe(200);
    expect(token.body.refresh_token).toMatch(/^5Aep861/);
    const conn = new Connection({
      instanceUrl: token.body.instance_url,
      accessToken: token.body.access_token,
      version: '60.0',
    });
    const result = await conn.query<{ CaseNumber: string }>(
      `SELECT CaseNumber FROM Case WHERE CaseNumber = '${DEMO.caseNumber}'`,
    );
    expect(result.records[0]?.CaseNumber).toBe(DEMO.caseNumber);

    // The page loaded nothing from anywhere but the emulator and the app.
    const origins = new Set(requests.map((r) => new URL(r).origin));
    expect([...origins].sort()).toEqual([emulator.url, new URL(callbackUrl).origin].sort());
    await page.close();
  });

  it('sends access_denied to the callback when the user denies', async () => {
    const page = await context().newPage();
    const { url, state } = authorizeUrl();
    await page.goto(url);
    await logIn(page, DEMO.password);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    const landed = new URL(page.url());
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe(state);
    expect(landed.searchParams.get('code')).toBeNull();
    await page.close();
  });

  it('shows a redirect_uri that is not a callback URL as an error page and stays there', async () => {
    const page = await context().newPage();
    const response = await page.goto(authorizeUrl({ redirectUri: `${callbackUrl}/elsewhere` }).url);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(emulator.url);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('redirect_uri_mismatch');
    await page.close();
  });
});
