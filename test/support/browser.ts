import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

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
