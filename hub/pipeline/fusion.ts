import type { ImuReading } from '../protocol/gatt.ts';
import { IDENTITY, fromRotationVector, multiply, norm3, normalise, rotate, type Quat, type Vec3 } from './quaternion.ts';

/**
 * Orientation fusion of gyroscope and accelerometer: a plain reducer, one step per sample.
 * docs/fusion.md explains the design and how it was tuned; in short:
 *
 * - The gyroscope (minus its estimated bias) alone carries an "almost inertial" frame from sample to
 *   sample (`gyroQ`). It drifts only as slowly as the bias estimate is wrong.
 * - In that frame gravity hardly moves, while a person's own accelerations (swings, carrying the
 *   sensor about) go one way and then the other. So the accelerometer is low-passed there, with a
 *   second-order filter of a few seconds, and the inclination is corrected to match the filtered
 *   vector in full each sample (`levelQ`): the low-pass is the complementary filter. The correction
 *   turns about horizontal axes only, so heading, which the accelerometer cannot see, is left alone.
 * - Each reading is the mean rate over the interval ending at it (a MEMS gyroscope's decimation
 *   filter), so the interval turns by it, corrected for scale and bias.
 * - The gyroscope bias is a small Kalman filter. At rest it is measured directly (the gyroscope then
 *   reads bias, noise, sway and tremor, averaged over the still spell). While moving, the corrections
 *   the accelerometer keeps making are the bias error seen from the earth frame, on the two axes
 *   gravity can see. Rest is judged against the bias estimate with room for its uncertainty, so a
 *   large bias not learned yet cannot hide it; `biasKnown` says when heading has stopped drifting.
 * - A second small Kalman filter learns the gyroscope's scale error from the same corrections while
 *   the sensor turns fast (the error is then in proportion to the rate).
 * - Time comes from each sample's own timestamp, so uneven spacing is integrated as it happened. A
 *   short gap (a burst of lost packets) is bridged at the mean of the rates on either side; a gap
 *   longer than `maxGapSeconds` (a dropped link) re-levels from the accelerometer instead of
 *   integrating a rate across time nobody measured.
 */
export interface FusionOptions {
  /** Time constant of the second-order low-pass on the accelerometer in the almost-inertial frame, s. */
  accTimeConstant: number;
  /**
   * ... and at rest, s: still, the accelerometer reads gravity alone, so the inclination can settle
   * quickly after a movement (a gyroscope scale error leaves the orientation a little off after each).
   */
  restAccTimeConstant: number;
  /**
   * At rest: the gyroscope (smoothed over `restTremorSeconds`) within this of the bias estimate, plus
   * three of the estimate's standard deviations, deg/s: noise, tremor and slow sway pass, movement does
   * not. The allowance matters: a bias not learned yet (up to 1.5 °/s per axis) must not hide rest, or
   * it never gets learned ...
   */
  restGyroDps: number;
  /** The gyroscope is first smoothed over this, s: an 8–11 Hz tremor of a few hundredths of a degree peaks at 2–3 °/s. */
  restTremorSeconds: number;
  /**
   * ... and, while the bias is less certain than `restSteadyUntilSigmaDps` (so the allowance is wide),
   * steady: within `restGyroDps` of its own mean over `restGyroMeanSeconds`. A slow turn is then not
   * taken for a bias; once the bias is known this is left out, as it would delay rest after every
   * movement by most of a second (swivel-chair rests are that short) ...
   */
  restGyroMeanSeconds: number;
  restSteadyUntilSigmaDps: number;
  /** ... and accelerometer within this of its recent mean, g, and within `disturbedAccG` of 1 g ... */
  restAccG: number;
  /** ... for at least this long, s. */
  restSeconds: number;
  /**
   * Low-pass of the gyroscope whose mean is the bias measurement at rest, s; until then a plain mean
   * of the still spell. Longer (2 s, to average sway) was tried: holds that creep by a degree or two
   * (femoral-head centration) then taught a wrong bias for longer (1.8° worst set against 0.55°).
   */
  restGyroTimeConstant: number;
  /** Readings further than this from 1 g count as disturbed (impacts, shaking) for the health flag. */
  disturbedAccG: number;
  bias: BiasOptions;
  scale: ScaleOptions;
  /** Gaps up to this long are bridged by the gyroscope; longer ones re-level, s. */
  maxGapSeconds: number;
}

