import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { repEvents, type AngleFrame } from '../../hub/pipeline/operators.ts';
import { DEFAULT_REP_OPTIONS, finishReps, initialReps, stepReps, type Rep, type RepEvent, type RepOptions } from '../../hub/pipeline/reps.ts';

type Sample = { t: number; angle: number };

/** A hand-made angle trace: straight lines between (t, angle) points, sampled at 100 Hz; `skip` drops a time span. */
function trace(points: [number, number][], skip?: [number, number]): Sample[] {
  const out: Sample[] = [];
  const end = points.at(-1)![0];
  for (let i = 0; i <= Math.round(end * 100); i++) {
    const t = i / 100;
    if (skip && t > skip[0] && t < skip[1]) continue;
    const k = points.findIndex(([pt]) => pt >= t);
    const [t1, a1] = points[Math.max(0, k)]!;
    const [t0, a0] = points[Math.max(0, k - 1)]!;
    out.push({ t, angle: t1 === t0 ? a1 : a0 + ((a1 - a0) * (t - t0)) / (t1 - t0) });
  }
  return out;
}

/** Every event, each with the time of the sample that caused it (Infinity: the end of the input). */
function run(samples: Sample[], options: Partial<RepOptions> = {}, finish = true): (RepEvent & { at: number })[] {
  const opts = { ...DEFAULT_REP_OPTIONS, ...options };
  let state = initialReps();
  const events: (RepEvent & { at: number })[] = [];
  for (const s of samples) {
    state = stepReps(state, s.angle, s.t, opts);
    for (const e of state.events) events.push({ ...e, at: s.t });
  }
  if (finish) for (const e of finishReps(state, opts).events) events.push({ ...e, at: Infinity });
  return events;
}

const reps = (events: RepEvent[]): Rep[] => events.flatMap((e) => (e.kind === 'rep' ? [e.rep] : []));
const partials = (events: RepEvent[]): Rep[] => events.flatMap((e) => (e.kind === 'partial' ? [e.rep] : []));
const peaks = (list: Rep[]) => list.map((r) => Math.round(r.peakAngle));

/** One rep: out in 1 s from `at`, hold `hold` s at `peak`, back in 1 s. */
const rep = (at: number, peak: number, hold = 3): [number, number][] => [
  [at, 0],
  [at + 1, peak],
  [at + 1 + hold, peak],
  [at + 2 + hold, 0],
];

