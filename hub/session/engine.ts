/**
 * The session engine: a plain reducer that walks a programme set by set. Its whole state is the
 * `SessionView` viewers render (and the recorder will store), plus a little bookkeeping.
 *
 * Inputs come from three places, all as values: commands from a dashboard, the scoring of the set
 * under way (reps, holds, efforts; see set-scoring.ts), and the sensor (its link, and whether the
 * start posture has been taken). Time comes in with every input (`now`, hub clock in ms), so rests
 * count down on ticks and the reducer stays pure.
 *
 * The order of sets: each exercise in programme order; within it each side in the programme's
 * order; on each side `sets` sets. Between sets there is a rest. A set that needs the sensor waits
 * in `calibrating` until the person has been still in the start position; manual counts, efforts and
 * instructions start at once. Each start position taken is checked against the way the exercise
 * starts (shin-axis.ts): a contradiction is said on the set, never a reason to hold it back.
 */
import type { Exercise, Programme, Side } from '../protocol/programme.ts';
import { DEFAULT_REST_SECONDS } from '../protocol/programme.ts';
import type { RomView, SessionCommand, SessionEvent, SessionView, SetResult, SetView, EffortView, HoldView, RepSummary } from '../protocol/session.ts';
import { summariseRom } from '../pipeline/rom.ts';
import { DEFAULT_EXERCISE_ANGLE_OPTIONS } from '../pipeline/exercise-angle.ts';
import type { Vec3 } from '../pipeline/quaternion.ts';
import { NO_SHIN_AXIS, checkStart, type ShinAxisState } from './shin-axis.ts';

/** The stillness that makes a start posture (the exercise angle's rule), seconds. */
const START_STILL_SECONDS = DEFAULT_EXERCISE_ANGLE_OPTIONS.startStillSeconds;

/** One set of the plan: an exercise, a side, a set number. */
export interface PlannedSet {
  exerciseIndex: number;
  exercise: Exercise;
  side: Side;
  set: number;
  sets: number;
}

export function planSets(programme: Programme): PlannedSet[] {
  const plan: PlannedSet[] = [];
  programme.exercises.forEach((exercise, exerciseIndex) => {
    const sets = exercise.sets ?? 1;
    // Sides that take turns rep by rep are one set covering both: the first side names it.
    const sides = exercise.alternateSides ? exercise.sides.slice(0, 1) : exercise.sides;
    for (const side of sides) for (let set = 1; set <= sets; set++) plan.push({ exerciseIndex, exercise, side, set, sets });
  });
  return plan;
}

/** What the scoring of the set under way reports; every field is a running total for the set. */
export interface SetProgress {
  reps: number;
  /** Reps ended but not yet judged (see SetView.pendingReps). */
  pending: number;
  /** The end hold of the rep under way so far, seconds; null between reps. */
  endHold: number | null;
  holdsReached: number;
  partials: number;
  missedHolds: number;
  lastRep: RepSummary | null;
  /** Peaks of the counted reps: a range-of-motion test's trials. */
  trials: number[];
  maxAngle: number | null;
  hold: HoldView | null;
  effort: EffortView | null;
  /** What happened in the update that produced this progress (not a running total). */
  events: SessionEvent[];
}

export const emptyProgress = (): SetProgress => ({ reps: 0, pending: 0, endHold: null, holdsReached: 0, partials: 0, missedHolds: 0, lastRep: null, trials: [], maxAngle: null, hold: null, effort: null, events: [] });

export type SessionInput =
  | { kind: 'command'; command: SessionCommand; now: number }
  | { kind: 'tick'; now: number }
  /** The scoring of scoring run `run` (see SessionState.scoring) has new figures. */
  | { kind: 'progress'; run: number; progress: SetProgress; now: number }
  /**
   * The start posture has been taken since angle reset `epoch`, with gravity (down) in the sensor
   * frame there (see gravityInSensorFrame): how the shin lay.
   */
  | { kind: 'calibrated'; epoch: number; gravity: Vec3; now: number }
  /** While calibrating: the person has been still this long since angle reset `epoch`. */
  | { kind: 'stillness'; epoch: number; seconds: number; now: number }
  | { kind: 'link'; connected: boolean; now: number };

