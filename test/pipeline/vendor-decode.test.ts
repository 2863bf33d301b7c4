import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { decodeNotifications, type PipelineEvent } from '../../hub/pipeline/operators.ts';
import type { SensorEvent } from '../../hub/pipeline/events.ts';
import { initialArrivalClock, trackArrivalClock, type ArrivalClockState } from '../../hub/pipeline/samples.ts';
import { encodeWitmotionReading } from '../../hub/protocol/witmotion.ts';

const still = { ax: 0, ay: 0, az: 1, gx: 0, gy: 0, gz: 0, rollDeg: 0, pitchDeg: 0, yawDeg: 0 };

/** Runs the times through the clock one sample each: the t0 and lost of each. */
function clock(arrivalsMs: number[], rateHz: number, epochs?: number[]) {
  let state: ArrivalClockState = initialArrivalClock;
  return arrivalsMs.map((at, i) => {
    const next = trackArrivalClock(state, epochs?.[i] ?? 1, at, 1, rateHz);
    state = next.state;
    return { t0: next.t0, lost: next.lost };
  });
}

describe('the arrival clock of a format without sequence numbers or timestamps', () => {
  it('spaces samples one period apart however they bunch up in connection events', () => {
    // 100 Hz, two samples per 20 ms connection event, both arriving together.
    const arrivals = Array.from({ length: 40 }, (_, i) => 1000 + 20 * Math.floor(i / 2) + 20);
    const out = clock(arrivals, 100);
    out.forEach((o, i) => expect(o.t0).toBeCloseTo(out[0]!.t0 + i * 0.01, 9));
    expect(out.every((o) => o.lost === 0)).toBe(true);
  });

  it('counts a lasting gap in arrival as the samples that fit it, and keeps the timeline on the grid', () => {
    // 100 Hz in 20 ms connection events; samples 20–49 never arrive.
    const event = (i: number) => 1000 + 20 * Math.floor(i / 2) + 20;
    const sent = Array.from({ length: 200 }, (_, i) => i).filter((i) => i < 20 || i >= 50);
    const out = clock(sent.map(event), 100);
    expect(out.map((o) => o.lost).filter((n) => n > 0)).toEqual([30]);
    expect(out.at(-1)!.t0 - out[0]!.t0).toBeCloseTo(1.99, 9);
  });

  it('does not take a stall of the hub (packets held back, then arriving together) for loss', () => {
    const arrivals = Array.from({ length: 300 }, (_, i) => (i < 100 ? 1000 + 10 * i : i < 200 ? 3000 : 3000 + 10 * (i - 199)));
    const out = clock(arrivals, 100);
    expect(out.reduce((n, o) => n + o.lost, 0)).toBe(0);
    out.forEach((o, i) => expect(o.t0).toBeCloseTo(out[0]!.t0 + i * 0.01, 9));
  });

  it('does not take a slow sensor clock (−200 ppm) for loss over an hour', () => {
    const period = 10 * (1 + 200e-6);
    const arrivals = Array.from({ length: 360_000 }, (_, i) => 5 + i * period + (i % 2 === 0 ? 10 : 0));
    expect(clock(arrivals, 100).reduce((n, o) => n + o.lost, 0)).toBe(0);
  });

  it('starts a new link at its arrival, never before the samples of the link before', () => {
    const out = clock([1000, 1010, 1020, 1015], 100, [1, 1, 1, 2]);
    expect(out[3]!.t0).toBeCloseTo(out[2]!.t0 + 0.01, 9);
    expect(out[3]!.lost).toBe(0);
  });
});

describe('decodeNotifications with WitMotion notifications', () => {
  it('gives the same sample batches as our own format, malformed packets counted, and loss from arrival', async () => {
    const packet = encodeWitmotionReading(still);
    const at = (ms: number, bytes = packet): SensorEvent => ({ kind: 'notification', sensorId: 's', linkEpoch: 1, bytes, receivedAt: ms, format: 'witmotion', rateHz: 50 });
    const events = [at(1000), at(1020), at(1040, packet.subarray(0, 12)), at(1060), ...Array.from({ length: 50 }, (_, i) => at(1400 + 20 * i))];
    const out: PipelineEvent[] = await lastValueFrom(from(events).pipe(decodeNotifications(), toArray()));
    expect(out.map((e) => e.kind)).toEqual(['samples', 'samples', 'malformed', ...Array<string>(51).fill('samples')]);
    const samples = out.flatMap((e) => (e.kind === 'samples' ? [e] : []));
    expect(samples[0]!.batch).toMatchObject({ dt: 1 / 50, count: 1, seq: 0 });
    expect([...samples[0]!.batch.imu]).toEqual([0, 0, 1, 0, 0, 0]);
    // The malformed packet held the third sample: not lost, and its period is kept on the timeline.
    expect(samples[2]!.lost).toBe(0);
    expect(samples[2]!.batch.t0 - samples[0]!.batch.t0).toBeCloseTo(0.06, 9);
    // 1060 → 1400 ms: 16 samples missing at 50 Hz, counted once the gap has lasted a window.
    expect(samples.map((e) => e.lost).filter((n) => n > 0)).toEqual([16]);
    expect(samples.at(-1)!.batch.seq).toBe(54 + 16 - 1);
    expect(samples.at(-1)!.batch.t0 - samples[0]!.batch.t0).toBeCloseTo((54 + 16 - 1) * 0.02, 9);
  });
});
