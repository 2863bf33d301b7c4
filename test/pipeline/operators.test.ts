import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { coalesceFrames, decodeNotifications, sampleBatches, sensorStats, toAngleFrames, type AngleFrame } from '../../hub/pipeline/operators.ts';
import type { SensorEvent } from '../../hub/pipeline/events.ts';
import { DEFAULT_SENSOR_CONFIG, encodeImuPacket } from '../../hub/protocol/gatt.ts';

const frame = (seq: number, trace: number[]): AngleFrame => ({ sensorId: 's', seq, t: seq, angle: trace[trace.length - 1]!, trace, dt: 0.01, orientation: [1, 0, 0, 0], health: 'ok', epoch: 0, stillSeconds: 0, receivedAt: 0 });

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('coalesceFrames', () => {
  it('passes frames straight through when they come slower than the limit', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 19ms b 19ms c|', { a: frame(1, [1]), b: frame(2, [2]), c: frame(3, [3]) });
      expectObservable(source.pipe(coalesceFrames(16))).toBe('a 19ms b 19ms c|', { a: frame(1, [1]), b: frame(2, [2]), c: frame(3, [3]) });
    });
  });

  it('merges a burst into one frame at the end of the interval, keeping every angle', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 4ms b 4ms c 30ms |', { a: frame(1, [1]), b: frame(2, [2, 3]), c: frame(3, [4]) });
      // a goes at once; b and c arrive inside the 16 ms interval and go out together at 16 ms.
      expectObservable(source.pipe(coalesceFrames(16))).toBe('a 15ms m 24ms |', { a: frame(1, [1]), m: { ...frame(3, [2, 3, 4]) } });
    });
  });

  it('flushes a pending frame when the source completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('ab|', { a: frame(1, [1]), b: frame(2, [2]) });
      expectObservable(source.pipe(coalesceFrames(16))).toBe('a-(b|)', { a: frame(1, [1]), b: frame(2, [2]) });
    });
  });
});

const packet = (seq: number, gz = 0) =>
  encodeImuPacket({ seq, timestampUs: seq * 10_000, config: DEFAULT_SENSOR_CONFIG, readings: [{ ax: -1, ay: 0, az: 0, gx: 0, gy: 0, gz }] });
const notification = (seq: number, bytes = packet(seq)): SensorEvent => ({ kind: 'notification', sensorId: 's', linkEpoch: 1, bytes, receivedAt: 0 });

describe('decodeNotifications', () => {
  it('turns a malformed packet into a counted event and keeps decoding what follows', async () => {
    const events = [notification(0), notification(1, Uint8Array.of(1, 2, 3)), notification(2), notification(5)];
    const out = await lastValueFrom(from(events).pipe(decodeNotifications(), toArray()));
    expect(out.map((e) => e.kind)).toEqual(['samples', 'malformed', 'samples', 'samples']);
    const stats = await lastValueFrom(from(events).pipe(decodeNotifications(), sensorStats(), toArray()));
    // The malformed packet (seq 1 as sent) arrived: malformed, not lost. 3 and 4 never came: lost.
    expect(stats.at(-1)!.stats).toMatchObject({ packets: 4, samples: 3, malformedPackets: 1, lostPackets: 2 });
    expect(stats.at(-1)!.stats.lastMalformed).toMatch(/shorter than one sample/);
  });

  it('keeps separate state for each subscription', async () => {
    const events = from([notification(0), notification(3)]);
    const decoded = events.pipe(decodeNotifications(), sensorStats());
    const first = await lastValueFrom(decoded);
    const second = await lastValueFrom(decoded);
    expect(first.stats.lostPackets).toBe(2);
    expect(second.stats.lostPackets).toBe(2);
  });
});

describe('toAngleFrames', () => {
  it('gives one frame per batch with the angle of every sample', async () => {
    const events = Array.from({ length: 120 }, (_, i) => notification(i, packet(i)));
    const frames = await lastValueFrom(from(events).pipe(decodeNotifications(), sampleBatches(), toAngleFrames(), toArray()));
    expect(frames).toHaveLength(120);
    expect(frames.every((f) => f.trace.length === 1 && Math.abs(f.angle) < 1e-6)).toBe(true);
  });
});
