import { describe, expect, it } from 'vitest';
import { initialReps, stepReps, type RepEvent } from '../../hub/pipeline/reps.ts';

/** A hand-made angle trace: straight lines between (t, angle) points, sampled at 100 Hz; `skip` drops a time span. */
function trace(points: [number, number][], skip?: [number, number]): { t: number; angle: number }[] {
  const out: { t: number; angle: number }[] = [];
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

function run(samples: { t: number; angle: number }[]): RepEvent[] {
  let state = initialReps();
  const events: RepEvent[] = [];
  for (const s of samples) {
    state = stepReps(state, s.angle, s.t);
    events.push(...state.events);
  }
  return events;
}

const reps = (events: RepEvent[]) => events.flatMap((e) => (e.kind === 'rep' ? [e.rep] : []));
const partials = (events: RepEvent[]) => events.flatMap((e) => (e.kind === 'partial' ? [e.rep] : []));

/** One rep: out in 1 s from `at`, hold `hold` s at `peak`, back in 1 s. */
const rep = (at: number, peak: number, hold = 3): [number, number][] => [
  [at, 0],
  [at + 1, peak],
  [at + 1 + hold, peak],
  [at + 2 + hold, 0],
];

describe('stepReps', () => {
  it('counts clean reps with their start, end, peak and end hold', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 32), ...rep(13, 29), [20, 0]]));
    const counted = reps(events);
    expect(counted.map((r) => Math.round(r.peakAngle))).toEqual([30, 32, 29]);
    expect(counted[0]!.start).toBeCloseTo(1.05, 1); // left the start posture just after t = 1
    expect(counted[0]!.end).toBeGreaterThan(5.8);
    expect(counted[0]!.end).toBeLessThan(6);
    for (const r of counted) {
      expect(r.hold).toBeGreaterThan(3); // the 3 s hold plus the last degrees of the ramps
      expect(r.hold).toBeLessThan(3.4);
    }
    expect(events.filter((e) => e.kind === 'rep-start')).toHaveLength(3);
  });

  it('never counts fidgets and sway of a few degrees', () => {
    const wobble = Array.from({ length: 40 }, (_, i) => [i * 0.5, i % 2 ? 3.5 : -2] as [number, number]);
    expect(run(trace(wobble))).toEqual([]);
  });

  it('counts a rep that stalls halfway and then goes on as one rep', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), [7, 0], [8, 15], [10, 15], [11, 30], [14, 30], [15, 0], [16, 0]]));
    expect(reps(events).map((r) => Math.round(r.peakAngle))).toEqual([30, 30]);
    expect(partials(events)).toEqual([]);
  });

  it('counts a double bounce at the top once', () => {
    const events = run(trace([[0, 0], [1, 30], [1.5, 25], [2, 31], [2.5, 26], [3, 30], [4, 0], [5, 0]]));
    expect(reps(events)).toHaveLength(1);
    expect(reps(events)[0]!.peakAngle).toBeCloseTo(31, 5);
  });

  it('reports a partial rep without counting it, and counts the full rep after it', () => {
    const events = run(trace([[0, 0], ...rep(1, 30), ...rep(7, 31), ...rep(13, 12), ...rep(19, 30), [26, 0]]));
    expect(reps(events).map((r) => Math.round(r.peakAngle))).toEqual([30, 31, 30]);
    expect(partials(events).map((r) => Math.round(r.peakAngle))).toEqual([12]);
  });

  it('ignores a twitch shorter than a rep can be', () => {
    expect(reps(run(trace([[0, 0], [1, 0], [1.1, 25], [1.2, 0], [3, 0]])))).toEqual([]);
  });

  it('keeps a rep through a sensor gap during its hold, without counting the gap as holding', () => {
    const events = run(trace([[0, 0], ...rep(1, 30, 4), [8, 0]], [3, 5]));
    const [r] = reps(events);
    expect(reps(events)).toHaveLength(1);
    expect(r!.gap).toBeGreaterThan(1.9);
    expect(r!.hold).toBeGreaterThan(1.9); // 4 s of hold, 2 s of it unseen
    expect(r!.hold).toBeLessThan(2.9);
  });

  it('follows the range of this set: small reps count when they are all small', () => {
    const events = run(trace([[0, 0], ...rep(1, 9, 1), ...rep(5, 8, 1), ...rep(9, 10, 1), [14, 0]]));
    expect(reps(events)).toHaveLength(3);
  });
});
