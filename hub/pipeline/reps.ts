/**
 * Rep detection on the exercise angle: a plain reducer, one step per sample.
 *
 * A rep leaves a rest position, reaches an end position (perhaps holds it), and comes back. The angle
 * is measured from the set's start posture, but people do not come back to it: between reps they rest
 * 5–25° away from it, and the rest wanders from rep to rep (a leg lying a little rolled out, a heel
 * that stops short, a seat that shifted). So every level that decides a rep is judged from the rest
 * position just before it and from the rep's own excursion, never from the start posture:
 *
 * - **The rest level** is the lowest angle of the last `restWindowSeconds` at rest. It is learned
 *   afresh at every rest: a rest that moved up is followed once the old low has left the window, and a
 *   rest that dips below the start posture (a leg sliding sideways past it) is where the next rep is
 *   measured from.
 * - **Out**: the angle rises `startFraction` of the set's range (at least `minRangeDeg`) above the rest
 *   level. The rep starts at the last time the angle was near that rest.
 * - **On its way back**: the angle has fallen `returnFraction` of the rep's own excursion (peak minus
 *   the rest it left) from the peak. A sag during the end hold stays under that.
 * - **Back**, whichever comes first: within `endFraction` of the excursion of the rest it left; or still
 *   for `settleSeconds` (a new rest, wherever it is); or rising again by a start level from the lowest
 *   point of the return (the next rep of a fast set, whose return was shallow; the rep ended at that
 *   lowest point, and the next one starts from it).
 * - **A stay that was a rest**: out, still for `restWindowSeconds` and then up a start level from
 *   there (a shuffle that never came back, then a rep): the rep starts afresh from that stay.
 * - **A long stay away** (still for `longStaySeconds` in all while out, a shuffle or two apart: a leg
 *   left out between sets) is a
 *   pause, never a rep: the rep is abandoned (`rep-abandoned`), and the place where the leg stays is
 *   the rest the next rep is judged from.
 *
 * Everything is causal: the only delay is the `settleSeconds` a return needs to show it has stopped,
 * the same live and in `swivel analyze`.
 *
 * A rep that goes less than `partialFraction` of the way from its rest to the set's top (the highest
 * peak of its last few reps, `rangeReps`, partials included) is a partial: reported, not counted. The
 * top is what this person reaches when they do a full rep, not an average dragged down by the reps
 * that fell a little short. The set's range (the largest excursion of the same reps) scales the levels;
 * movements under `fidgetFraction` of it are fidgets, dropped. After `newRangeAfterSeconds` at rest,
 * or a long stay away, both are learned again. Until the first reps have been judged, the range is unknown, and a rep
 * cannot be judged on its own: a first movement of 14° may open a set of small reps or be a tentative
 * start before 35° ones. So the first reps wait (`rep-pending`) until `pendingReps` of them have ended,
 * and are then counted or reported as partials together, against the largest of them. Reps left
 * waiting are decided after `decideAfterSeconds` at rest, or by `finishReps` at the end of the input. A
 * range the programme expects (`expectedRangeDeg`, a peak from the start posture) lets a waiting rep
 * that reaches half of it settle the range at once; it never turns a rep into a partial by itself,
 * because a person in rehab may well be short of the usual range.
 *
 * The first judgement can still be wrong: three tentative small movements look like a set of small
 * reps until a full one comes. So while the set's range is being learned (its first `rangeReps`
 * judged reps), a rep counted earlier that falls short of the top that later reps show is withdrawn (`rep-withdrawn`): it becomes a partial, and the count goes down. After that the
 * counts stand.
 *
 * The end hold is the time the shin stays at the end position: within a tolerance of the peak and
 * still, moving at under `stillFraction` of the rep's top speed. The speed test leaves out the slow
 * last degrees of the way out and the first of the way back, which a tolerance band alone would count
 * as holding.
 */
