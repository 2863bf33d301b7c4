/**
 * The rxjs wiring of the timers: hold timer, effort/relaxation cycles and range-of-motion results.
 * The rules live in plain reducers (holds.ts, cycles.ts, rom.ts); these operators carry their state
 * per subscription and add what only a running clock can: noticing that samples have stopped coming,
 * and ticking through phases that the angle cannot see.
 */
import { Observable, asyncScheduler, defer, filter, map, scan, takeWhile, timer, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { DEFAULT_CYCLE_OPTIONS, cycleStatus, initialCycles, stepCycles, type CycleEvent, type CycleOptions, type CycleStatus } from './cycles.ts';
import { DEFAULT_HOLD_OPTIONS, endHold, holdStatus, initialHold, pauseHoldForSilence, stepHold, type HoldEvent, type HoldOptions, type HoldState, type HoldStatus } from './holds.ts';
import { sampleTime, type AngleFrame } from './operators.ts';
import type { RepEvent } from './reps.ts';
import { initialRom, romTrial, stepRom, summariseRom, type NormalRange, type RomSide, type RomSummary, type RomTrial } from './rom.ts';

/** The hold timer of one sensor after a frame (or a silence, or the end): its status and what just happened. */
export interface HoldReport {
  sensorId: string;
  /** Sensor time of the newest sample, seconds. */
  t: number;
  status: HoldStatus;
  events: HoldEvent[];
}

export interface HoldTimerClock {
  /**
   * No frame from a sensor for this long (on the scheduler's clock) pauses its timer at once, rather
   * than at the next sample after the link comes back. Default: the options' gapSeconds.
   */
  silenceSeconds?: number;
  scheduler?: SchedulerLike;
}

/**
 * The hold timer of each sensor, sample by sample: one report per frame, one when a sensor falls
 * silent while in position, and one at the end for a span still open (so every span closes).
 */
export function holdTimer(options: HoldOptions = DEFAULT_HOLD_OPTIONS, clock: HoldTimerClock = {}): OperatorFunction<AngleFrame, HoldReport> {
  const silenceMs = (clock.silenceSeconds ?? options.gapSeconds) * 1000;
  const scheduler = clock.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<HoldReport>((subscriber) => {
      const sensors = new Map<string, { state: HoldState; heardAt: number; silent: boolean }>();
      let watchdog: Subscription | null = null;
      const report = (sensorId: string, state: HoldState, events: HoldEvent[]) =>
        subscriber.next({ sensorId, t: state.lastT, status: holdStatus(state, options), events });

      // One timer for all sensors: it wakes when the sensor heard from longest ago would fall silent,
      // and re-arms for the next, so a steady stream of frames costs no timer work at all.
      const watch = () => {
        watchdog = null;
        const now = scheduler.now();
        let next = Number.POSITIVE_INFINITY;
        for (const [sensorId, sensor] of sensors) {
          if (sensor.silent) continue;
          const due = sensor.heardAt + silenceMs;
          if (due > now) {
            next = Math.min(next, due);
            continue;
          }
          sensor.silent = true;
          sensor.state = pauseHoldForSilence(sensor.state);
          if (sensor.state.events.length > 0) report(sensorId, sensor.state, sensor.state.events);
        }
        if (next < Number.POSITIVE_INFINITY) watchdog = scheduler.schedule(watch, next - now);
      };

      const subscription = source.subscribe({
        next(frame) {
          const sensor = sensors.get(frame.sensorId) ?? { state: initialHold(), heardAt: 0, silent: false };
          let { state } = sensor;
          const events: HoldEvent[] = [];
          const n = frame.trace.length;
          for (let i = 0; i < n; i++) {
            state = stepHold(state, frame.trace[i]!, sampleTime(frame, i), options);
            events.push(...state.events);
          }
          sensors.set(frame.sensorId, { state, heardAt: scheduler.now(), silent: false });
          watchdog ??= scheduler.schedule(watch, silenceMs);
          report(frame.sensorId, state, events);
        },
        error: (error) => subscriber.error(error),
        complete() {
          watchdog?.unsubscribe();
          for (const [sensorId, sensor] of sensors) {
            const ended = endHold(sensor.state);
            if (ended.events.length > 0) report(sensorId, ended, ended.events);
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        watchdog?.unsubscribe();
      };
    });
}

/** The cycle machine after a tick: its status and what just happened. */
export interface CycleReport {
  t: number;
  status: CycleStatus;
  events: CycleEvent[];
}

/** Effort/relaxation cycles driven by time ticks (seconds): the first tick starts the first effort. */
export function cycleEvents(options: CycleOptions = DEFAULT_CYCLE_OPTIONS): OperatorFunction<number, CycleReport> {
  return (source) =>
    defer(() =>
      source.pipe(
        scan((state, t) => stepCycles(state, t, options), initialCycles()),
        map((state) => ({ t: state.lastT, status: cycleStatus(state, options), events: state.events })),
      ),
    );
}

/**
 * Effort/relaxation cycles on the scheduler's clock, from subscription: a report every `tickMs`
 * (a countdown for the screen), ending with the one that says done.
 */
export function cycleTimer(options: CycleOptions = DEFAULT_CYCLE_OPTIONS, clock: { tickMs?: number; scheduler?: SchedulerLike } = {}): Observable<CycleReport> {
  const scheduler = clock.scheduler ?? asyncScheduler;
  return timer(0, clock.tickMs ?? 100, scheduler).pipe(
    map(() => scheduler.now() / 1000),
    cycleEvents(options),
    takeWhile((report) => report.status.phase !== 'done', true),
  );
}

/** The trials of a range-of-motion test on one side: its counted reps. Partials are no trials. */
export const romTrials = (side: RomSide): OperatorFunction<RepEvent, RomTrial> => (source) =>
  source.pipe(
    filter((event): event is Extract<RepEvent, { kind: 'rep' }> => event.kind === 'rep'),
    map((event) => romTrial(side, event.rep)),
  );

/** The running range-of-motion summary, both sides, after each trial. */
export const romResults = (normal: NormalRange): OperatorFunction<RomTrial, RomSummary> => (source) =>
  // stepRom never changes its input, so one seed can serve every subscription.
  source.pipe(
    scan(stepRom, initialRom()),
    map((state) => summariseRom(state, normal)),
  );
