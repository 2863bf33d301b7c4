import type { ImuReading } from '../hub/protocol/gatt.ts';
import { DEG, add, cross, norm, qAxisAngle, qFromAxes, qLog, qconj, qmul, rotate, scale, sub, unit, type Quat, type Vec3 } from './math3d.ts';
import type { Kinematics } from './person/person.ts';
import type { Random } from './random.ts';

/**
 * What an IMU strapped to the shin measures, as plain functions:
 *
 * 1. `idealImu`: the exact specific force and angular rate at the sensor, from the leg's kinematics and
 *    how the sensor is mounted. The accelerometer sees gravity's reaction (1 g up) plus the linear
 *    acceleration of the sensor's real position, which swings on a lever arm about the pivot.
 *    The gyroscope reports the mean rate over each sample interval, as a MEMS gyroscope's decimation
 *    filter does.
 * 2. `measure`: a real sensor's errors on top: gyroscope bias with a random-walk drift, white noise,
 *    per-axis scale error; a small accelerometer bias and noise. (int16 quantisation happens when the
 *    reading is encoded for the air, in hub/protocol/gatt.ts.)
 * 3. `sensorClock`: the sensor's crystal runs a little fast or slow, its µs counter starts anywhere
 *    (a sensor powered on an hour ago wraps its 32-bit timestamp mid-set), and packet timestamps jitter.
 *
 * The default envelope is the wide one (issue 11: sensors we did not model, biases up to ±1.5 °/s that
 * wander); `NARROW_IMU_ERRORS` and `NARROW_CLOCK` are the earlier, easier one, a subset of it.
 *
 * Frames: the shin frame has x down the shin (knee → ankle), z out of the front of the shin and y = z × x.
 * A mounting rotates the sensor's own axes relative to that frame.
 */
const G = 9.80665;

// ---------------------------------------------------------------------------------------------------
// Mounting

/**
 * The 24 ways to place a box-shaped sensor with its axes along the shin frame's axes. Each is the
 * rotation sensor → shin. Index 0 is the standard placement: sensor axes = shin axes (x down the shin,
 * z out of the front).
 */
export const PLACEMENTS: readonly Quat[] = (() => {
  const e: Vec3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const out: Quat[] = [];
  for (const i of [0, 1, 2]) {
    for (const si of [1, -1]) {
      for (const j of [0, 1, 2]) {
        if (j === i) continue;
        for (const sj of [1, -1]) {
          const x = scale(e[i]!, si);
          const y = scale(e[j]!, sj);
          out.push(qFromAxes(x, y, cross(x, y)));
        }
      }
    }
  }
  return out; // the first is x→x, y→y: the identity
})();

export interface Mounting {
  /** 0–23, see PLACEMENTS. */
  placement: number;
  /** Strap twisted about the shin's long axis, degrees. */
  twistDeg: number;
  /** Sensor tipped along the shin (about the shin's y axis), degrees. */
  tiltDeg: number;
  /** Distance of the sensor down the shin from the knee, metres. */
  alongShinM: number;
  /** Sensor → shin rotation. */
  sensorToShin: Quat;
  /** Sensor position relative to the knee, shin frame, metres (it sits on the skin, off the bone axis). */
  positionInShin: Vec3;
}

export interface MountingOptions {
  twistDeg?: number;
  tiltDeg?: number;
  alongShinM?: number;
  /** Distance of the sensor from the shin's long axis, metres. */
  skinOffsetM?: number;
}

export function mounting(placement: number, options: MountingOptions = {}): Mounting {
  const { twistDeg = 0, tiltDeg = 0, alongShinM = 0.2, skinOffsetM = 0.04 } = options;
  const base = PLACEMENTS[placement];
  if (!Number.isInteger(placement) || !base) throw new RangeError(`mounting placement must be 0..23, got ${placement}`);
  const sensorToShin = qmul(qmul(qAxisAngle([1, 0, 0], twistDeg * DEG), qAxisAngle([0, 1, 0], tiltDeg * DEG)), base);
  // The sensor's back lies on the skin: it sits off the bone axis on the side its z axis points to,
  // or on the front of the shin if its z axis runs along the shin.
  const z = rotate(sensorToShin, [0, 0, 1]);
  const across: Vec3 = [0, z[1], z[2]];
  const side = norm(across) > 0.3 ? unit(across) : ([0, 0, 1] as Vec3);
  return { placement, twistDeg, tiltDeg, alongShinM, sensorToShin, positionInShin: add([alongShinM, 0, 0], scale(side, skinOffsetM)) };
}

