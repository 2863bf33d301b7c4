import { map, merge, mergeMap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOLD_OPTIONS, holdStatus, initialHold, stepHold, type HoldEvent, type HoldOptions, type HoldSpan } from '../../hub/pipeline/holds.ts';
import type { AngleFrame } from '../../hub/pipeline/operators.ts';
import { holdTimer } from '../../hub/pipeline/timing-operators.ts';

/** Raised cosine from 0 to 1: a limb speeds up from rest and slows into its new position. */
const ease = (u: number) => (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, u)))) / 2;

/**
 * A hand-made angle trace: eased moves between (t, angle) points, sampled at `rateHz`; `skip` leaves
 * a time span out (a sensor gap).
 */
function trace(points: [number, number][], options: { rateHz?: number; skip?: [number, number]; wobble?: (t: number) => number } = {}) {
  const { rateHz = 100, skip, wobble = () => 0 } = options;
  const out: { t: number; angle: number }[] = [];
  const end = points.at(-1)![0];
  for (let i = 0; i <= Math.round(end * rateHz); i++) {
    const t = i / rateHz;
    if (skip && t > skip[0] && t < skip[1]) continue;
    const k = Math.max(1, points.findIndex(([pt]) => pt >= t));
    const [t0, a0] = points[k - 1]!;
    const [t1, a1] = points[Math.min(k, points.length - 1)]!;
    out.push({ t, angle: a0 + (a1 - a0) * (t1 === t0 ? 1 : ease((t - t0) / (t1 - t0))) + wobble(t) });
  }
  return out;
}

function run(samples: { t: number; angle: number }[], options: Partial<HoldOptions> = {}) {
  const merged = { ...DEFAULT_HOLD_OPTIONS, ...options };
  let state = initialHold();
  const events: HoldEvent[] = [];
  for (const s of samples) {
    state = stepHold(state, s.angle, s.t, merged);
    events.push(...state.events);
  }
  const spans = events.flatMap((e) => (e.kind === 'paused' ? [e.span] : []));
  // A span still open at the end of the trace.
  if (holdStatus(state, merged).inPosition) spans.push({ start: state.spanStart, end: state.lastInT });
  return { state, events, spans, status: holdStatus(state, merged) };
}

const kinds = (events: HoldEvent[]) => events.map((e) => e.kind);
/** `actual` is within `tolerance` of `expected`. */
const near = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
const total = (spans: HoldSpan[]) => spans.reduce((sum, s) => sum + s.end - s.start, 0);

