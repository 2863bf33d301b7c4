/**
 * Pairing a tablet, in real headless Chromium against a real hub listening on every interface: the
 * hub machine's dashboard (loopback) makes a code with a QR code; a "tablet" (a second browser
 * context reaching the hub at this machine's LAN address, so not loopback) lands on the pairing
 * page, enters the code, and gets the dashboard; a revoke from the hub machine shuts it out again.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, screenshotsAt, settle, testid } from '../support/browser.ts';
import { expectAccessible } from './axe.ts';
import { startHub } from '../../hub/main.ts';
import { waitFor } from '../support/wait.ts';
import { lanAddress } from '../support/lan-address.ts';

const suite = browserSuite();

/** Every control on screen that would change the session, the sensor or the pairings (its data-testid). */
async function steeringButtons(page: Page): Promise<string[]> {
  await settle(page);
  const steering = page.locator(
    [
      '[data-testid^=start-]',
      '[data-testid^=control-]:not([data-testid=control-programme])',
      '[data-testid^=sensor-shin-]',
      '[data-testid=sensor-connect]',
      '[data-testid=sensor-disconnect]',
      '[data-testid=instruction-done]',
      '[data-testid=tap-count]',
      '[data-testid=posture-recalibrate]',
      '[data-testid=open-pairing]',
    ].join(', '),
  );
  return Promise.all((await steering.all()).map(async (button) => (await button.getAttribute('data-testid'))!));
}


describe('pairing a tablet', () => {
  it('the hub machine shows a code and QR code; the tablet pairs with it and opens the dashboard; a revoke shuts it out', { timeout: 60_000 }, async () => {
    const lan = lanAddress();
    const hub = await startHub({ port: 0, host: '0.0.0.0', sensor: 'sim', spawnSimulator: false, radioDir: await suite.tempDir('swivel-radio-'), webRoot: suite.webRoot, dataDir: await suite.tempDir('swivel-data-'), log: () => {} });
    suite.closeAfter(() => hub.close());
    expect(hub.pairing?.links).toContain(`http://${lan}:${hub.port}/pair?code=${hub.pairing?.code}`);

    const desk = await suite.newPage();
    await desk.goto(hub.url);
    await testid(desk, 'open-pairing').click();
    await testid(desk, 'pair-viewer').click();
    await testid(desk, 'pairing-qr').waitFor();
    // The QR code is an image the page's policy allows (data:), and it loaded.
    expect(await testid(desk, 'pairing-qr').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const code = (await testid(desk, 'pairing-code').locator('.big').textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await expectAccessible(desk, 'pairing panel', { when: '[data-testid=pairing-qr]' });

    const tabletContext = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    suite.closeAfter(() => tabletContext.close());
    const tablet = await tabletContext.newPage();
    await tablet.goto(`http://${lan}:${hub.port}/`);
    expect(new URL(tablet.url()).pathname).toBe('/pair');
    await tablet.fill('#code', code.toLowerCase());
    await tablet.fill('#name', 'Physio laptop');
    await tablet.click('button[type=submit]');
    await testid(tablet, 'hub-status').waitFor();
    await waitFor('the tablet to be live', async () => (await testid(tablet, 'hub-status').getAttribute('data-live')) === 'yes');
    // A viewer: the header says it watches only, and nothing that steers is offered (the hub would refuse it).
    expect((await testid(tablet, 'watch-only').textContent())!.trim()).toBe('View only \u2014 paired as a viewer');
    await testid(tablet, 'exercise-rom-seated').waitFor();
    expect(await steeringButtons(tablet)).toEqual([]);
    expect(await testid(desk, 'watch-only').count()).toBe(0);

    // A coach-paired tablet gets every control, and they work.
    await testid(desk, 'pair-coach').click();
    await desk.getByText('For one coach device', { exact: false }).waitFor();
    const coachCode = (await testid(desk, 'pairing-code').locator('.big').textContent())!.trim();
    const coachContext = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
    suite.closeAfter(() => coachContext.close());
    const coach = await coachContext.newPage();
    await coach.goto(`http://${lan}:${hub.port}/pair?code=${coachCode}`);
    await coach.fill('#name', 'Coach tablet');
    await coach.click('button[type=submit]');
    await testid(coach, 'start-programme').waitFor();
    expect(await testid(coach, 'watch-only').count()).toBe(0);
    expect(await steeringButtons(coach)).toEqual(expect.arrayContaining(['start-programme', 'start-rom-prone', 'sensor-shin-left', 'sensor-disconnect']));
    await testid(coach, 'start-programme').click();
    await waitFor('the coach tablet on the exercise', async () => (await testid(coach, 'screen').getAttribute('data-screen')) === 'exercise');
    expect(await steeringButtons(coach)).toEqual(expect.arrayContaining(['control-next', 'control-stop']));

    // The viewer follows the session the coach started, with the way to the programme but nothing to steer.
    await waitFor('the viewer on the exercise', async () => (await testid(tablet, 'screen').getAttribute('data-screen')) === 'exercise');
    await testid(tablet, 'control-programme').waitFor();
    expect(await steeringButtons(tablet)).toEqual([]);
    await screenshotsAt(tablet, 'viewer-exercise');
    await expectAccessible(tablet, 'viewer on the exercise screen');

    await testid(desk, 'open-pairing').click();
    await testid(desk, 'open-pairing').click();
    await desk.locator('[data-testid=pairing-item]', { hasText: 'Physio laptop' }).waitFor();
    await desk.getByRole('button', { name: 'Revoke Physio laptop' }).click();
    await waitFor('the tablet to be shut out', async () => /revoked/.test((await testid(tablet, 'hub-error').textContent().catch(() => '')) ?? ''));
    await settle(desk);
    expect(await desk.locator('[data-testid=pairing-item]', { hasText: 'Physio laptop' }).count()).toBe(0);
  });
});