/** The bias Kalman filter's noise model, all in deg/s. */
export interface BiasOptions {
  /** Uncertainty of the bias before anything is known. */
  initialSigmaDps: number;
  /**
   * The bias counts as known once its uncertainty about the earth's vertical is below this: that
   * component is what makes heading drift, and only rest (or a change of posture) teaches it.
   */
  knownSigmaDps: number;
  /** Time over which the bias may drift by about 0.1 °/s, s: the process noise. */
  forgettingSeconds: number;
  /** How well the accelerometer corrections measure the bias while moving. */
  motionSigmaDps: number;
  /** How well the mean gyroscope reading measures the bias at rest. */
  restSigmaDps: number;
  /** The vertical bias is not observable while moving; this weak pull keeps it from wandering. */
  verticalForgetting: number;
  /** Largest bias (and bias disagreement per step) believed, per axis. */
  clipDps: number;
}

/**
 * The gyroscope's scale error (sensitivity), learned from the corrections while turning fast: cheap
 * MEMS gyroscopes read 0.5–2 % off, and at 1000 °/s that is 5–20 °/s of apparent bias.
 */
export interface ScaleOptions {
  /** Uncertainty of the scale error before anything is known (fraction). */
  initialSigma: number;
  /** Process noise, variance per second (temperature drifts the scale very slowly). */
  driftPerSecond: number;
  /** Largest scale error believed (fraction). */
  clip: number;
  /** Largest disagreement believed per step, deg/s (it grows with the rate). */
  disagreementClipDps: number;
}

export const DEFAULT_FUSION_OPTIONS: FusionOptions = {
  accTimeConstant: 3,
  restAccTimeConstant: 0.5,
  restGyroDps: 2,
  restTremorSeconds: 0.05,
  restGyroMeanSeconds: 0.25,
  restSteadyUntilSigmaDps: 0.3,
  restAccG: 0.03,
  restSeconds: 0.4,
  restGyroTimeConstant: 0.5,
  disturbedAccG: 0.5,
  bias: { initialSigmaDps: 1, knownSigmaDps: 0.2, forgettingSeconds: 100, motionSigmaDps: 0.1, restSigmaDps: 0.03, verticalForgetting: 1e-4, clipDps: 2 },
  scale: { initialSigma: 0.01, driftPerSecond: 1e-6, clip: 0.05, disagreementClipDps: 20 },
  maxGapSeconds: 1,
};

/** How far to trust the orientation right now. */
export type FusionHealth = 'initialising' | 'ok' | 'disturbed';

