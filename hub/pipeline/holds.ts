/**
 * The hold timer on the exercise angle: a plain reducer, one step per sample.
 *
 * A hold (a stretch, a release, a distraction) eases into a position and stays there. The timer counts
 * only while the shin is in position, pauses when it slips out or the samples stop, and resumes when
 * it is back. "In position" is judged against a tracked position, not against the deepest angle seen:
 *
 * - A position is made when the angle stays still (within the tolerance of its own level) for
 *   `settleSeconds`, at least `minPositionDeg` from the start posture and at least `positionFraction`
 *   of the deepest position of this hold. A pause halfway out of a stretch is therefore not a position.
 * - While in position the tracked position follows the angle slowly (time constant `followSeconds`),
 *   so a stretch that creeps deeper over the minute stays in position, while a slip (fast, and
 *   large) leaves it behind.
 * - The tolerance is a fraction of the position (with a small floor for sway and sensor noise), so it
 *   scales with the range this person reaches: never fixed degrees.
 * - Only falling back counts as leaving: going deeper is still holding the stretch.
 * - Out of the band for less than `slipSeconds` is a wobble (a fidget, a breath): it counts as held.
 *   Longer is a slip, and the pause starts when the shin began to leave.
 * - A gap in the samples longer than `gapSeconds` pauses at the last sample seen. If the shin is still
 *   in position when samples come back, the timer resumes at once (the position is known).
 *
 * Band crossings happen a little after the shin sets off and a little before it arrives, since a limb
 * speeds up from rest and slows down into a position. Timing spans from the crossings would count that
 * approach as held. So each crossing is moved to where the movement started or ended, assuming it slows
 * to a stop (or sets off) with steady acceleration: the remaining deviation d at speed v then takes
 * 2·d/v, capped at `maxTransitionSeconds`.
 */
export interface HoldOptions {
  /** The band reaches this fraction of the position below it ... */
  toleranceFraction: number;
  /** ... but never less than this, degrees: postural sway and sensor noise. */
  toleranceDeg: number;
  /** In position needs at least this fraction of the deepest position of this hold. */
  positionFraction: number;
  /** A position nearer the start posture than this is no hold at all, degrees. */
  minPositionDeg: number;
  /** Still this long makes a position: the debounce on the way in, seconds. */
  settleSeconds: number;
  /** Out of the band for longer than this is a slip; shorter is a wobble, seconds. */
  slipSeconds: number;
  /** Time constant of the tracked position, seconds: slow enough to leave a slip behind. */
  followSeconds: number;
  /** A gap in the samples longer than this pauses the timer, seconds. */
  gapSeconds: number;
  /** The speed at a band crossing is measured over this span, centred on the crossing, seconds. */
  slopeSeconds: number;
  /** A span's start or end moves at most this far from its band crossing, seconds. */
  maxTransitionSeconds: number;
  /** The time to hold, seconds. */
  targetSeconds: number;
}

export const DEFAULT_HOLD_OPTIONS: HoldOptions = {
  toleranceFraction: 0.1,
  toleranceDeg: 1,
  positionFraction: 0.5,
  minPositionDeg: 1.5,
  settleSeconds: 1,
  slipSeconds: 1,
  followSeconds: 10,
  gapSeconds: 0.5,
  slopeSeconds: 0.2,
  maxTransitionSeconds: 1.5,
  targetSeconds: 60,
};

/** A time in position, seconds on the samples' clock. */
export interface HoldSpan {
  start: number;
  end: number;
}

export type PauseReason = 'slipped' | 'gap' | 'end';

/**
 * Times say when it happened, which can be a little before the sample that revealed it (a slip is
 * known only `slipSeconds` after it began).
 */
export type HoldEvent =
  | { kind: 'hold-start'; t: number; position: number }
  | { kind: 'resumed'; t: number; position: number }
  | { kind: 'paused'; t: number; reason: PauseReason; span: HoldSpan }
  | { kind: 'target-reached'; t: number };

/**
 * - `waiting`: not in position yet.
 * - `in`: in position, counting.
 * - `wobble`: out of the band for less than `slipSeconds`; still counted as in position if it ends.
 * - `paused`: slipped out, or the samples stopped; waiting to be back in position.
 */
