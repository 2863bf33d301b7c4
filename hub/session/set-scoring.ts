/**
 * The scoring of one set: angle frames in, running figures out (`SetProgress`), by the exercise's
 * kind. It only wires the pipeline's operators (repEvents, holdTimer, cycleTimer); the rules are
 * theirs. A fresh subscription is a fresh set: every reducer starts from its initial state.
 */
import { EMPTY, Observable, asyncScheduler, connect, map, merge, scan, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { AngleFrame } from '../pipeline/operators.ts';
import { repEvents } from '../pipeline/operators.ts';
import { DEFAULT_REP_OPTIONS, type Rep, type RepOptions } from '../pipeline/reps.ts';
import type { HoldEvent } from '../pipeline/holds.ts';
import type { RepSummary, SessionEvent } from '../protocol/session.ts';
import { DEFAULT_HOLD_OPTIONS, type HoldOptions } from '../pipeline/holds.ts';
import { cycleTimer, holdTimer } from '../pipeline/timing-operators.ts';
import type { Exercise } from '../protocol/programme.ts';
import { emptyProgress, endHoldTarget, holdTargetSeconds, type SetProgress } from './engine.ts';

export interface SetScoringClock {
  scheduler?: SchedulerLike;
  /** How often an effort countdown reports, ms. */
  tickMs?: number;
}

type Update = (p: SetProgress) => SetProgress;

/** Largest angle seen in the frames. */
const maxAngleUpdates = (frames: Observable<AngleFrame>): Observable<Update> =>
  frames.pipe(
    map((frame) => {
      let max = -Infinity;
      for (const angle of frame.trace) if (angle > max) max = angle;
      return (p: SetProgress) => (p.maxAngle !== null && p.maxAngle >= max ? p : { ...p, maxAngle: max });
    }),
  );

const summary = (rep: Rep): RepSummary => ({ start: rep.start, end: rep.end, peakAngle: rep.peakAngle, hold: rep.hold, holdMet: rep.holdMet });

/**
 * The rep counter's options for an exercise of the programme. Live sets and `swivel analyze` both
 * take them from here, so the same samples give the same reps.
 */
export function repOptionsFor(exercise: Exercise): RepOptions {
  return {
    ...DEFAULT_REP_OPTIONS,
    holdTargetSeconds: endHoldTarget(exercise),
    // A range-of-motion test knows roughly how far a trial goes, so its first trial can count at once.
    expectedRangeDeg: exercise.kind === 'reps' && exercise.targets.maxAngle ? exercise.targets.maxAngle.normalDeg.min : null,
  };
}

/** The hold timer's options for an exercise of the programme (live and `swivel analyze`). */
export const holdOptionsFor = (exercise: Exercise): HoldOptions => ({ ...DEFAULT_HOLD_OPTIONS, targetSeconds: holdTargetSeconds(exercise) ?? DEFAULT_HOLD_OPTIONS.targetSeconds });

function repUpdates(frames: Observable<AngleFrame>, exercise: Exercise): Observable<Update> {
  const options = repOptionsFor(exercise);
  // The first reps of a set wait to be judged; each is later decided, oldest first, as a rep or a partial.
  const decided = (p: SetProgress) => (p.pending > 0 ? p.pending - 1 : 0);
  return frames.pipe(
    repEvents(options),
    map((event): Update => {
      switch (event.kind) {
        case 'rep-start':
          return (p) => ({ ...p, endHold: options.holdTargetSeconds === null ? null : 0, events: [{ kind: 'rep-start', t: event.t }] });
        case 'hold-progress':
          return (p) => ({ ...p, endHold: event.hold });
        case 'fidget':
          // Too small to be a rep against the set's range: dropped, and no longer waiting if it was.
          return (p) => ({ ...p, endHold: null, pending: event.pending ? decided(p) : p.pending });
        case 'rep-abandoned':
          // A long stay away was a pause, not a rep: no end hold is running any more.
          return (p) => ({ ...p, endHold: null });
        case 'rep-pending':
          return (p) => ({ ...p, endHold: null, pending: p.pending + 1 });
        case 'partial':
          return (p) => ({ ...p, endHold: null, pending: decided(p), partials: p.partials + 1, events: [{ kind: 'partial', rep: summary(event.rep) }] });
        case 'hold-reached':
          return (p) => ({ ...p, endHold: event.hold, holdsReached: p.holdsReached + 1, events: [{ kind: 'end-hold-reached', t: event.t }] });
        case 'rep-withdrawn': {
          // Counted while the set's range was being learned, and it turns out to have been a partial.
          const { rep } = event;
          return (p) => {
            const at = p.trials.indexOf(rep.peakAngle);
            return {
              ...p,
              reps: p.reps - 1,
              partials: p.partials + 1,
              missedHolds: p.missedHolds - (rep.holdMet === false ? 1 : 0),
              trials: at < 0 ? p.trials : [...p.trials.slice(0, at), ...p.trials.slice(at + 1)],
              events: [{ kind: 'rep-withdrawn', count: p.reps - 1, rep: summary(rep) }],
            };
          };
        }
        case 'rep': {
          const { rep } = event;
          return (p) => ({
            ...p,
            reps: p.reps + 1,
            endHold: null,
            pending: decided(p),
            missedHolds: p.missedHolds + (rep.holdMet === false ? 1 : 0),
            trials: [...p.trials, rep.peakAngle],
            lastRep: summary(rep),
            events: [{ kind: 'rep', count: p.reps + 1, rep: summary(rep) }],
          });
        }
      }
    }),
  );
}

function holdEvent(event: HoldEvent): SessionEvent {
  switch (event.kind) {
    case 'hold-start':
      return { kind: 'hold-start', t: event.t, position: event.position };
    case 'resumed':
      return { kind: 'hold-resumed', t: event.t };
    case 'paused':
      return { kind: 'hold-paused', t: event.t, reason: event.reason };
    case 'target-reached':
      return { kind: 'hold-target-reached', t: event.t };
  }
}

function holdUpdates(frames: Observable<AngleFrame>, exercise: Exercise, scheduler: SchedulerLike): Observable<Update> {
  const options = holdOptionsFor(exercise);
  const { targetSeconds } = options;
  return frames.pipe(
    holdTimer(options, { scheduler }),
    map(({ status, events }) => (p: SetProgress) => ({
      ...p,
      hold: { inPosition: status.inPosition, heldSeconds: status.heldSeconds, targetSeconds, remainingSeconds: status.remainingSeconds, position: Number.isFinite(status.position) ? status.position : null },
      events: events.map(holdEvent),
    })),
  );
}

function effortUpdates(exercise: Exercise, clock: SetScoringClock): Observable<Update> {
  if (exercise.kind !== 'effort') return EMPTY;
  const options = { efforts: exercise.targets.efforts, effortSeconds: exercise.targets.effortSeconds.min, relaxSeconds: exercise.targets.relaxSeconds.min };
  return cycleTimer(options, { scheduler: clock.scheduler, tickMs: clock.tickMs ?? 250 }).pipe(
    map(({ status, events }) => (p: SetProgress) => ({
      ...p,
      effort: { phase: status.phase, cycle: status.cycle, completed: status.completed, of: options.efforts, phaseRemainingSeconds: Math.max(0, status.phaseRemainingSeconds) },
      events: events.flatMap((e): SessionEvent[] => (e.kind === 'effort-start' || e.kind === 'relax-start' ? [{ kind: e.kind, cycle: e.cycle }] : [])),
    })),
  );
}

/** The running figures of a set of `exercise`, from its angle frames (and the clock, for efforts). */
export function scoreSet(exercise: Exercise, clock: SetScoringClock = {}): OperatorFunction<AngleFrame, SetProgress> {
  const scheduler = clock.scheduler ?? asyncScheduler;
  // connect(): every part subscribes to the same frames before they flow, so a file's frames are
  // computed once, and in order, whichever part reads them.
  return (frames) =>
    frames.pipe(
      connect((shared) => {
        const updates: Observable<Update>[] = [];
        if (exercise.kind === 'reps') updates.push(maxAngleUpdates(shared), repUpdates(shared, exercise));
        if (exercise.kind === 'hold') updates.push(maxAngleUpdates(shared), holdUpdates(shared, exercise, scheduler));
        if (exercise.kind === 'effort') updates.push(effortUpdates(exercise, clock));
        return merge(...updates).pipe(scan((progress, update) => update({ ...progress, events: [] }), emptyProgress()));
      }),
    );
}
