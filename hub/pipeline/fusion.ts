import type { ImuReading } from '../protocol/gatt.ts';
import { IDENTITY, fromAxisAngle, fromRotationVector, multiply, norm3, normalise, rotate, type Quat, type Vec3 } from './quaternion.ts';

/**
 * Orientation fusion of gyroscope and accelerometer: a plain reducer, one step per sample.
 *
 * - The gyroscope (minus its estimated bias) carries the orientation from sample to sample.
 * - The accelerometer corrects only the inclination (never the heading, which it cannot see), and
 *   only when it reads close to 1 g: during a swing it measures the shin's own acceleration too.
 * - Rest is detected from a quiet gyroscope and a steady accelerometer; at rest the gyroscope's
 *   bias is learned (it reads only bias and noise then) and the inclination is pulled in faster.
 * - Time comes from each sample's own timestamp, so uneven spacing is integrated as it happened; a
 *   gap longer than `maxGapSeconds` (lost packets, a dropped link) re-levels from the accelerometer
 *   instead of integrating a rate across time nobody measured.
 */
export interface FusionOptions {
  /** Time constant of the inclination correction while moving, s. */
  accTimeConstant: number;
  /**
   * Low-pass on the accelerometer in the earth frame while moving, s. A swing's own acceleration
   * changes direction and averages out there; gravity does not.
   */
  accLowPassSeconds: number;
  /** ... and at rest, s. */
  restAccTimeConstant: number;
  /** Accelerometer readings further than this from 1 g are not used for correction. */
  accRejectG: number;
  /** At rest: gyroscope (bias removed) below this, deg/s ... */
  restGyroDps: number;
  /** ... and accelerometer within this of its recent mean, g ... */
  restAccG: number;
  /** ... for at least this long, s. */
  restSeconds: number;
  /** Time constant of bias learning at rest, s: long enough to average out postural sway. */
  biasTimeConstant: number;
  /**
   * Time constant of bias learning while moving, s: from the correction the accelerometer keeps
   * having to make (integral feedback). Only the two axes the accelerometer can see are learned.
   */
  motionBiasTimeConstant: number;
  /** Largest bias the filter will believe, deg/s (MEMS gyroscopes stay well inside this). */
  maxBiasDps: number;
  maxGapSeconds: number;
}

export const DEFAULT_FUSION_OPTIONS: FusionOptions = {
  accTimeConstant: 1.5,
  accLowPassSeconds: 1,
  restAccTimeConstant: 0.3,
  accRejectG: 0.5,
  restGyroDps: 2.5,
  restAccG: 0.03,
  restSeconds: 0.4,
  biasTimeConstant: 3,
  motionBiasTimeConstant: 20,
  maxBiasDps: 5,
  maxGapSeconds: 0.25,
};

/** How far to trust the orientation right now. */
export type FusionHealth = 'initialising' | 'ok' | 'disturbed';

export interface FusionState {
  /** Sensor → earth (z up; heading arbitrary). */
  q: Quat;
  biasDps: Vec3;
  lastT: number;
  /** The previous sample's rate (deg/s, raw): each interval is integrated at the mean of its two ends. */
  lastGyroDps: Vec3;
  /** Low-passed accelerometer (sensor axes), for rest detection. */
  accMean: Vec3;
  /** Low-passed accelerometer in the earth frame, for the correction while moving. */
  accEarth: Vec3;
  /** Time the current still spell began, or NaN while moving. */
  stillSince: number;
  atRest: boolean;
  /** Consecutive moving samples with the accelerometer rejected: the correction is starved. */
  rejectedFor: number;
  health: FusionHealth;
}

export const initialFusion: FusionState = {
  q: IDENTITY,
  biasDps: [0, 0, 0],
  lastT: Number.NaN,
  lastGyroDps: [0, 0, 0],
  accMean: [0, 0, 0],
  accEarth: [0, 0, 1],
  stillSince: Number.NaN,
  atRest: false,
  rejectedFor: 0,
  health: 'initialising',
};

const DEG = Math.PI / 180;
const UP: Vec3 = [0, 0, 1];

/** The correction that turns `a` (earth frame) towards up by `gain` of the way, as a rotation vector (rad, earth frame). */
function levelling(a: Vec3, gain: number): Vec3 {
  const n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  const h = Math.sqrt(a[0] * a[0] + a[1] * a[1]);
  if (n < 1e-9 || h < 1e-12) return [0, 0, 0];
  // Axis a × up = (a_y, −a_x, 0): a horizontal axis, so heading is left alone.
  const angle = Math.acos(Math.max(-1, Math.min(1, a[2] / n))) * gain;
  return [(a[1] / h) * angle, (-a[0] / h) * angle, 0];
}

const applyEarth = (q: Quat, v: Vec3): Quat => normalise(multiply(fromAxisAngle(v, norm3(v)), q));
const level = (q: Quat, acc: Vec3, gain: number) => applyEarth(q, levelling(rotate(q, acc), gain));

