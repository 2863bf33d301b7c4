/**
 * The dashboard in a real headless Chromium, against the real hub and a simulated sensor process.
 * Builds the dashboard into a temporary directory first, so it always tests the current source.
 * Screenshots go to test-output/screenshots/ (gitignored) for a person to look at.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../../hub/main.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

type Hub = Awaited<ReturnType<typeof startHub>>;

let browser: Browser;
let webRoot: string;
const tempDirs: string[] = [];
const hubs: Hub[] = [];
const pages: Page[] = [];
const pageErrors: string[] = [];
const hubLog: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A hub with its own simulator process on a fresh radio directory. */
async function hubWithSimulator(port = 0): Promise<Hub> {
  const hub = await startHub({
    port,
    host: '127.0.0.1',
    sensor: 'sim',
    spawnSimulator: true,
    radioDir: await tempDir('swivel-radio-'),
    webRoot,
    log: (line) => hubLog.push(line),
  });
  hubs.push(hub);
  return hub;
}

async function closeHub(hub: Hub): Promise<void> {
  hubs.splice(hubs.indexOf(hub), 1);
  await hub.close();
}

async function openDashboard(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, colorScheme: 'dark' });
  pages.push(page);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return page;
}

/** Lets the dashboard render at least once after a change (it renders on animation frames). */
const settle = (page: Page) =>
  page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

const angleText = (page: Page) => page.locator('[data-testid=angle-value]').textContent();
const linkState = (page: Page, state: string) => page.locator(`[data-testid=link-state][data-state=${state}]`);
const hubBanner = (page: Page) => page.locator('[data-testid=hub-banner]');

beforeAll(async () => {
  webRoot = await tempDir('swivel-web-');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(ROOT, 'web'),
    logLevel: 'warn',
    build: { outDir: webRoot, emptyOutDir: true },
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  for (const hub of hubs.splice(0)) await hub.close();
  expect(pageErrors.splice(0), 'uncaught errors in the page').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('shows the live angle and the link state of the simulated sensor, readable at both tablet sizes', async () => {
    const hub = await hubWithSimulator();
    const page = await openDashboard(hub.url);

    await linkState(page, 'connected').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=link-state]').textContent()).toBe('Connected');

    // The number must move: at least two changes of the shown value within a few seconds. Screen
    // readers, meanwhile, are told the angle politely and rarely, not on every frame.
    const announcement = page.locator('[data-testid=angle-announcement]');
    const seen: string[] = [];
    const announced: string[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && seen.length < 3) {
      const text = (await angleText(page))?.trim() ?? '';
      if (text !== seen[seen.length - 1]) seen.push(text);
      const spoken = (await announcement.textContent()) ?? '';
      if (spoken !== announced[announced.length - 1]) announced.push(spoken);
      await page.waitForTimeout(40);
    }
    expect(seen.length, `angle values shown: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    for (const text of seen) expect(text).toMatch(/^\u2212?\d+$/);
    expect(announced.length, `announcements: ${announced.join(' | ')}`).toBeLessThanOrEqual(2);
    expect(await announcement.getAttribute('aria-live')).toBe('polite');

    // However many frames the hub sends, the app renders at most once per animation frame.
    const counts = await page.evaluate(async () => {
      const app = document.querySelector('swivel-app') as (HTMLElement & { updated(changed: unknown): void }) | null;
      if (!app) throw new Error('no swivel-app');
      let renders = 0;
      let frames = 0;
      let running = true;
      const original = app.updated;
      app.updated = function (this: typeof app, changed: unknown) {
        renders++;
        original.call(this, changed);
      };
      const tick = () => {
        frames++;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      running = false;
      app.updated = original;
      return { renders, frames };
    });
    expect(counts.renders, JSON.stringify(counts)).toBeGreaterThan(10);
    expect(counts.renders, JSON.stringify(counts)).toBeLessThanOrEqual(counts.frames + 1);

    // Battery and packet loss arrive with the once-a-second statistics.
    await expect.poll(async () => page.locator('[data-testid=battery]').textContent(), { timeout: 10_000 }).toMatch(/^\d+$/);
    await expect.poll(async () => page.locator('[data-testid=packet-loss]').textContent(), { timeout: 10_000 }).toMatch(/^(<?[\d.]+)$/);
    await expect(hubBanner(page).count()).resolves.toBe(0);

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 800, height: 1280 },
    ]) {
      await page.setViewportSize(viewport);
      await settle(page);
      // Legible from 2–3 m: the digits at least 6rem tall, and nothing pushed off screen.
      const number = await page.locator('[data-testid=angle-value]').boundingBox();
      const status = await page.locator('[data-testid=link-state]').boundingBox();
      expect(number!.height).toBeGreaterThanOrEqual(96);
      expect(number!.y + number!.height).toBeLessThanOrEqual(viewport.height);
      expect(status!.y + status!.height).toBeLessThanOrEqual(viewport.height);
      expect(status!.x + status!.width).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${viewport.width}x${viewport.height}.png`) });
    }
  }, 60_000);

  it('shows a banner while the hub is down and reconnects by itself when it is back on the same port', async () => {
    const first = await hubWithSimulator();
    const port = Number(new URL(first.url).port);
    const page = await openDashboard(first.url);
    await linkState(page, 'connected').waitFor({ timeout: 20_000 });
    expect(await hubBanner(page).count()).toBe(0);

    await closeHub(first);
    const banner = hubBanner(page);
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.textContent()).toContain('Hub connection lost');
    expect(await banner.getAttribute('data-kind')).toBe('lost');
    // Nothing claims the sensor is fine while the hub cannot say.
    await linkState(page, 'unknown').waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-hub-lost-1280x800.png') });

    // Let a few retries fail, then bring a hub back on the same port; the page must not be reloaded.
    await page.waitForTimeout(2_000);
    await hubWithSimulator(port);
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    await linkState(page, 'connected').waitFor({ timeout: 20_000 });
    const before = await angleText(page);
    await expect.poll(() => angleText(page), { timeout: 10_000 }).not.toBe(before);
  }, 90_000);
});
