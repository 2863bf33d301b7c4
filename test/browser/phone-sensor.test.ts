/**
 * The phone as the sensor, as a person uses it: headless Chromium plays the phone. Its motion
 * sensors are overridden through the DevTools protocol (Emulation.setSensorOverrideReadings), so the
 * sensor page gets real `devicemotion` events, driven at about 60 Hz from firmware-sim's person model
 * with a phone strapped to the shin (firmware-sim/phone.ts). The page streams to a real hub; the
 * dashboard, in another page, counts the set; the simulator's truth says what it should count.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../hub/main.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { Programme } from '../../hub/protocol/programme.ts';
import type { RecordedSessionDetail, SessionListResponse } from '../../hub/protocol/recordings.ts';
import { STANDARD_GRAVITY } from '../../hub/protocol/phone-motion.ts';
import { PHONE_ON_SHIN_PLACEMENT } from '../../firmware-sim/phone.ts';
import { SensorModel, type SimulatedSample } from '../../firmware-sim/sensor.ts';
import type { TruthRep } from '../../firmware-sim/person/person.ts';
import { browserSuite, screenshotsAt, smallTargets, testid } from '../support/browser.ts';
import { expectAccessible } from './axe.ts';
import { lanAddress } from '../support/lan-address.ts';
import { untilTestTimeout, waitFor } from '../support/wait.ts';

const suite = browserSuite();
const PHONE_VIEWPORT = { width: 390, height: 844 };
const RATE_HZ = 60;
/**
 * The person moves at twice real speed (1 s lifts, holds of 1.5–2.5 s): the set takes half as long,
 * and it is still a set a person could do. The phone's clock is the page's own, in real time.
 */
const SPEED = 2;
const SENSOR_TYPES = ['accelerometer', 'gyroscope', 'gravity', 'linear-acceleration'] as const;

/** One exercise, one side: a set of seated inward rotation lifts on the left, counted by the phone. */
async function oneSetProgramme(): Promise<Programme> {
  const shipped = await loadDefaultProgramme();
  const lifts = shipped.exercises.find((e) => e.id === 'seated-hip-ir')!;
  return { ...shipped, exercises: [{ ...lifts, sides: ['left'], sets: 1 }] };
}

/**
 * A simulated phone on a simulated shin, playing into Chromium's sensor override. The person's
 * clock stands at 0 (the start posture, still) until `begin()`, runs at SPEED after it, and can
 * be stopped at a moment of the truth (`holdAt`), after which the phone lies still where the person is.
 */
class SimulatedPhone {
  readonly model = new SensorModel({ exercise: 'seated-hip-ir', seed: 18, side: 'left', settleSeconds: 1.5, mounting: PHONE_ON_SHIN_PLACEMENT, clock: false });
  private next = 0;
  private latest: SimulatedSample = this.model.sample(this.next++, RATE_HZ);
  private beganAt: number | null = null;
  private heldAt: number | null = null;
  private running = true;
  private loop: Promise<void> | null = null;

  constructor(private readonly cdp: CDPSession) {}

  /** Every full rep the person will do in the first `seconds` of their timeline (the truth, ahead). */
  plannedReps(seconds: number): TruthRep[] {
    return this.model.person!.reps(seconds).filter((rep) => rep.kind === 'rep' && !rep.partial);
  }

  /** The person's time now, seconds. */
  now(): number {
    if (this.beganAt === null) return 0;
    const running = (SPEED * (performance.now() - this.beganAt)) / 1000;
    return this.heldAt === null ? running : Math.min(running, this.heldAt);
  }

  async start(): Promise<void> {
    for (const type of SENSOR_TYPES) await this.cdp.send('Emulation.setSensorOverrideEnabled', { enabled: true, type });
    // Chromium fires devicemotion only once every sensor has a reading; the page reads these two.
    await this.cdp.send('Emulation.setSensorOverrideReadings', { type: 'gravity', reading: { xyz: { x: 0, y: 0, z: 0 } } });
    await this.cdp.send('Emulation.setSensorOverrideReadings', { type: 'linear-acceleration', reading: { xyz: { x: 0, y: 0, z: 0 } } });
    await this.push();
    this.loop = (async () => {
      while (this.running) {
        await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_HZ)); // the pace of a 60 Hz sensor, not a wait for a state
        const due = Math.floor(this.now() * RATE_HZ);
        while (this.next <= due) this.latest = this.model.sample(this.next++, RATE_HZ);
        await this.push().catch(() => undefined); // the page may be closing
      }
    })();
  }

  begin(): void {
    this.beganAt = performance.now();
  }

  /** The person stops at this time of their timeline and stays still there. */
  holdAt(seconds: number): void {
    this.heldAt = seconds;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async push(): Promise<void> {
    const { ax, ay, az, gx, gy, gz } = this.latest.reading;
    // The person's rates are per second of their own clock, which runs SPEED times faster than the
    // page's. (The small lever-arm acceleration is left as it is: gravity dominates the accelerometer.)
    const toRad = (SPEED * Math.PI) / 180;
    await this.cdp.send('Emulation.setSensorOverrideReadings', { type: 'accelerometer', reading: { xyz: { x: ax * STANDARD_GRAVITY, y: ay * STANDARD_GRAVITY, z: az * STANDARD_GRAVITY } } });
    await this.cdp.send('Emulation.setSensorOverrideReadings', { type: 'gyroscope', reading: { xyz: { x: gx * toRad, y: gy * toRad, z: gz * toRad } } });
  }
}

