/**
 * One CSV row per set across every recorded session, for a physio's spreadsheet: when, what, how
 * many, how long, how far, and the programme's target beside it. Live sessions give the figures the
 * person saw; an import (which has no live figures) is re-scored, kept as the history screen does.
 */
import type { Programme } from '../protocol/programme.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Recordings } from './recordings.ts';
import { localParts } from '../local-time.ts';

export const SUMMARY_CSV_HEADER = [
  'session',
  'date',
  'time',
  'utc_offset',
  'source',
  'exercise',
  'side',
  'set',
  'reps',
  'partial_reps',
  'hold_s',
  'max_angle_deg',
  'completed',
  'target_reps',
  'target_hold_min_s',
  'target_hold_max_s',
  'normal_min_deg',
  'normal_max_deg',
] as const;

interface SetFigures {
  exercise: string | null;
  side: string | null;
  set: number;
  reps: number | null;
  partials: number | null;
  holdSeconds: number | null;
  maxAngle: number | null;
  completed: boolean | null;
}

/** The programme's targets for an exercise, as numbers (empty where it has none). */
function targetColumns(programme: Programme, exerciseId: string | null): (number | null)[] {
  const exercise = programme.exercises.find((e) => e.id === (exerciseId as ExerciseId));
  const targets = (exercise?.targets ?? {}) as { reps?: number; holdSeconds?: { min: number; max: number }; maxAngle?: { normalDeg: { min: number; max: number } } };
  return [targets.reps ?? null, targets.holdSeconds?.min ?? null, targets.holdSeconds?.max ?? null, targets.maxAngle?.normalDeg.min ?? null, targets.maxAngle?.normalDeg.max ?? null];
}

/** A CSV field: numbers to 0.1, text quoted when it has to be. */
function field(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Every session's sets, oldest session first, as CSV text with a header line. */
export async function summaryCsv(recordings: Recordings, signal?: AbortSignal): Promise<string> {
  const lines = [SUMMARY_CSV_HEADER.join(',')];
  const { total } = recordings.list(0, 1);
  const items = [];
  for (let offset = 0; offset < total; offset += 200) items.push(...recordings.list(offset, 200).sessions);
  items.reverse(); // oldest first, as a spreadsheet reads down the days
  for (const item of items) {
    if (signal?.aborted) break;
    const detail = recordings.show(item.id);
    let sets: SetFigures[];
    if (detail.summary && detail.summary.results.length > 0) {
      sets = detail.summary.results.map((r) => ({ exercise: r.exerciseId, side: r.side, set: r.set, reps: r.reps, partials: r.partials, holdSeconds: r.holdSeconds, maxAngle: r.maxAngle, completed: r.completed }));
    } else if (item.source === 'import' && item.status !== 'recording') {
      const rescored = await recordings.rescore(item.id, 'max', signal);
      sets = rescored.sets.map((s, i) => ({ exercise: s.exercise, side: s.side, set: i + 1, reps: s.repCount, partials: s.partialCount, holdSeconds: s.holds.length > 0 ? s.holdTotal : null, maxAngle: s.maxAngle, completed: null }));
    } else {
      sets = [];
    }
    for (const s of sets) {
      const when = localParts(item.startedAt);
      const row = [item.id, when.date, when.time.slice(0, 5), when.offset, item.source, s.exercise, s.side, s.set, s.reps, s.partials, s.holdSeconds, s.maxAngle, s.completed, ...targetColumns(recordings.programme, s.exercise)];
      lines.push(row.map(field).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
