/**
 * A phone as the sensor: the browser's `devicemotion` readings turned into Swivel's sample units, in
 * one place. The sensor page runs this on the phone; the hub, the bench and the tests use it too, so
 * every browser difference is handled (and tested) here and nowhere else.
 *
 * Phone axes (the W3C device frame, docs/sensors.md): x to the right of the screen, y up the screen
 * (towards the top edge in portrait), z out of the screen towards the person looking at it. They are
 * right-handed, as the sensor's own axes are; Swivel learns the shin's axes from the start posture
 * whatever the mounting (docs/fusion.md), so the phone's axes are taken as the sensor's unchanged and
 * a phone in any armband orientation works.
 *
 * What the browsers deliver, and what becomes of it:
 * - `accelerationIncludingGravity`, m/s²: the spec (and Chrome, Firefox, Samsung Internet on Android)
 *   report specific force, like an accelerometer: +9.81 on z for a phone lying face up. Safari on iOS
 *   and iPadOS reports the opposite sign on all three axes (−9.81 face up). Divided by standard
 *   gravity it becomes g, the unit of the sensor's accelerometer, with +1 g up at rest.
 * - `rotationRate`, deg/s: every shipping engine names the axes alpha = about x, beta = about y,
 *   gamma = about z (w3c/deviceorientation#44; the spec was changed to say so, though older
 *   documentation, MDN's among it, still says alpha is about z). Chromium 156 driven by the DevTools
 *   sensor override confirms it (test/protocol/phone-motion.test.ts has that reading as a fixture).
 *   Chrome before 66 and old Firefox reported rad/s; no browser that does still runs the page (it
 *   needs ES2022), so deg/s is taken as it comes.
 * - Chrome rounds both (0.1 m/s², 0.1 deg/s) against fingerprinting: 0.01 g steps, which the fusion's
 *   averaging smooths; the bench (bench/phone.ts) includes that rounding.
 * - `timeStamp`, ms on the page's clock (performance.now's), and `interval`, the declared ms between
 *   events (16 in Chrome, about 16.7 in Safari). The timestamps, not the interval, time the samples.
 */
/** m/s² per g (the accelerometer's unit). */
export const STANDARD_GRAVITY = 9.80665;

/** The part of a `DeviceMotionEvent` Swivel reads; the real event is one, and so is a test fixture. */
export interface DeviceMotionReading {
  /** ms, the page's clock (`event.timeStamp`). */
  timeStamp: number;
  accelerationIncludingGravity: { x: number | null; y: number | null; z: number | null } | null;
  rotationRate: { alpha: number | null; beta: number | null; gamma: number | null } | null;
}

/** How one browser's readings differ from the spec. */
export interface MotionQuirks {
  /** Which engine, for the sensor's name and the log. */
  browser: 'safari-ios' | 'standard';
  /** −1 where acceleration including gravity points the other way (Safari on iOS). */
  accelerationSign: 1 | -1;
}

export const STANDARD_QUIRKS: MotionQuirks = { browser: 'standard', accelerationSign: 1 };
export const SAFARI_IOS_QUIRKS: MotionQuirks = { browser: 'safari-ios', accelerationSign: -1 };

/**
 * The quirks of the browser the page runs in. Every browser on iOS and iPadOS is WebKit, whatever its
 * name; iPadOS asks for the desktop site, so it says "Macintosh" and is told apart by its touch points.
 */
export function motionQuirks(userAgent: string, maxTouchPoints: number): MotionQuirks {
  const apple = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  return apple ? SAFARI_IOS_QUIRKS : STANDARD_QUIRKS;
}

/** Why a reading cannot be used: the browser has no accelerometer or no gyroscope to give. */
export type ReadingProblem = 'no-acceleration' | 'no-rotation-rate';

/**
 * One reading as a sample: ax, ay, az (g) and gx, gy, gz (deg/s) on the sensor axes, written at
 * `offset` of `out` (six values, as in SampleBatch.imu). A reading without both parts is refused, with
 * the part that is missing: a phone without a gyroscope cannot be the sensor.
 */
export function readingToSample(reading: DeviceMotionReading, quirks: MotionQuirks, out: Float64Array | number[], offset = 0): ReadingProblem | null {
  const a = reading.accelerationIncludingGravity;
  const r = reading.rotationRate;
  if (a === null || a.x === null || a.y === null || a.z === null) return 'no-acceleration';
  if (r === null || r.alpha === null || r.beta === null || r.gamma === null) return 'no-rotation-rate';
  const toG = quirks.accelerationSign / STANDARD_GRAVITY;
  out[offset] = a.x * toG;
  out[offset + 1] = a.y * toG;
  out[offset + 2] = a.z * toG;
  out[offset + 3] = r.alpha;
  out[offset + 4] = r.beta;
  out[offset + 5] = r.gamma;
  return null;
}

/**
 * The inverse, for simulators and tests: the reading a browser with these quirks gives for a sample
 * (g and deg/s on the sensor axes) taken at `timeStamp`.
 */
export function sampleToReading(sample: ArrayLike<number>, timeStamp: number, quirks: MotionQuirks, offset = 0): DeviceMotionReading {
  const toMs2 = quirks.accelerationSign * STANDARD_GRAVITY;
  return {
    timeStamp,
    accelerationIncludingGravity: { x: sample[offset]! * toMs2, y: sample[offset + 1]! * toMs2, z: sample[offset + 2]! * toMs2 },
    rotationRate: { alpha: sample[offset + 3]!, beta: sample[offset + 4]!, gamma: sample[offset + 5]! },
  };
}

/** Chrome's rounding of motion readings (m/s², deg/s), which a simulated phone reproduces. */
export const CHROME_ROUNDING = { accelerationMs2: 0.1, rotationDps: 0.1 };

/** A reading rounded as Chrome rounds them. */
export function roundLikeChrome(reading: DeviceMotionReading): DeviceMotionReading {
  const a = reading.accelerationIncludingGravity!;
  const r = reading.rotationRate!;
  const round = (value: number | null, step: number) => (value === null ? null : Math.round(value / step) * step);
  const { accelerationMs2: ms2, rotationDps: dps } = CHROME_ROUNDING;
  return {
    timeStamp: reading.timeStamp,
    accelerationIncludingGravity: { x: round(a.x, ms2), y: round(a.y, ms2), z: round(a.z, ms2) },
    rotationRate: { alpha: round(r.alpha, dps), beta: round(r.beta, dps), gamma: round(r.gamma, dps) },
  };
}