async function hubWithPhoneProgramme(host: string, options: { https?: boolean } = {}): Promise<RunningHub> {
  const hub = await startHub({
    port: 0,
    host,
    sensor: 'sim',
    spawnSimulator: false,
    radioDir: await suite.tempDir('swivel-radio-'),
    dataDir: await suite.tempDir('swivel-data-'),
    webRoot: suite.webRoot,
    programme: await oneSetProgramme(),
    log: () => {},
    ...(options.https ? { https: true } : {}),
  });
  suite.closeAfter(() => hub.close());
  return hub;
}

/**
 * The sensor page as a person looks at it on the phone: no serious axe violation (at the phone's
 * size; the page is always dark), every button a thumb can hit, and a screenshot to look at.
 */
async function checkSensorScreen(page: Page, state: string, options: { when?: string } = {}): Promise<void> {
  await expectAccessible(page, `sensor page (${state})`, { ...options, sizes: [PHONE_VIEWPORT], themes: ['dark'] });
  expect(await smallTargets(page), `buttons under 48 px on the sensor page (${state})`).toEqual([]);
  await screenshotsAt(page, `sensor-${state}`, [PHONE_VIEWPORT]);
}

/**
 * The phone page, streaming from the left shin: the person taps Left shin, then Start
 * (`beforeStart` runs once the shin is chosen).
 */
async function openPhone(hub: RunningHub, beforeStart?: (page: Page) => Promise<void>): Promise<{ page: Page; phone: SimulatedPhone }> {
  const page = await suite.newPage({ viewport: PHONE_VIEWPORT });
  await page.goto(`${hub.url}sensor`);
  const phone = new SimulatedPhone(await page.context().newCDPSession(page));
  await phone.start();
  suite.closeAfter(() => phone.stop());
  await testid(page, 'shin-left').click();
  await beforeStart?.(page);
  await testid(page, 'sensor-start').click();
  await page.locator('[data-testid=sensor-status][data-phase=streaming]').waitFor({ timeout: untilTestTimeout(10_000) });
  return { page, phone };
}

/** The dashboard with the phone as its sensor, the set started and its start posture taken. */
async function startSet(hub: RunningHub, phone: SimulatedPhone): Promise<Page> {
  const desk = await suite.newPage();
  await desk.goto(hub.url);
  await desk.locator('[data-testid=link-state][data-state=connected]').waitFor({ timeout: untilTestTimeout(10_000) });
  await testid(desk, 'start-seated-hip-ir').click();
  await waitFor('the set to be active (start posture taken from the phone)', () => hub.session.view.status === 'active');
  phone.begin();
  return desk;
}

const repCount = async (desk: Page) => Number(await testid(desk, 'rep-count').textContent());