export interface RepOptions {
  /** Smallest excursion from the rest that can be a rep at all, degrees: sway and tremor stay under it. */
  minRangeDeg: number;
  /** A rep starts when the angle is this fraction of the set's range above the rest level ... */
  startFraction: number;
  /** ... is on its way back once it has fallen this fraction of its own excursion from its peak ... */
  returnFraction: number;
  /** ... and is back within this fraction of its excursion of the rest it left, or when it settles. */
  endFraction: number;
  /** On the way back, still (within the hold tolerance) this long is back at a new rest, seconds. */
  settleSeconds: number;
  /** The rest level is the lowest angle of this many seconds at rest. */
  restWindowSeconds: number;
  /** Still this long in all, away from the rest, is a pause (a leg left out), not a rep, seconds. */
  longStaySeconds: number;
  /** Excursions under this fraction of the set's range are partial reps ... */
  partialFraction: number;
  /** ... and under this fraction, fidgets (a shuffle before the set, a bounce at the bottom): not even partials. */
  fidgetFraction: number;
  /** A movement under half the range and quicker than this fraction of the set's usual rep is a twitch, not a rep. */
  twitchFraction: number;
  /**
   * At rest this long, the set's range is learned afresh, seconds: after a break between blocks the
   * person may do another kind of rep (fast, small), and the first reps wait again to show it.
   */
  newRangeAfterSeconds: number;
  /** Reps shorter than this are twitches, not reps, seconds. */
  minRepSeconds: number;
  /** The set's range is the largest excursion of this many recent reps and partials. */
  rangeReps: number;
  /**
   * At the end position: within this fraction of the excursion (or `holdToleranceDeg`, whichever is
   * larger) of the peak ... The stillness test below keeps the movement in and out of the end position
   * from counting, so this band only has to keep out a stall short of it, and can be wide enough for
   * postural sway.
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
  /** The peak the programme expects for this exercise, degrees from the start posture, or null: a waiting rep that reaches half of it shows the range at once. */
  expectedRangeDeg: number | null;
}

export const DEFAULT_REP_OPTIONS: RepOptions = {
  minRangeDeg: 2,
  startFraction: 0.2,
  returnFraction: 0.45,
  endFraction: 0.15,
  settleSeconds: 0.4,
  restWindowSeconds: 3,
  longStaySeconds: 15,
  partialFraction: 0.5,
  fidgetFraction: 0.25,
  twitchFraction: 0.4,
  newRangeAfterSeconds: 15,
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
  /** The rest level the rep left, degrees from the start posture: its excursion is `peakAngle - rest`. */
  rest: number;
  /** Time held at the end position (near the peak and still), seconds. */
  hold: number;
  /** Whether the end hold reached `holdTargetSeconds` during the rep; null when there is no target. */
  holdMet: boolean | null;
  partial: boolean;
  /** Seconds of missing samples inside the rep (a sensor gap). */
  gap: number;
}

/** How far a rep went from the rest it left, degrees. */
export const excursion = (rep: Rep): number => rep.peakAngle - rep.rest;

export type RepEvent =
  | { kind: 'rep-start'; t: number }
  /** The end hold of the rep in progress has just reached its target. */
  | { kind: 'hold-reached'; t: number; start: number; hold: number }
  /** The end hold of the rep in progress so far, short of its target (every `HOLD_CHECK_SECONDS`, for a timer on screen). */
  | { kind: 'hold-progress'; t: number; hold: number }
  /** The movement that started at `start` stayed away from the rest so long that it is a pause, not a rep. */
  | { kind: 'rep-abandoned'; t: number; start: number }
  /** A rep ended before the set's range was known: it is counted or reported as partial later. */
  | { kind: 'rep-pending'; rep: Rep }
  /** A counted rep; `count` is the number counted so far. */
  | { kind: 'rep'; rep: Rep; count: number }
  | { kind: 'partial'; rep: Rep }
  /**
   * A movement too small against the set's range to be a rep or a partial (under `fidgetFraction` of
   * it), such as a shuffle before the set or a bounce at the bottom of a return. It is dropped;
   * `pending` says whether it had been reported as `rep-pending`.
   */
  | { kind: 'fidget'; rep: Rep; pending: boolean }
  /** A rep counted while the set's range was still being learned turned out to be a partial; `count` is the new count. */
  | { kind: 'rep-withdrawn'; rep: Rep; count: number };

