/** Unit quaternions as [w, x, y, z]; `rotate(q, v)` takes sensor-frame vectors into the earth frame. */
export type Quat = readonly [number, number, number, number];
export type Vec3 = readonly [number, number, number];

export const IDENTITY: Quat = [1, 0, 0, 0];

/** Length of a 3-vector. (Math.hypot is several times slower in V8, and this runs per sample.) */
export const norm3 = (v: Vec3) => Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

export function multiply(a: Quat, b: Quat): Quat {
  const [aw, ax, ay, az] = a;
  const [bw, bx, by, bz] = b;
  return [
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  ];
}

export const conjugate = ([w, x, y, z]: Quat): Quat => [w, -x, -y, -z];

export function normalise(q: Quat): Quat {
  const n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  return n > 0 ? [q[0] / n, q[1] / n, q[2] / n, q[3] / n] : IDENTITY;
}

/** Rotation by `angle` radians about `axis` (need not be unit length; a zero axis gives identity). */
export function fromAxisAngle(axis: Vec3, angle: number): Quat {
  const n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  if (n < 1e-12 || angle === 0) return IDENTITY;
  const s = Math.sin(angle / 2) / n;
  return [Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s];
}

/** The rotation a body turning at `omega` (rad/s, body axes) makes in `dt` seconds. */
export function fromRotationVector(omega: Vec3, dt: number): Quat {
  const angle = Math.sqrt(omega[0] * omega[0] + omega[1] * omega[1] + omega[2] * omega[2]) * dt;
  return fromAxisAngle(omega, angle);
}

/** q ⊗ v ⊗ q* without building quaternions. */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const [w, x, y, z] = q;
  // t = 2 (q.xyz × v); v' = v + w t + q.xyz × t
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
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

/*
 * The same maths in place, for the per-sample path (fusion, exercise angle): quaternions and vectors
 * in Float64Arrays, written into `out`, nothing allocated. Each computes exactly what its tuple
 * counterpart above computes, operation for operation, so results do not change by a bit. `out` may
 * be one of the inputs: every input is read before anything is written.
 */

/** normalise(multiply(a, b)) into `out`. */
export function multiplyNormalisedInto(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  const aw = a[0]!, ax = a[1]!, ay = a[2]!, az = a[3]!;
  const bw = b[0]!, bx = b[1]!, by = b[2]!, bz = b[3]!;
  normaliseInto(
    out,
    aw * bw - ax * bx - ay * by - az * bz,
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
  );
}

/** multiply(a, b) into `out`. */
export function multiplyInto(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  const aw = a[0]!, ax = a[1]!, ay = a[2]!, az = a[3]!;
  const bw = b[0]!, bx = b[1]!, by = b[2]!, bz = b[3]!;
  out[0] = aw * bw - ax * bx - ay * by - az * bz;
  out[1] = aw * bx + ax * bw + ay * bz - az * by;
  out[2] = aw * by - ax * bz + ay * bw + az * bx;
  out[3] = aw * bz + ax * by - ay * bx + az * bw;
}

/** normalise([w, x, y, z]) into `out`. */
export function normaliseInto(out: Float64Array, w: number, x: number, y: number, z: number): void {
  const n = Math.sqrt(w * w + x * x + y * y + z * z);
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

/** fromRotationVector([x, y, z], dt) into `out`. */
export function fromRotationVectorInto(out: Float64Array, x: number, y: number, z: number, dt: number): void {
  const n = Math.sqrt(x * x + y * y + z * z);
  const angle = n * dt;
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

/** rotate(q, [x, y, z]) into `out` (3 long). */
export function rotateInto(out: Float64Array, q: ArrayLike<number>, x: number, y: number, z: number): void {
  const w = q[0]!, qx = q[1]!, qy = q[2]!, qz = q[3]!;
  const tx = 2 * (qy * z - qz * y);
  const ty = 2 * (qz * x - qx * z);
  const tz = 2 * (qx * y - qy * x);
  out[0] = x + w * tx + (qy * tz - qz * ty);
  out[1] = y + w * ty + (qz * tx - qx * tz);
  out[2] = z + w * tz + (qx * ty - qy * tx);
}

/** The relative rotation reference* ⊗ q into `out`, turned to w ≥ 0 (the shorter way round). */
export function relativeRotationInto(out: Float64Array, reference: ArrayLike<number>, q: ArrayLike<number>): void {
  const aw = reference[0]!, ax = -reference[1]!, ay = -reference[2]!, az = -reference[3]!;
  const bw = q[0]!, bx = q[1]!, by = q[2]!, bz = q[3]!;
  const w = aw * bw - ax * bx - ay * by - az * bz;
  const x = aw * bx + ax * bw + ay * bz - az * by;
  const y = aw * by - ax * bz + ay * bw + az * bx;
  const z = aw * bz + ax * by - ay * bx + az * bw;
  const sign = w < 0 ? -1 : 1;
  out[0] = sign * w;
  out[1] = sign * x;
  out[2] = sign * y;
  out[3] = sign * z;
}
