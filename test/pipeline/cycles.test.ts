import { from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CYCLE_OPTIONS, cycleStatus, initialCycles, stepCycles, type CycleEvent, type CycleOptions } from '../../hub/pipeline/cycles.ts';
import { cycleEvents, cycleTimer } from '../../hub/pipeline/timing-operators.ts';

function run(ticks: number[], options: CycleOptions = DEFAULT_CYCLE_OPTIONS) {
  let state = initialCycles();
  const events: CycleEvent[] = [];
  for (const t of ticks) {
    state = stepCycles(state, t, options);
    events.push(...state.events);
  }
  return { state, events };
}

const describeEvent = (e: CycleEvent) => ('cycle' in e ? `${e.kind} ${e.cycle} @${e.t}` : `${e.kind} @${e.t}`);

describe('stepCycles', () => {
  it('runs 5 efforts of 10 s with relaxation between, and none after the last', () => {
    const ticks = Array.from({ length: 1000 }, (_, i) => 100 + i * 0.1);
    const { events, state } = run(ticks, { efforts: 5, effortSeconds: 10, relaxSeconds: 8 });
    const kinds = events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'effort-start')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'relax-start')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'cycle-complete')).toHaveLength(5);
    expect(kinds.at(-1)).toBe('done');
    // 5 × 10 s of effort and 4 × 8 s of relaxing: done 82 s after the first tick.
    expect(events.at(-1)!.t).toBeCloseTo(182, 9);
    expect(state.phase).toBe('done');
    expect(state.completed).toBe(5);
    const efforts = events.filter((e) => e.kind === 'effort-start').map((e) => e.t);
    expect(efforts.map((t, i) => t - (efforts[i - 1] ?? t))).toEqual([0, 18, 18, 18, 18].map((d) => expect.closeTo(d, 9)));
  });

  it('places every transition at its scheduled time, however late the tick', () => {
    const fine = run(Array.from({ length: 400 }, (_, i) => i * 0.1), { efforts: 2, effortSeconds: 3, relaxSeconds: 2 });
    // One tick at the start, one long after the end: the same events at the same times.
    const coarse = run([0, 100], { efforts: 2, effortSeconds: 3, relaxSeconds: 2 });
    expect(coarse.events.map(describeEvent)).toEqual([
      'effort-start 1 @0',
      'effort-done 1 @3',
      'relax-start 1 @3',
      'cycle-complete 1 @5',
      'effort-start 2 @5',
      'effort-done 2 @8',
      'cycle-complete 2 @8',
      'done @8',
    ]);
    expect(fine.events.map((e) => e.kind)).toEqual(coarse.events.map((e) => e.kind));
    fine.events.forEach((e, i) => expect(e.t).toBeCloseTo(coarse.events[i]!.t, 9));
  });

  it('reports the phase and the time left in it', () => {
    const options = { efforts: 3, effortSeconds: 10, relaxSeconds: 5 };
    const { state } = run([50, 53.5], options);
    expect(cycleStatus(state, options)).toEqual({ phase: 'effort', cycle: 1, completed: 0, phaseElapsedSeconds: 3.5, phaseRemainingSeconds: 6.5 });
    const relaxing = run([50, 61], options).state;
    expect(cycleStatus(relaxing, options)).toMatchObject({ phase: 'relax', cycle: 1, completed: 0, phaseElapsedSeconds: 1, phaseRemainingSeconds: 4 });
    const later = run([50, 66], options).state;
    expect(cycleStatus(later, options)).toMatchObject({ phase: 'effort', cycle: 2, completed: 1, phaseElapsedSeconds: 1 });
  });

  it('does nothing more once done', () => {
    const { state } = run([0, 100], { efforts: 1, effortSeconds: 1, relaxSeconds: 1 });
    expect(stepCycles(state, 200, { efforts: 1, effortSeconds: 1, relaxSeconds: 1 }).events).toEqual([]);
  });
});

const KEYS: Record<CycleEvent['kind'], string> = { 'effort-start': 'e', 'effort-done': 'd', 'relax-start': 'r', 'cycle-complete': 'c', done: 'x' };

describe('cycleTimer', () => {
  it('ticks through the phases on the scheduler’s clock and completes when done', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const keys = cycleTimer({ efforts: 2, effortSeconds: 3, relaxSeconds: 2 }, { tickMs: 1000, scheduler }).pipe(
        mergeMap((report) => report.events.map((event) => KEYS[event.kind])),
      );
      // effort 0–3 s, relax 3–5 s, effort 5–8 s, done at 8 s.
      expectObservable(keys).toBe('e 2999ms (dr) 1996ms (ce) 2996ms (dcx|)');
    });
  });

  it('counts down every tick', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const left = cycleTimer({ efforts: 1, effortSeconds: 2, relaxSeconds: 1 }, { tickMs: 500, scheduler }).pipe(
        mergeMap((report) => [report.status.phaseRemainingSeconds]),
      );
      expectObservable(left).toBe('a 499ms b 499ms c 499ms d 499ms (e|)', { a: 2, b: 1.5, c: 1, d: 0.5, e: 0 });
    });
  });
});

describe('cycleEvents', () => {
  it('can be driven by the sensor’s own clock', async () => {
    const ticks = from(Array.from({ length: 250 }, (_, i) => 7 + i * 0.1));
    const reports = await lastValueFrom(ticks.pipe(cycleEvents({ efforts: 2, effortSeconds: 10, relaxSeconds: 4 }), toArray()));
    const events = reports.flatMap((r) => r.events);
    expect(events.map((e) => e.kind)).toEqual(['effort-start', 'effort-done', 'relax-start', 'cycle-complete', 'effort-start', 'effort-done', 'cycle-complete', 'done']);
    expect(events.at(-1)!.t).toBeCloseTo(7 + 24, 9);
  });
});