/**
 * The lowest angle of a sliding time window: a monotonic queue (each value is dropped once something
 * lower comes after it, or once it is older than the window), so each sample costs O(1) on average.
 */
interface MinWindow {
  t: number[];
  angle: number[];
  head: number;
}

function windowPush(w: MinWindow, t: number, angle: number, seconds: number): void {
  while (w.t.length > w.head && w.angle.at(-1)! >= angle) {
    w.t.pop();
    w.angle.pop();
  }
  w.t.push(t);
  w.angle.push(angle);
  while (t - w.t[w.head]! > seconds) w.head++;
  // Compact now and then, so the arrays do not grow through a long rest.
  if (w.head > 64 && w.head * 2 > w.t.length) {
    w.t.splice(0, w.head);
    w.angle.splice(0, w.head);
    w.head = 0;
  }
}

function windowClear(w: MinWindow): void {
  w.t.length = 0;
  w.angle.length = 0;
  w.head = 0;
}

const windowMin = (w: MinWindow): number => w.angle[w.head]!;

export interface RepState {
  /** At rest; out (going to or at the end position); on its way back. */
  phase: 'rest' | 'out' | 'back';
  /** Excursions of the most recent reps and partials, oldest first: the set's range is the largest. */
  recentExcursions: number[];
  /** Their peaks: the set's top (the end position it reaches) is the highest. */
  recentPeaks: number[];
  /** Their durations, seconds: a movement much quicker than the set's reps is a twitch. */
  recentDurations: number[];
  /** The range and top from before the last break, while the range is learned again (null: none). */
  prior: { range: number; top: number } | null;
  counted: number;
  /** Reps that ended before the set's range was known, oldest first. */
  pending: Rep[];
  /** Reps judged so far (counted or partial): the range is being learned over the first `rangeReps`. */
  judged: number;
  /** Reps counted while the range was being learned: they may yet be withdrawn. */
  provisional: Rep[];
  /** The angles of the rest so far (the last `restWindowSeconds`): its lowest is the rest level. */
  restWindow: MinWindow;
  /** Last time the angle was near the rest level: where the next rep begins. */
  lastRestT: number;
  /** When the last movement away from the rest ended (a rep, a partial, a fidget or a long stay): the rest since then is a break. */
  lastMoveEnd: number;
  lastT: number;
  /** The rep in progress: when it left the rest, the rest level it left, its peak. */
  start: number;
  rest: number;
  peak: number;
  peakAt: number;
  gap: number;
  /** A slowly following angle and the time since the angle last left it: how long the shin has been still. */
  stillRef: number;
  stillSince: number;
  /** Out: the time the shin has stayed with it so far in this rep, seconds. */
  stillFor: number;
  /** Out: the level of the last stay as long as a rest, and when the shin left it (null: none since the rep started). */
  stayLevel: number | null;
  stayLeft: number;
  /** On the way back: the lowest angle so far, and when. */
  low: number;
  lowAt: number;
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
  /**
   * What holdTime worked out before, kept because it checks the growing rep ten times a second: the
   * speeds before `speedFinal` (whose windows the trace has passed) with their maximum and the window's
   * start for the next one, and the peak of the first `peakUpTo` angles. Cleared with the trace.
   */
  speedFinal: number;
  speedTop: number;
  speedLo: number;
  peak: number;
  peakUpTo: number;
}

const emptyTrace = (): Trace => ({ t: [], angle: [], speed: [], speedFinal: 0, speedTop: 0, speedLo: 0, peak: -Infinity, peakUpTo: 0 });

function clearTrace(trace: Trace): void {
  trace.t.length = 0;
  trace.angle.length = 0;
  forgetHoldWork(trace);
}

/** The trace lost samples at its end: what holdTime kept may have come from them. */
function forgetHoldWork(trace: Trace): void {
  trace.speedFinal = 0;
  trace.speedTop = 0;
  trace.speedLo = 0;
  trace.peak = -Infinity;
  trace.peakUpTo = 0;
}

/** How often the rep in progress checks its end hold against the target, seconds. */
const HOLD_CHECK_SECONDS = 0.1;
/** The time constant of the slowly following angle that tells a long stay away, seconds: drifts under a degree a second are still. */
const STILL_FOLLOW_SECONDS = 2;
/** How far the angle may stray from it and still be staying, degrees (or the hold tolerance of the excursion, if larger). */
const STAY_TOLERANCE_DEG = 2;

