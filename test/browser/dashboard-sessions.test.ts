/**
 * The dashboard through whole sessions (waiting for the sensor, holds, range-of-motion tests and
 * their summary, instructions and manual counts) in a real headless Chromium, against the real hub
 * and a simulated sensor. dashboard.test.ts has the programme screen, the hub going away and a set
 * of 20 reps; the two files run at once.
 */
import { TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshotsAt, testid } from '../support/browser.ts';
import { describe, expect, it } from 'vitest';
import { untilTestTimeout } from '../support/wait.ts';
import { expectAccessible, unreachableByTab } from './axe.ts';
import { dashboardSuite, largestDrawn, linkState, recordLargestDrawn, repCount, screen } from './dashboard-suite.ts';

const { hubWithSimulator, hubWithoutSensor, simulator, openDashboard } = dashboardSuite();

describe('dashboard sessions', () => {
  it('waits for the sensor, calibrates when it arrives, fills the hold ring, and says so when the link drops', async () => {
    const { hub, radioDir } = await hubWithoutSensor();
    const page = await openDashboard(hub.url, TABLET_PORTRAIT);
    await testid(page, 'start-figure4-sitting').click();
    await expect.poll(() => screen(page).getAttribute('data-status'), { timeout: untilTestTimeout(5_000) }).toBe('calibrating');
    await testid(page, 'waiting-sensor').waitFor({ timeout: untilTestTimeout(5_000) });
    expect(await testid(page, 'calibration').textContent()).toContain('Get into the start position and stay still');
    await expectAccessible(page, 'calibration (waiting for the sensor)');
    await screenshotsAt(page, 'waiting-for-sensor');

    // The simulated person sits still for 2 s after power-on (the start posture), then eases into the
    // stretch. The calibration ring fills from the hub's own count of that stillness.
    await recordLargestDrawn(page);
    const sim = await simulator(radioDir, ['--exercise', 'figure4-sitting']);
    await expect.poll(() => screen(page).getAttribute('data-status'), { timeout: untilTestTimeout(20_000) }).toBe('active');
    await testid(page, 'waiting-sensor').waitFor({ state: 'detached', timeout: untilTestTimeout(5_000) });
    expect(await largestDrawn(page, 'calibration')).toBeGreaterThan(0.3);
    const fraction = async () => Number(await testid(page, 'hold-ring').getAttribute('data-fraction'));
    await expect.poll(fraction, { timeout: untilTestTimeout(30_000), interval: 250 }).toBeGreaterThan(0.05);
    const filled = await fraction();
    await expect.poll(fraction, { timeout: untilTestTimeout(5_000), interval: 250 }).toBeGreaterThan(filled);
    const left = Number(await testid(page, 'ring-value').textContent());
    expect(left).toBeLessThan(60);
    expect(left).toBeGreaterThan(0);
    await screenshotsAt(page, 'exercise-hold');
    await expectAccessible(page, 'hold');

    await sim.command('lose-link 4000');
    await testid(page, 'waiting-sensor').waitFor({ timeout: untilTestTimeout(10_000) });
    await screenshotsAt(page, 'sensor-lost', [TABLET_LANDSCAPE]);
    await testid(page, 'waiting-sensor').waitFor({ state: 'detached', timeout: untilTestTimeout(20_000) });

    // The simulator killed outright, then started again: the screen says the link is lost and the
    // hub is reconnecting, never silently, and the set goes on once the sensor is back.
    const held = Number(await testid(page, 'ring-value').textContent());
    await sim.kill('SIGKILL');
    await testid(page, 'waiting-sensor').waitFor({ timeout: untilTestTimeout(10_000) });
    await expect.poll(() => testid(page, 'waiting-link').textContent(), { timeout: untilTestTimeout(10_000) }).toMatch(/lost|reconnecting/i);
    await simulator(radioDir, ['--exercise', 'figure4-sitting']);
    await testid(page, 'waiting-sensor').waitFor({ state: 'detached', timeout: untilTestTimeout(30_000) });
    expect(await screen(page).getAttribute('data-status')).toBe('active');
    expect(Number(await testid(page, 'ring-value').textContent())).toBeLessThanOrEqual(held);
  }, 120_000);

  it('shows range-of-motion results per side, rests between sets with a countdown that can be skipped, and sums up', async () => {
    const hub = await hubWithSimulator(0, 'rom-seated');
    const page = await openDashboard(hub.url);
    await linkState(page, 'connected').waitFor({ timeout: untilTestTimeout(20_000) });
    await testid(page, 'start-rom-seated').click();
    // A range-of-motion trial counts at once: the expected range is known.
    await expect.poll(() => repCount(page), { timeout: untilTestTimeout(40_000), interval: 250 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => testid(page, 'rom-left').textContent(), { timeout: untilTestTimeout(5_000) }).toMatch(/\d+°/);
    await screenshotsAt(page, 'exercise-rom');
    await expectAccessible(page, 'range-of-motion test');

    // Three trials reach the set's target; the rest before the other side follows by itself.
    await expect.poll(() => screen(page).getAttribute('data-screen'), { timeout: untilTestTimeout(60_000), interval: 250 }).toBe('rest');
    expect(await testid(page, 'rest-next').textContent()).toContain('Range check sitting \u2014 right side');
    const restLeft = Number(await testid(page, 'ring-value').textContent());
    await expect.poll(async () => Number(await testid(page, 'ring-value').textContent()), { timeout: untilTestTimeout(5_000) }).toBeLessThan(restLeft);
    await screenshotsAt(page, 'rest');

    await testid(page, 'control-next').click(); // "Skip rest"
    await expect.poll(() => screen(page).getAttribute('data-screen'), { timeout: untilTestTimeout(5_000) }).toBe('exercise');
    expect(await testid(page, 'exercise-side').textContent()).toBe('Right side');
    await testid(page, 'control-stop').click();
    await expect.poll(() => screen(page).getAttribute('data-screen'), { timeout: untilTestTimeout(5_000) }).toBe('summary');
    const rom = testid(page, 'summary-rom');
    expect(await rom.locator('[data-testid=rom-left]').textContent()).toMatch(/\d+°/);
    expect(await rom.locator('[data-testid=rom-asymmetry]').textContent()).toContain('once both sides are measured');
    await screenshotsAt(page, 'summary');
    await expectAccessible(page, 'summary');
    expect(await unreachableByTab(page), 'controls the Tab key never reaches').toEqual([]);
  }, 150_000); // two sets, a rest and a summary with accessibility checks: about 45 s on a busy run

  it('shows an instruction screen with "done", counts taps for a manual exercise, and remembers the mute switch', async () => {
    const { hub } = await hubWithoutSensor();
    const page = await openDashboard(hub.url);
    await testid(page, 'start-hip-click').click();
    await testid(page, 'instruction-done').waitFor({ timeout: untilTestTimeout(5_000) });
    expect(await testid(page, 'exercise-name').textContent()).toBe('Hip click');
    await screenshotsAt(page, 'exercise-instruction');
    await expectAccessible(page, 'instruction');
    await testid(page, 'instruction-done').click();
    await expect.poll(() => testid(page, 'exercise-side').textContent(), { timeout: untilTestTimeout(5_000) }).toBe('Right side');

    // The programme can be looked at mid-session and any exercise started from it.
    await testid(page, 'control-programme').click();
    await testid(page, 'start-step-across').click();
    const tap = testid(page, 'tap-count');
    await tap.waitFor({ timeout: untilTestTimeout(5_000) });
    for (let i = 0; i < 3; i++) await tap.click();
    await expect.poll(() => repCount(page), { timeout: untilTestTimeout(5_000) }).toBe(3);
    await screenshotsAt(page, 'exercise-manual');
    await expectAccessible(page, 'manual count');
    // The keyboard does what a tap does: Enter and Space on the focused button each count one.
    await tap.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => repCount(page), { timeout: untilTestTimeout(5_000) }).toBe(4);
    await page.keyboard.press('Space');
    await expect.poll(() => repCount(page), { timeout: untilTestTimeout(5_000) }).toBe(5);

    const mute = testid(page, 'mute');
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => testid(page, 'mute').getAttribute('aria-pressed'), { timeout: untilTestTimeout(5_000) }).toBe('true');
  }, 60_000);
});
