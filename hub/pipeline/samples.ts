/**
 * The samples of one notification, on the sensor's clock: sample i was taken at t0 + i × dt. The
 * samples are one Float64Array, not an object each: the signal path runs at millions of samples a
 * second (see "Speed" in docs/fusion.md).
 */
export interface SampleBatch {
  sensorId: string;
  seq: number;
  /** Seconds, sensor clock unwrapped. */
  t0: number;
  dt: number;
  count: number;
  /** `IMU_VALUES_PER_SAMPLE` (6) values per sample: ax, ay, az (g), gx, gy, gz (deg/s); sample i from 6i. */
  imu: Float64Array;
  /** Hub clock (performance.now, ms) when the notification arrived: for latency measurement only. */
  receivedAt: number;
}

export interface SequenceState {
  linkEpoch: number;
  lastSeq: number | null;
  lastTimestampUs: number;
  wraps: number;
}

export const initialSequenceState: SequenceState = { linkEpoch: -1, lastSeq: null, lastTimestampUs: 0, wraps: 0 };

const US_WRAP = 2 ** 32;

/**
 * Follows sequence numbers and the sensor clock across notifications of one link. Gaps in the 16-bit
 * sequence are lost notifications; a sequence number that goes backwards by less than half the range
 * is a duplicate or late packet and counts nothing. A new link (epoch) starts afresh: time without a
 * link is a gap, not packet loss.
 */
export function trackSequence(
  state: SequenceState,
  linkEpoch: number,
  seq: number,
  timestampUs: number,
): { state: SequenceState; lost: number; t0: number } {
  const fresh = state.linkEpoch !== linkEpoch || state.lastSeq === null;
  let lost = 0;
  if (!fresh) {
    const gap = (seq - ((state.lastSeq! + 1) & 0xffff)) & 0xffff;
    if (gap < 0x8000) lost = gap;
  }
  let wraps = fresh ? 0 : state.wraps;
  // The µs clock wraps every ~71.6 minutes; a big step backwards is a wrap, not time travel.
  if (!fresh && timestampUs < state.lastTimestampUs - US_WRAP / 2) wraps++;
  const next: SequenceState = {
    linkEpoch,
    lastSeq: lost === 0 && !fresh && ((seq - state.lastSeq!) & 0xffff) >= 0x8000 ? state.lastSeq : seq,
    lastTimestampUs: timestampUs,
    wraps,
  };
  return { state: next, lost, t0: (wraps * US_WRAP + timestampUs) / 1e6 };
}
