import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@sfgql/emulator';
import { launchChromium, type TestChromium } from '@sfgql/testing/chromium';
import { startDemoOrg } from '@sfgql/testing/demo-org';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.ts';
import { listenGateway, type RunningServer } from '../src/listen.ts';
import { createLogger } from '../src/logger.ts';

/**
 * GraphiQL in a real browser: Debian's Chromium, driven by playwright-core, loads the page from the
 * gateway listening on 127.0.0.1, puts the demo user's token in the headers tab, runs a query and
 * reads the answer on the page. Nothing may come from elsewhere: GraphiQL's scripts and styles are
 * served by the gateway itself (no CDN).
 */
let emulator: RunningEmulator;
let gateway: RunningServer;
let token: string;
let chromium: TestChromium;
const folders: string[] = [];
const elsewhere: string[] = [];

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
};

beforeAll(async () => {
  const org = await startDemoOrg();
  emulator = org.emulator;
  token = org.session.accessToken;
  gateway = await listenGateway(
    loadGatewayConfig({
      SALESFORCE_INSTANCE_URL: emulator.url,
      SFGQL_HOST: '127.0.0.1',
      SFGQL_GATEWAY_PORT: '0',
      SFGQL_DATA_DIR: tempDir('sfgql-gateway-'),
    }),
    { logger: createLogger({ level: 'silent' }) },
  );
  chromium = await launchChromium();
  chromium.browser?.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(gateway.url) && !/^(blob|data):/.test(url)) elsewhere.push(url);
  });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await gateway?.close();
  await emulator?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Replaces the text of one of GraphiQL's editors, as a person pasting into it would. */
async function replaceText(page: Page, editor: string, text: string) {
  await page.locator(`${editor} .monaco-editor .view-lines`).locator('visible=true').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** What an editor or the response pane shows, spaces as spaces. */
const shown = (page: Page, selector: string) =>
  page
    .locator(selector)
    .locator('visible=true')
    .first()
    .textContent()
    .then((t) => (t ?? '').replace(/\u00a0/g, ' '));

describe('GraphiQL in headless Chromium', () => {
  it('loads without a CDN, runs a query with the token in its headers and shows the answer', async () => {
    const page = await chromium.context().newPage();
    try {
      const response = await page.goto(`${gateway.url}/graphql`);
      expect(response?.status()).toBe(200);
      await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
      await expect.poll(() => shown(page, '.graphiql-query-editor')).toContain('contacts');

      await page.getByRole('button', { name: 'Headers' }).click();
      await replaceText(page, '.graphiql-editor-tool', JSON.stringify({ authorization: `Bearer ${token}` }));
      await expect.poll(() => shown(page, '.graphiql-editor-tool')).toContain('authorization');

      await replaceText(
        page,
        '.graphiql-query-editor',
        'query CaseLookup { case(caseNumber: "00001104") { caseNumber status contact { name account { name } } } }',
      );
      await page.getByRole('button', { name: /^Execute query/ }).click();

      await expect
        .poll(() => shown(page, '.graphiql-response'), { timeout: 20_000 })
        .toContain('"name": "Sarah Johnson"');
      const answer = await shown(page, '.graphiql-response');
      expect(answer).toContain('"caseNumber": "00001104"');
      expect(answer).toContain('"status": "New"');
      expect(answer).toContain('"name": "Acme Corporation"');
      expect(answer).not.toContain('errors');
      expect(elsewhere).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
