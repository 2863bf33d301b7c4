import { describe, expect, it } from 'vitest';
import { decodeVendorNotification, type VendorDecodeState } from '../../hub/pipeline/vendor-decode.ts';
import type { PipelineEvent, SensorEvent } from '../../hub/pipeline/events.ts';
import { encodeDeltaContent, encodePmdFrame, PMD_TYPE } from '../../hub/protocol/polar-pmd.ts';

type Notification = Extract<SensorEvent, { kind: 'notification' }>;
const RATE = 52;
const PERIOD_NS = Math.round(1e9 / RATE);
const T0_NS = 536_580_000_000_000_000n;
const ACC_FACTOR = 2 ** -12; // g per count: 4096 counts = 1 g
const GYRO_FACTOR = 2 ** -4; // °/s per count

/** A compressed frame of `count` samples whose first is sample `first` (samples are k, 2k, 3k counts). */
function frame(type: number, first: number, count: number): Uint8Array {
  const samples = Array.from({ length: count }, (_, i) => [first + i, 2 * (first + i), -(first + i)]);
  const lastNs = T0_NS + BigInt((first + count - 1) * PERIOD_NS);
  return encodePmdFrame(type, lastNs, 0x80, encodeDeltaContent(samples, 3, 16));
}

function decoder() {
  const state: VendorDecodeState = {};
  let receivedAt = 0;
  return (bytes: Uint8Array, linkEpoch = 1): PipelineEvent | null => {
    const event: Notification = {
      kind: 'notification',
      sensorId: 'polar',
      linkEpoch,
      bytes,
      receivedAt: (receivedAt += 10),
      format: 'polar',
      rateHz: RATE,
      scales: { [PMD_TYPE.acc]: ACC_FACTOR, [PMD_TYPE.gyro]: GYRO_FACTOR },
    };
    return decodeVendorNotification(state, event);
  };
}

const samplesOf = (event: PipelineEvent | null) => {
  if (event?.kind !== 'samples') throw new Error(`expected samples, got ${JSON.stringify(event)}`);
  return event;
};