export type HoldPhase = 'waiting' | 'in' | 'wobble' | 'paused';

export interface HoldState {
  phase: HoldPhase;
  /** The tracked position, degrees (NaN before the first). */
  position: number;
  /** Deepest tracked position of this hold, degrees (0 before the first). */
  deepest: number;
  /** Seconds in position so far: the timer. */
  heldSeconds: number;
  /** When the hold first reached its position (NaN before). */
  startedAt: number;
  spanStart: number;
  /** Where the last span ended: the next cannot start before it. */
  lastSpanEnd: number;
  /** The last sample in the band. */
  lastInT: number;
  lastT: number;
  targetReached: boolean;
  /** After a gap: the next sample resumes at once if it is in the band of the known position. */
  resumeAfterGap: boolean;
  /** A run of samples near their own mean: a position being made. */
  candidate: { since: number; sum: number; count: number };
  /** The last few seconds of samples, for settling and for timing band crossings. Reused. */
  recent: { t: number[]; angle: number[]; head: number };
  events: HoldEvent[];
}

export const initialHold = (): HoldState => ({
  phase: 'waiting',
  position: Number.NaN,
  deepest: 0,
  heldSeconds: 0,
  startedAt: Number.NaN,
  spanStart: Number.NaN,
  lastSpanEnd: Number.NEGATIVE_INFINITY,
  lastInT: Number.NaN,
  lastT: Number.NaN,
  targetReached: false,
  resumeAfterGap: false,
  candidate: { since: Number.NaN, sum: 0, count: 0 },
  recent: { t: [], angle: [], head: 0 },
  events: [],
});

/** What a screen shows. */
export interface HoldStatus {
  phase: HoldPhase;
  inPosition: boolean;
  heldSeconds: number;
  remainingSeconds: number;
  /** Since the hold first reached its position, pauses included (0 before). */
  totalSeconds: number;
  position: number;
}

export function holdStatus(state: HoldState, options: HoldOptions = DEFAULT_HOLD_OPTIONS): HoldStatus {
  return {
    phase: state.phase,
    inPosition: state.phase === 'in' || state.phase === 'wobble',
    heldSeconds: state.heldSeconds,
    remainingSeconds: Math.max(0, options.targetSeconds - state.heldSeconds),
    totalSeconds: Number.isNaN(state.startedAt) ? 0 : state.lastT - state.startedAt,
    position: state.position,
  };
}

export const holdTolerance = (position: number, options: HoldOptions) => Math.max(options.toleranceDeg, options.toleranceFraction * Math.abs(position));

type Recent = HoldState['recent'];

function remember(recent: Recent, t: number, angle: number, keepSeconds: number) {
  recent.t.push(t);
  recent.angle.push(angle);
  while (recent.t[recent.head]! < t - keepSeconds) recent.head++;
  // Drop the forgotten samples in chunks, so the arrays stay short without shifting every sample.
  if (recent.head > 256 && recent.head * 2 > recent.t.length) {
    recent.t.splice(0, recent.head);
    recent.angle.splice(0, recent.head);
    recent.head = 0;
  }
}

function forget(recent: Recent) {
  recent.t.length = 0;
  recent.angle.length = 0;
  recent.head = 0;
}

/** The angle at time t by straight lines between the remembered samples (clamped to their span). */
function angleAt(recent: Recent, t: number): number {
  const { t: ts, angle } = recent;
  let i = ts.length - 1;
  while (i > recent.head && ts[i - 1]! >= t) i--;
  if (i === recent.head || ts[i]! <= t) return angle[i]!;
  const t0 = ts[i - 1]!;
  const t1 = ts[i]!;
  return angle[i - 1]! + ((angle[i]! - angle[i - 1]!) * (t - t0)) / (t1 - t0);
}

/**
 * How long the movement that crossed a band edge `tolerance` from its still end, at time `crossedAt`,
 * took between that end and the crossing: 2·d/v for steady acceleration, capped.
 */
