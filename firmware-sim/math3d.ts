/**
 * The little vector and quaternion maths the simulator needs. Deliberately its own: the simulator is
 * the ground truth for the hub's estimator, so it shares no maths with hub/pipeline.
 *
 * Quaternions are [w, x, y, z], unit length, and rotate a vector from a body frame into the parent
 * frame: v_parent = q ⊗ v_body ⊗ q*.
 */
export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

export const DEG = Math.PI / 180;

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export function unit(a: Vec3): Vec3 {
  const n = norm(a);
  if (!(n > 0)) throw new RangeError('cannot normalise a zero vector');
  return scale(a, 1 / n);
}

export const IDENTITY: Quat = [1, 0, 0, 0];

export function qmul(a: Quat, b: Quat): Quat {
  return [
    a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
    a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
    a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
    a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
  ];
}

export const qconj = (q: Quat): Quat => [q[0], -q[1], -q[2], -q[3]];

export function qnormalise(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Rotation by `angleRad` about `axis` (any length). */
export function qAxisAngle(axis: Vec3, angleRad: number): Quat {
  const [x, y, z] = unit(axis);
  const s = Math.sin(angleRad / 2);
  return [Math.cos(angleRad / 2), x * s, y * s, z * s];
}

/** Rotation vector (axis × angle, radians) → quaternion. */
export function qExp(v: Vec3): Quat {
  const angle = norm(v);
  if (angle < 1e-12) return qnormalise([1, v[0] / 2, v[1] / 2, v[2] / 2]);
  return qAxisAngle(v, angle);
}

/** Quaternion → rotation vector (radians), taking the short way round. */
export function qLog(q: Quat): Vec3 {
  const p = q[0] < 0 ? ([-q[0], -q[1], -q[2], -q[3]] as Quat) : q;
  const s = Math.hypot(p[1], p[2], p[3]);
  if (s < 1e-12) return [2 * p[1], 2 * p[2], 2 * p[3]];
  const angle = 2 * Math.atan2(s, p[0]);
  return [(p[1] / s) * angle, (p[2] / s) * angle, (p[3] / s) * angle];
}

export function rotate(q: Quat, v: Vec3): Vec3 {
  const r = qmul(qmul(q, [0, v[0], v[1], v[2]]), qconj(q));
  return [r[1], r[2], r[3]];
}

/** The rotation whose body axes x, y, z point along these three orthonormal parent-frame vectors. */
export function qFromAxes(x: Vec3, y: Vec3, z: Vec3): Quat {
  // Columns of the rotation matrix are x, y, z.
  const m00 = x[0], m10 = x[1], m20 = x[2];
  const m01 = y[0], m11 = y[1], m21 = y[2];
  const m02 = z[0], m12 = z[1], m22 = z[2];
  const trace = m00 + m11 + m22;
  let q: Quat;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    q = [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
  }
  return qnormalise(q);
}

/** Angle between two orientations, radians. */
export function qAngleBetween(a: Quat, b: Quat): number {
  return norm(qLog(qmul(qconj(a), b)));
}
