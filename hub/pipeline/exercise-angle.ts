import type { FusionState } from './fusion.ts';
import { conjugate, multiply, rotationAngle, twistAngle, type Quat, type Vec3 } from './quaternion.ts';

/**
 * The exercise angle: how far the shin has turned away from the start posture, about the axis the
 * exercise moves it around, positive in the direction of the first movement. Nothing is assumed about
 * how the sensor sits on the shin: the start posture is the orientation at the first rest, and the
 * axis is whatever axis the shin first turns about (in the sensor's frame, where a hinge-like
 * movement keeps a fixed axis whatever the mounting).
 *
 * Until the person has been still once, angles are measured from the first orientation seen and
 * flagged `calibrating`; a later issue lets the dashboard ask for the start posture explicitly.
 * Each later rest close to the start posture re-zeroes it, so drift cannot build up over a set.
 */
export interface ExerciseAngleOptions {
  /** Rotation from the start posture at which the axis of motion is fixed, degrees. */
  axisAfterDeg: number;
  /**
   * A rest within this many degrees of the start posture is taken as the start posture again, which
   * removes heading drift the accelerometer cannot see (turns about the vertical). Small enough that a
   * deliberate pause part-way through a movement is left alone.
   */
  reZeroWithinDeg: number;
}

export const DEFAULT_EXERCISE_ANGLE_OPTIONS: ExerciseAngleOptions = { axisAfterDeg: 10, reZeroWithinDeg: 4 };

export type AngleHealth = 'initialising' | 'calibrating' | 'ok' | 'disturbed';

export interface ExerciseAngleState {
  reference: Quat | null;
  provisional: Quat | null;
  axis: Vec3 | null;
  angleDeg: number;
  health: AngleHealth;
}

export const initialExerciseAngle: ExerciseAngleState = { reference: null, provisional: null, axis: null, angleDeg: 0, health: 'initialising' };

const DEG = Math.PI / 180;

export function stepExerciseAngle(
  state: ExerciseAngleState,
  fusion: FusionState,
  options: ExerciseAngleOptions = DEFAULT_EXERCISE_ANGLE_OPTIONS,
): ExerciseAngleState {
  if (fusion.health === 'initialising') return { ...state, health: 'initialising' };
  let reference = state.reference ?? (fusion.atRest ? fusion.q : null);
  // Back at rest near the start posture: that is the start posture, whatever drift says.
  if (state.reference && state.axis && fusion.atRest && Math.abs(state.angleDeg) < options.reZeroWithinDeg) reference = fusion.q;
  const provisional = state.provisional ?? fusion.q;
  // Rotation since the start posture, in the sensor's frame at that posture.
  let relative = multiply(conjugate(reference ?? provisional), fusion.q);
  if (relative[0] < 0) relative = [-relative[0], -relative[1], -relative[2], -relative[3]];
  let axis = state.axis;
  const total = rotationAngle(relative);
  if (!axis && reference && total >= options.axisAfterDeg * DEG) {
    const n = Math.hypot(relative[1], relative[2], relative[3]);
    axis = [relative[1] / n, relative[2] / n, relative[3] / n];
  }
  const angle = axis ? twistAngle(relative, axis) : total;
  const health: AngleHealth = fusion.health === 'disturbed' ? 'disturbed' : reference ? 'ok' : 'calibrating';
  return { reference, provisional, axis, angleDeg: angle / DEG, health };
}
