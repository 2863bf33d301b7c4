/**
 * Rep detection on the exercise angle: a plain reducer, one step per sample.
 *
 * A rep leaves the start posture, reaches an end position (perhaps holds it), and comes back. The
 * levels that decide "left" and "back" follow the range this person actually reaches in this set,
 * never fixed degrees. A hysteresis gap between the two levels keeps a shaky angle from counting
 * twice, and a minimum duration drops twitches. Movements under `minRangeDeg` (fidgets, sway) never
 * start a rep at all.
 *
 * A rep whose peak stays under half the set's range is a partial: reported, not counted. The set's
 * range is the largest peak of its last few reps (`rangeReps`, partials included): what this person
 * reaches when they do a full rep, not an average dragged down by the reps that fell a little short.
 * Until the first reps have been judged, the range is unknown, and a rep cannot be judged on its own:
 * a first movement to 14° may open a set of small reps or be a tentative start before 35° ones. So the
 * first reps wait (`rep-pending`) until `pendingReps` of them have ended, and are then counted or
 * reported as partials together, against the largest of them. Reps left waiting are decided after
 * `decideAfterSeconds` at rest, or by `finishReps` at the end of the input. A range the programme
 * expects (`expectedRangeDeg`) lets a waiting rep that reaches half of it settle the range at once; it
 * never turns a rep into a partial by itself, because a person in rehab may well be short of the usual
 * range.
 *
 * The first judgement can still be wrong: three tentative small movements look like a set of small
 * reps until a full one comes. So while the set's range is being learned (its first `rangeReps`
 * judged reps), a rep counted earlier whose peak falls under half of the range that later reps show
 * is withdrawn (`rep-withdrawn`): it becomes a partial, and the count goes down. After that the
 * counts stand.
 *
 * The end hold is the time the shin stays at the end position: within a tolerance of the peak and
 * still, moving at under `stillFraction` of the rep's top speed. The speed test leaves out the slow
 * last degrees of the way out and the first of the way back, which a tolerance band alone would count
 * as holding.
 */
export interface RepOptions {
  /** Smallest excursion that can be a rep at all, degrees: fidgets and sway stay under it. */
  minRangeDeg: number;
  /** A rep starts above this fraction of the set's range ... */
  startFraction: number;
  /** ... and ends when the angle falls back under this fraction (hysteresis). */
  endFraction: number;
  /** Peaks under this fraction of the set's range are partial reps. */
  partialFraction: number;
  /** Reps shorter than this are twitches, not reps, seconds. */
  minRepSeconds: number;
  /** The set's range is the largest peak of this many recent reps and partials. */
  rangeReps: number;
  /**
   * At the end position: within this fraction of the peak (or `holdToleranceDeg`, whichever is larger) ...
   * The stillness test below keeps the movement in and out of the end position from counting, so this
   * band only has to keep out a stall short of it, and can be wide enough for postural sway.
   */
  holdToleranceFraction: number;
  holdToleranceDeg: number;
  /** ... and moving at under this fraction of the rep's top speed ... */
  stillFraction: number;
  /** ... measured over this window, centred on each sample, seconds. */
  stillWindowSeconds: number;
  /** A gap in the samples longer than this is reported with the rep it fell in and never counts as holding, seconds. */
  gapSeconds: number;
  /** The end hold a rep should reach (3 s for the strengthening reps, which ask for 3–5 s), or null for none. */
  holdTargetSeconds: number | null;
  /** The first reps of a set wait until this many have ended: together they show the set's range. */
  pendingReps: number;
  /** ... or until this long at rest after the last of them, seconds (a set may be short). */
  decideAfterSeconds: number;
  /** The peak the programme expects for this exercise, degrees, or null: a waiting rep that reaches half of it shows the range at once. */
  expectedRangeDeg: number | null;
}

export const DEFAULT_REP_OPTIONS: RepOptions = {
  minRangeDeg: 5,
  startFraction: 0.3,
  endFraction: 0.15,
  partialFraction: 0.5,
  minRepSeconds: 0.5,
  rangeReps: 5,
  holdToleranceFraction: 0.1,
  holdToleranceDeg: 1,
  stillFraction: 0.15,
  stillWindowSeconds: 0.2,
  gapSeconds: 0.5,
  holdTargetSeconds: null,
  pendingReps: 3,
  decideAfterSeconds: 10,
  expectedRangeDeg: null,
};

export interface Rep {
  start: number;
  end: number;
  peakAngle: number;
  peakAt: number;
  /** Time held at the end position (near the peak and still), seconds. */
  hold: number;
  /** Whether the end hold reached `holdTargetSeconds` during the rep; null when there is no target. */
  holdMet: boolean | null;
  partial: boolean;
  /** Seconds of missing samples inside the rep (a sensor gap). */
  gap: number;
}

