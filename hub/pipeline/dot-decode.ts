/**
 * Movella DOT Rate quantities notifications (hub/protocol/dot.ts) into the hub's sample batches. Each
 * notification is one sample with the sensor's own 32-bit µs timestamp, so, unlike WitMotion's, the
 * samples are timed by the sensor and loss shows as a timestamp gap. No sequence number is on the wire.
 */
import { decodeDotRateQuantities, DOT_DEFAULT_RATE_HZ, DOT_TIMESTAMP_WRAP_US, type DotDecodeError } from '../protocol/dot.ts';
import type { PipelineEvent, SensorEvent } from './events.ts';

/**
 * The DOT's clock as the hub follows it. The timeline is `offset + (wraps × 2³² + raw) / 10⁶` seconds:
 * the sensor's clock unwrapped, shifted only if the sensor's clock restarts (see trackDotClock).
 */
export interface DotClockState {
  linkEpoch: number;
  /** The newest sample's raw timestamp, µs (0 … 2³² − 1). */
  lastRawUs: number;
  wraps: number;
  /** Seconds added to the sensor's clock to make the timeline; 0 unless the sensor's clock restarted. */
  offset: number;
  /** The newest sample on the timeline, seconds; NaN before any. */
  lastT: number;
  /** Hub clock (ms) when the newest sample arrived. */
  lastArrivalMs: number;
}

export const initialDotClock: DotClockState = { linkEpoch: -1, lastRawUs: 0, wraps: 0, offset: 0, lastT: Number.NaN, lastArrivalMs: Number.NaN };

/**
 * How far the sensor's clock may disagree with the hub's across a link loss and still be taken for the
 * same clock running on: the reconnect's own delays (a fraction of a second) plus 1 % of the time away,
 * far more than any crystal's drift.
 */
const RECONNECT_SLACK_S = 0.5;
const RECONNECT_SLACK_FRACTION = 0.01;

export type DotClockStep = { kind: 'sample'; state: DotClockState; t0: number; lost: number } | { kind: 'stale'; state: DotClockState; backUs: number };

/**
 * Places one sample by its timestamp. Within a link the clock only moves on: the step from the last
 * timestamp is taken modulo 2³² (so a wrap, every ~71.6 min, is one ordinary step), a step of half the
 * range or more is a sample from the past (`stale`: BLE delivers notifications in order, so a repeat or
 * a reset, never a late one), and a step of k periods means k − 1 samples were lost.
 *
 * Across a link loss the timestamps say how long the link was away, and the hub's clock says so too:
 * the number of wraps is the one that makes them agree. If no number of wraps does (the sensor was
 * switched off and its clock started again at 0), the new link's samples are put where the hub's clock
 * says, after the old ones. Time without a link is a gap, never loss.
 */