describe('stepReps', () => {
  it('withdraws tentative first reps once full reps show the set\'s range, and only while the range is being learned', () => {
    // Three small tentative movements (8°, 7°, 9°) are judged together as reps; the first 24° rep
    // shows they were partials. Later, a 10° movement is simply a partial, and a 30° rep after the
    // range is learned withdraws nothing.
    const events = run(trace([[0, 0], ...rep(1, 8, 1), ...rep(5, 7, 1), ...rep(9, 9, 1), ...rep(13, 24), ...rep(19, 22), ...rep(25, 10), ...rep(31, 23), ...rep(37, 30), [44, 0]]));
    const withdrawn = events.flatMap((e) => (e.kind === 'rep-withdrawn' ? [e] : []));
    expect(peaks(withdrawn.map((e) => e.rep))).toEqual([8, 7, 9]);
    expect(withdrawn.map((e) => e.count)).toEqual([2, 1, 0]);
    expect(withdrawn.every((e) => e.rep.partial)).toBe(true);
    const counts = events.flatMap((e) => (e.kind === 'rep' ? [e.count] : []));
    expect(counts).toEqual([1, 2, 3, 1, 2, 3, 4]);
    expect(peaks(partials(events))).toEqual([10]);
  });

  it('counts clean reps with their start, end, peak and end hold', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 32), ...rep(13, 29), [20, 0]]));
    const counted = reps(events);
    expect(peaks(counted)).toEqual([30, 32, 29]);
    expect(counted[0]!.start).toBeCloseTo(1.05, 1); // left the start posture just after t = 1
    expect(counted[0]!.end).toBeGreaterThan(5.8);
    expect(counted[0]!.end).toBeLessThan(6);
    for (const r of counted) {
      // The 3 s at the end position, without the movement into it and out of it.
      expect(r.hold).toBeGreaterThan(2.8);
      expect(r.hold).toBeLessThan(3.05);
      expect(r.holdMet).toBeNull(); // no target given
      expect(r.partial).toBe(false);
    }
    expect(events.filter((e) => e.kind === 'rep-start')).toHaveLength(3);
    expect(events.flatMap((e) => (e.kind === 'rep' ? [e.count] : []))).toEqual([1, 2, 3]);
  });

  it('holds the first reps until three of them show the set’s range, then counts them', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 32), ...rep(13, 29), ...rep(19, 31), [26, 0]]), {}, false);
    const kinds = events.filter((e) => e.kind !== 'rep-start').map((e) => `${e.kind}@${Math.round(e.at)}`);
    // The reps end near t = 6, 12, 18 and 24: the first two wait, and all three are counted at 18.
    expect(kinds).toEqual(['rep-pending@6', 'rep-pending@12', 'rep@18', 'rep@18', 'rep@18', 'rep@24']);
    expect(peaks(reps(events))).toEqual([30, 32, 29, 31]);
  });

  it('never counts fidgets and sway', () => {
    // Sway of under two degrees, back and forth. (Real small reps go only 2.5–6° from their rest: the
    // small straight-leg raises of test/fixtures/pt-reps; a 5.5° swing is a movement, not sway.)
    const wobble = Array.from({ length: 40 }, (_, i) => [i * 0.5, i % 2 ? 1 : -0.7] as [number, number]);
    expect(run(trace(wobble))).toEqual([]);
    // Nor fidgets in the rests between real reps.
    const events = run(trace([[0, 0], ...rep(1, 30), [6.5, 0], [7, 4], [7.5, 0], ...rep(8, 30), [13.5, 0], [14, -4], [14.5, 3], [15, 0], ...rep(16, 31), [22, 0]]));
    expect(peaks(reps(events))).toEqual([30, 30, 31]);
    expect(partials(events)).toEqual([]);
  });

  it('counts a rep that stalls halfway and then goes on as one rep, holding only at its end position', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), [7, 0], [8, 15], [10, 15], [11, 30], [14, 30], [15, 0], [16, 0]]));
    expect(peaks(reps(events))).toEqual([30, 30]);
    expect(partials(events)).toEqual([]);
    const stalled = reps(events)[1]!;
    expect(stalled.hold).toBeGreaterThan(2.8); // the 3 s at 30°, not the 2 s at 15°
    expect(stalled.hold).toBeLessThan(3.05);
  });

  it('counts a double bounce at the top once, and bouncing is not holding', () => {
    const events = run(trace([[0, 0], [1, 30], [1.5, 25], [2, 31], [2.5, 26], [3, 30], [4, 0], [5, 0]]));
    expect(reps(events)).toHaveLength(1);
    expect(reps(events)[0]!.peakAngle).toBeCloseTo(31, 5);
    expect(reps(events)[0]!.hold).toBeLessThan(0.2);
  });

  it('reports a partial rep without counting it, and counts the full rep after it', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 31), ...rep(13, 12), ...rep(19, 30), [26, 0]]));
    expect(peaks(reps(events))).toEqual([30, 31, 30]);
    expect(peaks(partials(events))).toEqual([12]);
  });

  it('reports a partial FIRST rep once the full reps after it show the range', () => {
    const events = run(trace([[0, 0], ...rep(1, 12), ...rep(7, 30), ...rep(13, 31), ...rep(19, 29), [26, 0]]), {}, false);
    expect(peaks(reps(events))).toEqual([30, 31, 29]);
    expect(peaks(partials(events))).toEqual([12]);
    const judged = events.filter((e) => e.kind === 'partial' || e.kind === 'rep' || e.kind === 'rep-pending');
    expect(judged.map((e) => e.kind)).toEqual(['rep-pending', 'rep-pending', 'partial', 'rep', 'rep', 'rep']);
    expect(reps(events)[0]!.start).toBeGreaterThan(7); // the count starts at the first full rep
  });

  it('reports two tentative first reps as partials when the third shows the real range', () => {
    const events = run(trace([[0, 0], ...rep(1, 11), ...rep(7, 13), ...rep(13, 32), ...rep(19, 30), [26, 0]]));
    expect(peaks(reps(events))).toEqual([32, 30]);
    expect(peaks(partials(events))).toEqual([11, 13]);
  });

  it('reports a partial second rep against a full first one', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 12), ...rep(13, 31), [20, 0]]));
    expect(peaks(reps(events))).toEqual([30, 31]);
    expect(peaks(partials(events))).toEqual([12]);
  });

  it('follows the range of this set: small reps count when they are all small', () => {
    const events = run(trace([[0, 0], ...rep(1, 9, 1), ...rep(5, 8, 1), ...rep(9, 10, 1), [14, 0]]));
    expect(reps(events)).toHaveLength(3);
  });

  it('follows a set whose reps really get smaller: after a few partials the smaller reps count', () => {
    const points: [number, number][] = [[0, 0]];
    for (let i = 0; i < 3; i++) points.push(...rep(1 + 6 * i, 30));
    for (let i = 3; i < 10; i++) points.push(...rep(1 + 6 * i, 12));
    const events = run(trace([...points, [62, 0]]));
    expect(peaks(reps(events))).toEqual([30, 30, 30, 12, 12]);
    expect(partials(events)).toHaveLength(5); // DEFAULT_REP_OPTIONS.rangeReps: the big reps have left the window
  });

  it('decides a lone rep after a rest, or at the end of the input', () => {
    const lone = trace([[0, 0], ...rep(1, 20), [30, 0]]);
    const live = run(lone, {}, false);
    expect(live.filter((e) => e.kind === 'rep').map((e) => Math.round(e.at))).toEqual([16]); // ended near 6, then 10 s at rest
    const short = trace([[0, 0], ...rep(1, 20), [8, 0]]);
    expect(reps(run(short, {}, false))).toEqual([]);
    const finished = run(short);
    expect(peaks(reps(finished))).toEqual([20]);
    expect(finished.at(-1)!.at).toBe(Infinity);
  });

  it('settles the range at once with a rep reaching half the range the programme expects, but never makes a partial from it', () => {
    const first = run(trace([[0, 0], ...rep(1, 30), [8, 0]]), { expectedRangeDeg: 35 }, false);
    expect(first.filter((e) => e.kind === 'rep').map((e) => Math.round(e.at))).toEqual([6]);
    const tentative = run(trace([[0, 0], ...rep(1, 12), ...rep(7, 30), [14, 0]]), { expectedRangeDeg: 35 }, false);
    expect(tentative.filter((e) => e.kind === 'partial' || e.kind === 'rep').map((e) => `${e.kind}@${Math.round(e.at)}`)).toEqual(['partial@12', 'rep@12']);
    // Someone short of the usual range still gets their reps counted.
    const small = run(trace([[0, 0], ...rep(1, 12), ...rep(7, 13), ...rep(13, 12), [20, 0]]), { expectedRangeDeg: 35 });
    expect(peaks(reps(small))).toEqual([12, 13, 12]);
  });

  it('ends the first rep by its own range when the shin comes back a little off the start posture', () => {
    // The angle settles 1.5° off zero after the first rep (heading drift, a shifted seat): still back.
    const events = run(trace([[0, 0], [1, 0], [2, 30], [3, 30], [4, 1.5], [6, 1.5], [7, 31], [8, 31], [9, 1.5], [11, 1.5]]));
    expect(peaks(reps(events))).toEqual([30, 31]);
  });

  it('ignores a twitch shorter than a rep can be', () => {
    expect(reps(run(trace([[0, 0], [1, 0], [1.1, 25], [1.2, 0], [3, 0]])))).toEqual([]);
  });

  it('keeps a rep through a sensor gap during its hold, without counting the gap as holding', () => {
    const events = run(trace([[0, 0], ...rep(1, 30, 4), [8, 0]], [3, 5]));
    const [r] = reps(events);
    expect(reps(events)).toHaveLength(1);
    expect(r!.gap).toBeGreaterThan(1.9);
    expect(r!.hold).toBeGreaterThan(1.8); // 4 s of hold, 2 s of it unseen
    expect(r!.hold).toBeLessThan(2.1);
  });

  it('says when the end hold reaches its target, once, and whether each rep met it', () => {
    const events = run(trace([[0, 0], ...rep(1, 30, 4), ...rep(8, 30, 2), ...rep(13, 31, 3.5), [20, 0]]), { holdTargetSeconds: 3 });
    const reached = events.flatMap((e) => (e.kind === 'hold-reached' ? [e] : []));
    // At the end position from t = 2 and from t = 14: the target is reached 3 s later (checked every
    // 0.1 s); the 2 s hold never gets there.
    expect(reached).toHaveLength(2);
    for (const [i, heldFrom] of [2, 14].entries()) {
      expect(reached[i]!.t - (heldFrom + 3)).toBeGreaterThanOrEqual(0);
      expect(reached[i]!.t - (heldFrom + 3)).toBeLessThan(0.2);
      expect(reached[i]!.hold).toBeGreaterThanOrEqual(3);
    }
    expect(reached[0]!.start).toBeCloseTo(1.05, 1);
    expect(reps(events).map((r) => r.holdMet)).toEqual([true, false, true]);
  });
});