export interface FusionState {
  /** Sensor → earth (z up; heading arbitrary): `levelQ ⊗ gyroQ`. */
  q: Quat;
  /** Sensor → almost-inertial frame, from the gyroscope alone. */
  gyroQ: Quat;
  /** Almost-inertial → earth: the inclination corrections so far. */
  levelQ: Quat;
  biasDps: Vec3;
  /** Covariance of the bias estimate, (deg/s)², 3 × 3 row-major. */
  biasP: readonly number[];
  /** Estimated gyroscope scale error per axis (fraction): the rate used is (1 + scale) × reading − bias. */
  scale: Vec3;
  /** Its covariance, 3 × 3 row-major. */
  scaleP: readonly number[];
  /**
   * The low-pass filters' states, position and velocity per channel: accelerometer in the inertial
   * frame (3), the orientation matrix (9) and the rotated bias (2) for the motion bias update, and
   * the gyroscope (3) for the rest bias update.
   */
  lowPass: readonly number[];
  /** Samples and seconds since the filters (re)started: they average plainly until one time constant. */
  lowPassCount: number;
  lowPassAge: number;
  /** Samples since the sensor became still (the gyroscope filter's own count). */
  stillCount: number;
  lastT: number;
  /** The previous sample's rate (deg/s, raw): each interval is integrated at the mean of its two ends. */
  lastGyroDps: Vec3;
  /** Its rate of change, deg/s², smoothed: how a gap of lost samples is bridged. */
  gyroSlope: Vec3;
  /** The previous interval, s: a much longer one is a gap. */
  lastDt: number;
  /** Low-passed accelerometer and gyroscope (sensor axes), for rest detection. */
  accMean: Vec3;
  gyroMean: Vec3;
  gyroSmooth: Vec3;
  /** The bias is known well enough that heading does not drift (see `BiasOptions.knownSigmaDps`). */
  biasKnown: boolean;
  /** Time the current still spell began, or NaN while moving. */
  stillSince: number;
  atRest: boolean;
  /** Time the accelerometer has read far from 1 g without a break, s. */
  disturbedFor: number;
  health: FusionHealth;
}

const ACC = 0;
const ROT = 6;
const ROT_BIAS = 24;
const GYRO = 28;
const ROT_RATE = 34;
const ROT_RATE_SCALE = 52;
const LOW_PASS_SIZE = 56;

const initialCovariance = (sigma: number) => [sigma ** 2, 0, 0, 0, sigma ** 2, 0, 0, 0, sigma ** 2];

export const initialFusion: FusionState = {
  q: IDENTITY,
  gyroQ: IDENTITY,
  levelQ: IDENTITY,
  biasDps: [0, 0, 0],
  biasP: initialCovariance(DEFAULT_FUSION_OPTIONS.bias.initialSigmaDps),
  scale: [0, 0, 0],
  scaleP: initialCovariance(DEFAULT_FUSION_OPTIONS.scale.initialSigma),
  lowPass: new Array<number>(LOW_PASS_SIZE).fill(0),
  lowPassCount: 0,
  lowPassAge: 0,
  stillCount: 0,
  lastT: Number.NaN,
  lastGyroDps: [0, 0, 0],
  gyroSlope: [0, 0, 0],
  lastDt: 0,
  accMean: [0, 0, 0],
  gyroMean: [0, 0, 0],
  gyroSmooth: [0, 0, 0],
  biasKnown: false,
  stillSince: Number.NaN,
  atRest: false,
  disturbedFor: 0,
  health: 'initialising',
};

const DEG = Math.PI / 180;
const UP: Vec3 = [0, 0, 1];

/** The smallest rotation turning unit vector `a` (earth frame) onto up: about a horizontal axis. */
function levelling(a: Vec3): Quat {
  const w = Math.sqrt(Math.max(0, (a[2] + 1) / 2));
  // Upside down to within 1e-4°: any horizontal axis will do.
  if (w < 1e-6) return [0, 1, 0, 0];
  return [w, a[1] / (2 * w), -a[0] / (2 * w), 0];
}

function unit(v: Vec3): Vec3 {
  const n = norm3(v);
  return n > 0 ? [v[0] / n, v[1] / n, v[2] / n] : UP;
}

/**
 * One step of a second-order low-pass (critically damped at 1/√2, like a Butterworth; corner
 * √2/τ rad/s) on `inputs`, in place. Written as a small state-space system so that every step can
 * have its own dt. Until one time constant has passed, the output is the plain running mean: a
 * filter started from its first input would carry that one noisy sample for seconds.
 */
