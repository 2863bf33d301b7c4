/**
 * Two sensors, one on each shin (issue 12), in a real headless Chromium against the real hub with two
 * in-process simulated sensors: the panel lists both links with their make, model and firmware, marks
 * the one the session counts with, and says which shin each is on; a shin set on the panel reaches
 * the hub, which then counts with the sensor on the set's side. Screenshots go to
 * test-output/screenshots/two-sensors-*.png for a person to look at.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshotsAt, settle, smallTargets, testid } from '../support/browser.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { untilTestTimeout } from '../support/wait.ts';
import { expectAccessible, unreachableByTab } from './axe.ts';

const suite = browserSuite();

const card = (page: Page, sensorId: string) => page.locator(`[data-testid=sensor-card][data-sensor-id=${sensorId}]`);
/** The sensor whose card wears the Counting badge (null: none does); fails if more than one does. */
async function markedCounting(page: Page): Promise<string | null> {
  const marked: string[] = [];
  for (const sensorId of ['sensor-1', 'sensor-2']) if ((await card(page, sensorId).locator('[data-testid=sensor-counting]').count()) > 0) marked.push(sensorId);
  expect(marked.length, `cards marked Counting: ${marked.join(', ')}`).toBeLessThanOrEqual(1);
  return marked[0] ?? null;
}

describe('two sensors on the dashboard', () => {
  it('lists both links with make, model and firmware, marks the counting one, and sets each one\u2019s shin on the hub', async () => {
    const hub = await inProcessHub({ webRoot: suite.webRoot, bleSensors: 2, exercise: 'seated-hip-ir' });
    suite.closeAfter(() => hub.close());
    const page = await suite.newPage();
    await page.goto(`${hub.base}/`);

    // Both links, connected, each on its own card with what the sensor says of itself.
    const connected = page.locator('[data-testid=sensor-card] [data-testid=link-state][data-state=connected]');
    await expect.poll(() => connected.count(), { timeout: untilTestTimeout(20_000) }).toBe(2);
    expect(await page.locator('[data-testid=sensor-card]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-sensor-id')))).toEqual(['sensor-1', 'sensor-2']);
    const names = hub.devices.map((d) => d.name).sort();
    expect(names).toHaveLength(2);
    for (const sensorId of ['sensor-1', 'sensor-2']) {
      expect(names).toContain(await card(page, sensorId).locator('[data-testid=sensor-name]').textContent());
      expect(await card(page, sensorId).locator('[data-testid=sensor-make]').textContent()).toBe('Swivel (simulated) SW-1 shin sensor simulator \u00b7 firmware 0.1.0-sim');
      await expect.poll(() => card(page, sensorId).locator('[data-testid=battery]').textContent(), { timeout: untilTestTimeout(10_000) }).toMatch(/^\d+%$/);
    }
    // The single sensor's panel is not shown beside them.
    expect(await page.locator('swivel-link-status').count()).toBe(0);

    // The Counting badge is on the sensor the hub counts with, and on no other.
    await expect.poll(() => markedCounting(page), { timeout: untilTestTimeout(5_000) }).toBe(hub.hub.followedSensorId);
    expect(hub.hub.followedSensorId).not.toBeNull();

    // Accessible before the shins are said (the warning "Shin not set" on both cards) …
    expect(await page.locator('[data-testid=sensor-card] [data-testid=sensor-shin-text]').allTextContents()).toEqual(['Shin not set', 'Shin not set']);
    await expectAccessible(page, 'two sensors, shins not set', { when: '[data-testid=sensor-counting]' });

    // The person says which shin each sensor is on: the hub hears it, and the panel shows it back.
    await card(page, 'sensor-1').locator('[data-testid=sensor-shin-left]').click();
    await card(page, 'sensor-2').locator('[data-testid=sensor-shin-right]').click();
    const shins = () => Object.fromEntries(hub.hub.snapshot().map((s) => [s.sensorId, s.shin]));
    await expect.poll(shins, { timeout: untilTestTimeout(5_000) }).toEqual({ 'sensor-1': 'left', 'sensor-2': 'right' });
    await expect.poll(() => card(page, 'sensor-1').locator('[data-testid=sensor-shin-left]').getAttribute('aria-pressed'), { timeout: untilTestTimeout(5_000) }).toBe('true');
    await expect.poll(() => card(page, 'sensor-2').locator('[data-testid=sensor-shin-right]').getAttribute('aria-pressed'), { timeout: untilTestTimeout(5_000) }).toBe('true');
    expect(await card(page, 'sensor-2').locator('[data-testid=sensor-shin-left]').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('[data-testid=sensor-card] [data-testid=sensor-shin-text]').count()).toBe(0); // the pressed buttons say it

    // Readable from the mat at both tablet sizes: on screen, large enough, big touch targets, accessible.
    for (const size of [TABLET_LANDSCAPE, TABLET_PORTRAIT]) {
      await page.setViewportSize(size);
      await settle(page);
      for (const sensorId of ['sensor-1', 'sensor-2']) {
        const state = (await card(page, sensorId).locator('[data-testid=link-state]').boundingBox())!;
        expect(state.y + state.height, `${sensorId} at ${size.width}x${size.height}`).toBeLessThanOrEqual(size.height);
        expect(state.x + state.width).toBeLessThanOrEqual(size.width);
        const fontPx = await card(page, sensorId).locator('[data-testid=link-state]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
        expect(fontPx).toBeGreaterThanOrEqual(20);
      }
      // The angle keeps its size beside the two cards.
      const number = (await testid(page, 'angle-value').boundingBox())!;
      expect(number.height, `angle at ${size.width}x${size.height}`).toBeGreaterThanOrEqual(96);
      expect(number.y + number.height).toBeLessThanOrEqual(size.height);
      const badgePx = await page.locator('[data-testid=sensor-counting]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(badgePx).toBeGreaterThanOrEqual(17);
    }
    await page.setViewportSize(TABLET_LANDSCAPE);
    await screenshotsAt(page, 'two-sensors-programme');
    expect(await smallTargets(page)).toEqual([]);
    // … and after (the chosen shin buttons).
    await expectAccessible(page, 'two sensors', { when: '[data-testid=sensor-counting]' });
    expect(await unreachableByTab(page), 'controls the Tab key never reaches').toEqual([]);

    // A left-side set counts with the sensor on the left shin, and the exercise screen says which.
    await testid(page, 'start-seated-hip-ir').click();
    await expect.poll(() => hub.hub.followedSensorId, { timeout: untilTestTimeout(5_000) }).toBe('sensor-1');
    const leftName = hub.hub.snapshot().find((s) => s.sensorId === 'sensor-1')!.info!.name;
    await expect.poll(() => testid(page, 'counting-sensor').textContent(), { timeout: untilTestTimeout(5_000) }).toBe(`Counting with ${leftName} on the left shin`);
    await screenshotsAt(page, 'two-sensors-exercise');

    // The sensors swapped legs: said on the panel, the hub counts with the one now on the left.
    await testid(page, 'control-programme').click();
    await card(page, 'sensor-1').locator('[data-testid=sensor-shin-right]').click();
    await card(page, 'sensor-2').locator('[data-testid=sensor-shin-left]').click();
    await expect.poll(shins, { timeout: untilTestTimeout(5_000) }).toEqual({ 'sensor-1': 'right', 'sensor-2': 'left' });
    await expect.poll(() => hub.hub.followedSensorId, { timeout: untilTestTimeout(5_000) }).toBe('sensor-2');
    await expect.poll(() => markedCounting(page), { timeout: untilTestTimeout(5_000) }).toBe('sensor-2');
  }, 90_000);
});
