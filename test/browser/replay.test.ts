/**
 * Watching a recorded session in a real headless Chromium: a live simulated session is recorded
 * through the real hub, then opened from the history screen's Replay button. The page must say it
 * is a replay, offer no session controls, play to the same figures as live, and pause, seek and
 * change speed. Screenshots go to test-output/screenshots/replay-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, screenshotsAt, settle, smallTargets, testid } from '../support/browser.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { waitFor, untilTestTimeout } from '../support/wait.ts';
import { formatAngle } from '../../web/src/view-model/format.ts';
import { expectAccessible, unreachableByTab } from './axe.ts';

const suite = browserSuite();
let hub: Awaited<ReturnType<typeof inProcessHub>>;
let sessionId: number;
let liveTrials: number[];

beforeAll(async () => {
  hub = await inProcessHub({ exercise: 'rom-seated', seed: 7, speed: 2, webRoot: suite.webRoot, record: {} });
  // A short live session: two range trials on the left, then stop.
  hub.session.command({ action: 'start', exerciseId: 'rom-seated', side: 'left' });
  await waitFor('two trials counted live', () => (hub.session.view.current?.reps ?? 0) >= 2, 60_000);
  sessionId = hub.storage!.recorder.sessionId!;
  hub.session.command({ action: 'stop' });
  await waitFor('saved', () => hub.storage!.store.get(sessionId)?.status === 'complete');
  liveTrials = hub.session.view.results[0]!.trials;
}, 120_000);

afterAll(() => hub?.close());

async function openPage(path: string): Promise<Page> {
  const page = await suite.newPage();
  await page.goto(`${hub.base}${path}`);
  return page;
}

const bar = (page: Page, id: string) => testid(page, id);
/** The replay's position as the page shows it, seconds. */
const shownPosition = (page: Page) => bar(page, 'replay-position').evaluate((input) => Number((input as HTMLInputElement).value));

