/**
 * Unit quaternions as [w, x, y, z]; `rotate(q, v)` takes sensor-frame vectors into the earth frame.
 *
 * The per-sample path (fusion, exercise angle) uses the `…Into` forms: quaternions and vectors in
 * Float64Arrays, the result written into `out`, nothing allocated (see "Speed" in docs/fusion.md).
 * `out` may be one of the inputs unless said otherwise: every input is read before anything is written.
 */
export type Quat = readonly [number, number, number, number];
export type Vec3 = readonly [number, number, number];

/** Length of a 3-vector. (Math.hypot is several times slower in V8, and this runs per sample.) */
export const norm3 = (v: Vec3) => Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

export const conjugate = ([w, x, y, z]: Quat): Quat => [w, -x, -y, -z];

const tuple = (q: Float64Array): Quat => [q[0]!, q[1]!, q[2]!, q[3]!];

/** Rotation by `angle` radians about `axis` (need not be unit length; a zero axis gives identity). */
export function fromAxisAngle(axis: Vec3, angle: number): Quat {
  const q = new Float64Array(4);
  fromAxisAngleInto(q, axis[0], axis[1], axis[2], angle);
  return tuple(q);
}

/** q ⊗ v ⊗ q*. */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const out = new Float64Array(3);
  rotateInto(out, q, v[0], v[1], v[2]);
  return [out[0]!, out[1]!, out[2]!];
}

/** Angle of the rotation q, radians, in [0, π]. */
export const rotationAngle = (q: ArrayLike<number>) => 2 * Math.acos(Math.min(1, Math.abs(q[0]!)));

/**
 * The signed angle of q's twist about the unit `axis`: the part of the rotation that turns about
 * that axis, whatever the rest of the rotation does (swing–twist decomposition). Radians, (−π, π].
 */
export function twistAngle(q: ArrayLike<number>, axis: ArrayLike<number>): number {
  const projection = q[1]! * axis[0]! + q[2]! * axis[1]! + q[3]! * axis[2]!;
  let angle = 2 * Math.atan2(projection, q[0]!);
  if (angle > Math.PI) angle -= 2 * Math.PI;
  if (angle <= -Math.PI) angle += 2 * Math.PI;
  return angle;
}

/** a ⊗ b into `out`. */
export function multiplyInto(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  const aw = a[0]!, ax = a[1]!, ay = a[2]!, az = a[3]!;
  const bw = b[0]!, bx = b[1]!, by = b[2]!, bz = b[3]!;
  out[0] = aw * bw - ax * bx - ay * by - az * bz;
  out[1] = aw * bx + ax * bw + ay * bz - az * by;
  out[2] = aw * by - ax * bz + ay * bw + az * bx;
  out[3] = aw * bz + ax * by - ay * bx + az * bw;
}

/** q scaled to unit length, in place (identity for a zero quaternion). */
export function normaliseInPlace(q: Float64Array): void {
  const w = q[0]!, x = q[1]!, y = q[2]!, z = q[3]!;
  const n = Math.sqrt(w * w + x * x + y * y + z * z);
  const out = q;
  if (n > 0) {
    out[0] = w / n;
    out[1] = x / n;
    out[2] = y / n;
    out[3] = z / n;
  } else {
    out[0] = 1;
    out[1] = out[2] = out[3] = 0;
  }
}

/** a ⊗ b, normalised (against rounding drift), into `out`. */
export function multiplyNormalisedInto(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  multiplyInto(out, a, b);
  normaliseInPlace(out);
}

/** Rotation by `angle` radians about [x, y, z] (need not be unit length; a zero axis gives identity) into `out`. */
export function fromAxisAngleInto(out: Float64Array, x: number, y: number, z: number, angle: number): void {
  const n = Math.sqrt(x * x + y * y + z * z);
  if (n < 1e-12 || angle === 0) {
    out[0] = 1;
    out[1] = out[2] = out[3] = 0;
    return;
  }
  const s = Math.sin(angle / 2) / n;
  out[0] = Math.cos(angle / 2);
  out[1] = x * s;
  out[2] = y * s;
  out[3] = z * s;
}

/** The rotation a body turning at [x, y, z] (rad/s, body axes) makes in `dt` seconds, into `out`. */
export function fromRotationVectorInto(out: Float64Array, x: number, y: number, z: number, dt: number): void {
  fromAxisAngleInto(out, x, y, z, Math.sqrt(x * x + y * y + z * z) * dt);
}

/** q ⊗ [x, y, z] ⊗ q* into `out` (3 long), without building quaternions. */
export function rotateInto(out: Float64Array, q: ArrayLike<number>, x: number, y: number, z: number): void {
  const w = q[0]!, qx = q[1]!, qy = q[2]!, qz = q[3]!;
  // t = 2 (q.xyz × v); v' = v + w t + q.xyz × t
  const tx = 2 * (qy * z - qz * y);
  const ty = 2 * (qz * x - qx * z);
  const tz = 2 * (qx * y - qy * x);
  out[0] = x + w * tx + (qy * tz - qz * ty);
  out[1] = y + w * ty + (qz * tx - qx * tz);
  out[2] = z + w * tz + (qx * ty - qy * tx);
}

/** A conjugate, for the two products below (module scratch: `out` may then be either input). */
const conjugated = new Float64Array(4);

function conjugateInto(out: Float64Array, q: ArrayLike<number>): void {
  out[0] = q[0]!;
  out[1] = -q[1]!;
  out[2] = -q[2]!;
  out[3] = -q[3]!;
}

/** a ⊗ b* into `out`. */
export function multiplyConjugateInto(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  conjugateInto(conjugated, b);
  multiplyInto(out, a, conjugated);
}

/** The rotation from `reference` to q, reference* ⊗ q, turned to w ≥ 0 (the shorter way round), into `out`. */
export function relativeRotationInto(out: Float64Array, reference: ArrayLike<number>, q: ArrayLike<number>): void {
  conjugateInto(conjugated, reference);
  multiplyInto(out, conjugated, q);
  if (out[0]! < 0) {
    out[0] = -out[0]!;
    out[1] = -out[1]!;
    out[2] = -out[2]!;
    out[3] = -out[3]!;
  }
}