describe('a phone as the sensor, end to end', () => {
  it('counts a set from a simulated phone exactly: sensor page → hub → dashboard', { timeout: 120_000 }, async () => {
    const hub = await hubWithPhoneProgramme('127.0.0.1');
    const { page, phone } = await openPhone(hub, (idle) => checkSensorScreen(idle, 'idle'));
    expect(await testid(page, 'sensor-shin').textContent()).toContain('left shin');
    await expect.poll(async () => (await testid(page, 'sensor-rate').textContent()) ?? '', { timeout: untilTestTimeout(5_000) }).toMatch(/^(5\d|6\d) samples a second$/);
    await checkSensorScreen(page, 'streaming', { when: '[data-testid=sensor-status][data-phase=streaming]' });

    const desk = await startSet(hub, phone);
    // The phone in the sensor panel like any sensor: its name, its shin, its rate.
    const phoneSensor = hub.hub.snapshot().find((s) => s.sensorId === 'phone-local')!;
    expect(phoneSensor).toMatchObject({ state: 'connected', shin: 'left', info: { name: 'Phone', model: 'phone' } });
    expect(phoneSensor.stats.rateHz).toBeGreaterThanOrEqual(50);

    const truth = phone.plannedReps(120).slice(0, 3);
    expect(truth).toHaveLength(3);
    // The person does three reps and rests; then the phone lies still on the resting shin.
    phone.holdAt(truth[2]!.end + 2);
    await waitFor('the person to finish three reps', () => phone.now() >= truth[2]!.end + 2);
    await waitFor(
      () => `the hub to decide every rep (reps ${hub.session.view.current?.reps}, pending ${hub.session.view.current?.pendingReps})`,
      () => hub.session.view.current?.pendingReps === 0 && hub.session.view.current.reps >= truth.length,
    );
    await expect.poll(() => repCount(desk), { timeout: untilTestTimeout(5_000) }).toBe(truth.length);
    expect(hub.session.view.current?.reps).toBe(truth.length);
    expect(hub.session.view.current?.gapSeconds).toBe(0);
    // The recorder keeps the phone's samples as it keeps a Swivel sensor's.
    hub.recorder!.flush();
    const list = (await (await fetch(`${hub.url}api/sessions`)).json()) as SessionListResponse;
    const detail = (await (await fetch(`${hub.url}api/sessions/${list.sessions[0]!.id}`)).json()) as RecordedSessionDetail;
    expect(detail.sensors.find((s) => s.sensorId === 'phone-local')?.samples).toBeGreaterThan(RATE_HZ * 10);
  });

  it('shows a gap while the phone page stops sending mid-set, counts no rep from it, and counts again when it is back', { timeout: 150_000 }, async () => {
    const hub = await hubWithPhoneProgramme('127.0.0.1');
    const { page, phone } = await openPhone(hub);
    const desk = await startSet(hub, phone);
    const truth = phone.plannedReps(150).slice(0, 4);
    // The page stops from just after the first rep to just after the second: the second rep is done
    // entirely while the phone sends nothing.
    const stopsAt = truth[0]!.end + 0.4;
    const backAt = truth[1]!.end + 0.4;
    expect(backAt).toBeLessThan(truth[2]!.start);
    await waitFor('the first rep to be done', () => phone.now() >= stopsAt);
    // A page whose main thread is busy (or frozen in the background) fires no devicemotion events and
    // sends nothing; the events it missed never come (Chromium skips them).
    const stalled = page.evaluate((ms) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // busy: the page can do nothing else
      }
    }, ((backAt - stopsAt) * 1000) / SPEED);
    // The dashboard says the sensor is gone, and that counting resumes when it is back.
    await testid(desk, 'waiting-sensor').waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await testid(desk, 'waiting-link').textContent()).toMatch(/lost/);
    await stalled;
    await testid(desk, 'waiting-sensor').waitFor({ state: 'detached', timeout: untilTestTimeout(10_000) });
    await testid(desk, 'set-gap').waitFor({ timeout: untilTestTimeout(5_000) });

    phone.holdAt(truth[3]!.end + 2);
    await waitFor('the person to finish four reps', () => phone.now() >= truth[3]!.end + 2);
    const counted = truth.length - 1; // the second rep was done in the gap
    await waitFor(
      () => `the hub to decide every rep (reps ${hub.session.view.current?.reps}, pending ${hub.session.view.current?.pendingReps})`,
      () => hub.session.view.current?.pendingReps === 0 && hub.session.view.current.reps >= counted,
    );
    await expect.poll(() => repCount(desk), { timeout: untilTestTimeout(5_000) }).toBe(counted);
    expect(hub.session.view.current?.reps).toBe(counted);
    expect(hub.session.view.current?.gapSeconds).toBeGreaterThan(1);
  });

  it('refuses a phone on the network that is not paired as a coach, and says so on the phone', { timeout: 60_000 }, async () => {
    const hub = await hubWithPhoneProgramme('0.0.0.0', { https: true });
    const context = await suite.browser.newContext({ viewport: PHONE_VIEWPORT, ignoreHTTPSErrors: true });
    suite.closeAfter(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const origin = `https://${lanAddress()}:${hub.port}`;
    // Not paired: the sensor page is not even served; the phone lands on the pairing page.
    await page.goto(`${origin}/sensor`);
    expect(new URL(page.url()).pathname).toBe('/pair');
    // Paired as a viewer: the page loads, but the hub takes no samples from it, and the page says why.
    const { code } = hub.access.codes.issue('viewer');
    await page.fill('#code', code);
    await page.fill('#name', 'Watching phone');
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/`);
    await page.goto(`${origin}/sensor`);
    const phone = new SimulatedPhone(await context.newCDPSession(page));
    await phone.start();
    suite.closeAfter(() => phone.stop());
    await testid(page, 'sensor-start').click();
    const problem = testid(page, 'sensor-problem');
    await problem.waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await problem.getAttribute('data-problem')).toBe('refused');
    expect(await problem.textContent()).toMatch(/refused this phone: .*paired as a viewer/);
    expect(hub.hub.snapshot().some((s) => s.sensorId.startsWith('phone'))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('invites a phone from the hub machine\'s dashboard with a QR code: the phone pairs, lands on the sensor page and streams', { timeout: 60_000 }, async () => {
    const hub = await hubWithPhoneProgramme('0.0.0.0', { https: true });
    const contexts = await Promise.all([PHONE_VIEWPORT, { width: 1280, height: 800 }].map((viewport) => suite.browser.newContext({ viewport, ignoreHTTPSErrors: true })));
    for (const context of contexts) suite.closeAfter(() => context.close());
    const [phoneContext, deskContext] = contexts as [BrowserContext, BrowserContext];
    const desk = await deskContext.newPage();
    await desk.goto(`https://127.0.0.1:${hub.port}/`);
    await testid(desk, 'phone-invite-open').click();
    await testid(desk, 'phone-invite-qr').waitFor();
    expect(await testid(desk, 'phone-invite-qr').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const link = (await testid(desk, 'phone-invite-link').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^https://[\\d.]+:${hub.port}/pair\\?code=[A-Z2-9-]+&next=sensor$`));

    const page = await phoneContext.newPage();
    await page.goto(link);
    await page.fill('#name', 'Shin phone');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/sensor$/);
    const phone = new SimulatedPhone(await phoneContext.newCDPSession(page));
    await phone.start();
    suite.closeAfter(() => phone.stop());
    await testid(page, 'shin-right').click();
    await testid(page, 'sensor-start').click();
    await page.locator('[data-testid=sensor-status][data-phase=streaming]').waitFor({ timeout: untilTestTimeout(10_000) });
    await desk.locator('[data-testid=link-state][data-state=connected]').waitFor({ timeout: untilTestTimeout(10_000) });
    const pairing = hub.access.pairings.list().find((p) => p.name === 'Shin phone')!;
    expect(pairing.role).toBe('coach');
    expect(hub.hub.snapshot().find((s) => s.sensorId === `phone-${pairing.id}`)).toMatchObject({ state: 'connected', shin: 'right' });
  });

  it('says plainly that motion access was refused when the browser blocks the motion sensors for the hub', { timeout: 60_000 }, async () => {
    const hub = await hubWithPhoneProgramme('127.0.0.1');
    const page = await suite.newPage({ viewport: PHONE_VIEWPORT });
    const cdp = await page.context().newCDPSession(page);
    // The person (or the phone's owner, long ago) set Motion sensors to Block for this site: Chromium's
    // own permission, set as its site settings would. Chromium then answers the page's
    // DeviceMotionEvent.requestPermission() with 'denied', as Safari does when the person taps Don't Allow.
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    const browserCdp = await suite.browser.newBrowserCDPSession();
    suite.closeAfter(() => browserCdp.detach());
    for (const name of ['accelerometer', 'gyroscope']) {
      await browserCdp.send('Browser.setPermission', { permission: { name }, setting: 'denied', origin: new URL(hub.url).origin, browserContextId: targetInfo.browserContextId });
    }
    await page.goto(`${hub.url}sensor`);
    // The sensors are there and would read: only the permission stands in the way.
    const phone = new SimulatedPhone(cdp);
    await phone.start();
    suite.closeAfter(() => phone.stop());
    await testid(page, 'shin-right').click();
    await testid(page, 'sensor-start').click();
    const problem = testid(page, 'sensor-problem');
    await problem.waitFor({ timeout: untilTestTimeout(10_000) });
    expect(await problem.getAttribute('data-problem')).toBe('denied');
    expect(await problem.textContent()).toMatch(/^Motion access was refused\. On Android, allow Motion sensors in the site settings/);
    // Start stays on screen, to try again once the person has allowed it.
    expect(await testid(page, 'sensor-start').isVisible()).toBe(true);
    expect(hub.hub.snapshot().some((s) => s.sensorId.startsWith('phone'))).toBe(false);
    await checkSensorScreen(page, 'refused', { when: '[data-testid=sensor-problem]' });
  });

  it('says in plain sentences why a page that is not secure gets no motion data', { timeout: 60_000 }, async () => {
    const hub = await hubWithPhoneProgramme('0.0.0.0');
    const context = await suite.browser.newContext({ viewport: PHONE_VIEWPORT });
    suite.closeAfter(() => context.close());
    const page = await context.newPage();
    const { code } = hub.access.codes.issue('coach');
    await page.goto(`http://${lanAddress()}:${hub.port}/pair?code=${code}`);
    await page.fill('#name', 'Shin phone');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/$/);
    await page.goto(`http://${lanAddress()}:${hub.port}/sensor`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await testid(page, 'sensor-start').click();
    const problem = testid(page, 'sensor-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-problem')).toBe('insecure');
    expect(await problem.textContent()).toMatch(/not secure.*https:\/\/.*certificate/);
  });
});