/** One of the 24 placements, a strap twist of ±20°, a tilt of ±10° and a place on the shin, from `random`. */
export function randomMounting(random: Random): Mounting {
  const placement = Math.floor(random.next() * 24);
  return mounting(placement, { twistDeg: random.uniform(-20, 20), tiltDeg: random.uniform(-10, 10), alongShinM: random.uniform(0.12, 0.25) });
}

// ---------------------------------------------------------------------------------------------------
// The ideal sensor

export interface IdealImu {
  /** Specific force on the sensor's axes, g. */
  acc: Vec3;
  /** Angular rate on the sensor's axes, deg/s. */
  gyro: Vec3;
  /** Sensor → earth orientation. */
  orientation: Quat;
}

/** Step for the numerical derivatives, seconds. Central differences: errors of order h². */
const H = 1e-3;

export const sensorOrientation = (kinematics: Kinematics, mount: Mounting, t: number): Quat => qmul(kinematics.shinAt(t), mount.sensorToShin);

/**
 * `intervalS`: the sample interval. A MEMS gyroscope's decimation filter reports the mean rate over the
 * interval that ends at the sample, not the rate at that instant; 0 gives the instantaneous rate.
 */
export function idealImu(kinematics: Kinematics, mount: Mounting, t: number, intervalS = 0): IdealImu {
  const lever = add(kinematics.pivotToKnee, mount.positionInShin);
  const shin = [kinematics.shinAt(t - H), kinematics.shinAt(t), kinematics.shinAt(t + H)] as const;
  const [before, orientation, after] = shin.map((q) => qmul(q, mount.sensorToShin)) as [Quat, Quat, Quat];
  // Body-frame rate: the rotation over the interval (or from `before` to `after`), seen from the sensor.
  const gyro =
    intervalS > 0
      ? scale(qLog(qmul(qconj(qmul(kinematics.shinAt(t - intervalS), mount.sensorToShin)), orientation)), 1 / intervalS / DEG)
      : scale(qLog(qmul(qconj(before), after)), 1 / (2 * H) / DEG);
  // The sensor's position relative to the pivot (earth frame), and its second derivative.
  const [p0, p1, p2] = shin.map((q) => rotate(q, lever)) as [Vec3, Vec3, Vec3];
  const linear = scale(add(sub(p2, p1), sub(p0, p1)), 1 / (H * H * G));
  const acc = rotate(qconj(orientation), add(linear, [0, 0, 1]));
  return { acc, gyro, orientation };
}

// ---------------------------------------------------------------------------------------------------
// Sensor errors

export interface ImuErrorOptions {
  /** Initial gyroscope bias, each axis drawn from ±this, deg/s. */
  gyroBiasDps: number;
  /** Random-walk drift of the bias, deg/s per √s. */
  gyroBiasWalkDps: number;
  /** White noise, deg/s (standard deviation per sample). */
  gyroNoiseDps: number;
  /** Scale error per axis: magnitude drawn from this range, random sign. */
  gyroScaleError: readonly [number, number];
  accBiasG: number;
  accNoiseG: number;
}

/** The earlier envelope: biases within ±0.5 °/s, drifting slowly. */
export const NARROW_IMU_ERRORS: ImuErrorOptions = {
  gyroBiasDps: 0.5,
  gyroBiasWalkDps: 0.01,
  gyroNoiseDps: 0.07,
  gyroScaleError: [0.01, 0.02],
  accBiasG: 0.01,
  accNoiseG: 0.004,
};

/**
 * The wide envelope: biases up to ±1.5 °/s per axis with a random walk twice as fast (about 0.15 °/s
 * over a minute, as a sensor warming up on the skin), scale errors from none to 2 %, a little more noise.
 */
export const WIDE_IMU_ERRORS: ImuErrorOptions = {
  gyroBiasDps: 1.5,
  gyroBiasWalkDps: 0.02,
  gyroNoiseDps: 0.1,
  gyroScaleError: [0, 0.02],
  accBiasG: 0.01,
  accNoiseG: 0.005,
};

export const DEFAULT_IMU_ERRORS: ImuErrorOptions = WIDE_IMU_ERRORS;

export const NO_IMU_ERRORS: ImuErrorOptions = { gyroBiasDps: 0, gyroBiasWalkDps: 0, gyroNoiseDps: 0, gyroScaleError: [0, 0], accBiasG: 0, accNoiseG: 0 };

/** One sensor's error state: constants drawn once, and the bias that drifts. */
export interface ImuErrors {
  options: ImuErrorOptions;
  gyroBias: Vec3;
  gyroScale: Vec3;
  accBias: Vec3;
  /** True time of the last sample, for the random walk. */
  lastT: number | null;
}

