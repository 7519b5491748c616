import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

// This module imports nothing of the project's, so that any package's browser tests can use it.

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own browsers are never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags every browser test runs Chromium with: headless, no sandbox, nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A Chromium a test launched, with a fresh profile of its own. */
export interface TestChromium {
  /** The browser, or `undefined` when Chromium is not installed. */
  readonly browser: BrowserContext | undefined;
  /**
   * The browser; without Chromium it throws how to install it, so that each test using it fails
   * (never skips) on a machine without it.
   */
  context(): BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core with the standard flags and a fresh profile in
 * a temporary folder. Without Chromium nothing is launched, and {@link TestChromium.context} says so.
 */
export async function launchChromium(): Promise<TestChromium> {
  if (!existsSync(CHROMIUM)) {
    return {
      browser: undefined,
      context() {
        throw new Error(
          `Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (CI does this in .ci/run).`,
        );
      },
      close: async () => {},
    };
  }
  const profile = mkdtempSync(join(tmpdir(), 'sfgql-chromium-'));
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    context: () => browser,
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
