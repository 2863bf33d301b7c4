import type { FusionState } from './fusion.ts';
import { fromAxisAngleInto, multiplyConjugateInto, multiplyInto, relativeRotationInto, rotationAngle, twistAngle, type Vec3 } from './quaternion.ts';

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
  /**
   * ... or comes back there turning slower than this, deg/s (the turning point of a rep): people who
   * start without a still start often never rest at the start posture again either, only pass it
   * (a real seated knee extension: end holds of 4 s, the shin hanging for a moment between).
   */
  backTurningDps: number;
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
  backTurningDps: 5,
};

/** See hub/protocol/messages.ts: `settling` is a start posture taken while the bias is not yet known. */
export type AngleHealth = 'initialising' | 'calibrating' | 'settling' | 'ok' | 'disturbed';

/**
 * The exercise angle's state, one per sensor per subscription, updated in place by
 * `stepExerciseAngle`. Postures are quaternions [w, x, y, z] in Float64Arrays, each with a flag
 * saying whether it has been taken yet.
 */
export interface ExerciseAngleState {
  /** The start posture. */
  readonly reference: Float64Array;
  hasReference: boolean;
  /** The first orientation seen: angles are measured from it until there is a start posture. */
  readonly provisional: Float64Array;
  hasProvisional: boolean;
  /** Weighted sum of rotation vectors (sensor frame at the start posture); its direction is the axis. */
  readonly axisSum: Float64Array;
  hasAxis: boolean;
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
  readonly first: Float64Array;
  hasFirst: boolean;
  firstAt: number;
  /** The start posture has been checked against `first` (moved back to it, or confirmed). */
  firstSettled: boolean;
  /**
   * Before any start posture: the shin has gone twice `firstPostureApartDeg` from `first` (`'left'`),
   * then come back within it, turning slowly (`'back'`): reps from there, with no still start.
   */
  firstVisits: 'none' | 'left' | 'back';
  /** Largest angle so far in the positive and in the negative direction, degrees. */
  peak: number;
  trough: number;
  angleDeg: number;
  health: AngleHealth;
}

/** A state that has seen nothing yet. */
export function newExerciseAngleState(): ExerciseAngleState {
  const state = { reference: new Float64Array(4), provisional: new Float64Array(4), axisSum: new Float64Array(3), first: new Float64Array(4) } as ExerciseAngleState;
  resetExerciseAngle(state);
  return state;
}

/** Back to a state that has seen nothing (a new exercise: a new start posture and a new axis). */
export function resetExerciseAngle(state: ExerciseAngleState): void {
  state.hasReference = false;
  state.hasProvisional = false;
  state.hasAxis = false;
  state.axisWeight = 0;
  state.lastT = Number.NaN;
  state.startedAt = Number.NaN;
  state.zeroedAt = Number.NaN;
  state.hasFirst = false;
  state.firstAt = Number.NaN;
  state.firstSettled = false;
  state.firstVisits = 'none';
  state.peak = 0;
  state.trough = 0;
  state.angleDeg = 0;
  state.health = 'initialising';
}

const DEG = Math.PI / 180;
const UP: Vec3 = [0, 0, 1];

// Scratch for one step.
const relative = new Float64Array(4);
const heading = new Float64Array(4);
const axis = new Float64Array(3);

/** The angle of the rotation between two postures, radians. */
function apart(a: Float64Array, b: Float64Array): number {
  relativeRotationInto(relative, a, b);
  return rotationAngle(relative);
}

/** The shin turning slower than `backTurningDps` (bias removed, tremor smoothed out). */
function turningSlowly(fusion: FusionState, options: ExerciseAngleOptions): boolean {
  const g = fusion.gyroSmooth, b = fusion.biasDps;
  return Math.hypot(g[0]! - b[0]!, g[1]! - b[1]!, g[2]! - b[2]!) < options.backTurningDps;
}

