import type { Exercise, Programme } from '../../../hub/protocol/programme.ts';
import type { RomView, SessionView, SetView } from '../../../hub/protocol/session.ts';
import type { Tone } from './format.ts';
import { SIDE_LABEL, exerciseById } from './programme-text.ts';

/** Partial reps are those under this fraction of the set's range (as the hub's rep counter judges). */
export const PARTIAL_FRACTION = 0.5;

/** A progress ring as the screens draw it (hold, effort/relax, rest). */
export interface Ring {
  fraction: number;
  value: string;
  caption: string;
  /** What a screen reader says for it. */
  label: string;
  tone: Tone;
  paused: boolean;
}

/** Everything the exercise screen shows during a set (calibrating included). */
export interface ExerciseView {
  exercise: Exercise | null;
  name: string;
  stage: string;
  side: string;
  otherSide: string;
  setText: string;
  /** "Exercise 3 of 26 · Stage title". */
  whereText: string;
  kind: SetView['kind'];
  steps: readonly string[];
  feel: string;
  calibrating: boolean;
  /** Still-time fraction of what the hub needs, while calibrating. */
  stillFraction: number;
  moving: boolean;
  waiting: boolean;
  gapText: string;
  set: SetView;
  ring: Ring | null;
  unit: string;
  bandMin: number | null;
  bandMax: number | null;
  mark: number | null;
  rangeMin: number;
  rangeMax: number;
  canCalibrate: boolean;
  /** The hub says the start position contradicts the exercise (see SetView.postureWarning). */
  postureWarning: string | null;
  /** The sensor is on the other shin than this set's side (said only for sets that use it). */
  shinWarning: string | null;
  canSwitchSide: boolean;
  rom: RomView | null;
  /** This side's best trial so far, in a range-of-motion test. */
  romBest: number | null;
  done: boolean;
}

export interface ExerciseContext {
  /** Peaks of the set's recent reps (see SetFeedback). */
  peaks: readonly number[];
  sensorConnected: boolean;
  sensorShin: 'left' | 'right' | null;
  /** The gauge's default range, degrees; widened to fit the band and the mark. */
  rangeMin: number;
  rangeMax: number;
}

/** The ring of a hold, an effort/relax cycle, or null (a set counted in reps). */
export function setRing(set: SetView, exercise: Exercise | null): Ring | null {
  if (set.hold) {
    const h = set.hold;
    const left = Math.ceil(h.remainingSeconds);
    return {
      fraction: h.targetSeconds > 0 ? h.heldSeconds / h.targetSeconds : 0,
      value: set.targetReached ? '\u2713' : String(left),
      caption: set.targetReached ? 'Done' : h.inPosition ? 'Hold' : h.heldSeconds > 0 ? 'Paused' : 'Get into position',
      label: set.targetReached
        ? `Hold target of ${h.targetSeconds} seconds reached`
        : `Hold: ${left} seconds left of ${h.targetSeconds}${h.inPosition ? '' : ', paused until you are in position'}`,
      tone: set.targetReached ? 'ok' : h.inPosition ? 'ok' : 'warn',
      paused: !h.inPosition && !set.targetReached,
    };
  }
  if (set.kind === 'hold') {
    const target = exercise?.kind === 'hold' ? exercise.targets.holdSeconds.min : 60;
    return { fraction: 0, value: String(target), caption: 'Get into position', label: `Hold for ${target} seconds once in position`, tone: 'off', paused: true };
  }
  if (set.effort) {
    const e = set.effort;
    const length = exercise?.kind === 'effort' ? (e.phase === 'relax' ? exercise.targets.relaxSeconds.min : exercise.targets.effortSeconds.min) : 10;
    const left = Math.ceil(e.phaseRemainingSeconds);
    const caption = e.phase === 'effort' ? `Push ${e.cycle} of ${e.of}` : e.phase === 'relax' ? 'Relax' : e.phase === 'done' ? 'Done' : 'Get ready';
    return {
      fraction: e.phase === 'done' ? 1 : length > 0 ? 1 - e.phaseRemainingSeconds / length : 0,
      value: e.phase === 'done' ? '\u2713' : String(left),
      caption,
      label: `${caption}: ${left} seconds left. ${e.completed} of ${e.of} efforts done.`,
      tone: e.phase === 'effort' ? 'bad' : e.phase === 'relax' ? 'busy' : 'ok',
      paused: false,
    };
  }
  return null;
}

