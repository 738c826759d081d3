/**
 * Headless Chromium for the dashboard tests: Debian's chromium driven by playwright-core
 * (no browser download). A missing browser fails the test with what to run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; RAY_TS_CHROMIUM overrides. */
export const CHROMIUM = process.env.RAY_TS_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots and other test output (gitignored). */
export const ARTIFACTS = join(dirname(new URL(import.meta.url).pathname), '../../test-artifacts');

/** A browser page that records console errors and uncaught exceptions. */
export interface TestPage {
  browser: Browser;
  page: Page;
  /** Console errors, failed requests and page exceptions so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium and opens a page (not yet navigated). */
export async function openPage(): Promise<TestPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the dashboard tests need Debian's chromium. Run \`bash .ci/run\` (it installs it), or \`apt-get install -y chromium\`; set RAY_TS_CHROMIUM to use another Chromium.`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], timeout: 60_000 });
  const errors: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // A poll cut short by leaving a view is not an error.
      if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    return { browser, page, errors, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Saves a full-page screenshot as test-artifacts/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
