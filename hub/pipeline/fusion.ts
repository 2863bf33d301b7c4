import { fromRotationVectorInto, multiplyNormalisedInto, rotate, rotateInto, type Vec3 } from './quaternion.ts';

/**
 * Orientation fusion of gyroscope and accelerometer: one step per sample, updating its state in place
 * (see "Speed" in docs/fusion.md: nothing is allocated per sample).
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

/**
 * The filter's state, one per sensor per subscription, updated in place by `stepFusion`. Vectors and
 * quaternions are Float64Arrays ([w, x, y, z] for quaternions) so that a step allocates nothing; a
 * caller that keeps a value across steps copies it.
 */
export interface FusionState {
  /** Sensor → earth (z up; heading arbitrary): `levelQ ⊗ gyroQ`. */
  readonly q: Float64Array;
  /** Sensor → almost-inertial frame, from the gyroscope alone. */
  readonly gyroQ: Float64Array;
  /** Almost-inertial → earth: the inclination corrections so far. */
  readonly levelQ: Float64Array;
  readonly biasDps: Float64Array;
  /** Covariance of the bias estimate, (deg/s)², 3 × 3 row-major. */
  readonly biasP: Float64Array;
  /** Estimated gyroscope scale error per axis (fraction): the rate used is (1 + scale) × reading − bias. */
  readonly scale: Float64Array;
  /** Its covariance, 3 × 3 row-major. */
  readonly scaleP: Float64Array;
  /**
   * The low-pass filters' states, position and velocity per channel: accelerometer in the inertial
   * frame (3), the orientation matrix (9) and the rotated bias (2) for the motion bias update, and
   * the gyroscope (3) for the rest bias update.
   */
  readonly lowPass: Float64Array;
  /** Samples and seconds since the filters (re)started: they average plainly until one time constant. */
  lowPassCount: number;
  lowPassAge: number;
  /** Samples since the sensor became still (the gyroscope filter's own count). */
  stillCount: number;
  lastT: number;
  /** The previous sample's rate (deg/s, raw): each interval is integrated at the mean of its two ends. */
  readonly lastGyroDps: Float64Array;
  /** Its rate of change, deg/s², smoothed: how a gap of lost samples is bridged. */
  readonly gyroSlope: Float64Array;
  /** The previous interval, s: a much longer one is a gap. */
  lastDt: number;
  /** Low-passed accelerometer and gyroscope (sensor axes), for rest detection. */
  readonly accMean: Float64Array;
  /** The accelerometer smoothed over `restTremorSeconds`, as the gyroscope is. */
  readonly accSmooth: Float64Array;
  readonly gyroMean: Float64Array;
  readonly gyroSmooth: Float64Array;
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

const initialCovariance = (sigma: number) => Float64Array.of(sigma ** 2, 0, 0, 0, sigma ** 2, 0, 0, 0, sigma ** 2);

/** A filter that has seen nothing yet. */
export function newFusionState(): FusionState {
  return {
    q: Float64Array.of(1, 0, 0, 0),
    gyroQ: Float64Array.of(1, 0, 0, 0),
    levelQ: Float64Array.of(1, 0, 0, 0),
    biasDps: new Float64Array(3),
    biasP: initialCovariance(DEFAULT_FUSION_OPTIONS.bias.initialSigmaDps),
    scale: new Float64Array(3),
    scaleP: initialCovariance(DEFAULT_FUSION_OPTIONS.scale.initialSigma),
    lowPass: new Float64Array(LOW_PASS_SIZE),
    lowPassCount: 0,
    lowPassAge: 0,
    stillCount: 0,
    lastT: Number.NaN,
    lastGyroDps: new Float64Array(3),
    gyroSlope: new Float64Array(3),
    lastDt: 0,
    accMean: new Float64Array(3),
    accSmooth: new Float64Array(3),
    gyroMean: new Float64Array(3),
    gyroSmooth: new Float64Array(3),
    biasKnown: false,
    stillSince: Number.NaN,
    atRest: false,
    disturbedFor: 0,
    health: 'initialising',
  };
}

const DEG = Math.PI / 180;
const UP: Vec3 = [0, 0, 1];

/**
 * levelling(unit(v)) into `out`: the smallest rotation turning the direction of `v` (earth frame)
 * onto up, about a horizontal axis. `unit` leaves the components in `up`, as the bias update reads
 * them (they are the correction's angles).
 */
function levellingInto(out: Float64Array, up: Float64Array, x: number, y: number, z: number): void {
  const n = Math.sqrt(x * x + y * y + z * z);
  if (n > 0) {
    up[0] = x / n;
    up[1] = y / n;
    up[2] = z / n;
  } else {
    up[0] = UP[0];
    up[1] = UP[1];
    up[2] = UP[2];
  }
  const w = Math.sqrt(Math.max(0, (up[2] + 1) / 2));
  // Upside down to within 1e-4°: any horizontal axis will do.
  if (w < 1e-6) {
    out[0] = 0;
    out[1] = 1;
    out[2] = out[3] = 0;
    return;
  }
  out[0] = w;
  out[1] = up[1] / (2 * w);
  out[2] = -up[0] / (2 * w);
  out[3] = 0;
}

/**
 * One step of a second-order low-pass (critically damped at 1/√2, like a Butterworth; corner
 * √2/τ rad/s) on `inputs`, in place. Written as a small state-space system so that every step can
 * have its own dt. Until one time constant has passed, the output is the plain running mean: a
 * filter started from its first input would carry that one noisy sample for seconds.
 */
function lowPass(state: Float64Array, at: number, inputs: Float64Array, length: number, tau: number, dt: number, count: number, age: number) {
  if (age < tau) {
    for (let i = 0; i < length; i++) {
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
  for (let i = 0; i < length; i++) {
    const y = state[at + 2 * i]!;
    const v = state[at + 2 * i + 1]! + stiffness * (inputs[i]! - y) - damping * state[at + 2 * i + 1]!;
    state[at + 2 * i + 1] = v;
    state[at + 2 * i] = y + dt * v;
  }
}

const out = (state: Float64Array, at: number, i: number) => state[at + 2 * i]!;

/** Rotation matrix (row-major) of unit quaternion q, sensor → earth, into `m`. */
function matrixInto(m: Float64Array, q: Float64Array): void {
  const w = q[0]!, x = q[1]!, y = q[2]!, z = q[3]!;
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
 * Kalman measurement update of the bias, in place: measurement model y = H b, disagreement
 * e = y − H b̂, independent measurement variances w. `P` (symmetric, row-major) and `bias` are updated.
 * Written out in scalars: it runs every sample, and a loop of small matrix products made the whole
 * filter twice as slow.
 */
function updateBias(bias: Float64Array, P: Float64Array, H: Float64Array, e0: number, e1: number, e2: number, w0: number, w1: number, w2: number, limit: number, stateLimit = limit): void {
  const p0 = P[0]!, p1 = P[1]!, p2 = P[2]!, p3 = P[3]!, p4 = P[4]!, p5 = P[5]!, p6 = P[6]!, p7 = P[7]!, p8 = P[8]!;
  const h0 = H[0]!, h1 = H[1]!, h2 = H[2]!, h3 = H[3]!, h4 = H[4]!, h5 = H[5]!, h6 = H[6]!, h7 = H[7]!, h8 = H[8]!;
  // A = P Hᵀ
  const a0 = p0 * h0 + p1 * h1 + p2 * h2, a1 = p0 * h3 + p1 * h4 + p2 * h5, a2 = p0 * h6 + p1 * h7 + p2 * h8;
  const a3 = p3 * h0 + p4 * h1 + p5 * h2, a4 = p3 * h3 + p4 * h4 + p5 * h5, a5 = p3 * h6 + p4 * h7 + p5 * h8;
  const a6 = p6 * h0 + p7 * h1 + p8 * h2, a7 = p6 * h3 + p7 * h4 + p8 * h5, a8 = p6 * h6 + p7 * h7 + p8 * h8;
  // S = H A + W
  const s0 = h0 * a0 + h1 * a3 + h2 * a6 + w0, s1 = h0 * a1 + h1 * a4 + h2 * a7, s2 = h0 * a2 + h1 * a5 + h2 * a8;
  const s3 = h3 * a0 + h4 * a3 + h5 * a6, s4 = h3 * a1 + h4 * a4 + h5 * a7 + w1, s5 = h3 * a2 + h4 * a5 + h5 * a8;
  const s6 = h6 * a0 + h7 * a3 + h8 * a6, s7 = h6 * a1 + h7 * a4 + h8 * a7, s8 = h6 * a2 + h7 * a5 + h8 * a8 + w2;
  // S⁻¹ by cofactors
  const c0 = s4 * s8 - s5 * s7, c3 = s5 * s6 - s3 * s8, c6 = s3 * s7 - s4 * s6;
  const det = s0 * c0 + s1 * c3 + s2 * c6;
  if (!(Math.abs(det) > 1e-300)) return;
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
  const c0e = clip(e0, limit);
  const c1e = clip(e1, limit);
  const c2e = clip(e2, limit);
  const b0 = bias[0]!, b1 = bias[1]!, b2 = bias[2]!;
  bias[0] = clip(b0 + k0 * c0e + k1 * c1e + k2 * c2e, stateLimit);
  bias[1] = clip(b1 + k3 * c0e + k4 * c1e + k5 * c2e, stateLimit);
  bias[2] = clip(b2 + k6 * c0e + k7 * c1e + k8 * c2e, stateLimit);
}

// Scratch for one step (steps never interleave: each runs to the end before the next begins).
const IDENTITY3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
const R = new Float64Array(9);
const Rf = new Float64Array(9);
const Mf = new Float64Array(9);
const M = new Float64Array(9);
const turn = new Float64Array(4);
const level = new Float64Array(4);
const up = new Float64Array(3);
const vector = new Float64Array(3);

/**
 * One sample into the filter, in place: `imu[at …]` holds ax, ay, az (g) and gx, gy, gz (deg/s) in
 * sensor axes (a SampleBatch's layout), taken at sensor time `t` (s).
 *
 * Numbers stay in arrays or locals on the way through: V8 boxes (allocates) every number passed to
 * or returned from a function it does not inline, and this function, like most of its helpers, is
 * too big to inline.
 */
export function stepFusion(state: FusionState, imu: Float64Array, at: number, t: number, options: FusionOptions = DEFAULT_FUSION_OPTIONS): void {
  const ax = imu[at]!, ay = imu[at + 1]!, az = imu[at + 2]!;
  const gx = imu[at + 3]!, gy = imu[at + 4]!, gz = imu[at + 5]!;
  const accNorm = Math.sqrt(ax * ax + ay * ay + az * az);
  const dt = t - state.lastT;
  const plausible = Math.abs(accNorm - 1) < options.disturbedAccG;

  // First sample, a gap, or a clock that jumped back (a restarted sensor): level from the
  // accelerometer, keep what we knew of the heading and the bias, and start the filters afresh.
  if (state.health === 'initialising' || !(Math.abs(dt) <= options.maxGapSeconds)) {
    const { q } = state;
    rotateInto(vector, q, ax, ay, az);
    levellingInto(level, up, vector[0]!, vector[1]!, vector[2]!);
    multiplyNormalisedInto(q, level, q);
    state.gyroQ.set(q);
    state.levelQ[0] = 1;
    state.levelQ[1] = state.levelQ[2] = state.levelQ[3] = 0;
    const lp = state.lowPass;
    lp.fill(0);
    rotateInto(vector, q, ax, ay, az);
    for (let i = 0; i < 3; i++) lp[ACC + 2 * i] = vector[i]!;
    state.lowPassCount = 1;
    state.lowPassAge = 0;
    state.stillCount = 0;
    state.lastT = t;
    setVector(state.lastGyroDps, gx, gy, gz);
    setVector(state.gyroSlope, 0, 0, 0);
    state.lastDt = 0;
    setVector(state.accMean, ax, ay, az);
    setVector(state.accSmooth, ax, ay, az);
    setVector(state.gyroMean, gx, gy, gz);
    setVector(state.gyroSmooth, gx, gy, gz);
    state.stillSince = Number.NaN;
    state.atRest = false;
    state.disturbedFor = 0;
    state.health = plausible ? 'ok' : 'initialising';
    return;
  }
  if (dt <= 0) return; // a repeated timestamp, or a sample that arrived late: nothing to integrate

  const { biasDps, scale, lastGyroDps, gyroSlope, accMean, accSmooth, gyroMean, gyroSmooth } = state;
  const bx = biasDps[0]!, by = biasDps[1]!, bz = biasDps[2]!;
  const gsx = scale[0]!, gsy = scale[1]!, gsz = scale[2]!;
  const px = lastGyroDps[0]!, py = lastGyroDps[1]!, pz = lastGyroDps[2]!;
  const bridging = state.lastDt > 0 && dt > 3 * state.lastDt;
  if (!bridging) {
    // A MEMS gyroscope's decimation filter reports the mean rate over the interval that ends at the
    // sample, so the interval turns by the current reading (scale and bias corrected).
    fromRotationVectorInto(turn, ((1 + gsx) * gx - bx) * DEG, ((1 + gsy) * gy - by) * DEG, ((1 + gsz) * gz - bz) * DEG, dt);
  } else {
    // Lost samples: the rate across the gap is a parabola from the last rate and its slope to the new
    // rate. A straight line (the trapezoid) cuts the corner of a movement speeding up or slowing down:
    // 3.8° lost over a 0.3 s gap in a 40° turn, against 0.3° this way.
    const sx = gyroSlope[0]!, sy = gyroSlope[1]!, sz = gyroSlope[2]!;
    fromRotationVectorInto(turn, bridgedRate(px, sx, gx, gsx, bx, dt), bridgedRate(py, sy, gy, gsy, by, dt), bridgedRate(pz, sz, gz, gsz, bz, dt), dt);
  }
  const gyroQ = state.gyroQ;
  multiplyNormalisedInto(gyroQ, gyroQ, turn);
  // The rate's slope, smoothed over a few samples (noise), for bridging the next gap.
  const ks = 0.3;
  if (bridging) setVector(gyroSlope, 0, 0, 0);
  else {
    gyroSlope[0] = gyroSlope[0]! + ks * ((gx - px) / dt - gyroSlope[0]!);
    gyroSlope[1] = gyroSlope[1]! + ks * ((gy - py) / dt - gyroSlope[1]!);
    gyroSlope[2] = gyroSlope[2]! + ks * ((gz - pz) / dt - gyroSlope[2]!);
  }

  // Rest detection on a quiet gyroscope and a steady accelerometer.
  const k = Math.min(1, dt / 0.2);
  accMean[0] = accMean[0]! + k * (ax - accMean[0]!);
  accMean[1] = accMean[1]! + k * (ay - accMean[1]!);
  accMean[2] = accMean[2]! + k * (az - accMean[2]!);
  const kg = Math.min(1, dt / options.restGyroMeanSeconds);
  gyroMean[0] = gyroMean[0]! + kg * (gx - gyroMean[0]!);
  gyroMean[1] = gyroMean[1]! + kg * (gy - gyroMean[1]!);
  gyroMean[2] = gyroMean[2]! + kg * (gz - gyroMean[2]!);
  const kt = Math.min(1, dt / options.restTremorSeconds);
  gyroSmooth[0] = gyroSmooth[0]! + kt * (gx - gyroSmooth[0]!);
  gyroSmooth[1] = gyroSmooth[1]! + kt * (gy - gyroSmooth[1]!);
  gyroSmooth[2] = gyroSmooth[2]! + kt * (gz - gyroSmooth[2]!);
  const gs0 = gyroSmooth[0]!, gs1 = gyroSmooth[1]!, gs2 = gyroSmooth[2]!;
  // A tremor shakes the sensor too: 0.015° at 10 Hz, a third of a metre from the knee, is 0.03 g.
  accSmooth[0] = accSmooth[0]! + kt * (ax - accSmooth[0]!);
  accSmooth[1] = accSmooth[1]! + kt * (ay - accSmooth[1]!);
  accSmooth[2] = accSmooth[2]! + kt * (az - accSmooth[2]!);
  const P = state.biasP;
  const sigma = Math.sqrt(Math.max(P[0]!, P[4]!, P[8]!));
  // The gyroscope's distance from the bias and from its own mean, and the accelerometer's from its mean.
  const db0 = gs0 - bx, db1 = gs1 - by, db2 = gs2 - bz;
  const dm0 = gs0 - gyroMean[0]!, dm1 = gs1 - gyroMean[1]!, dm2 = gs2 - gyroMean[2]!;
  const da0 = accSmooth[0]! - accMean[0]!, da1 = accSmooth[1]! - accMean[1]!, da2 = accSmooth[2]! - accMean[2]!;
  const still =
    Math.sqrt(db0 * db0 + db1 * db1 + db2 * db2) < options.restGyroDps + 3 * sigma &&
    (sigma < options.restSteadyUntilSigmaDps || Math.sqrt(dm0 * dm0 + dm1 * dm1 + dm2 * dm2) < options.restGyroDps) &&
    Math.sqrt(da0 * da0 + da1 * da1 + da2 * da2) < options.restAccG &&
    plausible;
  const stillSince = still ? (Number.isNaN(state.stillSince) ? t : state.stillSince) : Number.NaN;
  const atRest = still && t - stillSince >= options.restSeconds;

  // Inclination: low-pass the accelerometer in the inertial frame, then level to it in full.
  const lp = state.lowPass;
  const count = state.lowPassCount + 1;
  const age = state.lowPassAge + dt;
  const tau = options.accTimeConstant;
  rotateInto(vector, gyroQ, ax, ay, az);
  lowPass(lp, ACC, vector, 3, atRest ? options.restAccTimeConstant : tau, dt, count, age);
  const levelQ = state.levelQ;
  rotateInto(vector, levelQ, out(lp, ACC, 0), out(lp, ACC, 1), out(lp, ACC, 2));
  levellingInto(level, up, vector[0]!, vector[1]!, vector[2]!);
  multiplyNormalisedInto(levelQ, level, levelQ);
  const q = state.q;
  multiplyNormalisedInto(q, levelQ, gyroQ);

  // Bias: predict (it may have drifted), then measure, at rest or from the corrections.
  const b = options.bias;
  const drift = (0.1 * 0.1 * dt) / b.forgettingSeconds;
  const P0 = b.initialSigmaDps ** 2;
  for (let i = 0; i < 9; i += 4) if (P[i]! < P0) P[i]! += drift;
  matrixInto(R, q);
  lowPass(lp, ROT, R, 9, tau, dt, count, age);
  vector[0] = R[0]! * bx + R[1]! * by + R[2]! * bz;
  vector[1] = R[3]! * bx + R[4]! * by + R[5]! * bz;
  lowPass(lp, ROT_BIAS, vector, 2, tau, dt, count, age);
  M[0] = R[0]! * gx; M[1] = R[1]! * gy; M[2] = R[2]! * gz;
  M[3] = R[3]! * gx; M[4] = R[4]! * gy; M[5] = R[5]! * gz;
  M[6] = R[6]! * gx; M[7] = R[7]! * gy; M[8] = R[8]! * gz;
  lowPass(lp, ROT_RATE, M, 9, tau, dt, count, age);
  vector[0] = M[0]! * gsx + M[1]! * gsy + M[2]! * gsz;
  vector[1] = M[3]! * gsx + M[4]! * gsy + M[5]! * gsz;
  lowPass(lp, ROT_RATE_SCALE, vector, 2, tau, dt, count, age);
  // The gyroscope's mean since the sensor came to rest (then low-passed): a filter running through
  // the movement before would still carry its tail when rest is declared.
  const stillCount = still ? state.stillCount + 1 : 0;
  if (still) {
    setVector(vector, gx, gy, gz);
    lowPass(lp, GYRO, vector, 3, options.restGyroTimeConstant, dt, stillCount, t - stillSince);
  }

  if (atRest) {
    const w = b.restSigmaDps ** 4 / drift + b.restSigmaDps ** 2;
    updateBias(biasDps, P, IDENTITY3, out(lp, GYRO, 0) - bx, out(lp, GYRO, 1) - by, out(lp, GYRO, 2) - bz, w, w, w, b.clipDps);
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
    const e0 = -up[1]! / dt / DEG + out(lp, ROT_BIAS, 0) - (Rf[0]! * bx + Rf[1]! * by + Rf[2]! * bz) + sc0;
    const e1 = up[0]! / dt / DEG + out(lp, ROT_BIAS, 1) - (Rf[3]! * bx + Rf[4]! * by + Rf[5]! * bz) + sc1;
    const e2 = -(Rf[6]! * bx + Rf[7]! * by + Rf[8]! * bz);
    const w = b.motionSigmaDps ** 4 / drift + b.motionSigmaDps ** 2;
    updateBias(biasDps, P, Rf, e0, e1, e2, w, w, w / b.verticalForgetting, b.clipDps);
    // What the bias update left unexplained is the scale's disagreement (the sign: a gain too low
    // turns the frame too little, as a bias against the rate would).
    const db0 = biasDps[0]! - bx, db1 = biasDps[1]! - by, db2 = biasDps[2]! - bz;
    const es0 = -(e0 - (Rf[0]! * db0 + Rf[1]! * db1 + Rf[2]! * db2));
    const es1 = -(e1 - (Rf[3]! * db0 + Rf[4]! * db1 + Rf[5]! * db2));
    const sc = options.scale;
    const scaleDrift = sc.driftPerSecond * dt;
    const SP = state.scaleP;
    for (let i = 0; i < 9; i += 4) if (SP[i]! < sc.initialSigma ** 2) SP[i]! += scaleDrift;
    updateBias(scale, SP, Mf, es0, es1, 0, w, w, w / b.verticalForgetting, sc.disagreementClipDps, sc.clip);
  }

  // The bias's uncertainty about the vertical u (sensor frame): √(uᵀPu), the heading drift it allows.
  const u0 = R[6]!, u1 = R[7]!, u2 = R[8]!;
  const verticalVariance = u0 * (P[0]! * u0 + P[1]! * u1 + P[2]! * u2) + u1 * (P[3]! * u0 + P[4]! * u1 + P[5]! * u2) + u2 * (P[6]! * u0 + P[7]! * u1 + P[8]! * u2);
  state.biasKnown = verticalVariance < b.knownSigmaDps ** 2;

  // Long with the accelerometer far from 1 g (vibration, a fall, a sensor not on a person): say so.
  state.disturbedFor = plausible ? 0 : state.disturbedFor + dt;
  state.health = state.disturbedFor > 2 ? 'disturbed' : 'ok';
  state.lowPassCount = count;
  state.lowPassAge = age;
  state.stillCount = stillCount;
  state.lastT = t;
  setVector(lastGyroDps, gx, gy, gz);
  if (!bridging) state.lastDt = dt;
  state.stillSince = stillSince;
  state.atRest = atRest;
}

/** The mean rate across a bridged gap, scale and bias corrected, rad/s (see stepFusion). */
const bridgedRate = (p: number, s: number, g: number, k: number, b: number, dt: number) => ((1 + k) * ((2 * p + g) / 3 + (s * dt) / 6) - b) * DEG;

function setVector(v: Float64Array, x: number, y: number, z: number): void {
  v[0] = x;
  v[1] = y;
  v[2] = z;
}

/** The earth-frame "up" as the sensor sees it: handy for tests and for inclination. */
export const upInSensor = (q: ArrayLike<number>): Vec3 => rotate([q[0]!, -q[1]!, -q[2]!, -q[3]!], UP);