export function trackDotClock(state: DotClockState, linkEpoch: number, timestampUs: number, receivedAtMs: number, rateHz: number): DotClockStep {
  const raw = timestampUs >>> 0;
  const periodUs = 1e6 / rateHz;
  if (Number.isNaN(state.lastT)) {
    const t0 = raw / 1e6;
    return { kind: 'sample', state: { linkEpoch, lastRawUs: raw, wraps: 0, offset: 0, lastT: t0, lastArrivalMs: receivedAtMs }, t0, lost: 0 };
  }
  const forwardUs = (raw - state.lastRawUs + DOT_TIMESTAMP_WRAP_US) % DOT_TIMESTAMP_WRAP_US;
  if (state.linkEpoch === linkEpoch) {
    if (forwardUs === 0 || forwardUs >= DOT_TIMESTAMP_WRAP_US / 2) {
      return { kind: 'stale', state, backUs: forwardUs === 0 ? 0 : DOT_TIMESTAMP_WRAP_US - forwardUs };
    }
    const wraps = state.wraps + (raw < state.lastRawUs ? 1 : 0);
    const t0 = state.offset + (wraps * DOT_TIMESTAMP_WRAP_US + raw) / 1e6;
    const lost = Math.max(0, Math.round(forwardUs / periodUs) - 1);
    return { kind: 'sample', state: { linkEpoch, lastRawUs: raw, wraps, offset: state.offset, lastT: t0, lastArrivalMs: receivedAtMs }, t0, lost };
  }
  // A new link: how many whole wraps passed while it was away, by the hub's clock.
  const awayS = Math.max(0, (receivedAtMs - state.lastArrivalMs) / 1000);
  const extraWraps = Math.max(0, Math.round((awayS * 1e6 - forwardUs) / DOT_TIMESTAMP_WRAP_US));
  const sensorAwayS = (forwardUs + extraWraps * DOT_TIMESTAMP_WRAP_US) / 1e6;
  if (Math.abs(sensorAwayS - awayS) <= RECONNECT_SLACK_S + RECONNECT_SLACK_FRACTION * awayS && sensorAwayS > 0) {
    const wraps = state.wraps + extraWraps + (raw < state.lastRawUs ? 1 : 0);
    const t0 = state.offset + (wraps * DOT_TIMESTAMP_WRAP_US + raw) / 1e6;
    return { kind: 'sample', state: { linkEpoch, lastRawUs: raw, wraps, offset: state.offset, lastT: t0, lastArrivalMs: receivedAtMs }, t0, lost: 0 };
  }
  // Another clock: start it where the hub's clock says, never before the old link's samples.
  const t0 = Math.max(state.lastT + awayS, state.lastT + periodUs / 1e6);
  return { kind: 'sample', state: { linkEpoch, lastRawUs: raw, wraps: 0, offset: t0 - raw / 1e6, lastT: t0, lastArrivalMs: receivedAtMs }, t0, lost: 0 };
}

/** What decodeNotifications keeps per sensor for the DOT. */
export interface DotDecodeState {
  dotClock?: DotClockState;
  /** No sequence number on the wire: the index of the next sample, counting lost ones, mod 2^16. */
  dotNextSeq?: number;
  /**
   * Notifications that could not be read since the last good one. Their samples leave a timestamp gap
   * too; they arrived, though, so they are taken off that gap rather than counted as lost as well.
   */
  dotMalformedSinceGood?: number;
}

type Notification = Extract<SensorEvent, { kind: 'notification' }>;

/**
 * A DOT notification into a one-sample batch at the rate the link set (the documented default, 60 Hz,
 * if it set none). Malformed and stale notifications become `malformed` events, never errors.
 */
export function decodeDotNotification(sensor: DotDecodeState, event: Notification): PipelineEvent {
  const rateHz = event.rateHz ?? DOT_DEFAULT_RATE_HZ;
  const decoded = decodeDotRateQuantities(event.bytes);
  if (!decoded.ok) {
    sensor.dotMalformedSinceGood = (sensor.dotMalformedSinceGood ?? 0) + 1;
    return malformed(event, decoded.error);
  }
  const step = trackDotClock(sensor.dotClock ?? initialDotClock, event.linkEpoch, decoded.timestampUs, event.receivedAt, rateHz);
  if (step.kind === 'stale') {
    const message = step.backUs === 0 ? 'Movella DOT sample repeats the previous timestamp' : `Movella DOT sample is ${step.backUs} µs older than the one before`;
    return malformed(event, { kind: 'stale', message, byteLength: event.bytes.byteLength });
  }
  sensor.dotClock = step.state;
  const seq = ((sensor.dotNextSeq ?? 0) + step.lost) & 0xffff;
  sensor.dotNextSeq = (seq + 1) & 0xffff;
  const arrivedBroken = sensor.dotMalformedSinceGood ?? 0;
  sensor.dotMalformedSinceGood = 0;
  return {
    kind: 'samples',
    sensorId: event.sensorId,
    lost: Math.max(0, step.lost - arrivedBroken),
    batch: { sensorId: event.sensorId, seq, t0: step.t0, dt: 1 / rateHz, count: 1, imu: decoded.imu, receivedAt: event.receivedAt },
  };
}

const malformed = (event: Notification, error: DotDecodeError): PipelineEvent => ({ kind: 'malformed', sensorId: event.sensorId, message: error.message, error });
