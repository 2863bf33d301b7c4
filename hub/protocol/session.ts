/**
 * A guided session, as viewers see it and steer it: the session engine's whole state in one message
 * (`SessionView`), and the commands a dashboard may send (`SessionCommand`). TypeBox schemas, so the
 * hub validates every command and the web shares the static types.
 */
import { Type, type Static } from 'typebox';
import { ExerciseIdSchema, Side } from './programme.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ExerciseKindSchema = Type.Enum(['reps', 'hold', 'effort', 'manual', 'instruction']);

/**
 * - `idle`: nothing started.
 * - `calibrating`: waiting for the person to be still in the start position (sensor exercises).
 * - `active`: the set is on; reps, holds or efforts are counted.
 * - `rest`: between sets, counting down.
 * - `finished`: the programme (or the part started) is done, or the person stopped.
 */
export const SessionStatus = Type.Enum(['idle', 'calibrating', 'active', 'rest', 'finished']);
export type SessionStatus = Static<typeof SessionStatus>;

export const RepSummary = Type.Object({
  /** Seconds on the sensor's clock. */
  start: Type.Number(),
  end: Type.Number(),
  peakAngle: Type.Number(),
  /** Time held at the end position, seconds. */
  hold: Type.Number(),
  /** Whether the end hold reached the exercise's target; null when it has none. */
  holdMet: Nullable(Type.Boolean()),
});
export type RepSummary = Static<typeof RepSummary>;

export const HoldView = Type.Object({
  inPosition: Type.Boolean(),
  heldSeconds: Type.Number(),
  targetSeconds: Type.Number(),
  remainingSeconds: Type.Number(),
  /** The position being held, degrees (it follows a stretch that creeps deeper); null before the first. */
  position: Nullable(Type.Number()),
});
export type HoldView = Static<typeof HoldView>;

export const EffortView = Type.Object({
  phase: Type.Enum(['ready', 'effort', 'relax', 'done']),
  /** The effort under way (1-based), or the last one during relaxing. */
  cycle: Type.Integer(),
  completed: Type.Integer(),
  of: Type.Integer(),
  phaseRemainingSeconds: Type.Number(),
});
export type EffortView = Static<typeof EffortView>;

/** The set under way: what the big numbers on the screen come from. */
export const SetView = Type.Object({
  exerciseId: ExerciseIdSchema,
  kind: ExerciseKindSchema,
  side: Side,
  /** 1-based, of `sets`. */
  set: Type.Integer(),
  sets: Type.Integer(),
  /** Counted reps (or taps, for a manual count) and the target; 0 and null where nothing is counted. */
  reps: Type.Integer(),
  repTarget: Nullable(Type.Integer()),
  /**
   * Reps that have ended but wait to be judged against the set's range (the first few of a set): show
   * them as provisional. Each becomes a counted rep or a partial.
   */
  pendingReps: Type.Integer(),
  /** Reps whose end hold has reached its target so far (a tone can mark each). */
  holdsReached: Type.Integer(),
  /** Movements under half the set's range: shown, not counted. */
  partials: Type.Integer(),
  lastRep: Nullable(RepSummary),
  /** End-hold target of each rep, seconds (the lower end of the programme's range). */
  endHoldTargetSeconds: Nullable(Type.Number()),
  /** The end hold of the rep under way so far, seconds (null between reps, or without a target). */
  endHoldSeconds: Nullable(Type.Number()),
  /** Reps whose end hold fell short of the target. */
  missedHolds: Type.Integer(),
  hold: Nullable(HoldView),
  effort: Nullable(EffortView),
  /** Largest angle this set, degrees (the result of a range-of-motion test). */
  maxAngle: Nullable(Type.Number()),
  /** Seconds without samples during this set (sensor link lost). */
  gapSeconds: Type.Number(),
  /** True while the sensor link is down: counting waits for it. */
  waitingForSensor: Type.Boolean(),
  targetReached: Type.Boolean(),
  /** Hub clock (ms since the epoch) when the set started. */
  startedAt: Type.Number(),
  /**
   * Set when the start position taken contradicts the way the exercise starts (the shin hanging down
   * for an exercise that starts with it pointing up, say): what to tell the person. The set goes on
   * regardless. Null when all is well; absent in sessions recorded before the check existed.
   */
  postureWarning: Type.Optional(Nullable(Type.String())),
});
export type SetView = Static<typeof SetView>;

/** A set once it is over. */
export const SetResult = Type.Object({
  exerciseId: ExerciseIdSchema,
  side: Side,
  set: Type.Integer(),
  reps: Type.Integer(),
  partials: Type.Integer(),
  missedHolds: Type.Integer(),
  holdSeconds: Nullable(Type.Number()),
  efforts: Nullable(Type.Integer()),
  maxAngle: Nullable(Type.Number()),
  /** Every rep's peak: the trials of a range-of-motion test. */
  trials: Type.Array(Type.Number()),
  gapSeconds: Type.Number(),
  durationSeconds: Type.Number(),
  /** Target reached (false: skipped, switched or stopped before the end). */
  completed: Type.Boolean(),
});
export type SetResult = Static<typeof SetResult>;

