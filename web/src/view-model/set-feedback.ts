import type { SessionEvent, SessionView, SetView } from '../../../hub/protocol/session.ts';
import type { Tone } from './format.ts';

/** A cue word shown for a few seconds ("Partial — not counted"), until `until` (ms, the view's clock). */
export interface Flash {
  text: string;
  tone: Tone;
  until: number;
}

/** What a screen reader is told: a new `id` for each announcement, so the same words can be said twice. */
export interface Announcement {
  id: number;
  text: string;
}

/**
 * What the dashboard remembers of the current set beyond the hub's view: the peaks of its recent reps
 * (the set's range, for the target band), the cue word on screen, and the last announcement. Folded
 * from session views and events by the two reducers below; a new set starts afresh.
 */
export interface SetFeedback {
  setKey: string;
  /** Peaks of the last five reps and partials, degrees. */
  peaks: readonly number[];
  flash: Flash | null;
  announcement: Announcement | null;
}

export const NO_FEEDBACK: SetFeedback = { setKey: '', peaks: [], flash: null, announcement: null };

/** A cue word stays this long, ms. */
export const FLASH_MS = 3500;

/** Which set a view is in: a different key is a different set (or none). */
export function setKeyOf(view: SessionView): string {
  const set = view.current;
  return set ? `${set.exerciseId}:${set.side}:${set.set}:${set.startedAt}` : '';
}

/** A new session view: a new set forgets the last one's peaks and cue word. */
export function followView(feedback: SetFeedback, view: SessionView): SetFeedback {
  const key = setKeyOf(view);
  return key === feedback.setKey ? feedback : { ...feedback, setKey: key, peaks: [], flash: null };
}

/** Something happened in the set (`now`: ms on the view's clock; `set`: the set as last seen). */
export function followEvent(feedback: SetFeedback, event: SessionEvent, now: number, set: SetView | null): SetFeedback {
  const until = now + FLASH_MS;
  const say = (text: string): Announcement => ({ id: (feedback.announcement?.id ?? 0) + 1, text });
  switch (event.kind) {
    case 'rep': {
      const of = set?.repTarget != null ? ` of ${set.repTarget}` : '';
      const unit = set?.kind === 'manual' ? 'Tap' : 'Rep';
      const short = event.rep.holdMet === false;
      return {
        ...feedback,
        peaks: [...feedback.peaks.slice(-4), event.rep.peakAngle],
        flash: short ? { text: 'Counted \u2014 but hold longer at the end', tone: 'warn', until } : feedback.flash,
        announcement: say(`${unit} ${event.count}${of} counted${short ? ', hold longer at the end' : ''}`),
      };
    }
    case 'partial':
      return {
        ...feedback,
        peaks: [...feedback.peaks.slice(-4), event.rep.peakAngle],
        flash: { text: 'Partial \u2014 not counted: go further', tone: 'warn', until },
        announcement: say('Partial, not counted: go further'),
      };
    case 'end-hold-reached':
      return { ...feedback, flash: { text: 'Hold reached \u2713', tone: 'ok', until }, announcement: say('Hold reached') };
    case 'hold-paused':
      return event.reason === 'slipped'
        ? { ...feedback, flash: { text: 'Slipped out \u2014 timer paused', tone: 'warn', until }, announcement: say('Slipped out, timer paused') }
        : feedback;
    case 'hold-target-reached':
      return { ...feedback, flash: { text: 'Target reached \u2713', tone: 'ok', until }, announcement: say('Hold target reached') };
    case 'set-complete':
      return { ...feedback, announcement: say('Set complete') };
    default:
      return feedback;
  }
}

/** The cue word still on screen at `now`, or null. */
export function shownFlash(feedback: SetFeedback, now: number): Flash | null {
  return feedback.flash && feedback.flash.until > now ? feedback.flash : null;
}