/** Thrown for a command that makes no sense now; the message is for the person who sent it. */
export class SessionCommandError extends Error {}

export interface SessionState {
  view: SessionView;
  plan: PlannedSet[];
  /** Index into `plan` of the current set (or of the next one, during a rest). */
  at: number | null;
  restSeconds: number;
  /** Incremented whenever the exercise angle must take a new start posture. */
  angleEpoch: number;
  /** While a set is counted: a number that changes whenever its scoring must start afresh. */
  scoring: { run: number; set: PlannedSet } | null;
  runs: number;
  /** Figures carried over from before a re-calibration within the same set. */
  carried: SetProgress;
  progress: SetProgress;
  restEndsAt: number | null;
  linkLostAt: number | null;
  connected: boolean;
  /** The shin's long axis in the sensor frame, as learned from start positions (kept across sets). */
  shin: ShinAxisState;
  /** The current set's start position contradicts its exercise (SetView.postureWarning); null otherwise. */
  postureWarning: string | null;
  /** What happened in the last step (see SessionEvent). */
  events: SessionEvent[];
}

export function initialSession(programme: Programme): SessionState {
  return {
    view: {
      status: 'idle',
      programme: { id: programme.id, title: programme.title, exercises: programme.exercises.length },
      exerciseIndex: null,
      current: null,
      rest: null,
      next: null,
      results: [],
      rom: [],
      startedAt: null,
      calibration: null,
    },
    plan: planSets(programme),
    at: null,
    restSeconds: programme.restSeconds ?? DEFAULT_REST_SECONDS,
    angleEpoch: 0,
    scoring: null,
    runs: 0,
    carried: emptyProgress(),
    progress: emptyProgress(),
    restEndsAt: null,
    linkLostAt: null,
    connected: true,
    shin: NO_SHIN_AXIS,
    postureWarning: null,
    events: [],
  };
}

const needsSensor = (exercise: Exercise) => exercise.kind === 'reps' || exercise.kind === 'hold';

function repTarget(exercise: Exercise): number | null {
  return exercise.kind === 'reps' || exercise.kind === 'manual' ? exercise.targets.reps : null;
}

export function endHoldTarget(exercise: Exercise): number | null {
  return exercise.kind === 'reps' ? (exercise.targets.endHoldSeconds?.min ?? null) : null;
}

export function holdTargetSeconds(exercise: Exercise): number | null {
  return exercise.kind === 'hold' ? exercise.targets.holdSeconds.min : null;
}

/** Running totals of a set: what was carried over from before a re-calibration plus what came since. */
function combine(carried: SetProgress, latest: SetProgress): SetProgress {
  const hold = latest.hold && carried.hold ? { ...latest.hold, heldSeconds: latest.hold.heldSeconds + carried.hold.heldSeconds, remainingSeconds: Math.max(0, latest.hold.remainingSeconds - carried.hold.heldSeconds) } : (latest.hold ?? carried.hold);
  const maxAngle = carried.maxAngle === null ? latest.maxAngle : latest.maxAngle === null ? carried.maxAngle : Math.max(carried.maxAngle, latest.maxAngle);
  return {
    reps: carried.reps + latest.reps,
    pending: latest.pending,
    endHold: latest.endHold,
    holdsReached: carried.holdsReached + latest.holdsReached,
    partials: carried.partials + latest.partials,
    missedHolds: carried.missedHolds + latest.missedHolds,
    lastRep: latest.lastRep ?? carried.lastRep,
    trials: [...carried.trials, ...latest.trials],
    maxAngle,
    hold,
    effort: latest.effort ?? carried.effort,
    events: latest.events,
  };
}

function targetReached(exercise: Exercise, p: SetProgress): boolean {
  switch (exercise.kind) {
    case 'reps':
    case 'manual':
      return p.reps >= exercise.targets.reps;
    case 'hold':
      return p.hold !== null && p.hold.heldSeconds >= exercise.targets.holdSeconds.min;
    case 'effort':
      return p.effort?.phase === 'done';
    case 'instruction':
      return false;
  }
}

