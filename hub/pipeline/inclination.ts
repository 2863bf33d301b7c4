import type { ImuReading } from '../protocol/gatt.ts';

/**
 * A first estimate of the shin's inclination: the direction of "up" in the sensor frame, carried
 * forward by the gyroscope and pulled gently towards the accelerometer when the accelerometer reads
 * about 1 g (so the swing's own acceleration does not drag it). The angle is how far "up" has turned
 * since the reference captured while the person held the start posture.
 *
 * Deliberately simple: the angles issue replaces it with full orientation fusion and bias tracking.
 */
export interface InclinationState {
  /** Unit "up" vector in sensor axes, or null before the first sample. */
  up: [number, number, number] | null;
  /** Reference "up" of the start posture, or null while it is being captured. */
  reference: [number, number, number] | null;
  referenceSum: [number, number, number];
  /** Time the capture began. */
  referenceStart: number;
  lastT: number;
  angleDeg: number;
}

export interface InclinationOptions {
  /** Time constant of the pull towards the accelerometer, seconds. */
  accelTimeConstant: number;
  /** How far |acc| may be from 1 g for it to be trusted as gravity. */
  accelTolerance: number;
  /** Length of the start-posture capture, seconds. */
  referenceSeconds: number;
  /** A jump in time bigger than this (a lost link) restarts from the accelerometer. */
  maxGapSeconds: number;
}

export const DEFAULT_INCLINATION_OPTIONS: InclinationOptions = {
  accelTimeConstant: 0.5,
  accelTolerance: 0.1,
  referenceSeconds: 0.5,
  maxGapSeconds: 0.25,
};

export const initialInclination: InclinationState = {
  up: null,
  reference: null,
  referenceSum: [0, 0, 0],
  referenceStart: Number.NaN,
  lastT: Number.NaN,
  angleDeg: 0,
};

const DEG = Math.PI / 180;

function normalise(x: number, y: number, z: number): [number, number, number] | null {
  const n = Math.hypot(x, y, z);
  return n > 1e-9 ? [x / n, y / n, z / n] : null;
}

export function stepInclination(
  state: InclinationState,
  r: ImuReading,
  t: number,
  options: InclinationOptions = DEFAULT_INCLINATION_OPTIONS,
): InclinationState {
  const accUp = normalise(r.ax, r.ay, r.az);
  const dt = t - state.lastT;
  let up = state.up;
  if (!up || !(dt > 0 && dt <= options.maxGapSeconds)) {
    up = accUp ?? up;
  } else {
    // A world-fixed vector seen from a rotating body turns the other way: d(up)/dt = up × ω.
    const wx = r.gx * DEG, wy = r.gy * DEG, wz = r.gz * DEG;
    let [x, y, z] = up;
    [x, y, z] = [x + (y * wz - z * wy) * dt, y + (z * wx - x * wz) * dt, z + (x * wy - y * wx) * dt];
    const accNorm = Math.hypot(r.ax, r.ay, r.az);
    if (accUp && Math.abs(accNorm - 1) < options.accelTolerance) {
      const k = Math.min(1, dt / options.accelTimeConstant);
      [x, y, z] = [x + k * (accUp[0] - x), y + k * (accUp[1] - y), z + k * (accUp[2] - z)];
    }
    up = normalise(x, y, z) ?? up;
  }
  if (!up) return { ...state, lastT: t };

  let { reference, referenceSum, referenceStart } = state;
  if (!reference) {
    if (Number.isNaN(referenceStart)) referenceStart = t;
    referenceSum = [referenceSum[0] + up[0], referenceSum[1] + up[1], referenceSum[2] + up[2]];
    if (t - referenceStart >= options.referenceSeconds) reference = normalise(...referenceSum);
  }
  const angleDeg = reference
    ? Math.acos(Math.max(-1, Math.min(1, up[0] * reference[0] + up[1] * reference[1] + up[2] * reference[2]))) / DEG
    : 0;
  return { up, reference, referenceSum, referenceStart, lastT: t, angleDeg };
}
