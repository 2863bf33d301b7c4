import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { TABLET_LANDSCAPE, TABLET_PORTRAIT, settle } from '../support/browser.ts';

/**
 * Accessibility, measured: axe-core (injected into the page) on a screen at both tablet sizes in
 * both themes, and a walk through the page with the Tab key. Only serious and critical violations
 * fail a test; what axe reports is named with the screen, the size and the theme.
 *
 * While a screen is checked its rendering is paused (the dashboard renders on animation frames, and
 * those are held back), so that a brief state, such as an end hold or a calibration, is measured as
 * it was when the check began, at every size and in both themes. The theme is switched the way the
 * page's own script does it (`data-theme` on the root), which needs no render.
 */

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Found {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in window)) return;
  // Evaluated through the DevTools protocol, which the hub's content security policy does not
  // govern; a <script> tag added to the page would be blocked by it, as it should be.
  await page.evaluate(await axeSource);
}

/** Holds back animation frames (so the dashboard does not render) until `thaw`. */
async function freeze(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __thaw?: () => void };
    if (w.__thaw) return;
    const original = window.requestAnimationFrame.bind(window);
    const held: FrameRequestCallback[] = [];
    window.requestAnimationFrame = (callback: FrameRequestCallback) => {
      held.push(callback);
      return -held.length;
    };
    w.__thaw = () => {
      window.requestAnimationFrame = original;
      delete w.__thaw;
      for (const callback of held.splice(0)) original(callback);
    };
  });
}

async function thaw(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __thaw?: () => void }).__thaw?.());
}

/** Is there an element matching `selector` anywhere in the page, shadow roots included? */
function present(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((selector) => {
    const find = (root: Document | ShadowRoot): boolean =>
      root.querySelector(selector) !== null || [...root.querySelectorAll('*')].some((el) => el.shadowRoot !== null && find(el.shadowRoot));
    return find(document);
  }, selector);
}

async function runAxe(page: Page): Promise<Found[]> {
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
    }));
  });
}

export interface AxeOptions {
  /** Check once an element matching this is on screen. */
  when?: string;
  /** The sizes to check at: both tablet sizes unless said (the phone's sensor page: a phone's). */
  sizes?: { width: number; height: number }[];
  /** The themes to check in: light and dark unless said (the sensor page is always dark). */
  themes?: ('light' | 'dark')[];
}

/**
 * The serious and critical axe violations of the page as it is now (or, with `when`, once an
 * element matching it is on screen), at 1280 × 800 and 800 × 1280, light and dark (or at `sizes`, in `themes`).
 */
export async function accessibilityViolations(page: Page, screen: string, options: AxeOptions = {}): Promise<string[]> {
  await injectAxe(page);
  await settle(page);
  for (let attempt = 0; ; attempt++) {
    if (options.when) await page.locator(options.when).first().waitFor();
    await freeze(page);
    if (!options.when || (await present(page, options.when))) break;
    await thaw(page);
    if (attempt >= 20) throw new Error(`${screen}: ${options.when} never stayed on screen long enough to check`);
  }
  const viewport = page.viewportSize();
  const theme = await page.evaluate(() => document.documentElement.dataset['theme'] ?? '');
  const found: string[] = [];
  try {
    for (const size of options.sizes ?? [TABLET_LANDSCAPE, TABLET_PORTRAIT]) {
      await page.setViewportSize(size);
      for (const colours of options.themes ?? ['light', 'dark']) {
        await page.evaluate((colours) => (document.documentElement.dataset['theme'] = colours), colours);
        for (const v of await runAxe(page)) {
          if (v.impact !== 'serious' && v.impact !== 'critical') continue;
          found.push(`${screen} ${size.width}x${size.height} ${colours}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
        }
      }
    }
  } finally {
    await page.evaluate((theme) => (document.documentElement.dataset['theme'] = theme), theme);
    if (viewport) await page.setViewportSize(viewport);
    await thaw(page);
  }
  return found;
}

/** No serious or critical axe violation on this screen at either tablet size (or `sizes`), in either theme (or `themes`). */
export async function expectAccessible(page: Page, screen: string, options: AxeOptions = {}): Promise<void> {
  expect(await accessibilityViolations(page, screen, options), `accessibility of the ${screen} screen`).toEqual([]);
}

/**
 * The controls on screen (buttons, inputs, links; shadow roots included) that pressing Tab from the
 * top of the page never reaches, by their label.
 */
export async function unreachableByTab(page: Page): Promise<string[]> {
  const controls = await page.evaluate(() => {
    const all: Element[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        // (A control with tabindex -1 is reached otherwise: the unchecked radios of a group, by the arrow keys.)
        if (!el.matches('button, input, select, textarea, a[href], [tabindex]') || el.getAttribute('tabindex') === '-1') continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || (el as HTMLButtonElement).disabled) continue;
        all.push(el);
      }
    };
    visit(document);
    const w = window as unknown as { __controls: Element[]; __reached: Set<Element> };
    w.__controls = all;
    w.__reached = new Set();
    return all.length;
  });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < controls + 10; i++) {
    await page.keyboard.press('Tab');
    await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (el) (window as unknown as { __reached: Set<Element> }).__reached.add(el);
    });
  }
  return page.evaluate(() => {
    const w = window as unknown as { __controls: Element[]; __reached: Set<Element> };
    return w.__controls.filter((el) => !w.__reached.has(el)).map((el) => el.getAttribute('aria-label') || el.getAttribute('data-testid') || el.textContent?.trim() || el.tagName);
  });
}
