import { describe, expect, it } from 'vitest';
import {
  SAFARI_IOS_QUIRKS,
  STANDARD_GRAVITY,
  STANDARD_QUIRKS,
  motionQuirks,
  readingToSample,
  roundLikeChrome,
  sampleToReading,
  type DeviceMotionReading,
} from '../../hub/protocol/phone-motion.ts';

const reading = (a: [number, number, number] | null, r: [number, number, number] | null, timeStamp = 0): DeviceMotionReading => ({
  timeStamp,
  accelerationIncludingGravity: a && { x: a[0], y: a[1], z: a[2] },
  rotationRate: r && { alpha: r[0], beta: r[1], gamma: r[2] },
});

const sampleOf = (r: DeviceMotionReading, quirks = STANDARD_QUIRKS) => {
  const out = new Float64Array(6);
  expect(readingToSample(r, quirks, out)).toBeNull();
  return [...out];
};

describe('a devicemotion reading as a sample (g, deg/s, sensor axes)', () => {
  it('takes Chromium\'s reading as it gave it under the DevTools sensor override (alpha is about x)', () => {
    // Captured from Chromium 156 headless: accelerometer override {1, 2, 9.8} m/s², gyroscope
    // override {0.1, 0.2, 0.3} rad/s gave this event (rotation rate in deg/s, rounded to 0.1).
    const chromium = reading([1, 2, 9.8], [5.7, 11.5, 17.200000000000003]);
    const sample = sampleOf(chromium);
    expect(sample[0]).toBeCloseTo(1 / STANDARD_GRAVITY, 12);
    expect(sample[1]).toBeCloseTo(2 / STANDARD_GRAVITY, 12);
    expect(sample[2]).toBeCloseTo(9.8 / STANDARD_GRAVITY, 12);
    // 0.1 rad/s about x is 5.73 deg/s: alpha. If alpha were about z, gz would read 5.7.
    expect(sample.slice(3)).toEqual([5.7, 11.5, 17.200000000000003]);
  });

  it('reads +1 g up on z for a phone lying face up, in Chrome on Android and in Safari on iOS alike', () => {
    expect(sampleOf(reading([0, 0, 9.80665], [0, 0, 0]), STANDARD_QUIRKS)).toEqual([0, 0, 1, 0, 0, 0]);
    // Safari reports the gravity vector itself: −9.81 on z face up.
    expect(sampleOf(reading([0, 0, -9.80665], [0, 0, 0]), SAFARI_IOS_QUIRKS).map((v) => v + 0)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('reads +1 g on y for a phone held upright (portrait), and +1 g on x lying on its left edge', () => {
    expect(sampleOf(reading([0, 9.80665, 0], [0, 0, 0]))[1]).toBe(1);
    expect(sampleOf(reading([0, -9.80665, 0], [0, 0, 0]), SAFARI_IOS_QUIRKS)[1]).toBe(1);
    expect(sampleOf(reading([9.80665, 0, 0], [0, 0, 0]))[0]).toBe(1);
  });

  it('keeps rotation rates right-handed on the phone axes: turning the screen anticlockwise (seen from the front) is +z', () => {
    // A turn about z: the person sees the phone turn anticlockwise; spec browsers report gamma > 0.
    const sample = sampleOf(reading([0, 0, 9.80665], [0, 0, 90]));
    expect(sample[5]).toBe(90);
    expect(sample[3]).toBe(0);
    // Safari's sign difference is only in acceleration: its rotation rates are used as they are.
    expect(sampleOf(reading([0, 0, -9.80665], [10, -20, 30]), SAFARI_IOS_QUIRKS).slice(3)).toEqual([10, -20, 30]);
  });

  it('refuses a reading without acceleration or without rotation rate (a phone with no gyroscope), saying which', () => {
    const out = new Float64Array(6);
    expect(readingToSample(reading(null, [0, 0, 0]), STANDARD_QUIRKS, out)).toBe('no-acceleration');
    expect(readingToSample(reading([0, 0, 9.8], null), STANDARD_QUIRKS, out)).toBe('no-rotation-rate');
    expect(readingToSample({ timeStamp: 0, accelerationIncludingGravity: { x: 0, y: null, z: 9.8 }, rotationRate: { alpha: 0, beta: 0, gamma: 0 } }, STANDARD_QUIRKS, out)).toBe('no-acceleration');
    expect(readingToSample({ timeStamp: 0, accelerationIncludingGravity: { x: 0, y: 0, z: 9.8 }, rotationRate: { alpha: 0, beta: null, gamma: 0 } }, STANDARD_QUIRKS, out)).toBe('no-rotation-rate');
  });

  it('writes at an offset, so many readings fill one array', () => {
    const out = new Array<number>(12).fill(Number.NaN);
    readingToSample(reading([0, 0, 9.80665], [1, 2, 3]), STANDARD_QUIRKS, out, 6);
    expect(out.slice(0, 6).every(Number.isNaN)).toBe(true);
    expect(out.slice(6)).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('turns a sample back into the reading each browser would give (for simulated phones)', () => {
    const sample = [0.1, -0.5, 0.86, 12.5, -3, 40];
    for (const quirks of [STANDARD_QUIRKS, SAFARI_IOS_QUIRKS]) {
      const back = sampleOf(sampleToReading(sample, 1234.5, quirks), quirks);
      back.forEach((value, i) => expect(value).toBeCloseTo(sample[i]!, 12));
    }
    expect(sampleToReading(sample, 0, SAFARI_IOS_QUIRKS).accelerationIncludingGravity!.z).toBeCloseTo(-0.86 * STANDARD_GRAVITY, 12);
  });

  it('rounds as Chrome does: 0.1 m/s² and 0.1 deg/s', () => {
    const rounded = roundLikeChrome(reading([1.234, -9.87, 0.049], [5.7296, -0.04, 17.18], 16.6));
    expect(rounded.timeStamp).toBe(16.6);
    const a = rounded.accelerationIncludingGravity!;
    const r = rounded.rotationRate!;
    expect([a.x, a.y, a.z].map((v) => Number(v!.toFixed(6)))).toEqual([1.2, -9.9, 0]);
    expect([r.alpha, r.beta, r.gamma].map((v) => Number(v!.toFixed(6)))).toEqual([5.7, 0, 17.2]);
  });
});

describe('which browser quirks apply', () => {
  const cases: [string, string, number, 'safari-ios' | 'standard'][] = [
    ['Safari on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 5, 'safari-ios'],
    ['Chrome on iPhone (WebKit underneath)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1', 5, 'safari-ios'],
    ['an iPad asking for the desktop site', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 5, 'safari-ios'],
    ['Safari on a Mac (no touch)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15', 0, 'standard'],
    ['Chrome on Android', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', 5, 'standard'],
    ['Firefox on Android', 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0', 5, 'standard'],
    ['Samsung Internet', 'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', 5, 'standard'],
  ];
  it.each(cases)('%s', (_name, userAgent, touchPoints, browser) => {
    expect(motionQuirks(userAgent, touchPoints).browser).toBe(browser);
  });
});