function lowPass(state: number[], at: number, inputs: ArrayLike<number>, tau: number, dt: number, count: number, age: number) {
  if (age < tau) {
    for (let i = 0; i < inputs.length; i++) {
      const y = state[at + 2 * i]!;
      state[at + 2 * i] = y + (inputs[i]! - y) / count;
      state[at + 2 * i + 1] = 0;
    }
    return;
  }
  // A bridged gap must not kick the filter: beyond a few hundredths of a second this explicit step
  // would overshoot, and nothing was measured in the gap anyway.
  dt = Math.min(dt, 0.04);
  const omega = Math.SQRT2 / tau;
  const stiffness = omega * omega * dt;
  const damping = Math.SQRT2 * omega * dt;
  for (let i = 0; i < inputs.length; i++) {
    const y = state[at + 2 * i]!;
    const v = state[at + 2 * i + 1]! + stiffness * (inputs[i]! - y) - damping * state[at + 2 * i + 1]!;
    state[at + 2 * i + 1] = v;
    state[at + 2 * i] = y + dt * v;
  }
}

const out = (state: readonly number[], at: number, i: number) => state[at + 2 * i]!;

/** Rotation matrix (row-major) of unit quaternion q, sensor → earth, into `m`. */
function matrixInto(m: Float64Array, q: Quat): void {
  const [w, x, y, z] = q;
  m[0] = 1 - 2 * (y * y + z * z);
  m[1] = 2 * (x * y - w * z);
  m[2] = 2 * (x * z + w * y);
  m[3] = 2 * (x * y + w * z);
  m[4] = 1 - 2 * (x * x + z * z);
  m[5] = 2 * (y * z - w * x);
  m[6] = 2 * (x * z - w * y);
  m[7] = 2 * (y * z + w * x);
  m[8] = 1 - 2 * (x * x + y * y);
}

const clip = (x: number, limit: number) => Math.max(-limit, Math.min(limit, x));

/**
 * Kalman measurement update of the bias: measurement model y = H b, disagreement e = y − H b̂,
 * independent measurement variances w. `P` (symmetric, row-major) is updated in place; the new bias
 * is returned. Written out in scalars: it runs every sample, and a loop of small matrix products
 * made the whole filter twice as slow.
 */
