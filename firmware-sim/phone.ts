/**
 * A simulated phone as the sensor: the same person and IMU model as the Swivel sensor (sensor.ts),
 * strapped the way docs/sensors.md tells a person to strap a phone, and read the way a browser reads
 * it: `devicemotion` events at about 60 Hz with the timing of a busy web page and Chrome's rounding.
 * The browser end-to-end test drives Chromium's sensor override with these readings; the bench runs
 * them through the phone path beside the BLE path.
 */
import { roundLikeChrome, sampleToReading, type DeviceMotionReading, type MotionQuirks } from '../hub/protocol/phone-motion.ts';
import { PLACEMENTS } from './imu.ts';
import { rotate } from './math3d.ts';
import type { Random } from './random.ts';
import type { SensorModel } from './sensor.ts';

/**
 * The placement (imu.ts PLACEMENTS) of a phone in an armband on the front of the shin, screen facing
 * out, top of the phone towards the knee: phone y (up the screen) is up the shin, phone z (out of the
 * screen) is the shin's front, phone x is the shin frame's y.
 */
export const PHONE_ON_SHIN_PLACEMENT: number = (() => {
  const close = (a: number[], b: number[]) => a.every((value, i) => Math.abs(value - b[i]!) < 1e-9);
  const index = PLACEMENTS.findIndex((q) => close(rotate(q, [1, 0, 0]), [0, 1, 0]) && close(rotate(q, [0, 1, 0]), [-1, 0, 0]));
  if (index < 0) throw new Error('no placement has the phone\'s axes');
  return index;
})();

/** How a browser times `devicemotion` (defaults: Chrome on a mid-range Android phone). */
export interface BrowserTiming {
  /** The rate the browser polls the motion sensors at. */
  rateHz: number;
  /** Each event is dispatched this much after its reading, uniformly up to, ms. */
  dispatchJitterMs: number;
  /** Chance that the page's main thread stalls after an event (layout, garbage collection). */
  stallChance: number;
  /** A stall lasts this long, ms (uniform); events polled meanwhile are never fired. */
  stallMs: readonly [number, number];
}

export const BROWSER_TIMING: BrowserTiming = { rateHz: 60, dispatchJitterMs: 4, stallChance: 0.01, stallMs: [30, 120] };

/**
 * The `devicemotion` events a browser fires for a simulated phone over `seconds`: readings at the
 * browser's poll times, rounded as Chrome rounds them, with the dispatch jitter and the stalls of a
 * busy page. `trueTime` is when the reading was taken (for the truth), `timeStamp` what the page sees.
 */
export function browserMotionEvents(model: SensorModel, seconds: number, quirks: MotionQuirks, random: Random, timing: BrowserTiming = BROWSER_TIMING): { reading: DeviceMotionReading; trueTime: number }[] {
  const events: { reading: DeviceMotionReading; trueTime: number }[] = [];
  const count = Math.floor(seconds * timing.rateHz);
  let stalledUntilMs = -Infinity;
  for (let k = 0; k < count; k++) {
    // Sampled in order even when the event is not fired: the IMU model's bias drift is a random walk.
    const { trueTime, reading } = model.sample(k, timing.rateHz);
    const polledMs = trueTime * 1000;
    if (polledMs < stalledUntilMs) continue;
    const timeStamp = polledMs + random.uniform(0, timing.dispatchJitterMs);
    const sample = [reading.ax, reading.ay, reading.az, reading.gx, reading.gy, reading.gz];
    events.push({ reading: roundLikeChrome(sampleToReading(sample, timeStamp, quirks)), trueTime });
    if (random.uniform(0, 1) < timing.stallChance) stalledUntilMs = timeStamp + random.uniform(timing.stallMs[0], timing.stallMs[1]);
  }
  return events;
}
