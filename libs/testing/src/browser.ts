import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { REPO_ROOT } from './test-env';

/** Debian's Chromium (installed by .ci/run: apt-get install chromium). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests keep their screenshots (gitignored). */
export const BROWSER_OUTPUT = join(REPO_ROOT, 'test-output', 'browser');

/**
 * Debian's Chromium through playwright-core, headless, with a fresh profile and none of the background
 * connections a closed network refuses; close() also deletes the profile.
 */
export async function launchChromium(): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  mkdirSync(BROWSER_OUTPUT, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'densebench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser: context.browser()!,
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