function setView(state: SessionState, planned: PlannedSet, startedAt: number): SetView {
  const { exercise } = planned;
  const p = combine(state.carried, state.progress);
  const gap = state.view.current?.gapSeconds ?? 0;
  return {
    exerciseId: exercise.id,
    kind: exercise.kind,
    side: planned.side,
    set: planned.set,
    sets: planned.sets,
    reps: p.reps,
    repTarget: repTarget(exercise),
    pendingReps: p.pending,
    endHoldSeconds: p.endHold,
    holdsReached: p.holdsReached,
    partials: p.partials,
    lastRep: p.lastRep,
    endHoldTargetSeconds: endHoldTarget(exercise),
    missedHolds: p.missedHolds,
    hold: p.hold,
    effort: p.effort,
    maxAngle: p.maxAngle,
    gapSeconds: gap,
    waitingForSensor: needsSensor(exercise) && !state.connected,
    targetReached: targetReached(exercise, p),
    startedAt,
    postureWarning: state.postureWarning,
  };
}

function resultOf(view: SetView, trials: number[], now: number): SetResult {
  return {
    exerciseId: view.exerciseId,
    side: view.side,
    set: view.set,
    reps: view.reps,
    partials: view.partials,
    missedHolds: view.missedHolds,
    holdSeconds: view.hold ? view.hold.heldSeconds : null,
    efforts: view.effort ? view.effort.completed : null,
    maxAngle: view.maxAngle,
    trials,
    gapSeconds: view.gapSeconds,
    durationSeconds: Math.max(0, (now - view.startedAt) / 1000),
    completed: view.targetReached,
  };
}

/** Range-of-motion results per test, from the trials of every set of it so far (the current one too). */
function romViews(programme: Pick<SessionState, 'plan'>, results: SetResult[], current: { view: SetView; trials: number[] } | null): RomView[] {
  const views: RomView[] = [];
  const seen = new Set<string>();
  for (const planned of programme.plan) {
    const { exercise } = planned;
    if (exercise.kind !== 'reps' || !exercise.targets.maxAngle || seen.has(exercise.id)) continue;
    seen.add(exercise.id);
    const trials = { left: [] as number[], right: [] as number[] };
    for (const r of results) if (r.exerciseId === exercise.id) trials[r.side].push(...r.trials);
    if (current && current.view.exerciseId === exercise.id) trials[current.view.side].push(...current.trials);
    if (trials.left.length === 0 && trials.right.length === 0) continue;
    const normal = { min: exercise.targets.maxAngle.normalDeg.min, max: exercise.targets.maxAngle.normalDeg.max };
    const summary = summariseRom(trials, normal);
    views.push({ exerciseId: exercise.id, normal, left: summary.left, right: summary.right, asymmetry: summary.asymmetry });
  }
  return views;
}

/** Closes the current set (if one is under way) into the results. */
function closeSet(state: SessionState, now: number): SessionState {
  const current = state.view.current;
  if (!current || state.view.status === 'rest') return state;
  const result = resultOf(current, combine(state.carried, state.progress).trials, now);
  // A set left before anything happened in it is not a result.
  // (The largest angle alone is not something happening: sway gives every set a little.)
  const anything = result.reps > 0 || result.partials > 0 || (result.holdSeconds ?? 0) > 0 || (result.efforts ?? 0) > 0 || result.completed;
  const results = anything ? [...state.view.results, result] : state.view.results;
  return { ...state, view: { ...state.view, results, rom: romViews(state, results, null) } };
}

/** Starts set `at` of the plan. */
function beginSet(state: SessionState, at: number, now: number): SessionState {
  const planned = state.plan[at]!;
  const sensor = needsSensor(planned.exercise);
  const runs = state.runs + 1;
  const next: SessionState = {
    ...state,
    at,
    angleEpoch: state.angleEpoch + 1,
    scoring: sensor ? null : { run: runs, set: planned },
    runs,
    carried: emptyProgress(),
    progress: emptyProgress(),
    restEndsAt: null,
    // A new start position: a warning about the last one no longer applies.
    postureWarning: null,
  };
  const view: SessionView = {
    ...state.view,
    status: sensor ? 'calibrating' : 'active',
    calibration: sensor ? { stillSeconds: 0, neededSeconds: START_STILL_SECONDS } : null,
    exerciseIndex: planned.exerciseIndex,
    current: null,
    rest: null,
    next: nextOf(state.plan, at),
    startedAt: state.view.startedAt ?? now,
  };
  return { ...next, view: { ...view, current: setView({ ...next, view }, planned, now) } };
}