function transitionSeconds(recent: Recent, crossedAt: number, tolerance: number, options: HoldOptions): number {
  const half = options.slopeSeconds / 2;
  const speed = Math.abs(angleAt(recent, crossedAt + half) - angleAt(recent, crossedAt - half)) / options.slopeSeconds;
  if (!(speed > 0)) return 0;
  return Math.min(options.maxTransitionSeconds, (2 * tolerance) / speed);
}

/** When the angle crossed `level` between samples i − 1 and i. */
function crossing(recent: Recent, i: number, level: number): number {
  const t0 = recent.t[i - 1]!;
  const t1 = recent.t[i]!;
  const a0 = recent.angle[i - 1]!;
  const a1 = recent.angle[i]!;
  return a1 === a0 ? t1 : t0 + ((t1 - t0) * (level - a0)) / (a1 - a0);
}

/** Mean angle of the remembered samples from `from` to `to` (inclusive). */
function meanBetween(recent: Recent, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let i = recent.t.length - 1; i >= recent.head && recent.t[i]! >= from; i--) {
    if (recent.t[i]! > to) continue;
    sum += recent.angle[i]!;
    count++;
  }
  return sum / count;
}

/**
 * When the shin arrived in a band it has stayed in for `settleSeconds` (null if it has not): where the
 * newest run of samples inside the band began, moved on from the band edge to where the approach came
 * to a stop.
 */
function arrival(recent: Recent, inside: (angle: number) => boolean, edgeBelow: number, edgeAbove: number, now: number, options: HoldOptions): number | null {
  let i = recent.t.length - 1;
  if (!inside(recent.angle[i]!)) return null;
  while (i > recent.head && inside(recent.angle[i - 1]!)) i--;
  const runStart = recent.t[i]!;
  if (now - runStart < options.settleSeconds) return null;
  if (i === recent.head) return runStart; // inside since before anything remembered
  const edge = recent.angle[i - 1]! < edgeBelow ? edgeBelow : edgeAbove;
  const crossedAt = crossing(recent, i, edge);
  const level = meanBetween(recent, now - options.settleSeconds / 2, now);
  return Math.min(now, crossedAt + transitionSeconds(recent, crossedAt, Math.abs(level - edge), options));
}

/**
 * One sample. `events` in the returned state holds only what this sample caused (usually nothing).
 * The state object is reused (its sample memory especially), as an rxjs `scan` seed inside `defer`
 * gives each subscription its own.
 */
