/**
 * Ground truth for fusion tests, built from rotation matrices (independent of the quaternion code
 * being tested): a sensor orientation over time → what an ideal IMU would read, plus optional bias,
 * noise and linear acceleration.
 */
import type { ImuReading } from '../../hub/protocol/gatt.ts';

export type Mat3 = number[][];
export type V3 = [number, number, number];

export function axisAngle(axis: V3, angleDeg: number): Mat3 {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n) as V3;
  const a = (angleDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const C = 1 - c;
  return [
    [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
    [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
    [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
  ];
}

export const mul = (a: Mat3, b: Mat3): Mat3 => a.map((row) => [0, 1, 2].map((j) => row[0]! * b[0]![j]! + row[1]! * b[1]![j]! + row[2]! * b[2]![j]!));
export const transpose = (a: Mat3): Mat3 => [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[j]![i]!));
export const apply = (m: Mat3, v: V3): V3 => [0, 1, 2].map((i) => m[i]![0]! * v[0] + m[i]![1]! * v[1] + m[i]![2]! * v[2]) as V3;

/** Body-frame rotation vector (rad) taking R1 to R2: log(R1ᵀ R2). */
function rotationVector(r1: Mat3, r2: Mat3): V3 {
  const d = mul(transpose(r1), r2);
  const angle = Math.acos(Math.max(-1, Math.min(1, (d[0]![0]! + d[1]![1]! + d[2]![2]! - 1) / 2)));
  if (angle < 1e-12) return [0, 0, 0];
  const k = angle / (2 * Math.sin(angle));
  return [(d[2]![1]! - d[1]![2]!) * k, (d[0]![2]! - d[2]![0]!) * k, (d[1]![0]! - d[0]![1]!) * k];
}

export interface SyntheticOptions {
  rateHz: number;
  seconds: number;
  /** Sensor → earth at time t. */
  orientation: (t: number) => Mat3;
  /** Earth-frame linear acceleration at time t, in g. */
  linearAcc?: (t: number) => V3;
  biasDps?: V3;
  /** Random walk of the bias, deg/s per √s (drawn from the noise seed). */
  biasWalkDps?: number;
  /** The gyroscope reads this times the true rate (a scale error). */
  gyroScale?: number;
  noise?: { accG: number; gyroDps: number; seed: number };
  /** Sample times; default evenly spaced. */
  times?: number[];
}

export interface SyntheticSample {
  t: number;
  reading: ImuReading;
  truth: Mat3;
}

export function synthesise(options: SyntheticOptions): SyntheticSample[] {
  const times = options.times ?? Array.from({ length: Math.round(options.seconds * options.rateHz) }, (_, i) => i / options.rateHz);
  let seed = options.noise?.seed ?? 1;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const bias: V3 = [...(options.biasDps ?? [0, 0, 0])];
  const walk = options.biasWalkDps ?? 0;
  const scale = options.gyroScale ?? 1;
  const h = 1e-4;
  return times.map((t, i) => {
    const r = options.orientation(t);
    // A MEMS gyroscope's decimation filter reports the mean rate over the sample interval ending at t:
    // the rotation since the previous sample over that time (for the first, over a short step).
    const span = i > 0 ? t - times[i - 1]! : h;
    if (walk > 0 && i > 0) for (const k of [0, 1, 2] as const) bias[k] += walk * Math.sqrt(span) * gauss();
    const w = rotationVector(options.orientation(t - span), options.orientation(t)).map((v) => ((v / span) * 180) / Math.PI);
    const lin = options.linearAcc?.(t) ?? [0, 0, 0];
    const specific = apply(transpose(r), [lin[0], lin[1], lin[2] + 1]);
    const an = options.noise?.accG ?? 0;
    const gn = options.noise?.gyroDps ?? 0;
    return {
      t,
      truth: r,
      reading: {
        ax: specific[0] + an * gauss(),
        ay: specific[1] + an * gauss(),
        az: specific[2] + an * gauss(),
        gx: w[0]! * scale + bias[0] + gn * gauss(),
        gy: w[1]! * scale + bias[1] + gn * gauss(),
        gz: w[2]! * scale + bias[2] + gn * gauss(),
      },
    };
  });
}

/** Angle between the true and estimated "up" seen from the sensor: the inclination error, degrees. */
export function inclinationErrorDeg(truth: Mat3, upEstimate: readonly number[]): number {
  const up = apply(transpose(truth), [0, 0, 1]);
  const dot = up[0] * upEstimate[0]! + up[1] * upEstimate[1]! + up[2] * upEstimate[2]!;
  return (Math.acos(Math.max(-1, Math.min(1, dot / Math.hypot(...upEstimate)))) * 180) / Math.PI;
}

/** Smooth 0 → peak → 0 over [start, start + duration], degrees. */
export const bump = (t: number, start: number, duration: number, peak: number) =>
  t <= start || t >= start + duration ? 0 : (peak * (1 - Math.cos((2 * Math.PI * (t - start)) / duration))) / 2;
