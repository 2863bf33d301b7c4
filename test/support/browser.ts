import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** What the browser tests share: Debian's Chromium, the tablet sizes, the screenshot folder, checks. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
export const TABLET_LANDSCAPE = { width: 1280, height: 800 };
export const TABLET_PORTRAIT = { width: 800, height: 1280 };

/** Headless Chromium from /usr/bin/chromium with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Builds the dashboard from the current source into `outDir` (and makes the screenshot folder). */
export async function buildDashboard(outDir: string): Promise<void> {
  await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'web'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  await mkdir(SCREENSHOTS, { recursive: true });
}

/** Every button on screen smaller than 48 × 48 CSS pixels (shadow roots included): touch targets too small. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.tagName !== 'BUTTON') continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.width < 48 || box.height < 48) small.push(`${el.textContent?.trim() || el.getAttribute('aria-label')} ${box.width}x${box.height}`);
      }
    };
    visit(document);
    return small;
  });
}

/** Lets the dashboard render at least once after a change (it renders on animation frames). */
export const settle = (page: Page): Promise<void> =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** The dashboard's element with this `data-testid` (Playwright's locators pierce shadow roots). */
export const testid = (page: Page, id: string) => page.locator(`[data-testid=${id}]`);

/** A screenshot of the page at each size into SCREENSHOTS (`NAME-WxH.png`), for a person to look at; returns to the first size. */
export async function screenshotsAt(page: Page, name: string, sizes = [TABLET_LANDSCAPE, TABLET_PORTRAIT]): Promise<void> {
  const before = page.viewportSize();
  for (const size of sizes) {
    await page.setViewportSize(size);
    await settle(page);
    await page.waitForTimeout(150); // the charts resize on a ResizeObserver callback
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}x${size.height}.png`) });
  }
  if (before) await page.setViewportSize(before);
}

/**
 * What every browser test file sets up the same way: the dashboard built from the current source
 * into a temporary folder, one Chromium, temporary folders, things to close after each test, and
 * the page's uncaught errors and content security policy violations (a test fails if any happened). Call it at the top of a file; its
 * fields are ready inside tests and later hooks.
 */
export function browserSuite() {
  const tempDirs: string[] = [];
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const pageErrors: string[] = [];
  const suite = {
    browser: null as unknown as Browser,
    webRoot: '',
    /** A fresh temporary folder, removed after the file's tests. */
    async tempDir(prefix: string): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      tempDirs.push(dir);
      return dir;
    },
    /** Closed after the current test, newest first. */
    closeAfter(close: () => Promise<unknown> | unknown): void {
      closers.push(close);
    },
    /** A page (closed after the test) whose uncaught errors fail the test. */
    async newPage(options: { viewport?: { width: number; height: number }; colorScheme?: 'dark' | 'light' } = {}): Promise<Page> {
      const page = await suite.browser.newPage({ viewport: options.viewport ?? TABLET_LANDSCAPE, colorScheme: options.colorScheme ?? 'dark' });
      closers.push(() => page.close());
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // The hub's content security policy: anything it blocks is a part of the dashboard that broke.
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
      });
      return page;
    },
  };
  beforeAll(async () => {
    suite.webRoot = await suite.tempDir('swivel-web-');
    await buildDashboard(suite.webRoot);
    suite.browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    expect(pageErrors.splice(0), 'uncaught errors in the page').toEqual([]);
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await suite.browser?.close();
    for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return suite;
}
