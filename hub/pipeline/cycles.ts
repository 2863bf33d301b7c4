/**
 * Effort and relaxation cycles (femoral head centration: 10 s efforts × 5, relaxing in between): a
 * plain reducer driven by time alone. During an isometric effort the shin barely moves, so the angle
 * cannot say when an effort starts or ends; the timer says it, and the person follows the timer.
 *
 * Phases follow each other on a fixed schedule from the first tick: effort, relax, effort, … and no
 * relax after the last effort. Every transition happens at its scheduled time, however late the tick
 * that reveals it, so coarse or irregular ticks give the same event times as fine ones.
 */
export interface CycleOptions {
  efforts: number;
  effortSeconds: number;
  relaxSeconds: number;
}

export const DEFAULT_CYCLE_OPTIONS: CycleOptions = { efforts: 5, effortSeconds: 10, relaxSeconds: 10 };

/** `cycle` is 1-based: an effort and the relaxation after it. Times are when it happened. */
export type CycleEvent =
  | { kind: 'effort-start'; cycle: number; t: number }
  | { kind: 'effort-done'; cycle: number; t: number }
  | { kind: 'relax-start'; cycle: number; t: number }
  | { kind: 'cycle-complete'; cycle: number; t: number }
  | { kind: 'done'; t: number };

export type CyclePhase = 'ready' | 'effort' | 'relax' | 'done';

export interface CycleState {
  phase: CyclePhase;
  /** The cycle in progress (the last one once done), 1-based; 0 before the start. */
  cycle: number;
  completed: number;
  phaseStart: number;
  lastT: number;
  events: CycleEvent[];
}

export const initialCycles = (): CycleState => ({ phase: 'ready', cycle: 0, completed: 0, phaseStart: Number.NaN, lastT: Number.NaN, events: [] });

const phaseSeconds = (phase: CyclePhase, options: CycleOptions) =>
  phase === 'effort' ? options.effortSeconds : phase === 'relax' ? options.relaxSeconds : Number.POSITIVE_INFINITY;

/** One tick at time t (seconds, any clock that only goes forwards). The first tick starts the first effort. */
export function stepCycles(state: CycleState, t: number, options: CycleOptions = DEFAULT_CYCLE_OPTIONS): CycleState {
  const events: CycleEvent[] = [];
  let { phase, cycle, completed, phaseStart } = state;
  if (phase === 'ready') {
    phase = 'effort';
    cycle = 1;
    phaseStart = t;
    events.push({ kind: 'effort-start', cycle, t });
  }
  // A late tick may cross several boundaries: take them all, each at its own time.
  while (phase !== 'done' && t >= phaseStart + phaseSeconds(phase, options)) {
    const at = phaseStart + phaseSeconds(phase, options);
    if (phase === 'effort') {
      events.push({ kind: 'effort-done', cycle, t: at });
      if (cycle >= options.efforts) {
        completed = cycle;
        events.push({ kind: 'cycle-complete', cycle, t: at }, { kind: 'done', t: at });
        phase = 'done';
      } else {
        events.push({ kind: 'relax-start', cycle, t: at });
        phase = 'relax';
      }
    } else {
      completed = cycle;
      events.push({ kind: 'cycle-complete', cycle, t: at });
      cycle++;
      events.push({ kind: 'effort-start', cycle, t: at });
      phase = 'effort';
    }
    phaseStart = at;
  }
  return { phase, cycle, completed, phaseStart, lastT: t, events };
}

/** What a screen shows. */
export interface CycleStatus {
  phase: CyclePhase;
  cycle: number;
  completed: number;
  phaseElapsedSeconds: number;
  phaseRemainingSeconds: number;
}

export function cycleStatus(state: CycleState, options: CycleOptions = DEFAULT_CYCLE_OPTIONS): CycleStatus {
  const running = state.phase === 'effort' || state.phase === 'relax';
  const elapsed = running ? state.lastT - state.phaseStart : 0;
  return {
    phase: state.phase,
    cycle: state.cycle,
    completed: state.completed,
    phaseElapsedSeconds: elapsed,
    phaseRemainingSeconds: running ? phaseSeconds(state.phase, options) - elapsed : 0,
  };
}