/**
 * The target band and the mark on the gauge and trace: the normal range and the best trial of a
 * range-of-motion test; for reps, from half the set's range to a little above it, marking the last
 * peak; for a hold, the position held with its tolerance.
 */
export function targetBand(set: SetView, exercise: Exercise | null, peaks: readonly number[]): { bandMin: number | null; bandMax: number | null; mark: number | null } {
  const romTarget = exercise?.kind === 'reps' ? exercise.targets.maxAngle?.normalDeg : undefined;
  if (romTarget) return { bandMin: romTarget.min, bandMax: romTarget.max, mark: set.maxAngle };
  if (set.kind === 'reps') {
    const range = peaks.length > 0 ? Math.max(...peaks) : (set.lastRep?.peakAngle ?? null);
    const band = range !== null && range > 0 ? { bandMin: PARTIAL_FRACTION * range, bandMax: range * 1.1 } : { bandMin: null, bandMax: null };
    return { ...band, mark: set.lastRep?.peakAngle ?? null };
  }
  // (The hub sends a null position before the first one is made, whatever its schema says.)
  if (set.hold && set.hold.heldSeconds > 0 && typeof set.hold.position === 'number') {
    const position = set.hold.position;
    const tolerance = Math.max(1, Math.abs(position) * 0.1);
    return { bandMin: position - tolerance, bandMax: position + tolerance, mark: position };
  }
  return { bandMin: null, bandMax: null, mark: null };
}

/** What the exercise screen shows for the set under way. */
export function deriveExercise(session: SessionView, set: SetView, programme: Programme | null, context: ExerciseContext): ExerciseView {
  const exercise = exerciseById(programme, set.exerciseId);
  const stage = programme?.stages.find((s) => s.id === exercise?.stage)?.title ?? '';
  const calibrating = session.status === 'calibrating';
  const usesSensor = set.kind === 'reps' || set.kind === 'hold';
  const sides = exercise?.sides ?? [set.side];
  const other = sides.find((s) => s !== set.side);
  const { bandMin, bandMax, mark } = targetBand(set, exercise, context.peaks);
  const extent = [bandMin, bandMax, mark].filter((v): v is number => v !== null);
  const isRomTest = Boolean(exercise?.kind === 'reps' && exercise.targets.maxAngle?.normalDeg);

  // While calibrating: the hub's own count of how long the person has been still in the start
  // position (the rule that takes the start posture), so the ring fills exactly as the hub decides.
  const calibration = session.calibration;
  const stillFraction = calibrating && calibration ? Math.min(1, calibration.stillSeconds / calibration.neededSeconds) : 0;
  const rom = session.rom.find((r) => r.exerciseId === set.exerciseId) ?? null;
  const positionText = session.exerciseIndex !== null ? `Exercise ${session.exerciseIndex + 1} of ${session.programme.exercises}` : '';
  const shin = context.sensorShin;
  return {
    exercise,
    name: exercise?.name ?? set.exerciseId,
    stage,
    side: SIDE_LABEL[set.side],
    otherSide: other ? SIDE_LABEL[other] : '',
    setText: `Set ${set.set} of ${set.sets}`,
    whereText: [positionText, stage].filter(Boolean).join(' \u00b7 '),
    kind: set.kind,
    steps: exercise?.instructions.steps ?? [],
    feel: exercise?.instructions.feel ?? '',
    calibrating,
    stillFraction,
    moving: calibrating && calibration !== null && calibration.stillSeconds === 0,
    waiting: usesSensor && (set.waitingForSensor || !context.sensorConnected),
    gapText: set.gapSeconds >= 1 ? `${Math.round(set.gapSeconds)} s without the sensor this set` : '',
    set,
    ring: setRing(set, exercise),
    unit: set.kind === 'manual' ? 'taps' : isRomTest ? 'trials' : 'reps',
    bandMin,
    bandMax,
    mark,
    rangeMin: Math.min(context.rangeMin, ...extent.map((v) => Math.floor((v - 5) / 10) * 10)),
    rangeMax: Math.max(context.rangeMax, ...extent.map((v) => Math.ceil((v + 5) / 10) * 10)),
    canCalibrate: usesSensor,
    postureWarning: usesSensor ? (set.postureWarning ?? null) : null,
    shinWarning:
      shin !== null && shin !== set.side && usesSensor
        ? `The sensor is on the ${shin} shin, and this set is for the ${set.side}: move the sensor, or switch side.`
        : null,
    canSwitchSide: other !== undefined && !exercise?.alternateSides,
    rom,
    romBest: rom?.[set.side]?.best ?? null,
    done: set.targetReached,
  };
}
