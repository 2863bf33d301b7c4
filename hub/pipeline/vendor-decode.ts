/**
 * Notifications in a vendor's wire format (see WireFormat) into the same sample batches as our own:
 * g and deg/s on a sensor clock, t0 and dt. Everything after decoding cannot tell them apart.
 */
import { decodeWitmotionSamples, WITMOTION_DEFAULT_RATE_HZ } from '../protocol/witmotion.ts';
import { decodeDotNotification, type DotDecodeState } from './dot-decode.ts';
import type { PipelineEvent, SensorEvent } from './events.ts';
import { decodePolarNotification, newPolarDecodeState, type PolarDecodeState } from './polar-decode.ts';
import { initialArrivalClock, trackArrivalClock, type ArrivalClockState } from './samples.ts';

/** What decodeNotifications keeps per sensor for vendor formats. */
export interface VendorDecodeState extends DotDecodeState {
  arrival?: ArrivalClockState;
  /** No sequence number on the wire: the index of the next sample, counting lost ones, mod 2^16. */
  nextSeq?: number;
  /** Polar PMD: ACC and GYRO frames waiting to be paired (polar-decode.ts). */
  polar?: PolarDecodeState;
}

type Notification = Extract<SensorEvent, { kind: 'notification' }>;

/**
 * A WitMotion notification: its packets carry no sequence number and no timestamp, so the samples are
 * timed by trackArrivalClock at the rate the link set (the documented default if it set none), and
 * loss shows only as a gap in arrival. Malformed packets are counted, never thrown.
 */
export function decodeVendorNotification(sensor: VendorDecodeState, event: Notification): PipelineEvent | null {
  if (event.format === 'dot') return decodeDotNotification(sensor, event);
  // Null: nothing complete yet (a Polar frame whose partner stream has not covered it).
  if (event.format === 'polar') return decodePolarNotification((sensor.polar ??= newPolarDecodeState()), event);
  const rateHz = event.rateHz ?? WITMOTION_DEFAULT_RATE_HZ;
  const decoded = decodeWitmotionSamples(event.bytes);
  if (!decoded.ok) {
    // A damaged packet still took one sample period: it keeps its place on the timeline and is not lost.
    const arrival = sensor.arrival;
    if (arrival && arrival.linkEpoch === event.linkEpoch) sensor.arrival = { ...arrival, lastT: arrival.lastT + 1 / rateHz };
    sensor.nextSeq = ((sensor.nextSeq ?? 0) + 1) & 0xffff;
    return { kind: 'malformed', sensorId: event.sensorId, message: decoded.error.message, error: decoded.error };
  }
  const clock = trackArrivalClock(sensor.arrival ?? initialArrivalClock, event.linkEpoch, event.receivedAt, decoded.count, rateHz);
  sensor.arrival = clock.state;
  const lost = clock.lost;
  const seq = ((sensor.nextSeq ?? 0) + lost) & 0xffff;
  sensor.nextSeq = (seq + decoded.count) & 0xffff;
  return {
    kind: 'samples',
    sensorId: event.sensorId,
    lost,
    batch: { sensorId: event.sensorId, seq, t0: clock.t0, dt: 1 / rateHz, count: decoded.count, imu: decoded.imu, receivedAt: event.receivedAt },
  };
}
