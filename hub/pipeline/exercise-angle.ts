import type { FusionState } from './fusion.ts';
import { conjugate, fromAxisAngle, multiply, rotationAngle, twistAngle, type Quat, type Vec3 } from './quaternion.ts';

/**
 * The exercise angle: how far the shin has turned away from the start posture, about the axis the
 * exercise moves it around, positive in the exercise's direction. Nothing is assumed about how the
 * sensor sits on the shin:
 *
 * - The start posture is the orientation at the first rest (about 1 s still). Until then, angles are
 *   measured from the first orientation seen and flagged `calibrating`; then `settling` until the
 *   fusion knows the gyroscope bias (heading would drift), then `ok`.
 * - The zero is the set's start, never an end hold: if the start posture was taken away from where
 *   the set first rested (a start too short to count, so the first end hold was taken) and the shin
 *   comes back to rest there, the zero moves there.
 * - The axis is the dominant axis of the shin's rotation away from the start posture, in the
 *   sensor's frame at that posture, where a hinge-like movement keeps a fixed axis whatever the
 *   mounting. It is averaged over the samples of the first excursions, weighted by how far the
 *   shin has turned, so a full rep outweighs the fidgets that may come first; then it is fixed, so
 *   slow heading drift cannot lean it over later.
 * - The direction is the one the large excursions go: an exercise goes far one way, while fidgets
 *   and sway go a little both ways. If an early fidget set it the wrong way, the first real rep
 *   turns it round.
 * - A later rest near the start posture re-zeroes its heading, so heading drift (invisible to the
 *   accelerometer in turns about the vertical) cannot build up over a set. Tilt is left alone: the
 *   accelerometer keeps it honest, and a difference there is real. "Near" is also a fraction of the
 *   range reached so far, so exercises with a small range do not re-zero at their end holds.
 */
export interface ExerciseAngleOptions {
  /** Stillness that makes a start posture (the first, and each re-zeroing), seconds. */
  startStillSeconds: number;
  /** Rotation from the start posture beyond which samples teach the axis, degrees. */
  axisFromDeg: number;
  /** The axis is fixed once Σ(rotation² · dt) reaches this, rad²·s (about 0.7 s at 15°). */
  axisEvidence: number;
  /** Re-zero at rests within this many degrees of the start posture ... */
  reZeroWithinDeg: number;
  /** ... and within this fraction of the largest angle reached so far ... */
  reZeroWithinFraction: number;
  /**
   * ... and only by as much heading as can have drifted since the last zero: this many degrees,
   * plus `reZeroDriftDps` for every second since. A pause a few degrees out that drift has made
   * look near the start is then left alone instead of becoming the new zero.
   */
  reZeroFloorDeg: number;
  reZeroDriftDps: number;
  /** Stillness that re-zeroes, seconds: shorter than a start posture, as rests between reps are short. */
  reZeroStillSeconds: number;
  /** The direction turns round when the largest excursion the other way is this many times bigger. */
  flipRatio: number;
  /**
   * The set's first still posture (a rest of the fusion's, shorter than a start posture) is the start
   * posture after all if the start posture taken later is more than this far from it, degrees, and the
   * shin then comes back to rest within `backWithinDeg` of it: the later one was an end hold.
   */
  firstPostureApartDeg: number;
  backWithinDeg: number;
}

export const DEFAULT_EXERCISE_ANGLE_OPTIONS: ExerciseAngleOptions = {
  startStillSeconds: 1,
  axisFromDeg: 3,
  axisEvidence: 0.05,
  reZeroWithinDeg: 4,
  reZeroWithinFraction: 0.25,
  reZeroFloorDeg: 1,
  reZeroDriftDps: 0.1,
  reZeroStillSeconds: 0.5,
  flipRatio: 1.5,
  firstPostureApartDeg: 8,
  backWithinDeg: 3,
};

/** See hub/protocol/messages.ts: `settling` is a start posture taken while the bias is not yet known. */
export type AngleHealth = 'initialising' | 'calibrating' | 'settling' | 'ok' | 'disturbed';

export interface ExerciseAngleState {
  reference: Quat | null;
  provisional: Quat | null;
  /** Weighted sum of rotation vectors (sensor frame at the start posture); its direction is the axis. */
  axisSum: Vec3 | null;
  /** Evidence gathered for the axis so far (see `axisEvidence`). */
  axisWeight: number;
  lastT: number;
  /**
   * The first sample this state saw (fusion clock): a start posture needs stillness after it. A
   * person who was still before the set started (in the last exercise's posture, say) must not have
   * that taken as the new start posture the moment the set begins.
   */
  startedAt: number;
  /** When the start posture was captured or last re-zeroed (fusion clock). */
  zeroedAt: number;
  /**
   * The first still posture after the set started (fusion rest, however short), and when: if the start
   * posture is taken further on, at what was really the first end hold, a return here corrects it.
   */
  first: Quat | null;
  firstAt: number;
  /** The start posture has been checked against `first` (moved back to it, or confirmed). */
  firstSettled: boolean;
  /** Largest angle so far in the positive and in the negative direction, degrees. */
  peak: number;
  trough: number;
  angleDeg: number;
  health: AngleHealth;
}

export const initialExerciseAngle: ExerciseAngleState = {
  reference: null,
  provisional: null,
  axisSum: null,
  axisWeight: 0,
  lastT: Number.NaN,
  startedAt: Number.NaN,
  zeroedAt: Number.NaN,
  first: null,
  firstAt: Number.NaN,
  firstSettled: false,
  peak: 0,
  trough: 0,
  angleDeg: 0,
  health: 'initialising',
};

