import type { Side } from '../../../hub/protocol/programme.ts';
import type { RecordedSessionDetail, RecordedSessionItem, RescoreResponse } from '../../../hub/protocol/recordings.ts';

/** What one exercise on one side came to in a recorded session (its sets added up). */
export interface HistoryFigure {
  exerciseId: string;
  side: Side;
  sets: number;
  reps: number;
  /** Reps that fell short of the set's range (reported, not counted), summed over the sets. */
  partials: number;
  /** Seconds held, summed over the sets; null where nothing was held. */
  holdSeconds: number | null;
  efforts: number | null;
  /** Largest angle over the sets, degrees, or null. */
  maxAngle: number | null;
}

/** One side's range-of-motion result in a session: the best trial. */
export interface HistoryRom {
  exerciseId: string;
  side: Side;
  best: number;
  trials: number;
}

/** A recorded session as the history screen shows it: the list item plus its figures. */
export interface HistorySession {
  id: number;
  startedAt: number;
  durationSeconds: number;
  status: RecordedSessionItem['status'];
  source: RecordedSessionItem['source'];
  name: string | null;
  exercises: readonly string[];
  figures: readonly HistoryFigure[];
  rom: readonly HistoryRom[];
  /** Why the figures could not be read (the list item still shows). */
  problem: string | null;
}

function base(item: RecordedSessionItem, problem: string | null = null): HistorySession {
  return {
    id: item.id,
    startedAt: item.startedAt,
    durationSeconds: item.durationSeconds,
    status: item.status,
    source: item.source,
    name: item.name,
    exercises: item.exercises,
    figures: [],
    rom: [],
    problem,
  };
}

export function unreadableSession(item: RecordedSessionItem, problem: string): HistorySession {
  return base(item, problem);
}

function addFigure(figures: Map<string, HistoryFigure>, exerciseId: string, side: Side, reps: number, partials: number, hold: number | null, efforts: number | null, maxAngle: number | null): void {
  const key = `${exerciseId}:${side}`;
  const f = figures.get(key) ?? { exerciseId, side, sets: 0, reps: 0, partials: 0, holdSeconds: null, efforts: null, maxAngle: null };
  figures.set(key, {
    ...f,
    sets: f.sets + 1,
    reps: f.reps + reps,
    partials: f.partials + partials,
    holdSeconds: hold === null ? f.holdSeconds : (f.holdSeconds ?? 0) + hold,
    efforts: efforts === null ? f.efforts : (f.efforts ?? 0) + efforts,
    maxAngle: maxAngle === null ? f.maxAngle : Math.max(f.maxAngle ?? -Infinity, maxAngle),
  });
}

/** A live session's figures, from the summary the hub kept (every set's result, ROM per side). */
export function digestDetail(item: RecordedSessionItem, detail: RecordedSessionDetail): HistorySession {
  const session = base(item);
  const summary = detail.summary;
  if (!summary) return session;
  const figures = new Map<string, HistoryFigure>();
  for (const r of summary.results) addFigure(figures, r.exerciseId, r.side, r.reps, r.partials, r.holdSeconds, r.efforts, r.maxAngle);
  const rom: HistoryRom[] = [];
  for (const view of summary.rom) {
    for (const side of ['left', 'right'] as const) {
      const s = view[side];
      if (s && s.trials.length > 0) rom.push({ exerciseId: view.exerciseId, side, best: s.best, trials: s.trials.length });
    }
  }
  return { ...session, figures: [...figures.values()], rom };
}

/**
 * An imported file's figures: an import keeps no summary, so they come from re-scoring it (one set,
 * the exercise and side it was imported as). Every set with reps gives its best peak as a ROM
 * candidate; the screen keeps those of range-of-motion exercises.
 */
export function digestRescore(item: RecordedSessionItem, rescore: RescoreResponse): HistorySession {
  const session = base(item);
  const figures = new Map<string, HistoryFigure>();
  const rom: HistoryRom[] = [];
  for (const set of rescore.sets) {
    if (!set.exercise || !set.side) continue;
    addFigure(figures, set.exercise, set.side, set.repCount, set.partialCount, set.holdTotal > 0 ? set.holdTotal : null, null, set.maxAngle);
    if (set.reps.length > 0) rom.push({ exerciseId: set.exercise, side: set.side, best: Math.max(...set.reps.map((r) => r.peakAngle)), trials: set.reps.length });
  }
  return { ...session, figures: [...figures.values()], rom };
}

/** One session's best per side for a range-of-motion exercise (null: that side not measured). */
export interface RomPoint {
  sessionId: number;
  at: number;
  left: number | null;
  right: number | null;
}

/** Oldest first: each session that measured `exerciseId`, with its best per side. */
export function romPoints(sessions: readonly HistorySession[], exerciseId: string): RomPoint[] {
  const points: RomPoint[] = [];
  for (const s of sessions) {
    let left: number | null = null;
    let right: number | null = null;
    for (const r of s.rom) {
      if (r.exerciseId !== exerciseId) continue;
      if (r.side === 'left') left = Math.max(left ?? -Infinity, r.best);
      else right = Math.max(right ?? -Infinity, r.best);
    }
    if (left !== null || right !== null) points.push({ sessionId: s.id, at: s.startedAt, left, right });
  }
  return points.sort((a, b) => a.at - b.at || a.sessionId - b.sessionId);
}

/** Left against right on one day: each side's best that day. */
export interface AsymmetryPoint {
  /** Local midnight of the day, ms. */
  day: number;
  left: number;
  right: number;
  /** |left − right|, degrees, and as a percent of the larger. */
  deg: number;
  percent: number;
  lesser: Side | null;
}

/**
 * Oldest first: the days on which both sides were measured. Sides are often measured in separate
 * sessions (or imported as separate files), so they are paired by day, each side's best of the day.
 */
export function asymmetryTrend(points: readonly RomPoint[]): AsymmetryPoint[] {
  const days = new Map<number, { left: number | null; right: number | null }>();
  for (const p of points) {
    const date = new Date(p.at);
    const day = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
    const d = days.get(day) ?? { left: null, right: null };
    if (p.left !== null) d.left = Math.max(d.left ?? -Infinity, p.left);
    if (p.right !== null) d.right = Math.max(d.right ?? -Infinity, p.right);
    days.set(day, d);
  }
  const trend: AsymmetryPoint[] = [];
  for (const [day, { left, right }] of [...days].sort((a, b) => a[0] - b[0])) {
    if (left === null || right === null) continue;
    const deg = Math.abs(left - right);
    const larger = Math.max(Math.abs(left), Math.abs(right));
    trend.push({ day, left, right, deg, percent: larger > 0 ? (deg / larger) * 100 : 0, lesser: deg < 0.5 ? null : left < right ? 'left' : 'right' });
  }
  return trend;
}
