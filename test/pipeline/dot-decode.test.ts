import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { initialDotClock, trackDotClock, type DotClockState } from '../../hub/pipeline/dot-decode.ts';
import type { SensorEvent } from '../../hub/pipeline/events.ts';
import { decodeNotifications, type PipelineEvent } from '../../hub/pipeline/operators.ts';
import { encodeDotRateQuantities } from '../../hub/protocol/dot.ts';

const WRAP = 2 ** 32;
const still = { ax: 0, ay: 0, az: 1, gx: 0, gy: 0, gz: 0 };

/** Timestamps of sample i at 60 Hz as a DOT stamps them: whole µs, 16 666 or 16 667 apart. */
const at60 = (start: number, i: number) => (start + Math.round((i * 1e6) / 60)) % WRAP;

/** The samples through the clock: each one's t0 and lost, or 'stale'. */
function clock(samples: { ts: number; atMs: number; epoch?: number }[], rateHz = 60) {
  let state: DotClockState = initialDotClock;
  return samples.map(({ ts, atMs, epoch }) => {
    const step = trackDotClock(state, epoch ?? 1, ts, atMs, rateHz);
    state = step.state;
    return step.kind === 'stale' ? 'stale' : { t0: step.t0, lost: step.lost };
  });
}

const samples = (out: ReturnType<typeof clock>) => out.map((o) => (o === 'stale' ? { t0: Number.NaN, lost: -1 } : o));