describe('a recorded session replayed on the dashboard', () => {
  it('opens from the history screen under a Replay banner, without session controls, and plays to the live figures', async () => {
    const page = await openPage('/');
    await testid(page, 'open-history').click();
    await testid(page, 'history-replay').first().waitFor();
    expect(await testid(page, 'history-replay').first().getAttribute('href')).toBe(`?replay=${sessionId}`);
    await testid(page, 'history-replay').first().click();
    await page.waitForURL(new RegExp(`\\?replay=${sessionId}$`));

    await bar(page, 'replay-badge').waitFor();
    expect(await bar(page, 'replay-badge').textContent()).toMatch(/replay/i);
    expect(await testid(page, 'hub-status').textContent()).toMatch(/Replay/);
    // At 1× it moves with the clock.
    await waitFor('the replay moving', async () => (await shownPosition(page)) > 1, 15_000);
    await testid(page, 'screen').and(page.locator('[data-screen=exercise]')).waitFor({ timeout: untilTestTimeout(15_000) });
    expect(await testid(page, 'control-next').count()).toBe(0);
    // Paused for the accessibility checks: a replay moving on to the next screen mid-walk replaces
    // the controls the Tab walk set out to reach (seen once in a shuffled run on a busy machine).
    await bar(page, 'replay-play').click();
    let playText = '';
    await waitFor(() => `paused (the button says "${playText}")`, async () => (playText = (await bar(page, 'replay-play').textContent())?.trim() ?? '') === 'Play');
    expect(await smallTargets(page)).toEqual([]);
    await expectAccessible(page, 'replay');
    expect(await unreachableByTab(page), 'controls the Tab key never reaches').toEqual([]);

    // Max: it reaches the end, on the summary, with the trials live counted.
    await bar(page, 'replay-play').click();
    await waitFor('playing again', async () => (await bar(page, 'replay-play').textContent())?.trim() !== 'Play');
    await bar(page, 'replay-speed-max').click();
    await testid(page, 'screen').and(page.locator('[data-screen=summary]')).waitFor({ timeout: untilTestTimeout(30_000) });
    await waitFor('the play button offers to play again', async () => (await bar(page, 'replay-play').textContent())?.trim() === 'Again');
    expect(await bar(page, 'replay-speed-max').getAttribute('aria-pressed')).toBe('true');
    // The summary's figures (inside shadow roots, where getByText looks too): as many trials as live, the same best.
    const summary = page.locator('[data-screen=summary]');
    await summary.getByText(`${liveTrials.length} trials`).first().waitFor({ timeout: untilTestTimeout(5000) });
    await summary.getByText(`best ${formatAngle(Math.max(...liveTrials))}\u00b0`).first().waitFor({ timeout: untilTestTimeout(5000) });
  }, 90_000);

  it('pauses, seeks with the slider, and changes speed', async () => {
    const page = await openPage(`/?replay=${sessionId}`);
    await waitFor('the replay moving', async () => (await shownPosition(page)) > 0.5, 15_000);
    await bar(page, 'replay-play').click(); // pause
    await waitFor('paused', async () => (await bar(page, 'replay-play').textContent())?.trim() === 'Play');
    const pausedAt = await shownPosition(page);
    await page.waitForTimeout(700);
    expect(await shownPosition(page)).toBe(pausedAt);

    // Seek to the middle while paused: the position and the exercise screen there.
    const duration = Number(await bar(page, 'replay-position').getAttribute('max'));
    expect(duration).toBeGreaterThan(4);
    const middle = Math.round(duration / 2);
    await bar(page, 'replay-position').evaluate((input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, middle);
    // The bar shows where the slider was let go for up to 3 s, then the hub's position: still the middle only if the hub got there.
    const middleText = `${Math.floor(middle / 60)}:${String(middle % 60).padStart(2, '0')} /`;
    expect((await bar(page, 'replay-clock').textContent()) ?? '').toMatch(new RegExp(`^${middleText}`));
    await page.waitForTimeout(3300);
    await settle(page);
    expect((await bar(page, 'replay-clock').textContent()) ?? '').toMatch(new RegExp(`^${middleText}`));
    expect(Math.abs((await shownPosition(page)) - middle)).toBeLessThan(1);
    await settle(page);
    await screenshotsAt(page, 'replay-paused');

    // Back to the start at 2×: about two seconds of recording a second (the recording is short, as the simulated person worked at 2×).
    await bar(page, 'replay-position').evaluate((input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    let seen = '';
    await waitFor(() => `the hub back at the start (last seen: ${seen})`, async () => {
      const clock = (await bar(page, 'replay-clock').textContent()) ?? '';
      const position = await shownPosition(page);
      seen = `clock "${clock}", slider at ${position}`;
      // The slider moves in half seconds: the first samples' position shows as 0 or 0.5.
      return clock.startsWith('0:00 /') && position <= 0.5;
    });
    await bar(page, 'replay-speed-2').click();
    await waitFor('2× chosen', async () => (await bar(page, 'replay-speed-2').getAttribute('aria-pressed')) === 'true');
    const from = await shownPosition(page);
    const started = Date.now();
    await bar(page, 'replay-play').click();
    // Until three seconds of recording have played, then: no faster than 2× (a busy machine can
    // only make it slower), and clearly faster than 1×.
    await waitFor('three seconds played', async () => (await shownPosition(page)) - from >= 3);
    const moved = (await shownPosition(page)) - from;
    const elapsed = (Date.now() - started) / 1000;
    // Not faster than 2×. How much faster than 1× depends on how busy the machine is (a loaded one
    // gave 1.1), so the rate itself is checked on the hub's side (replay-stream.test.ts); here, the
    // pressed 2× button is the hub's own word for the speed it plays at.
    expect(moved / elapsed).toBeLessThan(2.6);
    // The trace's time axis uses the sensor's rate (100 Hz), not the rate samples arrive at (twice that at 2×).
    await page.waitForTimeout(1100);
    expect(await page.locator('swivel-angle-trace').evaluate((el) => (el as unknown as { rateHz: number }).rateHz)).toBe(100);
  }, 60_000);

  it('says so when the session does not exist', async () => {
    const page = await openPage('/?replay=9999');
    await testid(page, 'hub-error').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await testid(page, 'hub-error').textContent()).toMatch(/no session 9999/);
  }, 30_000);
});