export function stepHold(state: HoldState, angle: number, t: number, options: HoldOptions = DEFAULT_HOLD_OPTIONS): HoldState {
  const events: HoldEvent[] = [];
  const { recent, candidate } = state;
  let { phase, position, deepest, heldSeconds, startedAt, spanStart, lastSpanEnd, lastInT, targetReached, resumeAfterGap } = state;
  const dt = t - state.lastT;
  const gap = dt > options.gapSeconds;

  const resetCandidate = () => {
    candidate.since = t;
    candidate.sum = angle;
    candidate.count = 1;
  };
  const enter = (arrivedAt: number, level: number) => {
    const at = Math.max(arrivedAt, lastSpanEnd);
    events.push({ kind: Number.isNaN(startedAt) ? 'hold-start' : 'resumed', t: at, position: level });
    if (Number.isNaN(startedAt)) startedAt = at;
    phase = 'in';
    position = level;
    deepest = Math.max(deepest, level);
    spanStart = at;
    heldSeconds += t - at;
    lastInT = t;
  };
  const pause = (end: number, reason: PauseReason) => {
    const spanEnd = Math.max(spanStart, end);
    heldSeconds += spanEnd - lastInT;
    lastSpanEnd = spanEnd;
    events.push({ kind: 'paused', t: spanEnd, reason, span: { start: spanStart, end: spanEnd } });
    phase = 'paused';
    resetCandidate();
  };

  if (gap) {
    // Samples from before the gap say nothing about how the shin moved since.
    forget(recent);
    if (phase === 'in' || phase === 'wobble') {
      pause(lastInT, 'gap');
      resumeAfterGap = true;
    }
  }
  remember(recent, t, angle, options.settleSeconds + options.slipSeconds + options.maxTransitionSeconds + options.slopeSeconds);

  const inBand = (a: number, level: number) => a >= level - holdTolerance(level, options) && a >= options.positionFraction * deepest;

  if (resumeAfterGap) {
    resumeAfterGap = false;
    if (phase === 'paused' && inBand(angle, position)) enter(t, position);
  }

  if (phase === 'in' || phase === 'wobble') {
    if (inBand(angle, position)) {
      // A wobble that ends in time counts as held, all of it.
      heldSeconds += t - lastInT;
      phase = 'in';
      lastInT = t;
      position += (angle - position) * Math.min(1, dt / options.followSeconds);
      deepest = Math.max(deepest, position);
    } else {
      phase = 'wobble';
      if (t - lastInT > options.slipSeconds) {
        // The slip began before the band edge was crossed: as the shin set off.
        const tolerance = holdTolerance(position, options);
        const edge = Math.max(position - tolerance, options.positionFraction * deepest);
        let i = recent.t.length - 1;
        while (i > recent.head && recent.t[i - 1]! > lastInT) i--;
        const crossedAt = i > recent.head ? crossing(recent, i, edge) : lastInT;
        pause(crossedAt - transitionSeconds(recent, crossedAt, position - edge, options), 'slipped');
      }
    }
  } else if (phase === 'paused' && inBand(angle, position)) {
    // Back at (or deeper than) the position held before the slip. The position is now where the shin
    // came back to, which may be a little short of where it was, and so is the band that times it.
    const level = meanBetween(recent, t - options.settleSeconds / 2, t);
    const edge = Math.max(level - holdTolerance(level, options), options.positionFraction * deepest);
    const at = arrival(recent, (a) => a >= edge, edge, Number.POSITIVE_INFINITY, t, options);
    if (at !== null) enter(at, level);
  } else {
    if (candidate.count === 0 || gap || Math.abs(angle - candidate.sum / candidate.count) > holdTolerance(candidate.sum / candidate.count, options)) {
      resetCandidate();
    } else {
      candidate.sum += angle;
      candidate.count++;
    }
    if (t - candidate.since >= options.settleSeconds) {
      // A new position: still (moving less than half the tolerance over the settling time) and far
      // enough from the start posture.
      const half = options.settleSeconds / 2;
      const level = meanBetween(recent, t - half, t);
      const tolerance = holdTolerance(level, options);
      const still = 2 * Math.abs(level - meanBetween(recent, t - 2 * half, t - half)) <= tolerance / 2;
      if (still && level >= options.minPositionDeg && level >= options.positionFraction * deepest) {
        const at = arrival(recent, (a) => Math.abs(a - level) <= tolerance, level - tolerance, level + tolerance, t, options);
        if (at !== null) enter(at, level);
      }
    }
  }

  if (!targetReached && heldSeconds >= options.targetSeconds) {
    targetReached = true;
    events.push({ kind: 'target-reached', t: t - (heldSeconds - options.targetSeconds) });
  }
  return { ...state, phase, position, deepest, heldSeconds, startedAt, spanStart, lastSpanEnd, lastInT, lastT: t, targetReached, resumeAfterGap, events };
}

/**
 * The samples stopped (the link dropped) with no sample to show it yet: pause at the last sample seen.
 * When samples come back, the first one resumes the timer if the shin is still in position.
 */
export function pauseHoldForSilence(state: HoldState): HoldState {
  if (state.phase !== 'in' && state.phase !== 'wobble') return { ...state, events: [] };
  const span = { start: state.spanStart, end: state.lastInT };
  return { ...state, phase: 'paused', resumeAfterGap: true, lastSpanEnd: span.end, events: [{ kind: 'paused', t: span.end, reason: 'gap', span }] };
}

/** The end of the samples: a span still open ends at the last sample in position. */
export function endHold(state: HoldState): HoldState {
  if (state.phase !== 'in' && state.phase !== 'wobble') return { ...state, events: [] };
  const span = { start: state.spanStart, end: state.lastInT };
  return { ...state, phase: 'paused', events: [{ kind: 'paused', t: span.end, reason: 'end', span }] };
}
