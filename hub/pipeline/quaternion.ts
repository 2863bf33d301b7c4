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
export const rotationAngle = (q: Quat) => 2 * Math.acos(Math.min(1, Math.abs(q[0])));

/**
 * The signed angle of q's twist about the unit `axis`: the part of the rotation that turns about
 * that axis, whatever the rest of the rotation does (swing–twist decomposition). Radians, (−π, π].
 */
export function twistAngle(q: Quat, axis: Vec3): number {
  const projection = q[1] * axis[0] + q[2] * axis[1] + q[3] * axis[2];
  let angle = 2 * Math.atan2(projection, q[0]);
  if (angle > Math.PI) angle -= 2 * Math.PI;
  if (angle <= -Math.PI) angle += 2 * Math.PI;
  return angle;
}
