/**
 * The start position check on screen, in a real headless Chromium against the real hub and an
 * in-process simulated sensor whose person does NOT follow the session: they stay on the seated
 * exercise whatever the dashboard starts, as a person who has not read the screen would. The hub
 * learns the shin from the seated start, then warns when a face-down test is started sitting up.
 * Screenshots go to test-output/screenshots/start-position-*.png for a person to look at.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshotsAt, settle, smallTargets, testid } from '../support/browser.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { untilTestTimeout } from '../support/wait.ts';

const suite = browserSuite();

async function openDashboard(url: string): Promise<Page> {
  const page = await suite.newPage();
  await page.goto(url);
  return page;
}

const status = (page: Page) => testid(page, 'screen').getAttribute('data-status');

describe('the start position check', () => {
  it('warns, next to Recalibrate, when a face-down test starts with the shin hanging down, and clears once the person lies face down and recalibrates', async () => {
    const hub = await inProcessHub({ webRoot: suite.webRoot, exercise: 'seated-hip-ir', followSession: false });
    suite.closeAfter(() => hub.close());
    const page = await openDashboard(`${hub.base}/`);
    await page.locator('[data-testid=link-state][data-state=connected]').waitFor({ timeout: untilTestTimeout(20_000) });

    // Sitting: the hub learns which way the shin runs through the sensor. Nothing to warn about.
    await testid(page, 'start-seated-hip-ir').click();
    await expect.poll(() => status(page), { timeout: untilTestTimeout(20_000) }).toBe('active');
    await settle(page);
    expect(await testid(page, 'posture-warning').count()).toBe(0);

    // Still sitting, the person starts the face-down range check: the set starts anyway, with the warning.
    await testid(page, 'control-programme').click();
    await testid(page, 'start-rom-prone').click();
    await expect.poll(() => status(page), { timeout: untilTestTimeout(20_000) }).toBe('active');
    const warning = testid(page, 'posture-warning');
    await warning.waitFor({ timeout: untilTestTimeout(5_000) });
    expect(await testid(page, 'exercise-name').textContent()).toBe('Range check lying face down');
    expect(await testid(page, 'posture-warning-text').textContent()).toMatch(
      /^Your shin reads as (hanging down|level), but Range check lying face down starts with it pointing up\. Check your position, then tap Recalibrate\. If you moved the sensor on purpose, just carry on\.$/,
    );
    expect(await warning.getAttribute('role')).toBe('alert');

    // Prominent at both tablet sizes: large text, on screen, the Recalibrate button inside the warning.
    for (const size of [TABLET_LANDSCAPE, TABLET_PORTRAIT]) {
      await page.setViewportSize(size);
      await settle(page);
      const box = (await warning.boundingBox())!;
      const button = (await testid(page, 'posture-recalibrate').boundingBox())!;
      expect(box.y + box.height, `${size.width}x${size.height}`).toBeLessThanOrEqual(size.height);
      expect(button.height).toBeGreaterThanOrEqual(56);
      expect(button.x).toBeGreaterThanOrEqual(box.x);
      expect(button.y + button.height).toBeLessThanOrEqual(box.y + box.height);
      const fontPx = await testid(page, 'posture-warning-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(fontPx).toBeGreaterThanOrEqual(21);
    }
    await page.setViewportSize(TABLET_LANDSCAPE);
    expect(await smallTargets(page)).toEqual([]);
    await screenshotsAt(page, 'start-position-warning');
    await testid(page, 'theme-light').click();
    await screenshotsAt(page, 'start-position-warning-light');
    await testid(page, 'theme-dark').click();

    // The person lies face down and taps Recalibrate: the warning stays while the new start
    // position is taken (the move takes the simulated person 3 s), then goes when it fits.
    hub.hub.instructSimulatedPerson({ exercise: 'rom-prone', side: 'left' });
    await testid(page, 'posture-recalibrate').click();
    await expect.poll(() => status(page), { timeout: untilTestTimeout(5_000) }).toBe('calibrating');
    expect(await warning.isVisible()).toBe(true);
    await testid(page, 'calibration').waitFor({ timeout: untilTestTimeout(2_000) });
    await screenshotsAt(page, 'start-position-warning-calibrating');
    await expect.poll(() => status(page), { timeout: untilTestTimeout(20_000) }).toBe('active');
    await warning.waitFor({ state: 'detached', timeout: untilTestTimeout(5_000) });
  }, 90_000);
});