function updateBias(bias: Vec3, P: number[], H: ArrayLike<number>, e: Vec3, w: Vec3, limit: number, stateLimit = limit): Vec3 {
  const [p0, p1, p2, p3, p4, p5, p6, p7, p8] = P as [number, number, number, number, number, number, number, number, number];
  const h0 = H[0]!, h1 = H[1]!, h2 = H[2]!, h3 = H[3]!, h4 = H[4]!, h5 = H[5]!, h6 = H[6]!, h7 = H[7]!, h8 = H[8]!;
  // A = P Hᵀ
  const a0 = p0 * h0 + p1 * h1 + p2 * h2, a1 = p0 * h3 + p1 * h4 + p2 * h5, a2 = p0 * h6 + p1 * h7 + p2 * h8;
  const a3 = p3 * h0 + p4 * h1 + p5 * h2, a4 = p3 * h3 + p4 * h4 + p5 * h5, a5 = p3 * h6 + p4 * h7 + p5 * h8;
  const a6 = p6 * h0 + p7 * h1 + p8 * h2, a7 = p6 * h3 + p7 * h4 + p8 * h5, a8 = p6 * h6 + p7 * h7 + p8 * h8;
  // S = H A + W
  const s0 = h0 * a0 + h1 * a3 + h2 * a6 + w[0], s1 = h0 * a1 + h1 * a4 + h2 * a7, s2 = h0 * a2 + h1 * a5 + h2 * a8;
  const s3 = h3 * a0 + h4 * a3 + h5 * a6, s4 = h3 * a1 + h4 * a4 + h5 * a7 + w[1], s5 = h3 * a2 + h4 * a5 + h5 * a8;
  const s6 = h6 * a0 + h7 * a3 + h8 * a6, s7 = h6 * a1 + h7 * a4 + h8 * a7, s8 = h6 * a2 + h7 * a5 + h8 * a8 + w[2];
  // S⁻¹ by cofactors
  const c0 = s4 * s8 - s5 * s7, c3 = s5 * s6 - s3 * s8, c6 = s3 * s7 - s4 * s6;
  const det = s0 * c0 + s1 * c3 + s2 * c6;
  if (!(Math.abs(det) > 1e-300)) return bias;
  const k = 1 / det;
  const i0 = c0 * k, i1 = (s2 * s7 - s1 * s8) * k, i2 = (s1 * s5 - s2 * s4) * k;
  const i3 = c3 * k, i4 = (s0 * s8 - s2 * s6) * k, i5 = (s2 * s3 - s0 * s5) * k;
  const i6 = c6 * k, i7 = (s1 * s6 - s0 * s7) * k, i8 = (s0 * s4 - s1 * s3) * k;
  // K = A S⁻¹
  const k0 = a0 * i0 + a1 * i3 + a2 * i6, k1 = a0 * i1 + a1 * i4 + a2 * i7, k2 = a0 * i2 + a1 * i5 + a2 * i8;
  const k3 = a3 * i0 + a4 * i3 + a5 * i6, k4 = a3 * i1 + a4 * i4 + a5 * i7, k5 = a3 * i2 + a4 * i5 + a5 * i8;
  const k6 = a6 * i0 + a7 * i3 + a8 * i6, k7 = a6 * i1 + a7 * i4 + a8 * i7, k8 = a6 * i2 + a7 * i5 + a8 * i8;
  // P −= K H P = K Aᵀ (P symmetric)
  P[0] = p0 - (k0 * a0 + k1 * a1 + k2 * a2);
  P[1] = p1 - (k0 * a3 + k1 * a4 + k2 * a5);
  P[2] = p2 - (k0 * a6 + k1 * a7 + k2 * a8);
  P[3] = p3 - (k3 * a0 + k4 * a1 + k5 * a2);
  P[4] = p4 - (k3 * a3 + k4 * a4 + k5 * a5);
  P[5] = p5 - (k3 * a6 + k4 * a7 + k5 * a8);
  P[6] = p6 - (k6 * a0 + k7 * a1 + k8 * a2);
  P[7] = p7 - (k6 * a3 + k7 * a4 + k8 * a5);
  P[8] = p8 - (k6 * a6 + k7 * a7 + k8 * a8);
  const e0 = clip(e[0], limit);
  const e1 = clip(e[1], limit);
  const e2 = clip(e[2], limit);
  return [
    clip(bias[0] + k0 * e0 + k1 * e1 + k2 * e2, stateLimit),
    clip(bias[1] + k3 * e0 + k4 * e1 + k5 * e2, stateLimit),
    clip(bias[2] + k6 * e0 + k7 * e1 + k8 * e2, stateLimit),
  ];
}

const IDENTITY3 = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
const R = new Float64Array(9);
const Rf = new Float64Array(9);
const Mf = new Float64Array(9);