describe('Polar ACC and GYRO frames into sample batches', () => {
  it('pairs an ACC frame with the GYRO frame of the same time: nothing until both are in, then one batch in g and °/s', () => {
    const decode = decoder();
    expect(decode(frame(PMD_TYPE.acc, 0, 4))).toBeNull();
    const event = samplesOf(decode(frame(PMD_TYPE.gyro, 0, 4)));
    expect(event.lost).toBe(0);
    expect(event.batch).toMatchObject({ seq: 0, count: 4 });
    expect(event.batch.t0).toBeCloseTo(0, 9);
    expect(event.batch.dt).toBeCloseTo(1 / RATE, 9);
    const [ax, ay, az, gx, gy, gz] = event.batch.imu.subarray(6 * 3, 6 * 4);
    expect([ax, ay, az]).toEqual([3 * ACC_FACTOR, 6 * ACC_FACTOR, -3 * ACC_FACTOR]);
    expect([gx, gy, gz]).toEqual([3 * GYRO_FACTOR, 6 * GYRO_FACTOR, -3 * GYRO_FACTOR]);
  });

  it('places later frames by their timestamps, continuing the timeline and the sample count', () => {
    const decode = decoder();
    decode(frame(PMD_TYPE.acc, 0, 4));
    decode(frame(PMD_TYPE.gyro, 0, 4));
    // The next frames arrive the other way round, and cut differently: GYRO first, 5 then 3 samples.
    expect(decode(frame(PMD_TYPE.gyro, 4, 5))).toBeNull();
    const second = samplesOf(decode(frame(PMD_TYPE.acc, 4, 3)));
    expect(second.batch).toMatchObject({ seq: 4, count: 3 });
    expect(second.batch.t0).toBeCloseTo(4 / RATE, 6);
    const third = samplesOf(decode(frame(PMD_TYPE.acc, 7, 4)));
    expect(third.batch).toMatchObject({ seq: 7, count: 2 }); // GYRO has covered two of the four so far
    expect(third.lost).toBe(0);
  });

  it('counts a lost GYRO frame as lost samples from the gap in the timestamps, dropping its ACC samples', () => {
    const decode = decoder();
    decode(frame(PMD_TYPE.acc, 0, 4));
    decode(frame(PMD_TYPE.gyro, 0, 4));
    // GYRO 4..7 lost on the air; ACC 4..7 arrives and waits for a partner that never comes.
    expect(decode(frame(PMD_TYPE.acc, 4, 4))).toBeNull();
    expect(decode(frame(PMD_TYPE.acc, 8, 4))).toBeNull();
    const after = samplesOf(decode(frame(PMD_TYPE.gyro, 8, 4)));
    expect(after.lost).toBe(4);
    expect(after.batch).toMatchObject({ seq: 8, count: 4 });
    expect(after.batch.t0).toBeCloseTo(8 / RATE, 6);
  });

  it('bridges a lost ACC frame: its GYRO samples are kept, the acceleration interpolated across the gap', () => {
    const decode = decoder();
    decode(frame(PMD_TYPE.acc, 0, 4));
    decode(frame(PMD_TYPE.gyro, 0, 4));
    // ACC 4..7 lost; GYRO 4..7 waits until ACC 8.. shows the gap is real.
    expect(decode(frame(PMD_TYPE.gyro, 4, 4))).toBeNull();
    const bridged = samplesOf(decode(frame(PMD_TYPE.acc, 8, 4)));
    expect(bridged.lost).toBe(0);
    expect(bridged.batch).toMatchObject({ seq: 4, count: 4 });
    // Sample 5 lies 2/5 of the way from ACC sample 3 to ACC sample 8: x = 3 + 0.4 × 5 = 5 counts; the gyroscope is its own.
    const sample5 = bridged.batch.imu.subarray(6, 12);
    expect(sample5[0]).toBeCloseTo(5 * ACC_FACTOR, 9);
    expect(sample5[3]).toBe(5 * GYRO_FACTOR);
    const rest = samplesOf(decode(frame(PMD_TYPE.gyro, 8, 4)));
    expect(rest).toMatchObject({ lost: 0, batch: { seq: 8, count: 4 } });
  });

  it('starts a new link without counting the time between as loss, and never goes back in time', () => {
    const decode = decoder();
    decode(frame(PMD_TYPE.acc, 0, 4), 1);
    const before = samplesOf(decode(frame(PMD_TYPE.gyro, 0, 4), 1));
    decode(frame(PMD_TYPE.acc, 200, 4), 2);
    const after = samplesOf(decode(frame(PMD_TYPE.gyro, 200, 4), 2));
    expect(after.lost).toBe(0);
    expect(after.batch.t0).toBeCloseTo(200 / RATE, 6);
    // A sensor whose clock was set back meanwhile still lands after what was sent.
    const backwards = encodePmdFrame(PMD_TYPE.acc, T0_NS - 10n ** 12n, 0x80, encodeDeltaContent([[1, 1, 1]], 3, 16));
    const gyroBackwards = encodePmdFrame(PMD_TYPE.gyro, T0_NS - 10n ** 12n, 0x80, encodeDeltaContent([[1, 1, 1]], 3, 16));
    decode(backwards, 3);
    const reset = samplesOf(decode(gyroBackwards, 3));
    expect(reset.batch.t0).toBeGreaterThan(after.batch.t0 + 3 / RATE);
    expect(before.batch.t0).toBeLessThan(after.batch.t0);
  });

  it('reports a broken frame as malformed, with Polar in its message, and carries on', () => {
    const decode = decoder();
    const broken = decode(frame(PMD_TYPE.acc, 0, 4).subarray(0, 12));
    expect(broken).toMatchObject({ kind: 'malformed', message: expect.stringMatching(/^Polar: ACC compressed frame type 0: the delta-compressed content/) });
    expect(decode(Uint8Array.of(7, 1, 2))).toMatchObject({ kind: 'malformed', message: 'Polar: a PMD data frame has a 10-byte header, got 3 bytes' });
    decode(frame(PMD_TYPE.acc, 4, 4));
    expect(samplesOf(decode(frame(PMD_TYPE.gyro, 4, 4))).batch.count).toBe(4);
  });
});
