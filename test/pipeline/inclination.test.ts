import { describe, expect, it } from 'vitest';
import { initialInclination, stepInclination, type InclinationState } from '../../hub/pipeline/inclination.ts';
import type { ImuReading } from '../../hub/protocol/gatt.ts';

const DEG = Math.PI / 180;

/** Runs the filter over `seconds` at `rateHz` with readings from `at(t)`; returns the last state. */
function run(at: (t: number) => ImuReading, seconds: number, rateHz = 100, state: InclinationState = initialInclination, t0 = 0): InclinationState {
  for (let i = 0; i < seconds * rateHz; i++) state = stepInclination(state, at(t0 + i / rateHz), t0 + i / rateHz);
  return state;
}

const still = (tiltDeg: number): ImuReading => ({ ax: -Math.cos(tiltDeg * DEG), ay: Math.sin(tiltDeg * DEG), az: 0, gx: 0, gy: 0, gz: 0 });

describe('stepInclination', () => {
  it('reads 0° while the start posture is held', () => {
    expect(run(() => still(0), 2).angleDeg).toBeCloseTo(0, 6);
  });

  it('settles on a static tilt from the accelerometer alone', () => {
    const start = run(() => still(0), 1);
    expect(run(() => still(30), 5, 100, start, 1).angleDeg).toBeCloseTo(30, 1);
  });

  it('follows a fast rotation with the gyroscope before the accelerometer catches up', () => {
    // 90°/s about z for 0.4 s; the accelerometer is disturbed by the swing (reads 1.3 g), so only
    // the gyroscope can carry the angle.
    const start = run(() => still(0), 1);
    const moving = run(
      (t) => {
        const theta = 90 * (t - 1);
        return { ax: -1.3 * Math.cos(theta * DEG), ay: 1.3 * Math.sin(theta * DEG), az: 0, gx: 0, gy: 0, gz: 90 };
      },
      0.4,
      100,
      start,
      1,
    );
    expect(moving.angleDeg).toBeGreaterThan(34);
    expect(moving.angleDeg).toBeLessThan(37);
  });

  it('starts again from the accelerometer after a long gap in time', () => {
    const start = run(() => still(0), 1);
    const after = stepInclination(start, still(20), 30);
    expect(after.angleDeg).toBeCloseTo(20, 6);
  });
});