export const RomSideView = Type.Object({ trials: Type.Array(Type.Number()), best: Type.Number(), mean: Type.Number(), comparedWithNormal: Type.Enum(['below', 'within', 'above']) });

/** A range-of-motion test's results so far, per side, against the normal range. */
export const RomView = Type.Object({
  exerciseId: ExerciseIdSchema,
  normal: Type.Object({ min: Type.Number(), max: Type.Number() }),
  left: Nullable(RomSideView),
  right: Nullable(RomSideView),
  asymmetry: Nullable(Type.Object({ deg: Type.Number(), percent: Type.Number(), lesser: Nullable(Side) })),
});
export type RomView = Static<typeof RomView>;

export const SessionView = Type.Object({
  status: SessionStatus,
  programme: Type.Object({ id: Type.String(), title: Type.String(), exercises: Type.Integer() }),
  /** Index of the current exercise in the programme, or null before the start. */
  exerciseIndex: Nullable(Type.Integer()),
  current: Nullable(SetView),
  rest: Nullable(Type.Object({ remainingSeconds: Type.Number(), totalSeconds: Type.Number() })),
  /** What comes after the current set or rest, so the screen can say so. */
  next: Nullable(Type.Object({ exerciseId: ExerciseIdSchema, side: Side, set: Type.Integer() })),
  results: Type.Array(SetResult),
  rom: Type.Array(RomView),
  /** Hub clock (ms since the epoch) when the session started, or null. */
  startedAt: Nullable(Type.Number()),
  /** While calibrating: how long the person has been still in the start position, of the time needed. */
  calibration: Nullable(Type.Object({ stillSeconds: Type.Number(), neededSeconds: Type.Number() })),
});
export type SessionView = Static<typeof SessionView>;

/**
 * What just happened, for a screen to mark with a tone or a word (and the recorder to keep): the
 * set's figures are in the next SessionView; this says when and what. Times `t` are the sensor's
 * clock in seconds (the same as the angle frames'), absent for events of the hub's own clock.
 */
export const SessionEvent = Type.Union([
  Type.Object({ kind: Type.Literal('rep-start'), t: Type.Number() }),
  Type.Object({ kind: Type.Literal('rep'), count: Type.Integer(), rep: RepSummary }),
  Type.Object({ kind: Type.Literal('partial'), rep: RepSummary }),
  /** A rep counted while the set's range was still being learned turned out to be a partial: the count goes down to `count`. */
  Type.Object({ kind: Type.Literal('rep-withdrawn'), count: Type.Integer(), rep: RepSummary }),
  /** The end hold of the rep under way reached its target. */
  Type.Object({ kind: Type.Literal('end-hold-reached'), t: Type.Number() }),
  Type.Object({ kind: Type.Literal('hold-start'), t: Type.Number(), position: Type.Number() }),
  Type.Object({ kind: Type.Literal('hold-paused'), t: Type.Number(), reason: Type.Enum(['slipped', 'gap', 'end']) }),
  Type.Object({ kind: Type.Literal('hold-resumed'), t: Type.Number() }),
  Type.Object({ kind: Type.Literal('hold-target-reached'), t: Type.Number() }),
  Type.Object({ kind: Type.Literal('effort-start'), cycle: Type.Integer() }),
  Type.Object({ kind: Type.Literal('relax-start'), cycle: Type.Integer() }),
  Type.Object({ kind: Type.Literal('set-complete'), exerciseId: ExerciseIdSchema, side: Side, set: Type.Integer() }),
]);
export type SessionEvent = Static<typeof SessionEvent>;

/**
 * What a dashboard may ask:
 * - `start`: begin at an exercise (default: the programme's first), on a side (default: its first);
 * - `next` / `previous`: the next or previous set (skipping a rest, or going back to redo one);
 * - `skip`: on to the next exercise, leaving the rest of this one;
 * - `switch-side`: do the current set on the other side instead;
 * - `calibrate`: take the start posture again (the person settles, holds still);
 * - `count`: one rep of a manual count (a tap), where the sensor cannot follow the movement;
 * - `stop`: end the session, keeping the results.
 */
export const SessionCommand = Type.Union([
  Type.Object({ action: Type.Literal('start'), exerciseId: Type.Optional(ExerciseIdSchema), side: Type.Optional(Side) }, { additionalProperties: false }),
  Type.Object({ action: Type.Enum(['next', 'previous', 'skip', 'switch-side', 'calibrate', 'count', 'stop']) }, { additionalProperties: false }),
]);
export type SessionCommand = Static<typeof SessionCommand>;
