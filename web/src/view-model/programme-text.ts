import type { Exercise, Programme, Range, Side } from '../../../hub/protocol/programme.ts';
import type { ExerciseId } from '../../../hub/protocol/exercises.ts';

/** "3–5", or "3" when both ends are the same. */
export function formatRange(range: Range, unit = ''): string {
  const text = range.min === range.max ? `${range.min}` : `${range.min}\u2013${range.max}`;
  return unit ? `${text} ${unit}` : text;
}

/** The targets of an exercise in a few words, e.g. "20 reps · hold 3–5 s at the top". */
export function targetText(exercise: Exercise): string {
  const parts: string[] = [];
  switch (exercise.kind) {
    case 'reps':
      if (exercise.targets.maxAngle) {
        parts.push(`${exercise.targets.reps} trials`, `normal ${formatRange(exercise.targets.maxAngle.normalDeg)}\u00b0`);
      } else parts.push(`${exercise.targets.reps} reps`);
      if (exercise.targets.endHoldSeconds) parts.push(`hold ${formatRange(exercise.targets.endHoldSeconds, 's')} at the end`);
      break;
    case 'hold':
      parts.push(`hold ${formatRange(exercise.targets.holdSeconds, 's')}`);
      break;
    case 'effort':
      parts.push(`${exercise.targets.efforts} \u00d7 ${formatRange(exercise.targets.effortSeconds, 's')} effort`, `relax ${formatRange(exercise.targets.relaxSeconds, 's')}`);
      break;
    case 'manual':
      parts.push(`${exercise.targets.reps} reps`, 'tap to count');
      break;
    case 'instruction':
      parts.push('follow the steps');
      break;
  }
  const sets = exercise.sets ?? 1;
  if (sets > 1) parts.push(`${sets} sets`);
  parts.push(exercise.sides.length === 2 ? (exercise.alternateSides ? 'sides take turns' : 'each side') : `${exercise.sides[0]} side`);
  return parts.join(' \u00b7 ');
}

export const SIDE_LABEL: Record<Side, string> = { left: 'Left', right: 'Right' };

/** The exercise with this id, or null when the programme does not have it (or is not loaded yet). */
export function exerciseById(programme: Programme | null, id: ExerciseId | null | undefined): Exercise | null {
  if (!programme || !id) return null;
  return programme.exercises.find((e) => e.id === id) ?? null;
}

export function exerciseName(programme: Programme | null, id: ExerciseId): string {
  return exerciseById(programme, id)?.name ?? id;
}

/** Whole seconds as "45 s" or "2:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The `${exerciseId}:${side}` keys of sides done, as the programme list takes them. */
export const doneKey = (exerciseId: string, side: string) => `${exerciseId}:${side}`;