function nextOf(plan: PlannedSet[], at: number) {
  const n = plan[at + 1];
  return n ? { exerciseId: n.exercise.id, side: n.side, set: n.set } : null;
}

function finish(state: SessionState, now: number): SessionState {
  const closed = closeSet(state, now);
  return { ...closed, scoring: null, restEndsAt: null, view: { ...closed.view, status: 'finished', current: null, rest: null, next: null, calibration: null } };
}

/** The set is over (target reached, or the person moved on): rest before set `to`, or finish. */
function restBefore(state: SessionState, to: number, now: number): SessionState {
  if (to >= state.plan.length) return finish(state, now);
  const closed = closeSet(state, now);
  if (state.restSeconds <= 0) return beginSet(closed, to, now);
  const planned = state.plan[to]!;
  return {
    ...closed,
    at: to,
    scoring: null,
    restEndsAt: now + state.restSeconds * 1000,
    view: {
      ...closed.view,
      status: 'rest',
      calibration: null,
      current: null,
      rest: { remainingSeconds: state.restSeconds, totalSeconds: state.restSeconds },
      next: { exerciseId: planned.exercise.id, side: planned.side, set: planned.set },
    },
  };
}

function findSet(plan: PlannedSet[], exerciseId: string | undefined, side: Side | undefined): number {
  const at = plan.findIndex((p) => (exerciseId === undefined || p.exercise.id === exerciseId) && (side === undefined || p.side === side));
  if (at >= 0) return at;
  if (exerciseId !== undefined && plan.some((p) => p.exercise.id === exerciseId)) throw new SessionCommandError(`${exerciseId} is not done on the ${side} side in this programme`);
  throw new SessionCommandError(`${exerciseId ?? 'that exercise'} is not in this programme`);
}

function command(state: SessionState, c: SessionCommand, now: number): SessionState {
  const { status } = state.view;
  const running = status === 'calibrating' || status === 'active' || status === 'rest';
  if (c.action === 'start') {
    const at = findSet(state.plan, c.exerciseId, c.side);
    // A new session from scratch, or a jump to another exercise within the one under way. A new
    // session learns the shin afresh: the sensor may have been strapped on differently since.
    const base = running ? closeSet(state, now) : { ...state, shin: NO_SHIN_AXIS, view: { ...state.view, results: [], rom: [], startedAt: null } };
    return beginSet(base, at, now);
  }
  if (!running) throw new SessionCommandError(`there is no session under way to ${c.action}: start one first`);
  const at = state.at!;
  switch (c.action) {
    case 'stop':
      return finish(state, now);
    case 'next':
      // From a rest: start the coming set now. From a set: leave it and go straight to the next.
      if (status === 'rest') return beginSet(state, at, now);
      return at + 1 < state.plan.length ? beginSet(closeSet(state, now), at + 1, now) : finish(state, now);
    case 'previous': {
      // From a rest the set just done is at − 1; from a set, the one before it.
      const to = Math.max(0, at - 1);
      return beginSet(closeSet(state, now), to, now);
    }
    case 'skip': {
      const index = state.plan[at]!.exerciseIndex;
      const to = state.plan.findIndex((p) => p.exerciseIndex > index);
      return to < 0 ? finish(state, now) : beginSet(closeSet(state, now), to, now);
    }
    case 'switch-side': {
      const here = state.plan[at]!;
      const to = state.plan.findIndex((p) => p.exerciseIndex === here.exerciseIndex && p.side !== here.side && p.set === here.set);
      if (to < 0) throw new SessionCommandError(`${here.exercise.name} is done on one side only`);
      return beginSet(closeSet(state, now), to, now);
    }
    case 'calibrate': {
      if (status === 'rest') throw new SessionCommandError('a rest is under way: calibrate when the next set starts');
      const planned = state.plan[at]!;
      if (!needsSensor(planned.exercise)) throw new SessionCommandError(`${planned.exercise.name} does not use the sensor's angle, so there is nothing to calibrate`);
      // Keep what was counted; counting resumes from the new start posture.
      return {
        ...state,
        angleEpoch: state.angleEpoch + 1,
        scoring: null,
        carried: combine(state.carried, state.progress),
        progress: emptyProgress(),
        view: { ...state.view, status: 'calibrating', calibration: { stillSeconds: 0, neededSeconds: START_STILL_SECONDS } },
      };
    }
    case 'count': {
      const planned = state.plan[at]!;
      if (status !== 'active' || planned.exercise.kind !== 'manual') throw new SessionCommandError('taps count reps only during a manual-count exercise');
      return progressed(state, { ...state.progress, reps: state.progress.reps + 1 }, now);
    }
  }
}