export type RepEvent =
  | { kind: 'rep-start'; t: number }
  /** The end hold of the rep in progress has just reached its target. */
  | { kind: 'hold-reached'; t: number; start: number; hold: number }
  /** The end hold of the rep in progress so far, short of its target (every `HOLD_CHECK_SECONDS`, for a timer on screen). */
  | { kind: 'hold-progress'; t: number; hold: number }
  /** A rep ended before the set's range was known: it is counted or reported as partial later. */
  | { kind: 'rep-pending'; rep: Rep }
  /** A counted rep; `count` is the number counted so far. */
  | { kind: 'rep'; rep: Rep; count: number }
  | { kind: 'partial'; rep: Rep }
  /** A rep counted while the set's range was still being learned turned out to be a partial; `count` is the new count. */
  | { kind: 'rep-withdrawn'; rep: Rep; count: number };

export interface RepState {
  phase: 'rest' | 'out';
  /** Peaks of the most recent reps and partials, oldest first: the set's range is the largest. */
  recentPeaks: number[];
  counted: number;
  /** Reps that ended before the set's range was known, oldest first. */
  pending: Rep[];
  /** Reps judged so far (counted or partial): the range is being learned over the first `rangeReps`. */
  judged: number;
  /** Reps counted while the range was being learned: they may yet be withdrawn. */
  provisional: Rep[];
  /** Last time the angle was near the start posture: where the next rep begins. */
  lastRestT: number;
  lastT: number;
  start: number;
  peak: number;
  peakAt: number;
  gap: number;
  /** The end hold of the rep in progress has reached its target. */
  holdReached: boolean;
  /** When the rep in progress next checks its end hold against the target. */
  nextHoldCheck: number;
  /** Angles and times of the rep in progress, for its end hold; `speed` is scratch. Reused between reps. */
  trace: Trace;
  events: RepEvent[];
}

interface Trace {
  t: number[];
  angle: number[];
  speed: number[];
}

/** How often the rep in progress checks its end hold against the target, seconds. */
const HOLD_CHECK_SECONDS = 0.1;

export const initialReps = (): RepState => ({
  phase: 'rest',
  recentPeaks: [],
  counted: 0,
  pending: [],
  judged: 0,
  provisional: [],
  lastRestT: Number.NaN,
  lastT: Number.NaN,
  start: 0,
  peak: 0,
  peakAt: 0,
  gap: 0,
  holdReached: false,
  nextHoldCheck: 0,
  trace: { t: [], angle: [], speed: [] },
  events: [],
});

/** The set's range (the largest recent peak), or null before the first rep has been judged. */
export const setRange = (state: RepState): number | null => (state.recentPeaks.length > 0 ? Math.max(...state.recentPeaks) : null);

/**
 * Time the trace spends at its end position: within tolerance of its peak and still. A sample's
 * interval to the next counts, unless it is a gap in the samples.
 */
export function holdTime(trace: Trace, options: RepOptions): number {
  const { t, angle, speed } = trace;
  const n = t.length;
  if (n < 2) return 0;
  let peak = -Infinity;
  for (const a of angle) if (a > peak) peak = a;
  // Speed over a window centred on each sample (clamped at the ends of the trace).
  const half = options.stillWindowSeconds / 2;
  speed.length = n;
  let top = 0;
  for (let i = 0, lo = 0, hi = 0; i < n; i++) {
    while (t[i]! - t[lo]! > half) lo++;
    if (hi < i) hi = i;
    while (hi + 1 < n && t[hi + 1]! - t[i]! <= half) hi++;
    const v = hi > lo ? Math.abs(angle[hi]! - angle[lo]!) / (t[hi]! - t[lo]!) : 0;
    speed[i] = v;
    if (v > top) top = v;
  }
  const level = peak - Math.max(options.holdToleranceDeg, options.holdToleranceFraction * peak);
  const still = options.stillFraction * top;
  let total = 0;
  for (let i = 0; i + 1 < n; i++) {
    const dt = t[i + 1]! - t[i]!;
    if (dt <= options.gapSeconds && angle[i]! >= level && speed[i]! <= still) total += dt;
  }
  return total;
}

/** Judges the waiting reps against the larger of their peaks (and the set's range, if any), oldest first. */
function decidePending(state: RepState, options: RepOptions, events: RepEvent[]): void {
  const range = Math.max(setRange(state) ?? 0, ...state.pending.map((rep) => rep.peakAngle));
  for (const rep of state.pending) judge(state, { ...rep, partial: rep.peakAngle < options.partialFraction * range }, options, events);
  state.pending = [];
}