export function imuErrors(random: Random, options: ImuErrorOptions = DEFAULT_IMU_ERRORS): ImuErrors {
  const each = (f: () => number): Vec3 => [f(), f(), f()];
  const [slo, shi] = options.gyroScaleError;
  return {
    options,
    gyroBias: each(() => random.uniform(-options.gyroBiasDps, options.gyroBiasDps)),
    gyroScale: each(() => 1 + random.uniform(slo, shi) * (random.next() < 0.5 ? -1 : 1)),
    accBias: each(() => random.uniform(-options.accBiasG, options.accBiasG)),
    lastT: null,
  };
}

/** The bias random walk up to time t (true time), in place. */
export function driftBias(errors: ImuErrors, random: Random, t: number): void {
  const dt = errors.lastT === null ? 0 : t - errors.lastT;
  errors.lastT = t;
  const walk = errors.options.gyroBiasWalkDps;
  if (dt <= 0 || walk === 0) return;
  const k = walk * Math.sqrt(dt);
  for (const i of [0, 1, 2] as const) errors.gyroBias[i] += k * random.normal();
}

/** A real sensor's reading of the ideal values (call driftBias first). */
export function measure(ideal: IdealImu, errors: ImuErrors, random: Random): ImuReading {
  const { gyroNoiseDps, accNoiseG } = errors.options;
  const g = (i: 0 | 1 | 2) => ideal.gyro[i] * errors.gyroScale[i] + errors.gyroBias[i] + (gyroNoiseDps > 0 ? gyroNoiseDps * random.normal() : 0);
  const a = (i: 0 | 1 | 2) => ideal.acc[i] + errors.accBias[i] + (accNoiseG > 0 ? accNoiseG * random.normal() : 0);
  return { ax: a(0), ay: a(1), az: a(2), gx: g(0), gy: g(1), gz: g(2) };
}

// ---------------------------------------------------------------------------------------------------
// Clock

export interface SensorClock {
  /** Clock rate error, parts per million: the sensor's clock reads (1 + ppm·1e-6) × true time. */
  ppm: number;
  /** What the sensor's clock read at true time 0, seconds (optional: 0). */
  epochS?: number;
  /** Standard deviation of the jitter on each packet's timestamp, µs. */
  jitterUs: number;
}

export interface SensorClockOptions {
  maxPpm?: number;
  jitterUs?: number;
  /** The clock at true time 0 is drawn from [0, this), seconds. */
  maxEpochS?: number;
}

/** The earlier envelope: ±100 ppm, counting from 0. */
export const NARROW_CLOCK: SensorClockOptions = { maxPpm: 100, jitterUs: 20, maxEpochS: 0 };
/** The wide one: ±300 ppm, starting anywhere in the 32-bit µs counter's 71.6 minutes. */
export const WIDE_CLOCK: SensorClockOptions = { maxPpm: 300, jitterUs: 30, maxEpochS: 2 ** 32 / 1e6 };

export function sensorClock(random: Random, { maxPpm = 300, jitterUs = 30, maxEpochS = 2 ** 32 / 1e6 }: SensorClockOptions = WIDE_CLOCK): SensorClock {
  const ppm = random.uniform(-maxPpm, maxPpm);
  // Drawn after the rate, so a narrow clock from the same seed keeps its rate.
  const epochS = maxEpochS > 0 ? Math.round(random.uniform(0, maxEpochS) * 1e3) / 1e3 : 0;
  return { ppm, jitterUs, epochS };
}

/** True time at which sample `index` is taken: the sensor samples evenly on its own clock. */
export const sampleTrueTime = (clock: SensorClock, index: number, rateHz: number): number => index / rateHz / (1 + clock.ppm * 1e-6);

/** Sensor-clock time elapsed (seconds) by true time t, from the clock's epoch. */
export const sensorTime = (clock: SensorClock, trueTime: number): number => trueTime * (1 + clock.ppm * 1e-6);

/** What the sensor's clock reads at true time t, seconds (its epoch plus the time elapsed). */
export const sensorClockReading = (clock: SensorClock, trueTime: number): number => (clock.epochS ?? 0) + sensorTime(clock, trueTime);

/** A packet's timestamp (µs since power-on, not yet wrapped) for its first sample, with jitter. */
export function packetTimestampUs(clock: SensorClock, random: Random, firstIndex: number, rateHz: number): number {
  const exact = (clock.epochS ?? 0) * 1e6 + (firstIndex / rateHz) * 1e6;
  const jitter = clock.jitterUs > 0 ? Math.max(-3, Math.min(3, random.normal())) * clock.jitterUs : 0;
  return Math.max(0, Math.round(exact + jitter));
}