function progressed(state: SessionState, progress: SetProgress, now: number): SessionState {
  const planned = state.plan[state.at!]!;
  const next = { ...state, progress };
  const current = setView(next, planned, state.view.current!.startedAt);
  const withView = { ...next, view: { ...next.view, current, rom: romViews(state, state.view.results, { view: current, trials: combine(next.carried, progress).trials }) } };
  return current.targetReached ? restBefore(withView, state.at! + 1, now) : withView;
}

export function stepSession(state: SessionState, input: SessionInput): SessionState {
  const next = step(state, input);
  if (next === state) return state;
  const events: SessionEvent[] = input.kind === 'progress' ? [...input.progress.events] : [];
  const added = next.view.results.length > state.view.results.length ? next.view.results.at(-1) : undefined;
  if (added?.completed) events.push({ kind: 'set-complete', exerciseId: added.exerciseId, side: added.side, set: added.set });
  return events.length > 0 || state.events.length > 0 ? { ...next, events } : next;
}

function step(state: SessionState, input: SessionInput): SessionState {
  const { now } = input;
  switch (input.kind) {
    case 'command':
      return command(state, input.command, now);
    case 'tick': {
      if (state.view.status === 'rest' && state.restEndsAt !== null) {
        if (now >= state.restEndsAt) return beginSet(state, state.at!, now);
        const remainingSeconds = Math.ceil((state.restEndsAt - now) / 100) / 10;
        if (remainingSeconds === state.view.rest?.remainingSeconds) return state;
        return { ...state, view: { ...state.view, rest: { ...state.view.rest!, remainingSeconds } } };
      }
      return state;
    }
    case 'calibrated': {
      if (state.view.status !== 'calibrating' || input.epoch !== state.angleEpoch) return state;
      const planned = state.plan[state.at!]!;
      const runs = state.runs + 1;
      // The set starts whatever the check says: the person may have moved the sensor on purpose.
      const checked = checkStart(state.shin, planned.exercise, input.gravity, state.postureWarning !== null);
      const current = state.view.current ? { ...state.view.current, postureWarning: checked.warning } : null;
      return {
        ...state,
        runs,
        scoring: { run: runs, set: planned },
        shin: checked.shin,
        postureWarning: checked.warning,
        view: { ...state.view, status: 'active', calibration: null, current },
      };
    }
    case 'stillness': {
      if (state.view.status !== 'calibrating' || input.epoch !== state.angleEpoch) return state;
      const stillSeconds = Math.min(START_STILL_SECONDS, Math.floor(input.seconds * 10) / 10);
      if (stillSeconds === state.view.calibration?.stillSeconds) return state;
      return { ...state, view: { ...state.view, calibration: { stillSeconds, neededSeconds: START_STILL_SECONDS } } };
    }
    case 'progress': {
      if (state.view.status !== 'active' || state.scoring?.run !== input.run) return state; // a late report from a set already left
      return progressed(state, input.progress, now);
    }
    case 'link': {
      if (input.connected === state.connected) return state;
      const lostAt = input.connected ? null : now;
      let gap = state.view.current?.gapSeconds ?? 0;
      if (input.connected && state.linkLostAt !== null) gap += (now - state.linkLostAt) / 1000;
      const next = { ...state, connected: input.connected, linkLostAt: lostAt };
      const current = state.view.current ? { ...state.view.current, gapSeconds: gap, waitingForSensor: needsSensor(state.plan[state.at!]!.exercise) && !input.connected } : null;
      return { ...next, view: { ...next.view, current } };
    }
  }
}
