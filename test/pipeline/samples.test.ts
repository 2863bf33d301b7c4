import { describe, expect, it } from 'vitest';
import { initialSequenceState, trackSequence, type SequenceState } from '../../hub/pipeline/samples.ts';

/** Feeds (epoch, seq, µs) triples through the tracker and returns the lost count per packet and t0. */
function run(packets: [number, number, number][]): { lost: number[]; t0: number[] } {
  let state: SequenceState = initialSequenceState;
  const lost: number[] = [];
  const t0: number[] = [];
  for (const [epoch, seq, us] of packets) {
    const step = trackSequence(state, epoch, seq, us);
    state = step.state;
    lost.push(step.lost);
    t0.push(step.t0);
  }
  return { lost, t0 };
}

describe('trackSequence', () => {
  it('counts nothing lost in an unbroken run', () => {
    expect(run([[1, 10, 0], [1, 11, 20_000], [1, 12, 40_000]]).lost).toEqual([0, 0, 0]);
  });

  it('counts the notifications missing from a gap', () => {
    expect(run([[1, 10, 0], [1, 14, 80_000], [1, 15, 100_000]]).lost).toEqual([0, 3, 0]);
  });

  it('counts across the 16-bit wrap', () => {
    expect(run([[1, 0xfffe, 0], [1, 1, 60_000]]).lost).toEqual([0, 2]);
  });

  it('ignores a duplicate or late packet rather than counting 65535 lost', () => {
    expect(run([[1, 10, 0], [1, 11, 20_000], [1, 10, 0], [1, 12, 40_000]]).lost).toEqual([0, 0, 0, 0]);
  });

  it('does not count a link drop as packet loss', () => {
    expect(run([[1, 10, 0], [2, 500, 9_000_000], [2, 501, 9_020_000]]).lost).toEqual([0, 0, 0]);
  });

  it('unwraps the 32-bit microsecond clock', () => {
    const { t0 } = run([[1, 1, 2 ** 32 - 10_000], [1, 2, 10_000]]);
    expect(t0[1]! - t0[0]!).toBeCloseTo(0.02, 9);
  });
});
