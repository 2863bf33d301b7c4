/**
 * bench/phone-start: from opening the sensor page on the phone to the first angle the hub sends for
 * it (issue 18's target: under 2 s on loopback). A real `swivel serve` on loopback with no other
 * sensor; headless Chromium plays the phone, its motion sensors overridden through the DevTools
 * protocol (a phone lying still on a shin) before the clock starts. Each run:
 *
 *   page.goto(/sensor) → Start is on screen → the Start tap → the first `angle` frame for the phone,
 *   seen by a separate viewer on /ws (as the dashboard sees it).
 *
 * Each run is a fresh browser context (nothing cached: a phone opening the link for the first time);
 * the shin is not chosen, as a phone that has been used before remembers it.
 *
 *   npm run bench:phone-start [-- --runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage, SensorsResponse } from '../hub/protocol/messages.ts';
import { STANDARD_GRAVITY } from '../hub/protocol/phone-motion.ts';
import { launchChromium } from '../test/support/browser.ts';
import { numberOption, serveHub, until } from './support/processes.ts';

const RUNS = numberOption('runs', 5);
const PHONE_ID = 'phone-local';
const SENSOR_TYPES = ['accelerometer', 'gyroscope', 'gravity', 'linear-acceleration'] as const;

interface Run {
  /** page.goto until Start is on screen, ms. */
  pageMs: number;
  /** page.goto until the first angle frame for the phone, ms. */
  firstAngleMs: number;
  /** page.goto until the first angle frame past `initialising` (an orientation to show), ms. */
  liveAngleMs: number;
}

/** A viewer of /ws, resolving at the phone's first angle frame and its first with an orientation. */
function watchPhoneAngles(origin: string): Promise<{ first: Promise<number>; live: Promise<number>; close: () => void }> {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { origin });
  let onFirst: (at: number) => void = () => {};
  let onLive: (at: number) => void = () => {};
  const first = new Promise<number>((resolve) => (onFirst = resolve));
  const live = new Promise<number>((resolve) => (onLive = resolve));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type !== 'angle' || message.sensorId !== PHONE_ID) return;
    const at = performance.now();
    onFirst(at);
    if (message.health !== 'initialising') onLive(at);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('message', () => resolve({ first, live, close: () => socket.close() })); // the hello: watching
  });
}

async function phoneConnected(origin: string): Promise<boolean> {
  const { sensors } = (await (await fetch(`${origin}/api/sensors`)).json()) as SensorsResponse;
  return sensors.some((s) => s.sensorId === PHONE_ID && s.state === 'connected');
}

const root = mkdtempSync(join(tmpdir(), 'swivel-phone-start-'));
const hub = await serveHub(['--sensor', 'sim', '--no-spawn-sim', '--radio', join(root, 'radio'), '--data', join(root, 'data')]);
const origin = `http://127.0.0.1:${hub.port}`;
const browser = await launchChromium();
const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    await until('the previous phone to be gone', async () => !(await phoneConnected(origin)));
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    // The phone lies still on a shin, screen facing out (gravity along the screen's y axis).
    for (const type of SENSOR_TYPES) await cdp.send('Emulation.setSensorOverrideEnabled', { enabled: true, type });
    await cdp.send('Emulation.setSensorOverrideReadings', { type: 'accelerometer', reading: { xyz: { x: 0, y: STANDARD_GRAVITY, z: 0 } } });
    await cdp.send('Emulation.setSensorOverrideReadings', { type: 'gravity', reading: { xyz: { x: 0, y: STANDARD_GRAVITY, z: 0 } } });
    for (const type of ['gyroscope', 'linear-acceleration'] as const) await cdp.send('Emulation.setSensorOverrideReadings', { type, reading: { xyz: { x: 0, y: 0, z: 0 } } });
    const viewer = await watchPhoneAngles(origin);

    const started = performance.now();
    await page.goto(`${origin}/sensor`);
    const start = page.locator('[data-testid=sensor-start]');
    await start.waitFor();
    const pageMs = performance.now() - started;
    await start.click();
    const first = await viewer.first;
    const live = await viewer.live;
    runs.push({ pageMs, firstAngleMs: first - started, liveAngleMs: live - started });
    console.log(`  run ${i + 1}: Start on screen ${pageMs.toFixed(0)} ms, first angle ${(first - started).toFixed(0)} ms, first angle with an orientation ${(live - started).toFixed(0)} ms`);
    viewer.close();
    await context.close();
  }
} finally {
  await browser.close();
  hub.child.kill('SIGINT');
  await hub.exited;
  rmSync(root, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
console.log(`Opening the sensor page to the first angle on /ws, loopback, median of ${RUNS} runs (min–max), load average ${loadavg()[0]!.toFixed(2)}:`);
for (const [label, key] of [
  ['page loaded, Start on screen', 'pageMs'],
  ['first angle frame', 'firstAngleMs'],
  ['first angle with an orientation', 'liveAngleMs'],
] as const) {
  const values = runs.map((run) => run[key]);
  console.log(`  ${label.padEnd(32)} ${median(values).toFixed(0)} ms  (${range(values)})`);
}
