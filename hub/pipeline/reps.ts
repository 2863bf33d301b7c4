/**
 * Rep detection on the exercise angle: a plain reducer, one step per sample.
 *
 * A rep leaves the start posture, reaches an end position (perhaps holds it), and comes back. The
 * levels that decide "left" and "back" follow the range this person actually reaches in this set,
 * never fixed degrees. The first rep sets the range, and each counted rep updates it. A hysteresis gap
 * between the two levels keeps a shaky angle from counting twice, and a minimum duration drops
 * twitches. A rep whose peak stays under half the set's typical range is a partial: reported, not
 * counted. Movements under `minRangeDeg` (fidgets, sway) never start a rep at all.
 */
export interface RepOptions {
  /** Smallest excursion that can be a rep at all, degrees: fidgets and sway stay under it. */
  minRangeDeg: number;
  /** A rep starts above this fraction of the typical range ... */
  startFraction: number;
  /** ... and ends when the angle falls back under this fraction (hysteresis). */
  endFraction: number;
  /** Peaks under this fraction of the typical range are partial reps. */
  partialFraction: number;
  /** Reps shorter than this are twitches, not reps, seconds. */
  minRepSeconds: number;
  /** The end position is within this fraction of the peak (or `holdToleranceDeg`, whichever is larger). */
  holdToleranceFraction: number;
  holdToleranceDeg: number;
  /** A gap in the samples longer than this is reported with the rep it fell in, seconds. */
  gapSeconds: number;
}

export const DEFAULT_REP_OPTIONS: RepOptions = {
  minRangeDeg: 5,
  startFraction: 0.3,
  endFraction: 0.15,
  partialFraction: 0.5,
  minRepSeconds: 0.5,
  holdToleranceFraction: 0.03,
  holdToleranceDeg: 0.8,
  gapSeconds: 0.5,
};

export interface Rep {
  start: number;
  end: number;
  peakAngle: number;
  peakAt: number;
  /** Time spent at the end position (within tolerance of the peak), seconds. */
  hold: number;
  partial: boolean;
  /** Seconds of missing samples inside the rep (a sensor gap). */
  gap: number;
}

export type RepEvent = { kind: 'rep-start'; t: number } | { kind: 'rep'; rep: Rep } | { kind: 'partial'; rep: Rep };

export interface RepState {
  phase: 'rest' | 'out';
  /** Typical peak of this set's counted reps, degrees, or null before the first. */
  typicalRange: number | null;
  counted: number;
  /** Last time the angle was near the start posture: where the next rep begins. */
  lastRestT: number;
  lastT: number;
  start: number;
  peak: number;
  peakAt: number;
  gap: number;
  /** Angles and times of the rep in progress, for its end-hold time. Reused between reps. */
  trace: { t: number[]; angle: number[] };
  events: RepEvent[];
}

export const initialReps = (): RepState => ({
  phase: 'rest',
  typicalRange: null,
  counted: 0,
  lastRestT: Number.NaN,
  lastT: Number.NaN,
  start: 0,
  peak: 0,
  peakAt: 0,
  gap: 0,
  trace: { t: [], angle: [] },
  events: [],
});

/** Time the trace spends within `tolerance` of `peak`, counting each sample's interval to the next. */
function holdTime(trace: { t: number[]; angle: number[] }, peak: number, tolerance: number, maxStep: number): number {
  let total = 0;
  for (let i = 0; i + 1 < trace.t.length; i++) {
    if (trace.angle[i]! >= peak - tolerance) total += Math.min(maxStep, trace.t[i + 1]! - trace.t[i]!);
  }
  return total;
}

/**
 * One sample. `events` in the returned state holds only what this sample caused (usually nothing),
 * so a caller can emit them and move on. The state object is reused (its rep trace especially), as
 * an rxjs `scan` seed inside `defer` gives each subscription its own.
 */
export function stepReps(state: RepState, angle: number, t: number, options: RepOptions = DEFAULT_REP_OPTIONS): RepState {
  const events: RepEvent[] = [];
  const range = Math.max(options.minRangeDeg, state.typicalRange ?? options.minRangeDeg);
  const startLevel = Math.max(options.minRangeDeg, options.startFraction * range);
  const endLevel = options.endFraction * range;
  const dt = t - state.lastT;
  let { phase, typicalRange, counted, lastRestT, start, peak, peakAt, gap } = state;

  if (phase === 'rest') {
    if (angle <= endLevel || Number.isNaN(lastRestT)) lastRestT = t;
    if (angle >= startLevel) {
      phase = 'out';
      start = lastRestT;
      peak = angle;
      peakAt = t;
      gap = 0;
      state.trace.t.length = 0;
      state.trace.angle.length = 0;
      events.push({ kind: 'rep-start', t: start });
    }
  }
  if (phase === 'out') {
    if (dt > options.gapSeconds) gap += dt;
    state.trace.t.push(t);
    state.trace.angle.push(angle);
    if (angle > peak) {
      peak = angle;
      peakAt = t;
    }
    if (angle <= endLevel) {
      phase = 'rest';
      lastRestT = t;
      if (t - start >= options.minRepSeconds) {
        const tolerance = Math.max(options.holdToleranceDeg, options.holdToleranceFraction * peak);
        const rep: Rep = {
          start,
          end: t,
          peakAngle: peak,
          peakAt,
          hold: holdTime(state.trace, peak, tolerance, options.gapSeconds),
          partial: typicalRange !== null && peak < options.partialFraction * typicalRange,
          gap,
        };
        if (rep.partial) {
          events.push({ kind: 'partial', rep });
        } else {
          counted++;
          // The set's range follows its counted reps, the recent ones weighing more.
          typicalRange = typicalRange === null ? peak : typicalRange + (peak - typicalRange) / Math.min(counted, 4);
          events.push({ kind: 'rep', rep });
        }
      }
    }
  }
  return { ...state, phase, typicalRange, counted, lastRestT, lastT: t, start, peak, peakAt, gap, events };
}