export const initialReps = (): RepState => ({
  phase: 'rest',
  recentExcursions: [],
  recentPeaks: [],
  recentDurations: [],
  prior: null,
  counted: 0,
  pending: [],
  judged: 0,
  provisional: [],
  restWindow: { t: [], angle: [], head: 0 },
  lastRestT: Number.NaN,
  lastMoveEnd: Number.NaN,
  lastT: Number.NaN,
  start: 0,
  rest: 0,
  peak: 0,
  peakAt: 0,
  gap: 0,
  stillRef: 0,
  stillSince: 0,
  stillFor: 0,
  stayLevel: null,
  stayLeft: 0,
  low: 0,
  lowAt: 0,
  holdReached: false,
  nextHoldCheck: 0,
  trace: emptyTrace(),
  events: [],
});

/** The set's top (the highest recent peak), or null before the first rep has been judged. */
export const setTop = (state: RepState): number | null => (state.recentPeaks.length > 0 ? Math.max(...state.recentPeaks) : null);

/** The set's range (the largest recent excursion), or null before the first rep has been judged. */
export const setRange = (state: RepState): number | null => (state.recentExcursions.length > 0 ? Math.max(...state.recentExcursions) : null);

/**
 * Time the trace spends at its end position: within tolerance of its peak and still. A sample's
 * interval to the next counts, unless it is a gap in the samples. `rest` is the rest level the rep
 * left: the tolerance is a fraction of the excursion from it.
 */
export function holdTime(trace: Trace, options: RepOptions, rest = 0): number {
  const { t, angle, speed } = trace;
  const n = t.length;
  if (n < 2) return 0;
  // The trace only grows between calls (startRep clears it): the peak and the speeds whose windows
  // are complete carry over, and only the rest is worked out, to the same values.
  let peak = trace.peak;
  for (let i = trace.peakUpTo; i < n; i++) if (angle[i]! > peak) peak = angle[i]!;
  trace.peak = peak;
  trace.peakUpTo = n;
  // Speed over a window centred on each sample (clamped at the ends of the trace).
  const half = options.stillWindowSeconds / 2;
  speed.length = n;
  let top = trace.speedTop;
  for (let i = trace.speedFinal, lo = trace.speedLo, hi = 0; i < n; i++) {
    while (t[i]! - t[lo]! > half) lo++;
    if (hi < i) hi = i;
    while (hi + 1 < n && t[hi + 1]! - t[i]! <= half) hi++;
    const v = hi > lo ? Math.abs(angle[hi]! - angle[lo]!) / (t[hi]! - t[lo]!) : 0;
    speed[i] = v;
    if (v > top) top = v;
    // Samples to come lie beyond this one's window: its speed is final.
    if (i === trace.speedFinal && t[n - 1]! - t[i]! > half) {
      trace.speedFinal = i + 1;
      trace.speedTop = top;
      trace.speedLo = lo;
    }
  }
  const level = peak - Math.max(options.holdToleranceDeg, options.holdToleranceFraction * (peak - rest));
  const still = options.stillFraction * top;
  let total = 0;
  for (let i = 0; i + 1 < n; i++) {
    const dt = t[i + 1]! - t[i]!;
    if (dt <= options.gapSeconds && angle[i]! >= level && speed[i]! <= still) total += dt;
  }
  return total;
}

/** Judges the waiting reps against the larger of their excursions (and the set's range, if any), oldest first. */
function decidePending(state: RepState, options: RepOptions, events: RepEvent[]): void {
  // Fewer than `pendingReps` cannot show a range by themselves (a set that ends, or pauses, one or two
  // movements after a break): they are judged against the range from before the break too, if any.
  const prior = state.pending.length < options.pendingReps ? state.prior : null;
  const range = Math.max(setRange(state) ?? 0, prior?.range ?? 0, ...state.pending.map(excursion));
  const top = Math.max(setTop(state) ?? -Infinity, prior?.top ?? -Infinity, ...state.pending.map((rep) => rep.peakAngle));
  const waiting = state.pending;
  state.pending = [];
  for (const rep of waiting) {
    if (excursion(rep) < options.fidgetFraction * range) events.push({ kind: 'fidget', rep, pending: true });
    else judge(state, { ...rep, partial: fallsShort(rep, top, options) }, options, events);
  }
}

