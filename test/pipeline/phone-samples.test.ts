import { describe, expect, it } from 'vitest';
import { initialPhoneTiming, timePhoneSamples, type PhoneTiming } from '../../hub/pipeline/phone-samples.ts';

/** Six values per sample whose first value is the sample's number, to follow samples through. */
const values = (n: number, from = 0) => Array.from({ length: n * 6 }, (_, i) => (i % 6 === 0 ? from + i / 6 : 0));

describe('timing a phone\'s samples', () => {
  it('makes one batch of a message with ordinary jitter, evenly spread from the first sample\'s time to the last\'s', () => {
    const t = [10.0, 10.018, 10.032, 10.051, 10.066, 10.083];
    const { batches, dropped, state } = timePhoneSamples(initialPhoneTiming(), 'phone', t, values(6), 7);
    expect(dropped).toBe(0);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch!.t0).toBe(10);
    expect(batch!.count).toBe(6);
    expect(batch!.dt).toBeCloseTo(0.083 / 5, 12);
    expect(batch!.receivedAt).toBe(7);
    expect([...batch!.imu].filter((_, i) => i % 6 === 0)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(state.lastT).toBe(10.083);
  });

  it('starts a new batch after skipped events, at the later sample\'s own time', () => {
    const t = [0, 0.0167, 0.0333, 0.2, 0.2167];
    const { batches } = timePhoneSamples(initialPhoneTiming(), 'phone', t, values(5), 0);
    expect(batches.map((b) => [b.t0, b.count])).toEqual([
      [0, 3],
      [0.2, 2],
    ]);
    expect(batches.map((b) => b.seq)).toEqual([0, 1]);
  });

  it('keeps a phone that was hidden for seconds as a gap between messages: the next batch starts after it', () => {
    let state: PhoneTiming = initialPhoneTiming();
    const first = timePhoneSamples(state, 'phone', [1, 1.0167, 1.0333], values(3), 0);
    state = first.state;
    const later = timePhoneSamples(state, 'phone', [6.5, 6.5167], values(2, 3), 0);
    expect(later.batches).toHaveLength(1);
    expect(later.batches[0]!.t0).toBe(6.5);
    // What the pipeline sees: 5.47 s with no samples, which reps.ts and holds.ts treat as a gap.
    expect(later.batches[0]!.t0 - (first.batches[0]!.t0 + 2 * first.batches[0]!.dt)).toBeCloseTo(5.4667, 4);
  });

  it('drops a sample that is not after the previous one, and counts it', () => {
    let state = timePhoneSamples(initialPhoneTiming(), 'phone', [1, 1.0167], values(2), 0).state;
    const next = timePhoneSamples(state, 'phone', [1.0167, 1.01, 1.0333, 1.05], values(4, 2), 0);
    state = next.state;
    expect(next.dropped).toBe(2);
    expect(next.batches).toHaveLength(1);
    expect([...next.batches[0]!.imu].filter((_, i) => i % 6 === 0)).toEqual([4, 5]);
  });

  it('follows a phone that sends at 100 Hz, so its ordinary intervals do not split batches', () => {
    let state = initialPhoneTiming();
    for (let message = 0; message < 20; message++) {
      const t = Array.from({ length: 10 }, (_, i) => (message * 10 + i) * 0.01);
      state = timePhoneSamples(state, 'phone', t, values(10), 0).state;
    }
    expect(state.interval).toBeCloseTo(0.01, 3);
    // Now a 30 ms hole (two events missing) splits; at 60 Hz it would not have.
    const { batches } = timePhoneSamples(state, 'phone', [2.0, 2.01, 2.04, 2.05], values(4), 0);
    expect(batches.map((b) => b.count)).toEqual([2, 2]);
  });

  it('times a lone sample with the usual interval', () => {
    const { batches } = timePhoneSamples(initialPhoneTiming(), 'phone', [3], values(1), 0);
    expect(batches[0]!.dt).toBeCloseTo(1 / 60, 12);
    expect(batches[0]!.count).toBe(1);
  });
});
