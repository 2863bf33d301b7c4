import type { ImuDecodeError } from '../protocol/gatt.ts';
import type { WitmotionDecodeError } from '../protocol/witmotion.ts';
import type { DotDecodeError } from '../protocol/dot.ts';
import type { PmdDecodeError } from '../protocol/polar-pmd.ts';
import type { LinkState, SensorInfo } from '../protocol/messages.ts';
import type { SampleBatch } from './samples.ts';

/**
 * The byte format of a sensor's notifications: our own (hub/protocol/gatt.ts) or a vendor's
 * (hub/protocol/witmotion.ts, hub/protocol/dot.ts). A notification without one is ours.
 */
export type WireFormat = 'swivel' | 'witmotion' | 'dot' | 'polar';

/**
 * What a sensor link reports: domain events only. hub/ble produces them from noble; replay and file
 * analysis can produce them too, and everything downstream cannot tell the difference.
 */
export type SensorEvent =
  | {
      kind: 'notification';
      sensorId: string;
      linkEpoch: number;
      bytes: Uint8Array;
      receivedAt: number;
      /** Default 'swivel'. */
      format?: WireFormat;
      /** The rate the link set, for formats whose packets do not say (WitMotion). */
      rateHz?: number;
      /** Scale factors the link's set-up gave, for formats whose packets do not carry them (Polar PMD: by measurement type). */
      scales?: Readonly<Record<number, number>>;
    }
  | { kind: 'link'; sensorId: string; state: LinkState; detail: string; info: SensorInfo | null; at: number }
  | { kind: 'battery'; sensorId: string; percent: number }
  | { kind: 'rssi'; sensorId: string; rssi: number }
  | { kind: 'config'; sensorId: string; rateHz: number };

export type LinkEvent = Extract<SensorEvent, { kind: 'link' }>;

/** What the decoder makes of a sensor's events: sample batches, malformed packets, and the rest as they came. */
export type PipelineEvent =
  | { kind: 'samples'; sensorId: string; batch: SampleBatch; lost: number }
  | { kind: 'malformed'; sensorId: string; message: string; error: ImuDecodeError | WitmotionDecodeError | DotDecodeError | PmdDecodeError }
  | Exclude<SensorEvent, { kind: 'notification' }>;
