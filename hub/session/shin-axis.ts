/**
 * Checking the start position against the programme: does the shin point the way the exercise's start
 * position says (`sensor.startShin`: foot up, foot down, or level)?
 *
 * Swivel works with the sensor strapped any way round, so the sensor's own axes say nothing about the
 * shin. What can be known is the shin's long axis (knee → foot) in the sensor's frame, and it is
 * learned, not assumed: at a start position with the foot straight below the knee, gravity in the
 * sensor frame points along the shin; with the foot straight above it, the opposite way. From then on,
 * each start position can be checked against that axis. A level start teaches nothing (gravity is
 * across the shin, in any of many directions), so until a foot-up or foot-down start has been taken
 * there is no axis and nothing is checked.
 *
 * Plain functions of values; the session engine keeps the state and decides what to show.
 */
import type { Exercise, StartShin } from '../protocol/programme.ts';
import { conjugate, norm3, rotate, type Quat, type Vec3 } from '../pipeline/quaternion.ts';

/** Which way the shin reads, against the learned axis, when it contradicts a start position. */
export type ShinReading = 'up' | 'down' | 'level';

/**
 * Angles between the shin and the direction a start position expects, degrees. A foot-up or
 * foot-down start is contradicted by a shin more than 60° from the expected direction: level (within
 * 30° of horizontal) or the other way (more than 120° from it). A level start is contradicted by a
 * shin within 30° of vertical. Anything less is a sloping shin, which contradicts nothing: people sit
 * and lie a little differently.
 */
export const UP_DOWN_TOLERANCE_DEG = 60;
export const LEVEL_TOLERANCE_DEG = 30;

/** What the hub knows about the shin's long axis in the sensor frame. */
export interface ShinAxisState {
  /** Knee → foot, unit, sensor frame; null until a foot-up or foot-down start has been taken. */
  axis: Vec3 | null;
  /**
   * The axis a start position that contradicted `axis` would give, had the sensor been moved. If the
   * next start position agrees with it rather than with `axis`, the sensor was moved on purpose and
   * this becomes the axis.
   */
  moved: Vec3 | null;
}

export const NO_SHIN_AXIS: ShinAxisState = { axis: null, moved: null };

/** The direction of gravity (down) in the sensor frame, unit, from the sensor → earth orientation (earth z up). */
export const gravityInSensorFrame = (orientation: Quat): Vec3 => rotate(conjugate(orientation), [0, 0, -1]);

const unit = (v: Vec3): Vec3 | null => {
  const n = norm3(v);
  return n > 1e-9 ? [v[0] / n, v[1] / n, v[2] / n] : null;
};

/** Angle between the shin (knee → foot) and straight down, degrees, 0 (foot down) to 180 (foot up). */
export function shinFromDownDeg(axis: Vec3, gravity: Vec3): number {
  const g = unit(gravity);
  if (g === null) return Number.NaN;
  const cos = Math.max(-1, Math.min(1, axis[0] * g[0] + axis[1] * g[1] + axis[2] * g[2]));
  return (Math.acos(cos) * 180) / Math.PI;
}

/** How the shin reads if it contradicts the start `expected` (`fromDown`: degrees from straight down), or null if it fits. */
export function contradiction(expected: StartShin, fromDown: number): ShinReading | null {
  switch (expected) {
    case 'foot-down':
      return fromDown <= UP_DOWN_TOLERANCE_DEG ? null : fromDown > 180 - UP_DOWN_TOLERANCE_DEG ? 'up' : 'level';
    case 'foot-up':
      return fromDown >= 180 - UP_DOWN_TOLERANCE_DEG ? null : fromDown < UP_DOWN_TOLERANCE_DEG ? 'down' : 'level';
    case 'level':
      return fromDown < LEVEL_TOLERANCE_DEG ? 'down' : fromDown > 180 - LEVEL_TOLERANCE_DEG ? 'up' : null;
  }
}

/** The shin axis a start position gives, if its direction is known well enough: foot-down starts point it along gravity. */
function learnAxis(expected: StartShin | undefined, gravity: Vec3): Vec3 | null {
  const g = unit(gravity);
  if (g === null || expected === undefined || expected === 'level') return null;
  return expected === 'foot-down' ? g : [-g[0], -g[1], -g[2]];
}

const READING_WORDS: Record<ShinReading, string> = { up: 'pointing up', down: 'hanging down', level: 'level' };
const EXPECTED_WORDS: Record<StartShin, string> = { 'foot-up': 'pointing up', 'foot-down': 'hanging down', level: 'level' };

/** The warning for a start position that contradicts the exercise: short, plain, readable across a room. */
export function postureWarningText(exercise: Pick<Exercise, 'name'>, expected: StartShin, reading: ShinReading): string {
  return (
    `Your shin reads as ${READING_WORDS[reading]}, but ${exercise.name} starts with it ${EXPECTED_WORDS[expected]}. ` +
    'Check your position, then tap Recalibrate. If you moved the sensor on purpose, just carry on.'
  );
}

export interface StartCheck {
  shin: ShinAxisState;
  /** The warning to show for this set, or null. */
  warning: string | null;
}

/**
 * One start position taken: checks it against the learned axis and says what the hub now knows.
 * `warned` is whether this set's previous start position was already warned about: taking it again
 * and still contradicting, the person has checked, so they are trusted (the axis is learned afresh).
 */
export function checkStart(shin: ShinAxisState, exercise: Pick<Exercise, 'name' | 'sensor'>, gravity: Vec3, warned: boolean): StartCheck {
  const expected = exercise.sensor.startShin;
  if (expected === undefined || unit(gravity) === null) return { shin, warning: null };
  const learned = learnAxis(expected, gravity);
  if (shin.axis === null) return { shin: learned ? { axis: learned, moved: null } : shin, warning: null };

  const reading = contradiction(expected, shinFromDownDeg(shin.axis, gravity));
  // Agrees with what is known: all well (and the axis follows a sensor that creeps on the strap).
  if (reading === null) return { shin: { axis: learned ?? shin.axis, moved: null }, warning: null };
  // The person carried on after a warning, and this start agrees with the sensor having been moved.
  if (shin.moved !== null && contradiction(expected, shinFromDownDeg(shin.moved, gravity)) === null) return { shin: { axis: learned ?? shin.moved, moved: null }, warning: null };
  // Warned, checked, and the same again: the sensor was moved. A level start cannot say how, so
  // the axis is dropped until the next foot-up or foot-down start.
  if (warned) return { shin: { axis: learned, moved: null }, warning: null };
  return { shin: { axis: shin.axis, moved: learned }, warning: postureWarningText(exercise, expected, reading) };
}