describe('the Movella DOT clock', () => {
  it('puts each sample at its own timestamp, whenever it arrives', () => {
    // Arrivals bunched in connection events do not move the samples.
    const out = samples(clock(Array.from({ length: 30 }, (_, i) => ({ ts: at60(5_000_000, i), atMs: 1000 + 45 * Math.floor(i / 3) }))));
    out.forEach((o, i) => expect(o.t0).toBeCloseTo(5 + i / 60, 6));
    expect(out.every((o) => o.lost === 0)).toBe(true);
  });

  it('counts the samples a timestamp gap leaves out as lost', () => {
    const kept = [0, 1, 2, 6, 7, 20];
    const out = samples(clock(kept.map((i) => ({ ts: at60(0, i), atMs: 1000 + (i * 1000) / 60 }))));
    expect(out.map((o) => o.lost)).toEqual([0, 0, 0, 3, 0, 12]);
    expect(out[3]!.t0).toBeCloseTo(6 / 60, 6);
  });

  it('runs on through the 32-bit µs wrap (every ~71.6 min) without a jump or a loss', () => {
    const start = WRAP - 100_000; // 0.1 s before the wrap
    const out = samples(clock(Array.from({ length: 20 }, (_, i) => ({ ts: at60(start, i), atMs: 1000 + (i * 1000) / 60 }))));
    out.forEach((o, i) => expect(o.t0).toBeCloseTo(start / 1e6 + i / 60, 6));
    expect(out.every((o) => o.lost === 0)).toBe(true);
    expect(at60(start, 19)).toBeLessThan(1_000_000); // the wire did wrap
  });

  it('calls a repeated or older timestamp stale, and goes on from the newest', () => {
    const out = clock([
      { ts: 1_000_000, atMs: 0 },
      { ts: 1_016_667, atMs: 17 },
      { ts: 1_016_667, atMs: 18 },
      { ts: 900_000, atMs: 19 },
      { ts: 1_033_333, atMs: 34 },
    ]);
    expect(out.slice(2, 4)).toEqual(['stale', 'stale']);
    expect(out[4]).toEqual({ t0: 1.033333, lost: 0 });
  });

  it('across a link loss keeps the sensor clock, wraps included, and counts the time away as no loss', () => {
    // 3 s away by both clocks.
    const out = samples(
      clock([
        { ts: 10_000_000, atMs: 50_000 },
        { ts: 13_000_000, atMs: 53_010, epoch: 2 },
      ]),
    );
    expect(out[1]).toEqual({ t0: 13, lost: 0 });
    // Away across a wrap: 2 s by the hub's clock, the timestamp wrapped once meanwhile.
    const wrapped = samples(
      clock([
        { ts: WRAP - 1_000_000, atMs: 10_000 },
        { ts: 1_000_000, atMs: 12_000, epoch: 2 },
      ]),
    );
    expect(wrapped[1]!.t0).toBeCloseTo((WRAP + 1_000_000) / 1e6, 6);
    // Away for two whole wraps and a bit (over 2 h): the hub's clock says how many.
    const long = samples(
      clock([
        { ts: 5_000_000, atMs: 0 },
        { ts: 6_000_000, atMs: (2 * WRAP + 1_000_000) / 1000, epoch: 2 },
      ]),
    );
    expect(long[1]!.t0).toBeCloseTo((2 * WRAP + 6_000_000) / 1e6, 6);
  });

  it('when the sensor restarted its clock while away, puts the new link after the old one by the hub clock', () => {
    const out = samples(
      clock([
        { ts: 600_000_000, atMs: 700_000 },
        { ts: 600_016_667, atMs: 700_017 },
        // Switched off and on: its clock starts again near 0, 20 s later by the hub.
        { ts: 2_000_000, atMs: 720_017, epoch: 2 },
        { ts: 2_016_667, atMs: 720_034, epoch: 2 },
      ]),
    );
    expect(out[2]!.t0).toBeCloseTo(600.016667 + 20, 6);
    expect(out[3]!.t0 - out[2]!.t0).toBeCloseTo(0.016667, 6);
    expect(out.every((o) => o.lost === 0)).toBe(true);
  });

  it('never runs backwards and never throws, whatever the timestamps and arrivals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ts: fc.nat({ max: WRAP - 1 }), gapMs: fc.nat({ max: 10_000_000 }), newLink: fc.boolean() }), { minLength: 1, maxLength: 50 }),
        fc.constantFrom(1, 4, 10, 12, 15, 20, 30, 60),
        (steps, rateHz) => {
          let state: DotClockState = initialDotClock;
          let epoch = 1;
          let atMs = 0;
          let lastT = -Infinity;
          for (const { ts, gapMs, newLink } of steps) {
            if (newLink) epoch++;
            atMs += gapMs;
            const step = trackDotClock(state, epoch, ts, atMs, rateHz);
            state = step.state;
            if (step.kind === 'sample') {
              expect(step.t0).toBeGreaterThan(lastT);
              expect(step.lost).toBeGreaterThanOrEqual(0);
              lastT = step.t0;
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decodeNotifications with format "dot"', () => {
  const notification = (bytes: Uint8Array, receivedAt: number, linkEpoch = 1): SensorEvent => ({
    kind: 'notification',
    sensorId: 'dot-1',
    linkEpoch,
    bytes,
    receivedAt,
    format: 'dot',
    rateHz: 60,
  });

  it('makes one-sample batches in g and °/s on the sensor clock, counting loss and refusing what it cannot read', async () => {
    const events: SensorEvent[] = [
      notification(encodeDotRateQuantities(at60(1_000_000, 0), still), 100),
      notification(encodeDotRateQuantities(at60(1_000_000, 1), { ...still, gz: 45 }), 117),
      // samples 2 and 3 lost on the air
      notification(encodeDotRateQuantities(at60(1_000_000, 4), still), 167),
      notification(new Uint8Array(20), 170),
      notification(encodeDotRateQuantities(at60(1_000_000, 5), still), 184),
    ];
    const out: PipelineEvent[] = await lastValueFrom(from(events).pipe(decodeNotifications(), toArray()));
    expect(out.map((e) => e.kind)).toEqual(['samples', 'samples', 'samples', 'malformed', 'samples']);
    const batches = out.flatMap((e) => (e.kind === 'samples' ? [{ ...e.batch, lost: e.lost }] : []));
    expect(batches.map((b) => b.seq)).toEqual([0, 1, 4, 5]);
    expect(batches.map((b) => b.lost)).toEqual([0, 0, 2, 0]);
    expect(batches.every((b) => b.count === 1 && b.dt === 1 / 60)).toBe(true);
    batches.forEach((b, i) => expect(b.t0).toBeCloseTo(1 + [0, 1, 4, 5][i]! / 60, 6));
    // float32 m/s² and back: 1 g within a few parts in 10⁸.
    [0, 0, 1, 0, 0, 45].forEach((v, i) => expect(batches[1]!.imu[i]).toBeCloseTo(v, 7));
    const malformed = out[3]!;
    expect(malformed.kind === 'malformed' && malformed.message).toMatch(/^Movella DOT notification of 20 bytes is not a Rate quantities payload \(28 bytes, or 40 padded\)/);
  });

  it('takes a damaged notification off the gap it leaves: it arrived, its sample is not lost', async () => {
    const events: SensorEvent[] = [
      notification(encodeDotRateQuantities(at60(0, 0), still), 0),
      notification(encodeDotRateQuantities(at60(0, 1), still).subarray(0, 35), 17), // damaged on the air
      // sample 2 lost
      notification(encodeDotRateQuantities(at60(0, 3), still), 50),
    ];
    const out = await lastValueFrom(from(events).pipe(decodeNotifications(), toArray()));
    expect(out.map((e) => e.kind)).toEqual(['samples', 'malformed', 'samples']);
    const last = out[2]!;
    expect(last.kind === 'samples' && [last.lost, last.batch.seq]).toEqual([1, 3]);
  });

  it('never throws on random notification bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 48 }), { minLength: 1, maxLength: 20 }), async (payloads) => {
        const out = await lastValueFrom(from(payloads.map((bytes, i) => notification(bytes, i * 17))).pipe(decodeNotifications(), toArray()));
        expect(out).toHaveLength(payloads.length);
      }),
      { numRuns: 300 },
    );
  });
});