export function stepFusion(state: FusionState, r: ImuReading, t: number, options: FusionOptions = DEFAULT_FUSION_OPTIONS): FusionState {
  const acc: Vec3 = [r.ax, r.ay, r.az];
  const accNorm = Math.sqrt(r.ax * r.ax + r.ay * r.ay + r.az * r.az);
  const dt = t - state.lastT;
  const plausible = Math.abs(accNorm - 1) < options.disturbedAccG;

  // First sample, a gap, or a clock that jumped back (a restarted sensor): level from the
  // accelerometer, keep what we knew of the heading and the bias, and start the filters afresh.
  if (state.health === 'initialising' || !(Math.abs(dt) <= options.maxGapSeconds)) {
    const q = normalise(multiply(levelling(unit(rotate(state.q, acc))), state.q));
    const lowPass = new Array<number>(LOW_PASS_SIZE).fill(0);
    const a = rotate(q, acc);
    for (let i = 0; i < 3; i++) lowPass[ACC + 2 * i] = a[i]!;
    return {
      ...state,
      q,
      gyroQ: q,
      levelQ: IDENTITY,
      lowPass,
      lowPassCount: 1,
      lowPassAge: 0,
      stillCount: 0,
      lastT: t,
      lastGyroDps: [r.gx, r.gy, r.gz],
      gyroSlope: [0, 0, 0],
      lastDt: 0,
      accMean: acc,
      gyroMean: [r.gx, r.gy, r.gz],
      gyroSmooth: [r.gx, r.gy, r.gz],
      stillSince: Number.NaN,
      atRest: false,
      disturbedFor: 0,
      health: plausible ? 'ok' : 'initialising',
    };
  }
  if (dt <= 0) return state; // a repeated timestamp, or a sample that arrived late: nothing to integrate

  const [bx, by, bz] = state.biasDps;
  const [gsx, gsy, gsz] = state.scale;
  const [px, py, pz] = state.lastGyroDps;
  const bridging = state.lastDt > 0 && dt > 3 * state.lastDt;
  let omega: Vec3;
  if (!bridging) {
    // A MEMS gyroscope's decimation filter reports the mean rate over the interval that ends at the
    // sample, so the interval turns by the current reading (scale and bias corrected).
    omega = [((1 + gsx) * r.gx - bx) * DEG, ((1 + gsy) * r.gy - by) * DEG, ((1 + gsz) * r.gz - bz) * DEG];
  } else {
    // Lost samples: the rate across the gap is a parabola from the last rate and its slope to the new
    // rate. A straight line (the trapezoid) cuts the corner of a movement speeding up or slowing down:
    // 3.8° lost over a 0.3 s gap in a 40° turn, against 0.3° this way.
    const [sx, sy, sz] = state.gyroSlope;
    const mean = (p: number, s: number, g: number, k: number, b: number) => ((1 + k) * ((2 * p + g) / 3 + (s * dt) / 6) - b) * DEG;
    omega = [mean(px, sx, r.gx, gsx, bx), mean(py, sy, r.gy, gsy, by), mean(pz, sz, r.gz, gsz, bz)];
  }
  const gyroQ = normalise(multiply(state.gyroQ, fromRotationVector(omega, dt)));
  // The rate's slope, smoothed over a few samples (noise), for bridging the next gap.
  const ks = 0.3;
  const gyroSlope: Vec3 = bridging
    ? [0, 0, 0]
    : [
        state.gyroSlope[0] + ks * ((r.gx - px) / dt - state.gyroSlope[0]),
        state.gyroSlope[1] + ks * ((r.gy - py) / dt - state.gyroSlope[1]),
        state.gyroSlope[2] + ks * ((r.gz - pz) / dt - state.gyroSlope[2]),
      ];

  // Rest detection on a quiet gyroscope and a steady accelerometer.
  const k = Math.min(1, dt / 0.2);
  const accMean: Vec3 = [state.accMean[0] + k * (acc[0] - state.accMean[0]), state.accMean[1] + k * (acc[1] - state.accMean[1]), state.accMean[2] + k * (acc[2] - state.accMean[2])];
  const kg = Math.min(1, dt / options.restGyroMeanSeconds);
  const gm: Vec3 = [state.gyroMean[0] + kg * (r.gx - state.gyroMean[0]), state.gyroMean[1] + kg * (r.gy - state.gyroMean[1]), state.gyroMean[2] + kg * (r.gz - state.gyroMean[2])];
  const kt = Math.min(1, dt / options.restTremorSeconds);
  const gs: Vec3 = [state.gyroSmooth[0] + kt * (r.gx - state.gyroSmooth[0]), state.gyroSmooth[1] + kt * (r.gy - state.gyroSmooth[1]), state.gyroSmooth[2] + kt * (r.gz - state.gyroSmooth[2])];
  const sigma = Math.sqrt(Math.max(state.biasP[0]!, state.biasP[4]!, state.biasP[8]!));
  const still =
    Math.sqrt((gs[0] - bx) ** 2 + (gs[1] - by) ** 2 + (gs[2] - bz) ** 2) < options.restGyroDps + 3 * sigma &&
    (sigma < options.restSteadyUntilSigmaDps || Math.sqrt((gs[0] - gm[0]) ** 2 + (gs[1] - gm[1]) ** 2 + (gs[2] - gm[2]) ** 2) < options.restGyroDps) &&
    Math.sqrt((acc[0] - accMean[0]) ** 2 + (acc[1] - accMean[1]) ** 2 + (acc[2] - accMean[2]) ** 2) < options.restAccG &&
    plausible;
  const stillSince = still ? (Number.isNaN(state.stillSince) ? t : state.stillSince) : Number.NaN;
  const atRest = still && t - stillSince >= options.restSeconds;

  // Inclination: low-pass the accelerometer in the inertial frame, then level to it in full.
  const lp = state.lowPass.slice();
  const count = state.lowPassCount + 1;
  const age = state.lowPassAge + dt;
  const tau = options.accTimeConstant;
  lowPass(lp, ACC, rotate(gyroQ, acc), atRest ? options.restAccTimeConstant : tau, dt, count, age);
  const up = unit(rotate(state.levelQ, [out(lp, ACC, 0), out(lp, ACC, 1), out(lp, ACC, 2)]));
  const levelQ = normalise(multiply(levelling(up), state.levelQ));
  const q = normalise(multiply(levelQ, gyroQ));

  // Bias: predict (it may have drifted), then measure, at rest or from the corrections.
  const b = options.bias;
  const drift = (0.1 * 0.1 * dt) / b.forgettingSeconds;
  const P0 = b.initialSigmaDps ** 2;
  const P = state.biasP.slice();
  for (let i = 0; i < 9; i += 4) if (P[i]! < P0) P[i]! += drift;
  matrixInto(R, q);
  lowPass(lp, ROT, R, tau, dt, count, age);
  const Rb = [R[0]! * bx + R[1]! * by + R[2]! * bz, R[3]! * bx + R[4]! * by + R[5]! * bz];
  lowPass(lp, ROT_BIAS, Rb, tau, dt, count, age);
  const M = [R[0]! * r.gx, R[1]! * r.gy, R[2]! * r.gz, R[3]! * r.gx, R[4]! * r.gy, R[5]! * r.gz, R[6]! * r.gx, R[7]! * r.gy, R[8]! * r.gz];
  lowPass(lp, ROT_RATE, M, tau, dt, count, age);
  lowPass(lp, ROT_RATE_SCALE, [M[0]! * gsx + M[1]! * gsy + M[2]! * gsz, M[3]! * gsx + M[4]! * gsy + M[5]! * gsz], tau, dt, count, age);
  // The gyroscope's mean since the sensor came to rest (then low-passed): a filter running through
  // the movement before would still carry its tail when rest is declared.
  const stillCount = still ? state.stillCount + 1 : 0;
  if (still) lowPass(lp, GYRO, [r.gx, r.gy, r.gz], options.restGyroTimeConstant, dt, stillCount, t - stillSince);

  let biasDps = state.biasDps;
  let scale = state.scale;
  const SP = state.scaleP.slice();
  if (atRest) {
    const w = b.restSigmaDps ** 4 / drift + b.restSigmaDps ** 2;
    const e: Vec3 = [out(lp, GYRO, 0) - bx, out(lp, GYRO, 1) - by, out(lp, GYRO, 2) - bz];
    biasDps = updateBias(biasDps, P, IDENTITY3, e, [w, w, w], b.clipDps);
  } else if (age >= tau) {
    // Only once the filters have settled: before that their outputs are running means.
    // The rotation just applied, as an earth-frame rate (small angle: the components of `up` are
    // the angles), is minus the bias error the inertial frame picked up. The filtered signals lag
    // the bias as seen through the orientation, hence the filtered R and R b̂.
    for (let i = 0; i < 9; i++) Rf[i] = out(lp, ROT, i);
    // The scale error shows in the corrections in proportion to the rate: the same reasoning with
    // R·diag(reading) in place of R (filtered alike), and the scale estimate in place of the bias.
    for (let i = 0; i < 9; i++) Mf[i] = out(lp, ROT_RATE, i);
    const sc0 = Mf[0]! * gsx + Mf[1]! * gsy + Mf[2]! * gsz - out(lp, ROT_RATE_SCALE, 0);
    const sc1 = Mf[3]! * gsx + Mf[4]! * gsy + Mf[5]! * gsz - out(lp, ROT_RATE_SCALE, 1);
    const e: Vec3 = [
      -up[1] / dt / DEG + out(lp, ROT_BIAS, 0) - (Rf[0]! * bx + Rf[1]! * by + Rf[2]! * bz) + sc0,
      up[0] / dt / DEG + out(lp, ROT_BIAS, 1) - (Rf[3]! * bx + Rf[4]! * by + Rf[5]! * bz) + sc1,
      -(Rf[6]! * bx + Rf[7]! * by + Rf[8]! * bz),
    ];
    const w = b.motionSigmaDps ** 4 / drift + b.motionSigmaDps ** 2;
    biasDps = updateBias(biasDps, P, Rf, e, [w, w, w / b.verticalForgetting], b.clipDps);
    // What the bias update left unexplained is the scale's disagreement (the sign: a gain too low
    // turns the frame too little, as a bias against the rate would).
    const db0 = biasDps[0] - bx, db1 = biasDps[1] - by, db2 = biasDps[2] - bz;
    const es: Vec3 = [
      -(e[0] - (Rf[0]! * db0 + Rf[1]! * db1 + Rf[2]! * db2)),
      -(e[1] - (Rf[3]! * db0 + Rf[4]! * db1 + Rf[5]! * db2)),
      0,
    ];
    const sc = options.scale;
    const scaleDrift = sc.driftPerSecond * dt;
    for (let i = 0; i < 9; i += 4) if (SP[i]! < sc.initialSigma ** 2) SP[i]! += scaleDrift;
    scale = updateBias(scale, SP, Mf, es, [w, w, w / b.verticalForgetting], sc.disagreementClipDps, sc.clip);
  }

  // The bias's uncertainty about the vertical u (sensor frame): √(uᵀPu), the heading drift it allows.
  const u0 = R[6]!, u1 = R[7]!, u2 = R[8]!;
  const verticalVariance = u0 * (P[0]! * u0 + P[1]! * u1 + P[2]! * u2) + u1 * (P[3]! * u0 + P[4]! * u1 + P[5]! * u2) + u2 * (P[6]! * u0 + P[7]! * u1 + P[8]! * u2);
  const biasKnown = verticalVariance < b.knownSigmaDps ** 2;

  // Long with the accelerometer far from 1 g (vibration, a fall, a sensor not on a person): say so.
  const disturbedFor = plausible ? 0 : state.disturbedFor + dt;
  const health: FusionHealth = disturbedFor > 2 ? 'disturbed' : 'ok';
  return {
    q,
    gyroQ,
    levelQ,
    biasDps,
    biasP: P,
    scale,
    scaleP: SP,
    lowPass: lp,
    lowPassCount: count,
    lowPassAge: age,
    stillCount,
    lastT: t,
    lastGyroDps: [r.gx, r.gy, r.gz],
    gyroSlope,
    lastDt: bridging ? state.lastDt : dt,
    accMean,
    gyroMean: gm,
    gyroSmooth: gs,
    biasKnown,
    stillSince,
    atRest,
    disturbedFor,
    health,
  };
}

/** The earth-frame "up" as the sensor sees it: handy for tests and for inclination. */
export const upInSensor = (q: Quat): Vec3 => rotate([q[0], -q[1], -q[2], -q[3]], UP);