function judge(state: RepState, rep: Rep, options: RepOptions, events: RepEvent[]): void {
  // Partials count towards the range too: a person whose reps really get smaller (tiring, say) has a
  // smaller range after a few of them.
  state.recentPeaks = [...state.recentPeaks.slice(Math.max(0, state.recentPeaks.length + 1 - options.rangeReps)), rep.peakAngle];
  state.judged++;
  if (state.provisional.length > 0) {
    // The range has just been learned a little better: reps counted before it may have been partials.
    const level = options.partialFraction * setRange(state)!;
    const withdrawn = state.provisional.filter((earlier) => earlier.peakAngle < level);
    if (withdrawn.length > 0) state.provisional = state.provisional.filter((earlier) => earlier.peakAngle >= level);
    for (const earlier of withdrawn) {
      state.counted--;
      events.push({ kind: 'rep-withdrawn', rep: { ...earlier, partial: true }, count: state.counted });
    }
  }
  if (rep.partial) events.push({ kind: 'partial', rep });
  else {
    state.counted++;
    events.push({ kind: 'rep', rep, count: state.counted });
  }
  if (state.judged >= options.rangeReps) state.provisional = [];
  else if (!rep.partial) state.provisional = [...state.provisional, rep];
}

/**
 * One sample. `events` in the returned state holds only what this sample caused (usually nothing),
 * so a caller can emit them and move on. The state object is reused (its rep trace especially), as
 * an rxjs `scan` seed inside `defer` gives each subscription its own.
 */
export function stepReps(state: RepState, angle: number, t: number, options: RepOptions = DEFAULT_REP_OPTIONS): RepState {
  const events: RepEvent[] = [];
  const next: RepState = { ...state, events };
  const known = setRange(state);
  // Until the set's range is known, the levels follow the waiting reps, if any. A rep comes back by
  // its own peak too, so that a first rep ends even when the shin settles a degree or two off zero.
  let scale = known ?? options.minRangeDeg;
  for (const rep of state.pending) scale = Math.max(scale, rep.peakAngle);
  const startLevel = Math.max(options.minRangeDeg, options.startFraction * scale);
  const dt = t - state.lastT;

  if (next.phase === 'rest') {
    if (angle <= options.endFraction * scale || Number.isNaN(next.lastRestT)) next.lastRestT = t;
    if (angle >= startLevel) {
      next.phase = 'out';
      next.start = next.lastRestT;
      next.peak = angle;
      next.peakAt = t;
      next.gap = 0;
      next.holdReached = false;
      next.nextHoldCheck = t;
      next.trace.t.length = 0;
      next.trace.angle.length = 0;
      events.push({ kind: 'rep-start', t: next.start });
    } else if (next.pending.length > 0 && t - next.pending.at(-1)!.end >= options.decideAfterSeconds) {
      decidePending(next, options, events);
    }
  }
  if (next.phase === 'out') {
    if (dt > options.gapSeconds) next.gap += dt;
    next.trace.t.push(t);
    next.trace.angle.push(angle);
    if (angle > next.peak) {
      next.peak = angle;
      next.peakAt = t;
    }
    const target = options.holdTargetSeconds;
    if (target !== null && !next.holdReached && t >= next.nextHoldCheck) {
      next.nextHoldCheck = t + HOLD_CHECK_SECONDS;
      const hold = holdTime(next.trace, options);
      if (hold >= target) {
        next.holdReached = true;
        events.push({ kind: 'hold-reached', t, start: next.start, hold });
      } else if (hold > 0) {
        events.push({ kind: 'hold-progress', t, hold });
      }
    }
    if (angle <= options.endFraction * Math.max(scale, next.peak)) {
      next.phase = 'rest';
      next.lastRestT = t;
      if (t - next.start >= options.minRepSeconds) {
        const hold = holdTime(next.trace, options);
        const rep: Rep = {
          start: next.start,
          end: t,
          peakAngle: next.peak,
          peakAt: next.peakAt,
          hold,
          holdMet: target === null ? null : next.holdReached || hold >= target,
          partial: false,
          gap: next.gap,
        };
        if (known !== null) {
          judge(next, { ...rep, partial: rep.peakAngle < options.partialFraction * known }, options, events);
        } else {
          next.pending = [...next.pending, rep];
          const expected = options.expectedRangeDeg;
          const showsRange = expected !== null && rep.peakAngle >= options.partialFraction * expected;
          if (showsRange || next.pending.length >= options.pendingReps) decidePending(next, options, events);
          else events.push({ kind: 'rep-pending', rep });
        }
      }
    }
  }
  next.lastT = t;
  return next;
}

/** The end of the input: reps still waiting for the set's range are decided with what is known. */
export function finishReps(state: RepState, options: RepOptions = DEFAULT_REP_OPTIONS): RepState {
  const events: RepEvent[] = [];
  const next: RepState = { ...state, events };
  if (next.pending.length > 0) decidePending(next, options, events);
  return next;
}