const DEG = Math.PI / 180;
const UP: Vec3 = [0, 0, 1];

function relativeRotation(reference: Quat, q: Quat): Quat {
  const r = multiply(conjugate(reference), q);
  return r[0] < 0 ? [-r[0], -r[1], -r[2], -r[3]] : r;
}

export function stepExerciseAngle(
  state: ExerciseAngleState,
  fusion: FusionState,
  options: ExerciseAngleOptions = DEFAULT_EXERCISE_ANGLE_OPTIONS,
): ExerciseAngleState {
  if (fusion.health === 'initialising') return { ...state, health: 'initialising' };
  let { reference, axisSum, axisWeight, peak, trough, zeroedAt, first, firstAt, firstSettled } = state;
  const dt = Math.min(0.1, Math.max(0, fusion.lastT - state.lastT)) || 0;
  const provisional = state.provisional ?? fusion.q;
  // The fusion's rest (short, for learning bias) is not enough to call a posture the start.
  const startedAt = Number.isNaN(state.startedAt) ? fusion.lastT : state.startedAt;
  const settled = fusion.atRest && fusion.lastT - Math.max(fusion.stillSince, startedAt) >= options.startStillSeconds;
  if (!first && fusion.atRest && fusion.stillSince >= startedAt) {
    first = fusion.q;
    firstAt = fusion.lastT;
  }
  if (!reference && settled) {
    reference = fusion.q;
    zeroedAt = fusion.lastT;
    // Taken where the set first rested: nothing to correct later.
    firstSettled = !first || rotationAngle(relativeRotation(first, reference)) <= options.firstPostureApartDeg * DEG;
  }
  // The start posture was taken away from where the set first rested. If the shin comes back to rest
  // there, that was the start and the posture taken was the first end hold (a start too short or too
  // unsteady to count): start again from here. If it never comes back, the first rest was on the way
  // into the start position.
  if (
    state.reference &&
    !firstSettled &&
    first &&
    fusion.atRest &&
    fusion.lastT - fusion.stillSince >= options.reZeroStillSeconds &&
    rotationAngle(relativeRotation(first, fusion.q)) < (options.backWithinDeg + options.reZeroDriftDps * (fusion.lastT - firstAt)) * DEG
  ) {
    reference = fusion.q;
    zeroedAt = fusion.lastT;
    firstSettled = true;
    axisSum = null;
    axisWeight = 0;
    peak = 0;
    trough = 0;
  }
  // Back at rest near the start posture: that is the start posture, whatever drift says.
  if (
    state.reference &&
    reference === state.reference &&
    axisSum &&
    fusion.atRest &&
    fusion.lastT - fusion.stillSince >= options.reZeroStillSeconds &&
    Math.abs(state.angleDeg) < Math.min(options.reZeroWithinDeg, options.reZeroWithinFraction * peak)
  ) {
    // Only the heading is re-zeroed: it is what drifts (the accelerometer cannot see it), while a
    // difference in tilt is real, e.g. a partial rep paused a few degrees out.
    const yaw = twistAngle(multiply(fusion.q, conjugate(state.reference)), UP);
    if (Math.abs(yaw) / DEG <= options.reZeroFloorDeg + options.reZeroDriftDps * (fusion.lastT - zeroedAt)) {
      reference = multiply(fromAxisAngle(UP, yaw), state.reference);
      zeroedAt = fusion.lastT;
    }
  }

  const relative = relativeRotation(reference ?? provisional, fusion.q);
  const total = rotationAngle(relative);
  if (reference && total >= options.axisFromDeg * DEG && axisWeight < options.axisEvidence) {
    // Rotation vector of this sample, weighted by its size, folded onto the axis found so far.
    axisWeight += total * total * dt;
    const s = (total * total) / Math.sqrt(relative[1] * relative[1] + relative[2] * relative[2] + relative[3] * relative[3]);
    let v: Vec3 = [relative[1] * s, relative[2] * s, relative[3] * s];
    if (axisSum && v[0] * axisSum[0] + v[1] * axisSum[1] + v[2] * axisSum[2] < 0) v = [-v[0], -v[1], -v[2]];
    axisSum = axisSum ? [axisSum[0] + v[0], axisSum[1] + v[1], axisSum[2] + v[2]] : v;
  }

  let angle = total / DEG;
  if (axisSum) {
    const n = Math.sqrt(axisSum[0] * axisSum[0] + axisSum[1] * axisSum[1] + axisSum[2] * axisSum[2]);
    angle = twistAngle(relative, [axisSum[0] / n, axisSum[1] / n, axisSum[2] / n]) / DEG;
    peak = Math.max(peak, angle);
    trough = Math.min(trough, angle);
    if (-trough > options.flipRatio * peak && -trough > 2 * options.axisFromDeg) {
      axisSum = [-axisSum[0], -axisSum[1], -axisSum[2]];
      angle = -angle;
      [peak, trough] = [-trough, -peak];
    }
  }
  // Until the bias is known, heading drifts: the angle is shown but not trusted (not counted as ok).
  const health: AngleHealth = fusion.health === 'disturbed' ? 'disturbed' : !reference ? 'calibrating' : fusion.biasKnown ? 'ok' : 'settling';
  return { reference, provisional, axisSum, axisWeight, lastT: fusion.lastT, startedAt, zeroedAt, first, firstAt, firstSettled, peak, trough, angleDeg: angle, health };
}
