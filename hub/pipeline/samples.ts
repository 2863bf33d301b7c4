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
  /**
   * Each sample's own time, seconds, when the samples are not evenly spaced (the rows of a recorded
   * file, which may jitter and have gaps): sample i was taken at times[i] (and t0 is times[0]), not
   * at t0 + i × dt. A file is then analysed in batches of many rows, each at its own time.
   */
  times?: Float64Array;
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

/**
 * The clock of a format whose packets carry neither a sequence number nor a timestamp (WitMotion's
 * 0x55 0x61): each sample is one period after the one before, at the rate the link set, and the first
 * sample of a link is placed at its arrival. Arrival times then only check the count. Each sample's
 * delay (arrival − its time) is compared with the least delay seen on the link; a lost packet raises
 * every later delay by its period for good, whereas the hub or the radio stalling delays a few packets
 * that then arrive together, back at the least delay. So only an excess that lasts a whole window
 * (`windowSeconds`: the least excess of the window's packets) is loss: that many periods are counted as
 * lost and skipped on the timeline, at the packet that closes the window. The least delay may creep up
 * by `driftAllowance` (seconds per second) so that a sensor clock a little slower than nominal is not
 * taken for loss. Limits (docs/sensors.md): a loss shorter than `minGapSamples` periods (or
 * `minGapSeconds`) is not seen, and shifts the timeline by its length until the drift allowance absorbs
 * it; a loss is counted up to two windows late, the samples in between placed early by its length; and
 * a sensor whose rate is not the one the link set looks like steady loss (slower) or a clock that runs
 * ahead of the hub's (faster).
 */
export interface ArrivalClockState {
  linkEpoch: number;
  /** Time given to the newest sample so far, seconds on the hub's clock; NaN before any. */
  lastT: number;
  /** When it arrived, seconds. */
  lastArrival: number;
  /** The least delay (arrival − time) seen on this link, creeping up by the drift allowance. */
  leastDelay: number;
  /** When the current window began (an arrival, seconds), and the least excess delay in it. */
  windowStart: number;
  windowExcess: number;
}

export const initialArrivalClock: ArrivalClockState = {
  linkEpoch: -1,
  lastT: Number.NaN,
  lastArrival: Number.NaN,
  leastDelay: 0,
  windowStart: Number.NaN,
  windowExcess: Number.POSITIVE_INFINITY,
};

export interface ArrivalClockOptions {
  windowSeconds: number;
  minGapSamples: number;
  minGapSeconds: number;
  driftAllowance: number;
}

export const DEFAULT_ARRIVAL_CLOCK: ArrivalClockOptions = { windowSeconds: 0.5, minGapSamples: 2.5, minGapSeconds: 0.02, driftAllowance: 300e-6 };

/** Places the `count` samples of a notification that arrived at `receivedAtMs` (see ArrivalClockState). */
export function trackArrivalClock(
  state: ArrivalClockState,
  linkEpoch: number,
  receivedAtMs: number,
  count: number,
  rateHz: number,
  options: ArrivalClockOptions = DEFAULT_ARRIVAL_CLOCK,
): { state: ArrivalClockState; lost: number; t0: number } {
  const dt = 1 / rateHz;
  const arrival = receivedAtMs / 1000;
  const span = (count - 1) * dt;
  if (state.linkEpoch !== linkEpoch || Number.isNaN(state.lastT)) {
    // A new link: at its arrival, but never before the samples of the link before.
    const t0 = Number.isNaN(state.lastT) ? arrival - span : Math.max(arrival - span, state.lastT + dt);
    const leastDelay = arrival - (t0 + span);
    return { state: { linkEpoch, lastT: t0 + span, lastArrival: arrival, leastDelay, windowStart: arrival, windowExcess: 0 }, lost: 0, t0 };
  }
  let t0 = state.lastT + dt;
  const delay = arrival - (t0 + span);
  const leastDelay = Math.min(state.leastDelay + options.driftAllowance * Math.max(0, arrival - state.lastArrival), delay);
  const excess = delay - leastDelay;
  let windowStart = state.windowStart;
  let windowExcess = Math.min(state.windowExcess, excess);
  let lost = 0;
  if (arrival - windowStart >= options.windowSeconds) {
    if (windowExcess > Math.max(options.minGapSeconds, options.minGapSamples * dt)) lost = Math.round(windowExcess / dt);
    t0 += lost * dt;
    windowStart = arrival;
    windowExcess = excess - lost * dt;
  }
  return { state: { linkEpoch, lastT: t0 + span, lastArrival: arrival, leastDelay, windowStart, windowExcess }, lost, t0 };
}
