/**
 * The dashboard in a real headless Chromium, against the real hub and a simulated sensor process.
 * Builds the dashboard into a temporary directory first, so it always tests the current source.
 * Screenshots go to test-output/screenshots/ (gitignored) for a person to look at.
 */
import { join } from 'node:path';
import { SCREENSHOTS, TABLET_PORTRAIT, screenshotsAt, settle, smallTargets, testid } from '../support/browser.ts';
import { describe, expect, it } from 'vitest';
import { untilTestTimeout } from '../support/wait.ts';
import { expectAccessible, unreachableByTab } from './axe.ts';
import { angleText, dashboardSuite, hubBanner, largestDrawn, linkState, recordLargestDrawn, recordStatuses, repCount, screen } from './dashboard-suite.ts';

const { hubWithSimulator, hubWithoutSensor, simulator, openDashboard } = dashboardSuite();

describe('dashboard', () => {
  it('shows the programme with the live angle and the link state of the simulated sensor, readable at both tablet sizes', async () => {
    const hub = await hubWithSimulator();
    const page = await openDashboard(hub.url);

    await linkState(page, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
    expect(await page.locator('[data-testid=link-state]').textContent()).toBe('Connected');
    // Accessibility: axe at both sizes in both themes, and every control reached with the Tab key.
    await expectAccessible(page, 'programme');
    expect(await unreachableByTab(page), 'controls the Tab key never reaches').toEqual([]);

    // The number must move: at least two changes of the shown value within a few seconds. Screen
    // readers, meanwhile, are told the angle politely and rarely, not on every frame.
    const announcement = page.locator('[data-testid=angle-announcement]');
    const seen: string[] = [];
    const announced: string[] = [];
    const watchedFrom = Date.now();
    const deadline = watchedFrom + untilTestTimeout(10_000);
    while (Date.now() < deadline && seen.length < 3) {
      const text = (await angleText(page))?.trim() ?? '';
      if (text !== seen[seen.length - 1]) seen.push(text);
      const spoken = (await announcement.textContent()) ?? '';
      if (spoken !== announced[announced.length - 1]) announced.push(spoken);
      await page.waitForTimeout(40);
    }
    expect(seen.length, `angle values shown: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    for (const text of seen) expect(text).toMatch(/^\u2212?\d+$/);
    // At most one announcement per 10 s (plus the one already there): a slow machine watches longer.
    const watchedSeconds = (Date.now() - watchedFrom) / 1000;
    expect(announced.length, `announcements in ${watchedSeconds.toFixed(1)} s: ${announced.join(' | ')}`).toBeLessThanOrEqual(2 + Math.floor(watchedSeconds / 10));
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
      // Until a few dozen renders have happened, however long a busy machine takes for them.
      await new Promise<void>((resolve) => {
        const check = () => (renders >= 30 ? resolve() : setTimeout(check, 50));
        check();
      });
      running = false;
      app.updated = original;
      return { renders, frames };
    });
    expect(counts.renders, JSON.stringify(counts)).toBeGreaterThan(10);
    expect(counts.renders, JSON.stringify(counts)).toBeLessThanOrEqual(counts.frames + 1);

    // Battery and packet loss arrive with the once-a-second statistics.
    await expect.poll(async () => page.locator('[data-testid=battery]').textContent(), { timeout: untilTestTimeout(10_000) }).toMatch(/^\d+$/);
    await expect.poll(async () => page.locator('[data-testid=packet-loss]').textContent(), { timeout: untilTestTimeout(10_000) }).toMatch(/^(<?[\d.]+)$/);
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
      await page.screenshot({ path: join(SCREENSHOTS, `programme-${viewport.width}x${viewport.height}.png`) });
    }
    await screenshotsAt(page, 'programme', [{ width: 390, height: 844 }]);
    expect(await screen(page).getAttribute('data-screen')).toBe('programme');
    await expect(testid(page, 'start-programme').isVisible()).resolves.toBe(true);
    expect(await smallTargets(page)).toEqual([]);

    // The sensor panel: the person says the sensor is on the right shin; a left-side set then says
    // so. Disconnect frees the sensor (the link idles, said in words), and connect finds it again.
    await testid(page, 'sensor-shin-right').click();
    await expect.poll(() => testid(page, 'sensor-shin-right').getAttribute('aria-pressed'), { timeout: untilTestTimeout(5_000) }).toBe('true');
    await testid(page, 'start-seated-hip-ir').click();
    await expect.poll(() => testid(page, 'shin-warning').textContent(), { timeout: untilTestTimeout(5_000) }).toContain('The sensor is on the right shin, and this set is for the left');
    await testid(page, 'control-programme').click();
    await expect.poll(() => screen(page).getAttribute('data-screen'), { timeout: untilTestTimeout(5_000) }).toBe('programme');
    await testid(page, 'sensor-disconnect').click();
    await linkState(page, 'idle').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await testid(page, 'link-detail').textContent()).toContain('disconnected from the dashboard');
    await testid(page, 'sensor-connect').click();
    await linkState(page, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
  }, 90_000);

  it('shows a banner while the hub is down and reconnects by itself when it is back on the same port', async () => {
    const first = await hubWithSimulator();
    const port = Number(new URL(first.url).port);
    const page = await openDashboard(first.url);
    await linkState(page, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
    expect(await hubBanner(page).count()).toBe(0);

    await first.close(); // closing again after the test does nothing
    const banner = hubBanner(page);
    await banner.waitFor({ state: 'visible', timeout: untilTestTimeout(10_000) });
    expect(await banner.textContent()).toContain('Hub connection lost');
    expect(await banner.getAttribute('data-kind')).toBe('lost');
    // Nothing claims the sensor is fine while the hub cannot say.
    await linkState(page, 'unknown').waitFor({ timeout: untilTestTimeout(5_000) });
    await page.screenshot({ path: join(SCREENSHOTS, 'hub-lost-1280x800.png') });

    // Let a few retries fail, then bring a hub back on the same port; the page must not be reloaded.
    await page.waitForTimeout(2_000);
    await hubWithSimulator(port);
    await banner.waitFor({ state: 'detached', timeout: untilTestTimeout(20_000) });
    await linkState(page, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
    const before = await angleText(page);
    await expect.poll(() => angleText(page), { timeout: untilTestTimeout(10_000) }).not.toBe(before);
  }, 90_000);

  it('starts seated-hip-ir from the programme: calibrating, then a full set of 20 reps counted on two screens in step; the hub refusing an action says why', async () => {
    // The simulated person runs 6 times faster than real time, so the whole set takes about 25 s.
    const { hub, radioDir } = await hubWithoutSensor();
    await simulator(radioDir, ['--exercise', 'seated-hip-ir', '--speed', '6']);
    const tablet = await openDashboard(hub.url);
    const laptop = await openDashboard(hub.url, TABLET_PORTRAIT);
    await linkState(tablet, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
    const statuses = await recordStatuses(tablet);

    await recordLargestDrawn(tablet);
    await testid(tablet, 'start-seated-hip-ir').click();
    // The simulated person is told to start over: they settle into the start position, and the set
    // goes active once they have been still there (at 6 times real speed, in a fraction of a second).
    await expect.poll(() => screen(tablet).getAttribute('data-status'), { timeout: untilTestTimeout(20_000) }).toBe('active');
    expect(await statuses()).toEqual(['idle', 'calibrating', 'active']);
    expect(await testid(tablet, 'exercise-name').textContent()).toBe('Seated inward rotation lifts');
    expect(await testid(tablet, 'exercise-side').textContent()).toBe('Left side');
    expect(await testid(tablet, 'rep-target').textContent()).toBe('20');
    expect(await smallTargets(tablet)).toEqual([]);
    await expectAccessible(tablet, 'exercise (reps)');
    expect(await unreachableByTab(tablet), 'controls the Tab key never reaches').toEqual([]);

    // The first reps of a set are judged together, so the count can jump; then it rises one by one.
    await expect.poll(() => repCount(tablet), { timeout: untilTestTimeout(50_000), interval: 250 }).toBeGreaterThanOrEqual(1);
    const first = await repCount(tablet);
    await expect.poll(() => repCount(tablet), { timeout: untilTestTimeout(20_000), interval: 250 }).toBeGreaterThan(first);
    // The laptop, which started nothing, shows the same set and count.
    await expect.poll(() => testid(laptop, 'exercise-name').textContent(), { timeout: untilTestTimeout(5_000) }).toBe('Seated inward rotation lifts');
    await expect.poll(async () => (await repCount(laptop)) === (await repCount(tablet)), { timeout: untilTestTimeout(5_000) }).toBe(true);
    // Each counted rep was sounded (the cue controller counts what it played).
    const played = await tablet.evaluate(() => (document.querySelector('swivel-app') as unknown as { cues: { played: { rep: number } } }).cues.played.rep);
    expect(played).toBeGreaterThanOrEqual(1);
    // Each rep's end hold fills on screen towards the 3 s target.
    await expect.poll(() => largestDrawn(tablet, 'end-hold'), { timeout: untilTestTimeout(20_000), interval: 100 }).toBeGreaterThan(0.3);
    await expectAccessible(tablet, 'end hold', { when: '[data-testid=end-hold]' });
    // A screen reader is told each counted rep, politely.
    const told = testid(tablet, 'set-announcement');
    expect(await told.getAttribute('aria-live')).toBe('polite');
    await expect.poll(async () => (await told.textContent())?.trim(), { timeout: untilTestTimeout(5_000) }).toMatch(/^(Rep \d+ of 20 counted|Hold reached)/);
    await screenshotsAt(tablet, 'exercise-reps');
    // On to the target: the set ends by itself at 20 counted reps, and the rest screen says so.
    await expect.poll(() => screen(tablet).getAttribute('data-status'), { timeout: untilTestTimeout(60_000), interval: 250 }).toBe('rest');
    expect(await testid(tablet, 'rest-done').textContent()).toContain('20 reps');
    await expectAccessible(tablet, 'rest');

    // A manual-count tap now makes no sense: the hub says so, and the person reads why.
    await tablet.evaluate(() => {
      const main = document.querySelector('swivel-app')!.shadowRoot!.querySelector('main')!;
      main.dispatchEvent(Object.assign(new Event('swivel-command', { bubbles: true, composed: true }), { command: { action: 'count' } }));
    });
    const error = testid(tablet, 'hub-error');
    await error.waitFor({ timeout: untilTestTimeout(5_000) });
    expect(await error.textContent()).toContain('taps count reps only during a manual-count exercise');
    expect(await error.getAttribute('role')).toBe('alert');
    await tablet.screenshot({ path: join(SCREENSHOTS, 'hub-error-1280x800.png') });
    await error.getByRole('button', { name: 'Dismiss this message' }).click();
    await error.waitFor({ state: 'detached', timeout: untilTestTimeout(2_000) });

    // Stopped from the laptop: both show the summary.
    await testid(laptop, 'control-stop').click();
    for (const page of [tablet, laptop]) {
      await expect.poll(() => screen(page).getAttribute('data-screen'), { timeout: untilTestTimeout(5_000) }).toBe('summary');
      await expect.poll(() => testid(page, 'summary-table').textContent(), { timeout: untilTestTimeout(5_000) }).toContain('Seated inward rotation lifts');
    }
  }, 180_000); // a whole set of 20 reps with accessibility checks on each screen: about a minute on a busy run, three times that to time out
});