/**
 * A twitch: under half the set's range and quicker than `twitchFraction` of the set's usual rep (the
 * median of its last few, once there are three). A quick bump of a few degrees in a set of slow reps
 * is a fidget, while every rep of a fast set is as quick as the others.
 */
function isTwitch(state: RepState, rep: Rep, options: RepOptions): boolean {
  const durations = state.recentDurations;
  if (durations.length < 3) return false;
  const usual = [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)]!;
  return rep.end - rep.start < options.twitchFraction * usual && excursion(rep) < options.partialFraction * setRange(state)!;
}

/**
 * A partial stops well short of the end position the set reaches: it goes less than
 * `partialFraction` of the way from its own rest to the set's top. Judged against the top, not by
 * comparing excursions, because the first rep of a set leaves from the start posture and later ones
 * from a rest that has moved up: those go less far and still reach the end position.
 */
const fallsShort = (rep: Rep, top: number, options: RepOptions): boolean => rep.peakAngle - rep.rest < options.partialFraction * (top - rep.rest);

function judge(state: RepState, rep: Rep, options: RepOptions, events: RepEvent[]): void {
  // Partials count towards the range too: a person whose reps really get smaller (tiring, say) has a
  // smaller range after a few of them.
  state.recentExcursions = [...state.recentExcursions.slice(Math.max(0, state.recentExcursions.length + 1 - options.rangeReps)), excursion(rep)];
  state.recentPeaks = [...state.recentPeaks.slice(Math.max(0, state.recentPeaks.length + 1 - options.rangeReps)), rep.peakAngle];
  state.recentDurations = [...state.recentDurations.slice(Math.max(0, state.recentDurations.length + 1 - options.rangeReps)), rep.end - rep.start];
  state.judged++;
  if (state.provisional.length > 0) {
    // The range has just been learned a little better: reps counted before it may have been partials.
    const top = setTop(state)!;
    const withdrawn = state.provisional.filter((earlier) => fallsShort(earlier, top, options));
    if (withdrawn.length > 0) state.provisional = state.provisional.filter((earlier) => !fallsShort(earlier, top, options));
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

/** The scale the levels are fractions of: the set's range, or until it is known, the waiting reps' largest excursion. */
function levelScale(state: RepState, options: RepOptions): number {
  let scale = setRange(state) ?? options.minRangeDeg;
  for (const rep of state.pending) scale = Math.max(scale, excursion(rep));
  return scale;
}

/** Starts a rep that left the rest level `rest` at `start`. */
function startRep(next: RepState, rest: number, start: number, angle: number, t: number, events: RepEvent[]): void {
  next.phase = 'out';
  next.start = start;
  next.rest = rest;
  next.peak = angle;
  next.peakAt = t;
  next.gap = 0;
  next.stillRef = angle;
  next.stillSince = t;
  next.stillFor = 0;
  next.stayLevel = null;
  next.holdReached = false;
  next.nextHoldCheck = t;
  clearTrace(next.trace);
  events.push({ kind: 'rep-start', t: start });
}

/**
 * The rep in progress is back at `end`: it is judged (or waits for the set's range), and the rest
 * begins there, with the angles since `end` as its first.
 */
function endRep(next: RepState, end: number, options: RepOptions, events: RepEvent[]): void {
  const { trace } = next;
  // The trace after the end belongs to the rest: it moves to the rest window, and out of the hold.
  let keep = trace.t.length;
  while (keep > 0 && trace.t[keep - 1]! > end) keep--;
  windowClear(next.restWindow);
  for (let i = Math.max(0, keep - 1); i < trace.t.length; i++) windowPush(next.restWindow, trace.t[i]!, trace.angle[i]!, options.restWindowSeconds);
  if (keep < trace.t.length) forgetHoldWork(trace);
  trace.t.length = keep;
  trace.angle.length = keep;
  next.phase = 'rest';
  next.lastRestT = end;
  next.lastMoveEnd = end;
  if (end - next.start < options.minRepSeconds) return; // a twitch
  const target = options.holdTargetSeconds;
  const hold = holdTime(trace, options, next.rest);
  const rep: Rep = {
    start: next.start,
    end,
    peakAngle: next.peak,
    peakAt: next.peakAt,
    rest: next.rest,
    hold,
    holdMet: target === null ? null : next.holdReached || hold >= target,
    partial: false,
    gap: next.gap,
  };
  const known = setRange(next);
  if (known !== null) {
    if (excursion(rep) < options.fidgetFraction * known || isTwitch(next, rep, options)) events.push({ kind: 'fidget', rep, pending: false });
    else judge(next, { ...rep, partial: fallsShort(rep, setTop(next)!, options) }, options, events);
  } else {
    next.pending = [...next.pending, rep];
    const expected = options.expectedRangeDeg;
    const showsRange = expected !== null && rep.peakAngle >= options.partialFraction * expected;
    if (showsRange || next.pending.length >= options.pendingReps) decidePending(next, options, events);
    else events.push({ kind: 'rep-pending', rep });
  }
}

/**
 * Follows the angle slowly. Out, `stillFor` adds up the time the shin stays with it: a shuffle while
 * the leg is held out only pauses the sum, so a long stay with a fidget in it is still a long stay.
 * On the way back, `stillSince` is when the shin last moved away from it.
 */
function followStill(next: RepState, angle: number, t: number, dt: number, tolerance: number): void {
  const step = Number.isFinite(dt) && dt > 0 ? dt : 0;
  next.stillRef += (angle - next.stillRef) * Math.min(1, step / STILL_FOLLOW_SECONDS);
  if (Math.abs(angle - next.stillRef) > tolerance) {
    next.stillRef = angle;
    next.stillSince = t;
  } else if (step <= 1) {
    next.stillFor += step;
  }
}

/**
 * One sample. `events` in the returned state holds only what this sample caused (usually nothing),
 * so a caller can emit them and move on. The state object is reused (its rep trace and rest window
 * especially), as an rxjs `scan` seed inside `defer` gives each subscription its own.
 */
export function stepReps(state: RepState, angle: number, t: number, options: RepOptions = DEFAULT_REP_OPTIONS): RepState {
  // Updated in place, like the fusion and angle states: a copy of some thirty fields per sample was
  // the largest cost of an hour's analysis. Only `events` is new each step (usually empty).
  const events: RepEvent[] = [];
  const next: RepState = state;
  next.events = events;
  const scale = levelScale(state, options);
  const startLevel = Math.max(options.minRangeDeg, options.startFraction * scale);
  const dt = t - state.lastT;

  if (next.phase !== 'rest') {
    if (dt > options.gapSeconds) next.gap += dt;
    next.trace.t.push(t);
    next.trace.angle.push(angle);
  }
  if (next.phase === 'out') {
    if (angle > next.peak) {
      next.peak = angle;
      next.peakAt = t;
    }
    const reach = next.peak - next.rest;
    const stayedSince = next.stillSince;
    const stayedAt = next.stillRef;
    followStill(next, angle, t, dt, Math.max(STAY_TOLERANCE_DEG, options.holdToleranceFraction * reach));
    if (next.stillSince === t && t - stayedSince >= options.restWindowSeconds && angle > stayedAt) {
      // Leaving, upwards, a stay of a rest's length: it may have been a rest after all (a movement that
      // stopped short and stayed, then a rep). Remember it; a rise of a start level from it says so.
      next.stayLevel = stayedAt;
      next.stayLeft = t - dt;
    }
    if (next.stayLevel !== null && angle - next.stayLevel >= startLevel && next.stayLevel < next.peak) {
      // The rep starts afresh from that stay, the rest it really left.
      const level = next.stayLevel;
      const left = next.stayLeft;
      const keepFrom = next.trace.t.findIndex((time) => time >= left);
      next.trace.t.splice(0, Math.max(0, keepFrom));
      next.trace.angle.splice(0, Math.max(0, keepFrom));
      const kept = { t: [...next.trace.t], angle: [...next.trace.angle] };
      startRep(next, level, left, angle, t, events);
      next.trace.t.push(...kept.t);
      next.trace.angle.push(...kept.angle);
      next.peak = Math.max(...kept.angle);
      next.peakAt = kept.t[kept.angle.indexOf(next.peak)]!;
    }
    const target = options.holdTargetSeconds;
    if (next.stillFor >= options.longStaySeconds) {
      // Out and still for so long: a leg left out, a pause between sets. Not a rep; the next rep
      // starts from where the leg now rests, and the range is learned again, as after any break.
      events.push({ kind: 'rep-abandoned', t, start: next.start });
      if (next.recentExcursions.length > 0) next.prior = { range: setRange(next)!, top: setTop(next)! };
      next.recentExcursions = [];
      next.recentPeaks = [];
      next.recentDurations = [];
      next.judged = 0;
      next.provisional = [];
      next.phase = 'rest';
      next.lastRestT = t;
      next.lastMoveEnd = t;
      windowClear(next.restWindow);
    } else {
      if (target !== null && !next.holdReached && t >= next.nextHoldCheck) {
        next.nextHoldCheck = t + HOLD_CHECK_SECONDS;
        const hold = holdTime(next.trace, options, next.rest);
        if (hold >= target) {
          next.holdReached = true;
          events.push({ kind: 'hold-reached', t, start: next.start, hold });
        } else if (hold > 0) {
          events.push({ kind: 'hold-progress', t, hold });
        }
      }
      if (angle <= next.peak - options.returnFraction * reach) {
        next.phase = 'back';
        next.low = angle;
        next.lowAt = t;
        next.stillRef = angle;
        next.stillSince = t;
      }
    }
  } else if (next.phase === 'back') {
    const reach = next.peak - next.rest;
    if (angle < next.low) {
      next.low = angle;
      next.lowAt = t;
    }
    followStill(next, angle, t, dt, Math.max(options.holdToleranceDeg, options.holdToleranceFraction * reach));
    if (angle <= next.rest + options.endFraction * reach) {
      endRep(next, t, options, events);
    } else if (angle - next.low >= startLevel) {
      // Up again before it came all the way back: the next rep of a fast set. This one ended at the
      // lowest point between them.
      endRep(next, next.lowAt, options, events);
    } else if (t - next.stillSince >= options.settleSeconds) {
      endRep(next, next.stillSince, options, events);
    }
  }
  if (next.phase === 'rest') {
    if (next.restWindow.t.length === 0 || next.restWindow.t.at(-1)! < t) windowPush(next.restWindow, t, angle, options.restWindowSeconds);
    const rest = windowMin(next.restWindow);
    // Near the rest: within a quarter of the start level, just above the sway of a shin lying still.
    if (angle <= rest + startLevel / 4 || Number.isNaN(next.lastRestT)) next.lastRestT = t;
    if (angle - rest >= startLevel) {
      startRep(next, rest, Math.min(next.lastRestT, t), angle, t, events);
      next.trace.t.push(t);
      next.trace.angle.push(angle);
    } else if (next.pending.length > 0 && t - next.pending.at(-1)!.end >= options.decideAfterSeconds) {
      decidePending(next, options, events);
    } else if (next.recentExcursions.length > 0 && t - next.lastMoveEnd >= options.newRangeAfterSeconds) {
      // A break between blocks: the range is learned again from the reps that come next.
      if (next.recentExcursions.length > 0) next.prior = { range: setRange(next)!, top: setTop(next)! };
      next.recentExcursions = [];
      next.recentPeaks = [];
      next.recentDurations = [];
      next.judged = 0;
      next.provisional = [];
    }
  }
  next.lastT = t;
  return next;
}

/**
 * The end of the input: reps still waiting for the set's range are decided with what is known. A rep
 * still on its way back is not counted: it never showed that it came back.
 */
export function finishReps(state: RepState, options: RepOptions = DEFAULT_REP_OPTIONS): RepState {
  const events: RepEvent[] = [];
  const next: RepState = { ...state, events };
  if (next.pending.length > 0) decidePending(next, options, events);
  return next;
}