/** One fusion step's orientation into the exercise angle, in place. */
export function stepExerciseAngle(state: ExerciseAngleState, fusion: FusionState, options: ExerciseAngleOptions = DEFAULT_EXERCISE_ANGLE_OPTIONS): void {
  if (fusion.health === 'initialising') {
    state.health = 'initialising';
    return;
  }
  const { reference, provisional, axisSum, first } = state;
  const hadReference = state.hasReference;
  const q = fusion.q;
  const dt = Math.min(0.1, Math.max(0, fusion.lastT - state.lastT)) || 0;
  if (!state.hasProvisional) {
    provisional.set(q);
    state.hasProvisional = true;
  }
  // The fusion's rest (short, for learning bias) is not enough to call a posture the start.
  if (Number.isNaN(state.startedAt)) state.startedAt = fusion.lastT;
  const startedAt = state.startedAt;
  const settled = fusion.atRest && fusion.lastT - Math.max(fusion.stillSince, startedAt) >= options.startStillSeconds;
  if (!state.hasFirst && fusion.atRest && fusion.stillSince >= startedAt) {
    first.set(q);
    state.hasFirst = true;
    state.firstAt = fusion.lastT;
  }
  if (!state.hasReference && state.hasFirst && state.firstVisits !== 'back') {
    // Out twice as far as a posture apart, then back nearer than that (a rest between reps wanders).
    const away = apart(first, q) / DEG;
    if (away > 2 * options.firstPostureApartDeg) state.firstVisits = 'left';
    else if (state.firstVisits === 'left' && away < options.firstPostureApartDeg && turningSlowly(fusion, options)) state.firstVisits = 'back';
  }
  if (!state.hasReference && settled) {
    reference.set(q);
    state.hasReference = true;
    state.zeroedAt = fusion.lastT;
    // Taken where the set first rested: nothing to correct later.
    state.firstSettled = !state.hasFirst || apart(first, reference) <= options.firstPostureApartDeg * DEG;
    // Far from it, after a rep that went out from there and came back: the set began without a still
    // start and this is its first end hold. The start posture is where it first rested.
    if (!state.firstSettled && state.firstVisits === 'back') {
      reference.set(first);
      state.zeroedAt = state.firstAt;
      state.firstSettled = true;
    }
  }
  // The start posture was taken away from where the set first rested. If the shin comes back to rest
  // there, that was the start and the posture taken was the first end hold (a start too short or too
  // unsteady to count): start again from here. If it never comes back, the first rest was on the way
  // into the start position.
  let movedBack = false;
  if (
    hadReference &&
    !state.firstSettled &&
    state.hasFirst &&
    ((fusion.atRest && fusion.lastT - fusion.stillSince >= options.reZeroStillSeconds) || turningSlowly(fusion, options)) &&
    apart(first, q) < (options.backWithinDeg + options.reZeroDriftDps * (fusion.lastT - state.firstAt)) * DEG
  ) {
    reference.set(q);
    movedBack = true;
    state.zeroedAt = fusion.lastT;
    state.firstSettled = true;
    state.hasAxis = false;
    state.axisWeight = 0;
    state.peak = 0;
    state.trough = 0;
  }
  // Back at rest near the start posture: that is the start posture, whatever drift says.
  if (
    hadReference &&
    !movedBack &&
    state.hasAxis &&
    fusion.atRest &&
    fusion.lastT - fusion.stillSince >= options.reZeroStillSeconds &&
    Math.abs(state.angleDeg) < Math.min(options.reZeroWithinDeg, options.reZeroWithinFraction * state.peak)
  ) {
    // Only the heading is re-zeroed: it is what drifts (the accelerometer cannot see it), while a
    // difference in tilt is real, e.g. a partial rep paused a few degrees out.
    multiplyConjugateInto(relative, q, reference);
    const yaw = twistAngle(relative, UP);
    if (Math.abs(yaw) / DEG <= options.reZeroFloorDeg + options.reZeroDriftDps * (fusion.lastT - state.zeroedAt)) {
      fromAxisAngleInto(heading, UP[0], UP[1], UP[2], yaw);
      multiplyInto(reference, heading, reference);
      state.zeroedAt = fusion.lastT;
    }
  }

  relativeRotationInto(relative, state.hasReference ? reference : provisional, q);
  // The total rotation (an acos) is needed while the axis is being learned and as the angle before
  // there is one; once the axis is fixed the angle is the twist alone.
  const learning = state.hasReference && state.axisWeight < options.axisEvidence;
  const total = learning || !state.hasAxis ? rotationAngle(relative) : Number.NaN;
  if (learning && total >= options.axisFromDeg * DEG) {
    // Rotation vector of this sample, weighted by its size, folded onto the axis found so far.
    state.axisWeight += total * total * dt;
    const s = (total * total) / Math.sqrt(relative[1]! * relative[1]! + relative[2]! * relative[2]! + relative[3]! * relative[3]!);
    let v0 = relative[1]! * s, v1 = relative[2]! * s, v2 = relative[3]! * s;
    if (state.hasAxis && v0 * axisSum[0]! + v1 * axisSum[1]! + v2 * axisSum[2]! < 0) {
      v0 = -v0;
      v1 = -v1;
      v2 = -v2;
    }
    if (state.hasAxis) {
      axisSum[0] = axisSum[0]! + v0;
      axisSum[1] = axisSum[1]! + v1;
      axisSum[2] = axisSum[2]! + v2;
    } else {
      axisSum[0] = v0;
      axisSum[1] = v1;
      axisSum[2] = v2;
      state.hasAxis = true;
    }
  }

  let angle = total / DEG;
  if (state.hasAxis) {
    const n = Math.sqrt(axisSum[0]! * axisSum[0]! + axisSum[1]! * axisSum[1]! + axisSum[2]! * axisSum[2]!);
    axis[0] = axisSum[0]! / n;
    axis[1] = axisSum[1]! / n;
    axis[2] = axisSum[2]! / n;
    angle = twistAngle(relative, axis) / DEG;
    state.peak = Math.max(state.peak, angle);
    state.trough = Math.min(state.trough, angle);
    if (-state.trough > options.flipRatio * state.peak && -state.trough > 2 * options.axisFromDeg) {
      axisSum[0] = -axisSum[0]!;
      axisSum[1] = -axisSum[1]!;
      axisSum[2] = -axisSum[2]!;
      angle = -angle;
      const peak = state.peak;
      state.peak = -state.trough;
      state.trough = -peak;
    }
  }
  state.angleDeg = angle;
  state.lastT = fusion.lastT;
  // Until the bias is known, heading drifts: the angle is shown but not trusted (not counted as ok).
  state.health = fusion.health === 'disturbed' ? 'disturbed' : !state.hasReference ? 'calibrating' : fusion.biasKnown ? 'ok' : 'settling';
}