describe('stepReps on a rest that moves (as real people rest)', () => {
  /** One rep from the rest `from`: out in 1 s, hold `hold` s at `peak`, back in 1 s to the rest `to`. */
  const moved = (at: number, from: number, peak: number, to: number, hold = 2): [number, number][] => [
    [at, from],
    [at + 1, peak],
    [at + 1 + hold, peak],
    [at + 2 + hold, to],
  ];

  it('counts reps whose rest wanders 5–25° off the start posture, each from the rest before it', () => {
    const events = run(trace([[0, 0], ...moved(1, 0, 40, 12), ...moved(6, 12, 42, 20), ...moved(11, 20, 41, 8), ...moved(16, 8, 40, 25), ...moved(21, 25, 43, 10), [26, 10]]));
    expect(peaks(reps(events))).toEqual([40, 42, 41, 40, 43]);
    expect(reps(events).map((r) => Math.round(r.rest))).toEqual([0, 12, 20, 8, 25]);
    expect(partials(events)).toEqual([]);
  });

  it('measures a rep from a rest below the start posture (a leg sliding sideways past it)', () => {
    const events = run(trace([[0, 0], ...moved(1, 0, 12, -5), ...moved(6, -5, 11, -6), ...moved(11, -6, 12, -4), [16, -4]]));
    expect(peaks(reps(events))).toEqual([12, 11, 12]);
    expect(reps(events).map((r) => Math.round(r.rest))).toEqual([0, -5, -6]);
  });

  it('counts fast reps whose return is shallow, each ending at the lowest point between them', () => {
    // About 1.2 s a rep, coming back only to 10–15° between 30° peaks.
    const events = run(trace([[0, 0], [1, 0], [1.6, 30], [2.2, 12], [2.8, 31], [3.4, 15], [4, 30], [4.6, 10], [5.2, 29], [5.8, 0], [8, 0]]));
    const counted = reps(events);
    expect(peaks(counted)).toEqual([30, 31, 30, 29]);
    expect(counted[0]!.end).toBeCloseTo(2.2, 1);
    expect(counted[1]!.start).toBeCloseTo(2.2, 1);
  });

  it('never counts a long stay away as a rep: a leg held out between sets, a shuffle and all', () => {
    const events = run(
      trace([[0, 0], ...rep(1, 30), ...rep(7, 31), [13, 0], [14, 15], [25, 15], [25.5, 18], [26, 15], [50, 15], [51, 0], [53, 0], ...rep(53, 30), ...rep(59, 29), [66, 0]]),
    );
    expect(peaks(reps(events))).toEqual([30, 31, 30, 29]);
    expect(partials(events)).toEqual([]);
    const abandoned = events.filter((e) => e.kind === 'rep-abandoned');
    expect(abandoned).toHaveLength(1);
    // 15 s still in all, from the lift at 14 s: the shuffle pauses the sum for a moment.
    expect(abandoned[0]!.at).toBeGreaterThan(27);
    expect(abandoned[0]!.at).toBeLessThan(32);
  });

  it('learns the range afresh after a break: small reps of the next block count', () => {
    const events = run(trace([[0, 0], ...rep(1, 40), ...rep(7, 41), ...rep(13, 40), [40, 0], ...rep(40, 14), ...rep(46, 13), ...rep(52, 15), [60, 0]]));
    expect(peaks(reps(events))).toEqual([40, 41, 40, 14, 13, 15]);
  });

  it('drops a shuffle before the set: neither a rep nor a partial', () => {
    const events = run(trace([[0, 0], [1, 0], [1.5, 4], [2.5, 0], [4, 0], ...rep(4, 40), ...rep(10, 42), ...rep(16, 41), [23, 0]]));
    expect(peaks(reps(events))).toEqual([40, 42, 41]);
    expect(partials(events)).toEqual([]);
    expect(events.filter((e) => e.kind === 'fidget')).toHaveLength(1);
  });

  it('still reports a rep that stops well short of the end position as a partial, on a moved rest', () => {
    const events = run(trace([[0, 0], ...moved(1, 0, 40, 10), ...moved(6, 10, 41, 6), ...moved(11, 6, 19, 11), ...moved(16, 11, 40, 10), [21, 10]]));
    expect(peaks(reps(events))).toEqual([40, 41, 40]);
    expect(peaks(partials(events))).toEqual([19]);
  });
});

describe('repEvents', () => {
  it('counts each sensor on its own and decides waiting reps when the input ends', async () => {
    const samples = trace([[0, 0], ...rep(1, 25), [8, 0]]);
    const frames = ['a', 'b'].flatMap((sensorId) =>
      samples.map((s, seq): AngleFrame => ({ sensorId, seq, t: s.t, angle: s.angle, trace: [s.angle], dt: 0.01, orientation: [1, 0, 0, 0], health: 'ok', epoch: 0, stillSeconds: 0, receivedAt: 0 })),
    );
    const events = await firstValueFrom(from(frames).pipe(repEvents(), toArray()));
    const counted = events.filter((e) => e.kind === 'rep');
    expect(counted.map((e) => e.sensorId).sort()).toEqual(['a', 'b']);
  });
});