describe('stepHold', () => {
  it('times a clean hold from arriving to setting off, and says when the target is reached', () => {
    // Still, then eased into 30° over 2 s (arriving at 3 s), held until 63 s, out by 65 s.
    const { events, spans, status } = run(trace([[0, 0], [1, 0], [3, 30], [63, 30], [65, 0], [70, 0]]), { targetSeconds: 30 });
    expect(kinds(events)).toEqual(['hold-start', 'target-reached', 'paused']);
    expect(spans).toHaveLength(1);
    // The band is entered about 0.4 s before arriving and left 0.4 s after setting off: the spans
    // are timed from the movement, not from the band.
    near(spans[0]!.start, 3, 0.1);
    near(spans[0]!.end, 63, 0.1);
    expect(status.heldSeconds).toBeCloseTo(total(spans), 9);
    expect(status.heldSeconds).toBeGreaterThan(59.8);
    expect(status.heldSeconds).toBeLessThan(60.2);
    expect(status.remainingSeconds).toBe(0);
    const reached = events.find((e) => e.kind === 'target-reached')!;
    expect(reached.t).toBeCloseTo(spans[0]!.start + 30, 6);
    expect(events.find((e) => e.kind === 'paused')).toMatchObject({ reason: 'slipped' });
  });

  it('pauses when the person slips out, and resumes when they are back', () => {
    // Held 30° from 3 s; slips back to 5° at 20–21 s, stays there until 24 s, back at 25.5 s, held to 50 s.
    const { events, spans, status } = run(trace([[0, 0], [1, 0], [3, 30], [20, 30], [21, 5], [24, 5], [25.5, 30], [50, 30], [52, 0], [55, 0]]));
    expect(kinds(events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    expect(spans).toHaveLength(2);
    near(spans[0]!.start, 3, 0.1);
    near(spans[0]!.end, 20, 0.1);
    near(spans[1]!.start, 25.5, 0.1);
    near(spans[1]!.end, 50, 0.1);
    near(status.heldSeconds, 17 + 24.5, 0.2);
    expect(status.remainingSeconds).toBeCloseTo(60 - status.heldSeconds, 9);
    // Pauses included: from the first arrival to the last sample.
    expect(status.totalSeconds).toBeCloseTo(55 - spans[0]!.start, 6);
  });

  it('pauses over a sensor gap during a hold, and resumes at the first sample back in position', () => {
    const { events, spans } = run(trace([[0, 0], [1, 0], [3, 30], [50, 30], [52, 0], [55, 0]], { skip: [10, 12] }));
    expect(kinds(events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    expect(events[1]).toMatchObject({ reason: 'gap', t: 10 });
    expect(events[2]).toMatchObject({ kind: 'resumed', t: 12 });
    // The 2 s unseen are not counted as held.
    near(total(spans), 47 - 2, 0.1);
  });

  it('a gap shorter than gapSeconds is not a pause', () => {
    const { events } = run(trace([[0, 0], [1, 0], [3, 30], [50, 30], [52, 0], [55, 0]], { skip: [10, 10.4] }));
    expect(kinds(events)).toEqual(['hold-start', 'paused']);
  });

  it('follows a stretch that creeps deeper: no pause, however far it creeps over the minute', () => {
    // 20° at 3 s creeping steadily to 30° at 63 s: the angle ends far beyond a band around where it began.
    const samples = trace([[0, 0], [1, 0], [3, 20], [63, 30], [65, 0], [70, 0]]).map((s) =>
      s.t > 3 && s.t < 63 ? { ...s, angle: 20 + (10 * (s.t - 3)) / 60 } : s,
    );
    const { events, spans, state } = run(samples);
    expect(kinds(events)).toEqual(['hold-start', 'target-reached', 'paused']);
    near(total(spans), 60, 0.2);
    expect(state.deepest).toBeGreaterThan(28);
  });

  it('a brief wobble does not pause it; the same dip held longer does', () => {
    // Down to 12° (out of the band, and under half the position) and back.
    const dip = (at: number, seconds: number): [number, number][] => [[at, 30], [at + 0.3, 12], [at + 0.3 + seconds, 12], [at + 0.6 + seconds, 30]];
    const brief = run(trace([[0, 0], [1, 0], [3, 30], ...dip(20, 0.3), ...dip(30, 0.1), [50, 30], [52, 0], [55, 0]]));
    expect(kinds(brief.events)).toEqual(['hold-start', 'paused']);
    // The wobbles count as held: the whole 3–50 s.
    near(total(brief.spans), 47, 0.1);
    expect(brief.status.heldSeconds).toBeCloseTo(total(brief.spans), 9);

    const long = run(trace([[0, 0], [1, 0], [3, 30], ...dip(20, 2), [50, 30], [52, 0], [55, 0]]));
    expect(kinds(long.events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    near(long.spans[0]!.end, 20, 0.1);
    near(long.spans[1]!.start, 22.6, 0.1);
  });

  it('going deeper is still holding: a push further in and back does not pause', () => {
    const { events } = run(trace([[0, 0], [1, 0], [3, 30], [20, 30], [21, 40], [24, 40], [25, 30], [50, 30], [52, 0], [55, 0]]));
    expect(kinds(events)).toEqual(['hold-start', 'paused']);
  });

  it('coming back a little short of the position holds the new one', () => {
    // Back to 28° (just inside the band of 30°) after a slip, then easing off to 26.5° (outside it).
    const { events, spans } = run(trace([[0, 0], [1, 0], [3, 30], [20, 30], [21, 5], [24, 5], [25.5, 28], [27, 28], [32, 26.5], [50, 26.5], [52, 0], [55, 0]]));
    expect(kinds(events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    near((events[2] as { position: number }).position, 28, 0.1);
    near(spans[1]!.start, 25.5, 0.15);
    near(spans[1]!.end, 50, 0.15);
  });

  it('stopping halfway out is not a position: under half the hold’s angle never counts', () => {
    // Slips from 30° to 10° and stays there, perfectly still, for 10 s before coming back.
    const { spans } = run(trace([[0, 0], [1, 0], [3, 30], [20, 30], [21, 10], [31, 10], [32.5, 30], [50, 30], [52, 0], [55, 0]]));
    expect(spans).toHaveLength(2);
    near(spans[0]!.end, 20, 0.1);
    near(spans[1]!.start, 32.5, 0.1);
  });

  it('settling somewhat shallower after a slip is a new position, timed from when it settled', () => {
    const { events, spans } = run(trace([[0, 0], [1, 0], [3, 30], [20, 30], [21, 20], [50, 20], [52, 0], [55, 0]]));
    expect(kinds(events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    near((events[2] as { position: number }).position, 20, 0.2);
    near(spans[1]!.start, 21, 0.15);
  });

  it('the tolerance follows the range: a 2.8° dip for 3 s slips out of a 5° release but not out of a 40° stretch', () => {
    const withDip = (deg: number) => trace([[0, 0], [1, 0], [4, deg], [20, deg], [20.5, deg - 2.8], [23.5, deg - 2.8], [24, deg], [50, deg], [53, 0], [56, 0]]);
    expect(kinds(run(withDip(5)).events)).toEqual(['hold-start', 'paused', 'resumed', 'paused']);
    expect(kinds(run(withDip(40)).events)).toEqual(['hold-start', 'paused']);
  });

  it('never starts a hold at the start posture, however long the person sits still or sways there', () => {
    const sway = (t: number) => 0.9 * Math.sin(2 * Math.PI * 0.2 * t);
    expect(run(trace([[0, 0], [60, 0]], { wobble: sway })).events).toEqual([]);
  });

  it('touching a position and going straight back is no hold', () => {
    expect(run(trace([[0, 0], [1, 0], [3, 30], [5, 0], [10, 0]])).events).toEqual([]);
  });

  it('times a small hold through postural sway', () => {
    // A 4° release with ±0.5° sway: the tolerance floor keeps it in position.
    const sway = (t: number) => 0.5 * Math.sin(2 * Math.PI * 0.15 * t);
    const { events, spans } = run(trace([[0, 0], [1, 0], [4, 4], [70, 4], [73, 0], [76, 0]], { wobble: (t) => (t > 2 ? sway(t - 2) : 0) }));
    expect(kinds(events)).toEqual(['hold-start', 'target-reached', 'paused']);
    expect(total(spans)).toBeGreaterThan(65);
    expect(total(spans)).toBeLessThan(67.5);
  });

  it('a slow slide out of position pauses it, and nothing under half the deepest position counts', () => {
    // From 30° at 10 s sliding steadily (0.6°/s) to 6° at 50 s: under half (15°) from 35 s.
    const { spans } = run(trace([[0, 0], [1, 0], [3, 30], [10, 30], [50, 6], [52, 0], [55, 0]]).map((s) => (s.t > 10 && s.t < 50 ? { ...s, angle: 30 - (24 * (s.t - 10)) / 40 } : s)));
    expect(spans[0]!.end).toBeLessThan(20);
    for (const span of spans) expect(span.end).toBeLessThan(35 + 0.1);
  });
});

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A marble diagram from (time in ms, value keys) pairs and the completion: what happens at one time goes in one group. */
function marbles(at: [number, string][], endMs: number): string {
  const groups = new Map<number, string>();
  for (const [ms, keys] of [...at, [endMs, '|'] as [number, string]]) groups.set(ms, (groups.get(ms) ?? '') + keys);
  const parts: string[] = [];
  let cursor = 0;
  for (const ms of [...groups.keys()].sort((a, b) => a - b)) {
    const keys = groups.get(ms)!;
    const text = keys.length > 1 ? `(${keys})` : keys;
    if (ms < cursor) throw new Error(`marbles: ${ms} ms is inside the previous group`);
    if (ms > cursor) parts.push(`${ms - cursor}ms`);
    parts.push(text);
    cursor = ms + text.length;
  }
  return parts.join(' ');
}

/** Frames of one sample each, at the given times (ms on the virtual clock; the sensor clock agrees). */
function frames(samples: { ms: number; angle: number }[], endMs: number, sensorId = 's') {
  const frame = (ms: number, angle: number): AngleFrame => ({
    sensorId,
    seq: ms,
    t: ms / 1000,
    angle,
    trace: [angle],
    dt: 0.1,
    orientation: [1, 0, 0, 0],
    health: 'ok',
    epoch: 0,
    stillSeconds: 0,
    receivedAt: ms,
  });
  return merge(...samples.map(({ ms, angle }) => timer(ms).pipe(map(() => frame(ms, angle)))), timer(endMs).pipe(mergeMap(() => [])));
}

const every100ms = (fromMs: number, toMs: number, angle: (ms: number) => number) =>
  Array.from({ length: Math.floor((toMs - fromMs) / 100) + 1 }, (_, i) => ({ ms: fromMs + 100 * i, angle: angle(fromMs + 100 * i) }));

const KEYS: Record<HoldEvent['kind'], string> = { 'hold-start': 's', paused: 'p', resumed: 'r', 'target-reached': 't' };
const eventKeys = (source: ReturnType<typeof frames>, options: Partial<HoldOptions>, testScheduler: TestScheduler) =>
  source.pipe(
    holdTimer({ ...DEFAULT_HOLD_OPTIONS, ...options }, { scheduler: testScheduler }),
    mergeMap((report) => report.events.map((event) => KEYS[event.kind])),
  );

describe('holdTimer', () => {
  it('pauses as soon as the sensor falls silent, resumes at the first sample back in position, and closes the span at the end', () => {
    const testScheduler = scheduler();
    testScheduler.run(({ expectObservable }) => {
      // In position from the first sample; frames every 100 ms to 3 s, silence to 5 s, frames to 6 s.
      const source = frames([...every100ms(0, 3000, () => 30), ...every100ms(5000, 6000, () => 30)], 6000);
      // Target 3.45 s: 3 s held before the silence, the rest from 5 s.
      expectObservable(eventKeys(source, { targetSeconds: 3.45 }, testScheduler)).toBe(
        marbles([[1000, 's'], [3500, 'p'], [5000, 'r'], [5500, 't'], [6000, 'p']], 6000),
      );
    });
  });

  it('debounces: a dip out of the band shorter than slipSeconds is a wobble, a longer one a slip', () => {
    const testScheduler = scheduler();
    testScheduler.run(({ expectObservable }) => {
      // 30° throughout, except 12° from 2.0 to 2.4 s (a wobble) and from 4.0 to 6.0 s (a slip).
      const angle = (ms: number) => ((ms >= 2000 && ms <= 2400) || (ms >= 4000 && ms <= 6000) ? 12 : 30);
      const source = frames(every100ms(0, 9000, angle), 9000);
      // Debounce times off the 100 ms grid, so no sample sits exactly on a boundary. The slip shows
      // once out for more than 0.95 s after the last sample in position (3.9 s): at 4.9 s. Back at
      // 6.1 s, and in position again once there for 0.95 s: at 7.1 s.
      const debounced = { targetSeconds: 60, slipSeconds: 0.95, settleSeconds: 0.95 };
      expectObservable(eventKeys(source, debounced, testScheduler)).toBe(marbles([[1000, 's'], [4900, 'p'], [7100, 'r'], [9000, 'p']], 9000));
    });
  });

  it('keeps a timer per sensor: one sensor falling silent does not pause another', () => {
    const testScheduler = scheduler();
    testScheduler.run(({ expectObservable }) => {
      const a = frames(every100ms(0, 2000, () => 30), 4000, 'a');
      const b = frames(every100ms(0, 4000, () => 30), 4000, 'b');
      const source = merge(a, b).pipe(
        holdTimer(DEFAULT_HOLD_OPTIONS, { scheduler: testScheduler }),
        mergeMap((report) => report.events.map((event) => `${report.sensorId}:${event.kind}`)),
      );
      expectObservable(source).toBe(marbles([[1000, 'ab'], [2500, 'c'], [4000, 'd']], 4000), {
        a: 'a:hold-start',
        b: 'b:hold-start',
        c: 'a:paused',
        d: 'b:paused',
      });
    });
  });
});
