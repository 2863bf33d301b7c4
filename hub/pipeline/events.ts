import type { ImuDecodeError } from '../protocol/gatt.ts';
import type { LinkState, SensorInfo } from '../protocol/messages.ts';
import type { SampleBatch } from './samples.ts';

/**
 * What a sensor link reports: domain events only. hub/ble produces them from noble; replay and file
 * analysis can produce them too, and everything downstream cannot tell the difference.
 */
export type SensorEvent =
  | { kind: 'notification'; sensorId: string; linkEpoch: number; bytes: Uint8Array; receivedAt: number }
  | { kind: 'link'; sensorId: string; state: LinkState; detail: string; info: SensorInfo | null; at: number }
  | { kind: 'battery'; sensorId: string; percent: number }
  | { kind: 'rssi'; sensorId: string; rssi: number }
  | { kind: 'config'; sensorId: string; rateHz: number };

export type LinkEvent = Extract<SensorEvent, { kind: 'link' }>;

/** What the decoder makes of a sensor's events: sample batches, malformed packets, and the rest as they came. */
export type PipelineEvent =
  | { kind: 'samples'; sensorId: string; batch: SampleBatch; lost: number }
  | { kind: 'malformed'; sensorId: string; message: string; error: ImuDecodeError }
  | Exclude<SensorEvent, { kind: 'notification' }>;
