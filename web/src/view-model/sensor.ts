import type { AngleMessage, LinkState, SensorSnapshot } from '../../../hub/protocol/messages.ts';
import { LINK_STATE_LABEL, type Tone } from './format.ts';

/** Frames older than this make the readout stale even while the link claims to be up, ms. */
export const STALE_AFTER_MS = 2000;

/** The link state a view shows: the hub's, or `unknown` (hub unreachable), or `none` (no sensor yet). */
export type ShownLinkState = LinkState | 'unknown' | 'none';
export type SensorStats = SensorSnapshot['stats'];

/** What the view model needs to know of the shown sensor (the connection's SensorModel has it). */
export interface SensorFacts {
  id: string;
  shin: 'left' | 'right' | null;
  info: { name: string } | null;
  state: LinkState;
  detail: string;
  stats: SensorStats | null;
  angle: number | null;
  /** ms on the view's clock when the newest angle arrived. */
  angleAt: number | null;
  angleHealth: AngleMessage['health'] | null;
}

export interface SensorView {
  angle: number | null;
  stale: boolean;
  /** Terse, inside the gauge; the link panel has the full sentence. */
  caption: string;
  tone: Tone;
  linkState: ShownLinkState;
  detail: string;
  sensorName: string;
  stats: SensorStats | null;
  connected: boolean;
  /** The sensor the panel's controls act on (null while the hub is unreachable or has none). */
  sensorId: string | null;
  shin: 'left' | 'right' | null;
}

/** What the waiting panel says about the link, so reconnecting is visible, never silent. */
export const WAITING_LINK_TEXT: Record<ShownLinkState, string> = {
  lost: 'The link to the sensor was lost: reconnecting\u2026',
  reconnecting: 'Reconnecting to the sensor\u2026',
  scanning: 'Looking for the sensor\u2026',
  connecting: 'Connecting to the sensor\u2026',
  connected: 'Connected: waiting for its first samples\u2026',
  idle: 'The sensor is disconnected: connect it on the programme screen',
  stopped: 'The sensor link is stopped',
  unknown: 'Looking for a sensor\u2026',
  none: 'Looking for a sensor\u2026',
};

const CAPTION_BY_STATE: Partial<Record<LinkState, [string, Tone]>> = {
  lost: ['Sensor lost', 'bad'],
  reconnecting: ['Reconnecting\u2026', 'warn'],
  scanning: ['Searching\u2026', 'busy'],
  connecting: ['Connecting\u2026', 'busy'],
  stopped: ['Sensor stopped', 'off'],
  idle: ['Sensor idle', 'off'],
};

/** The shown sensor as every screen reads it (`now`: the view's clock, ms). */
export function deriveSensor(live: boolean, everLive: boolean, sensor: SensorFacts | null, now: number): SensorView {
  const angle = sensor?.angle ?? null;
  const age = sensor?.angleAt != null ? now - sensor.angleAt : Number.POSITIVE_INFINITY;
  let caption = '';
  let tone: Tone = 'ok';
  if (!live) {
    [caption, tone] = everLive ? ['Hub offline', 'bad'] : ['Waiting for hub', 'off'];
  } else if (!sensor) {
    [caption, tone] = ['No sensor', 'off'];
  } else if (sensor.state !== 'connected') {
    [caption, tone] = CAPTION_BY_STATE[sensor.state] ?? ['Sensor idle', 'off'];
  } else if (angle !== null && age > STALE_AFTER_MS) {
    [caption, tone] = [`No data for ${Math.floor(age / 1000)} s`, 'warn'];
  } else if (sensor.angleHealth === 'calibrating' || sensor.angleHealth === 'initialising') {
    // The angle is provisional until the start posture is captured at the first rest.
    [caption, tone] = ['Hold still to calibrate', 'busy'];
  } else if (sensor.angleHealth === 'settling') {
    // A start posture, but the gyroscope's drift is not learned yet: turns about the vertical would drift.
    [caption, tone] = ['Hold still a moment: the sensor is learning its drift', 'busy'];
  } else if (sensor.angleHealth === 'disturbed') {
    [caption, tone] = ['Motion too rough', 'warn'];
  }
  return {
    angle,
    stale: caption !== '' || angle === null,
    caption,
    tone,
    linkState: !live ? 'unknown' : sensor ? sensor.state : 'none',
    detail: !live
      ? everLive
        ? `The hub is unreachable. Last known state: ${sensor ? LINK_STATE_LABEL[sensor.state].toLowerCase() : 'no sensor'}.`
        : 'Waiting for the hub to answer.'
      : sensor
        ? sensor.detail
        : 'The hub has not reported a sensor yet.',
    sensorName: sensor?.info?.name ?? '',
    stats: sensor?.stats ?? null,
    connected: live && sensor?.state === 'connected',
    sensorId: live && sensor ? sensor.id : null,
    shin: sensor?.shin ?? null,
  };
}