export function stepFusion(state: FusionState, r: ImuReading, t: number, options: FusionOptions = DEFAULT_FUSION_OPTIONS): FusionState {
  const acc: Vec3 = [r.ax, r.ay, r.az];
  const accNorm = Math.sqrt(r.ax * r.ax + r.ay * r.ay + r.az * r.az);
  const dt = t - state.lastT;

  // First sample, a gap, or a clock that jumped back (a restarted sensor): level from the
  // accelerometer and keep what we knew of the heading.
  if (state.health === 'initialising' || !(Math.abs(dt) <= options.maxGapSeconds)) {
    return {
      ...state,
      q: level(state.q, acc, 1),
      lastT: t,
      lastGyroDps: [r.gx, r.gy, r.gz],
      accMean: acc,
      accEarth: UP,
      stillSince: Number.NaN,
      atRest: false,
      rejectedFor: 0,
      health: accNorm > 0.5 && accNorm < 1.5 ? 'ok' : 'initialising',
    };
  }
  if (dt <= 0) return state; // a repeated timestamp, or a sample that arrived late: nothing to integrate

  const [bx, by, bz] = state.biasDps;
  // Trapezoidal: a rate sampled at the end of the interval would lead the truth by half a sample.
  const [px, py, pz] = state.lastGyroDps;
  const omega: Vec3 = [((r.gx + px) / 2 - bx) * DEG, ((r.gy + py) / 2 - by) * DEG, ((r.gz + pz) / 2 - bz) * DEG];
  // Normalised once, after the correction below.
  let q = multiply(state.q, fromRotationVector(omega, dt));

  // Rest detection on a quiet gyroscope and a steady accelerometer.
  const k = Math.min(1, dt / 0.2);
  const accMean: Vec3 = [state.accMean[0] + k * (acc[0] - state.accMean[0]), state.accMean[1] + k * (acc[1] - state.accMean[1]), state.accMean[2] + k * (acc[2] - state.accMean[2])];
  const still =
    Math.sqrt((r.gx - bx) ** 2 + (r.gy - by) ** 2 + (r.gz - bz) ** 2) < options.restGyroDps &&
    Math.sqrt((acc[0] - accMean[0]) ** 2 + (acc[1] - accMean[1]) ** 2 + (acc[2] - accMean[2]) ** 2) < options.restAccG &&
    Math.abs(accNorm - 1) < options.accRejectG;
  const stillSince = still ? (Number.isNaN(state.stillSince) ? t : state.stillSince) : Number.NaN;
  const atRest = still && t - stillSince >= options.restSeconds;

  let biasDps = state.biasDps;
  if (atRest) {
    const kb = Math.min(1, dt / options.biasTimeConstant);
    const next: Vec3 = [bx + kb * (r.gx - bx), by + kb * (r.gy - by), bz + kb * (r.gz - bz)];
    if (norm3(next) <= options.maxBiasDps) biasDps = next;
  }

  let rejectedFor = state.rejectedFor;
  let accEarth = state.accEarth;
  if (Math.abs(accNorm - 1) < options.accRejectG) {
    const a = rotate(q, acc);
    const kl = Math.min(1, dt / options.accLowPassSeconds);
    accEarth = [accEarth[0] + kl * (a[0] - accEarth[0]), accEarth[1] + kl * (a[1] - accEarth[1]), accEarth[2] + kl * (a[2] - accEarth[2])];
    if (atRest) {
      // At rest there is no swing to average out: trust the reading itself, and quickly.
      q = applyEarth(q, levelling(a, Math.min(1, dt / options.restAccTimeConstant)));
    } else {
      const correction = levelling(accEarth, Math.min(1, dt / options.accTimeConstant));
      q = applyEarth(q, correction);
      // A bias the gyroscope keeps adding is what the correction keeps taking away: in the sensor
      // frame the correction rate is −(bias error) on the axes gravity can see.
      const c = rotate([q[0], -q[1], -q[2], -q[3]], correction);
      const kb = Math.min(1, dt / options.motionBiasTimeConstant) / (dt * DEG);
      const next: Vec3 = [biasDps[0] - kb * c[0], biasDps[1] - kb * c[1], biasDps[2] - kb * c[2]];
      if (norm3(next) <= options.maxBiasDps) biasDps = next;
    }
    rejectedFor = 0;
  } else {
    q = normalise(q);
    rejectedFor++;
  }
  // Long without a usable accelerometer (vibration, a fall, a sensor not on a person): say so.
  const health: FusionHealth = rejectedFor * dt > 2 ? 'disturbed' : 'ok';
  return { q, biasDps, lastT: t, lastGyroDps: [r.gx, r.gy, r.gz], accMean, accEarth, stillSince, atRest, rejectedFor, health };
}

/** The earth-frame "up" as the sensor sees it: handy for tests and for inclination. */
export const upInSensor = (q: Quat): Vec3 => rotate([q[0], -q[1], -q[2], -q[3]], UP);
