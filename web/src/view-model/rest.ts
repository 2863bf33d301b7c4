import type { Programme } from '../../../hub/protocol/programme.ts';
import type { SessionView } from '../../../hub/protocol/session.ts';
import type { Ring } from './exercise.ts';
import { formatAngle } from './format.ts';
import { SIDE_LABEL, exerciseById } from './programme-text.ts';

/** What the rest screen shows between sets. */
export interface RestView {
  ring: Ring;
  nextText: string;
  /** What was just done, with its figures ('' before the first set ends). */
  lastText: string;
}

/** The rest countdown, what comes next and what was just done (null when the session is not resting). */
export function deriveRest(session: SessionView, programme: Programme | null): RestView | null {
  const rest = session.rest;
  if (!rest) return null;
  const left = Math.ceil(rest.remainingSeconds);
  const next = session.next;
  const nextExercise = next ? exerciseById(programme, next.exerciseId) : null;
  const last = session.results.at(-1);
  const lastExercise = last ? exerciseById(programme, last.exerciseId) : null;
  let lastText = '';
  if (last) {
    const figures =
      last.holdSeconds !== null
        ? `held ${Math.round(last.holdSeconds)} s`
        : last.efforts !== null
          ? `${last.efforts} efforts`
          : lastExercise?.kind === 'reps' && lastExercise.targets.maxAngle
            ? `${last.reps} trials, best ${formatAngle(last.maxAngle)}°`
            : `${last.reps} reps${last.partials > 0 ? `, ${last.partials} short` : ''}`;
    lastText = `Just done: ${lastExercise?.name ?? last.exerciseId}, ${last.side} side \u2014 ${figures}${last.completed ? '' : ' (not finished)'}`;
  }
  return {
    ring: {
      fraction: rest.totalSeconds > 0 ? 1 - rest.remainingSeconds / rest.totalSeconds : 1,
      value: String(left),
      caption: 'Rest',
      label: `Rest: ${left} seconds left`,
      tone: 'busy',
      paused: false,
    },
    nextText: next
      ? `Next: ${nextExercise?.name ?? next.exerciseId} \u2014 ${SIDE_LABEL[next.side].toLowerCase()} side${(nextExercise?.sets ?? 1) > 1 ? `, set ${next.set}` : ''}`
      : 'Next: the end of the session',
    lastText,
  };
}
