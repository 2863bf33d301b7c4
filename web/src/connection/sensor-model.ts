import type { AngleMessage, LinkMessage, LinkState, SensorSnapshot } from '../../../hub/protocol/messages.ts';
import type { ReplaySpeed } from '../../../hub/protocol/replay.ts';
import { TraceBuffer } from './trace-buffer.ts';

export type SensorStats = SensorSnapshot['stats'];
export type SensorInfo = NonNullable<SensorSnapshot['info']>;

const TRACE_CAPACITY = 4096;

/**
 * What the dashboard knows about one sensor. Mutated in place by the connection as messages arrive
 * (the functions below); the app reads it during render (at most once per animation frame).
 */
export interface SensorModel {
  /** The hub's sensorId, as in every angle, link and stats message. */
  id: string;
  /** Which shin the person said it is on (null: not said). */
  shin: 'left' | 'right' | null;
  info: SensorInfo | null;
  state: LinkState;
  detail: string;
  stats: SensorStats | null;
  angle: number | null;
  /** `performance.now()` when the newest angle frame arrived, or null. */
  angleAt: number | null;
  /** How far the newest angle can be trusted (calibrating: no start posture captured yet). */
  angleHealth: AngleMessage['health'] | null;
  trace: TraceBuffer;
  /**
   * The sensor's samples per second (smoothed), from the sensor clock of its frames, so network jitter
   * and a replay faster than life do not change it; sizes the trace's time window.
   */
  sampleRateHz: number | null;
  /** Sensor clock of the newest sample of the previous frame (null: start afresh, as after a seek). */
  lastT: number | null;
  /** `performance.now()` when its link last became connected (0: connected before this page knew): the hub follows the sensor connected last. */
  connectedAt: number;
  /** The hub scores this sensor's angle (at most one at a time): the screens follow it. */
  counting: boolean;
}

/** A sensor a message named before any `hello` listed it. */
export function newSensorModel(id: string): SensorModel {
  return { id, shin: null, info: null, state: 'idle', detail: '', stats: null, angle: null, angleAt: null, angleHealth: null, trace: new TraceBuffer(TRACE_CAPACITY), sampleRateHz: null, lastT: null, connectedAt: 0, counting: false };
}

/** A sensor as a `hello` lists it, keeping the trace (and rate) of the same sensor seen before. */
export function sensorFromSnapshot(snapshot: SensorSnapshot, before: SensorModel | undefined, now: number): SensorModel {
  return {
    id: snapshot.sensorId,
    shin: snapshot.shin,
    info: snapshot.info,
    state: snapshot.state,
    detail: snapshot.detail,
    stats: snapshot.stats,
    angle: snapshot.angle,
    angleAt: snapshot.angle !== null ? now : null,
    angleHealth: before?.angleHealth ?? null,
    trace: before?.trace ?? new TraceBuffer(TRACE_CAPACITY),
    sampleRateHz: before?.sampleRateHz ?? null,
    lastT: null,
    connectedAt: before?.connectedAt ?? 0,
    counting: snapshot.counting,
  };
}

/**
 * A `sensor` message: the hub's settings for the sensor changed (its shin, or whether it counts).
 * Only those are taken: its link state arrives in order with `link` messages.
 */
export function applySensorSettings(sensor: SensorModel, snapshot: SensorSnapshot): void {
  sensor.shin = snapshot.shin;
  sensor.counting = snapshot.counting;
  if (snapshot.info) sensor.info = snapshot.info;
}

/** An angle frame: the newest angle, its trace, and the sample rate learnt from the sensor's clock. */
export function applyAngle(sensor: SensorModel, message: AngleMessage, now: number, replaySpeed: ReplaySpeed | null): void {
  sensor.angle = message.angle;
  sensor.angleAt = now;
  sensor.angleHealth = message.health;
  if (message.trace.length > 0) sensor.trace.pushAll(message.trace);
  else sensor.trace.push(message.angle);
  const n = message.trace.length;
  // At Max a frame's trace is cut to its newest angles while its time span is not: no rate to learn there.
  if (sensor.lastT !== null && n > 0 && message.t > sensor.lastT && replaySpeed !== 'max') {
    const rate = n / (message.t - sensor.lastT);
    // A frame after lost packets or a gap says little about the rate: only plausible rates count.
    if (rate >= 10 && rate <= 1000) sensor.sampleRateHz = sensor.sampleRateHz === null ? rate : sensor.sampleRateHz * 0.9 + rate * 0.1;
  }
  sensor.lastT = message.t;
}

/** A link change: a link that is not up breaks the trace (no line joins two moments across it). */
export function applyLink(sensor: SensorModel, message: LinkMessage): void {
  if (message.state === 'connected' && sensor.state !== 'connected') sensor.connectedAt = performance.now();
  sensor.state = message.state;
  sensor.detail = message.detail;
  if (message.info) sensor.info = message.info;
  if (message.state !== 'connected') breakTrace(sensor);
}

/** Time jumps (a link loss, a seek, the hub gone): the trace starts afresh. */
export function breakTrace(sensor: SensorModel): void {
  sensor.trace.gap();
  sensor.lastT = null;
}
