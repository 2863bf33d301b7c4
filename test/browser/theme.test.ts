/**
 * The theme switch (System / Light / Dark) in a real headless Chromium against a real hub that
 * records into a temporary data directory (two imported range checks, so the history screen has a
 * uPlot chart). Screenshots go to test-output/screenshots/theme-*.png for a person to look at.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotsAt, settle, smallTargets, testid } from '../support/browser.ts';
import { startHub } from '../../hub/main.ts';
import { record } from '../../firmware-sim/record.ts';
import { untilTestTimeout } from '../support/wait.ts';

type Hub = Awaited<ReturnType<typeof startHub>>;

const suite = browserSuite();

/** A hub with no sensor on the air, recording, with a range check on each side already in its history. */
async function hubWithHistory(): Promise<Hub> {
  const hub = await startHub({ port: 0, host: '127.0.0.1', sensor: 'sim', spawnSimulator: false, radioDir: await suite.tempDir('swivel-radio-'), webRoot: suite.webRoot, dataDir: await suite.tempDir('swivel-data-'), log: () => {} });
  suite.closeAfter(() => hub.close());
  for (const [side, seed] of [['left', 11], ['right', 12]] as const) {
    const { csv } = record({ exercise: 'rom-seated', side, seed, seconds: 45 });
    const response = await fetch(new URL(`/api/sessions/import?exercise=rom-seated&side=${side}`, hub.url), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(response.status, await response.clone().text()).toBe(201);
  }
  return hub;
}

/** What the page shows now: the page's background, the theme in use, and which choice is checked. */
async function shown(page: Page) {
  await settle(page);
  return page.evaluate(() => {
    const app = document.querySelector('swivel-app')!;
    const checked = app.shadowRoot!.querySelector('swivel-theme-switch')!.shadowRoot!.querySelector('[aria-checked=true]') as HTMLElement | null;
    return {
      background: getComputedStyle(document.body).backgroundColor,
      appBackground: getComputedStyle(app).backgroundColor,
      theme: document.documentElement.dataset['theme'],
      checked: checked?.dataset['choice'] ?? null,
    };
  });
}

/** The history chart's line for the right side, as the chart drew it, and the colour of a history card. */
async function historyColours(page: Page) {
  await settle(page);
  return page.evaluate(() => {
    const screen = document.querySelector('swivel-app')!.shadowRoot!.querySelector('swivel-history-screen')!.shadowRoot!;
    const chart = screen.querySelector('swivel-history-rom-chart') as unknown as { plot: { series: { stroke: (u: unknown, i: number) => string }[] } | null };
    const plot = chart.plot!;
    return { rightLine: plot.series[2]!.stroke(plot, 2), card: getComputedStyle(screen.querySelector('[data-testid=history-session]')!).backgroundColor };
  });
}

const DARK = 'rgb(11, 13, 16)';
const LIGHT = 'rgb(238, 241, 245)';

describe('the theme switch', () => {
  it('follows the system until the person chooses, applies light or dark everywhere (charts and history too), and remembers it', async () => {
    const hub = await hubWithHistory();
    const page = await suite.newPage();
    await page.goto(hub.url);
    await testid(page, 'start-programme').waitFor({ timeout: untilTestTimeout(10_000) });

    expect(await shown(page)).toEqual({ background: DARK, appBackground: DARK, theme: 'dark', checked: 'system' });
    const group = page.getByRole('radiogroup', { name: 'Colour theme' });
    expect(await group.getByRole('radio').count()).toBe(3);
    expect(await testid(page, 'theme-light').getAttribute('aria-label')).toBe('Light');
    expect(await smallTargets(page)).toEqual([]);
    await screenshotsAt(page, 'theme-dark');

    // From the keyboard: Tab reaches the chosen one only; an arrow key moves the choice, and focus with it.
    await testid(page, 'theme-system').focus();
    expect(await testid(page, 'theme-light').getAttribute('tabindex')).toBe('-1');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await shown(page)).checked, { timeout: untilTestTimeout(2_000) }).toBe('light');
    expect(await shown(page)).toEqual({ background: LIGHT, appBackground: LIGHT, theme: 'light', checked: 'light' });
    expect(await testid(page, 'theme-light').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await screenshotsAt(page, 'theme-light');

    // The history screen, and its uPlot chart, in the light colours.
    await testid(page, 'open-history').click();
    await page.locator('swivel-history-rom-chart canvas').first().waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await historyColours(page)).toEqual({ rightLine: '#be185d', card: 'rgb(255, 255, 255)' });
    await screenshotsAt(page, 'theme-light-history');

    // Switched on the history screen: the chart is made again in the dark colours, no reload.
    await testid(page, 'theme-dark').click();
    await expect.poll(async () => (await historyColours(page)).rightLine, { timeout: untilTestTimeout(2_000) }).toBe('#f78fb3');
    expect((await historyColours(page)).card).toBe('rgb(21, 26, 33)');
    await screenshotsAt(page, 'theme-dark-history');

    // A choice is kept over a reload, and is not undone by the system's setting.
    await page.emulateMedia({ colorScheme: 'light' });
    expect((await shown(page)).theme).toBe('dark');
    await page.reload();
    await testid(page, 'start-programme').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await shown(page)).toEqual({ background: DARK, appBackground: DARK, theme: 'dark', checked: 'dark' });
    await testid(page, 'theme-light').click();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await testid(page, 'start-programme').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await shown(page)).toEqual({ background: LIGHT, appBackground: LIGHT, theme: 'light', checked: 'light' });

    // Back to System: the page follows the system again, as it changes.
    await testid(page, 'theme-system').click();
    expect((await shown(page)).background).toBe(DARK);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(async () => (await shown(page)).background, { timeout: untilTestTimeout(2_000) }).toBe(LIGHT);
    await page.reload();
    await testid(page, 'start-programme').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await shown(page)).toEqual({ background: LIGHT, appBackground: LIGHT, theme: 'light', checked: 'system' });
  }, 60_000);
});
