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
  info: { name: string; manufacturer: string | null; model: string | null; firmware: string | null } | null;
  state: LinkState;
  detail: string;
  stats: SensorStats | null;
  angle: number | null;
  /** ms on the view's clock when the newest angle arrived. */
  angleAt: number | null;
  angleHealth: AngleMessage['health'] | null;
  /** The hub scores this sensor's angle. */
  counting: boolean;
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
  /** Make, model and firmware in a line ("Swivel SW-1 · firmware 1.2.0"); empty when the sensor does not say. */
  makeText: string;
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
    makeText: makeText(sensor?.info ?? null),
    stats: sensor?.stats ?? null,
    connected: live && sensor?.state === 'connected',
    sensorId: live && sensor ? sensor.id : null,
    shin: sensor?.shin ?? null,
  };
}

/**
 * Make, model and firmware as one short line, leaving out what the sensor does not say; a model that
 * already starts with the maker's name is not repeated after it.
 */
export function makeText(info: SensorFacts['info']): string {
  if (!info) return '';
  const maker = info.manufacturer?.trim() ?? '';
  const model = info.model?.trim() ?? '';
  const device = maker && model.toLowerCase().startsWith(maker.toLowerCase()) ? model : [maker, model].filter(Boolean).join(' ');
  const firmware = info.firmware?.trim() ? `firmware ${info.firmware.trim()}` : '';
  return [device, firmware].filter(Boolean).join(' \u00b7 ');
}

/** The hub names the phones streaming as sensors `phone-…` (hub/phone): they are stopped and started on the phone. */
export function isPhoneSensor(sensorId: string): boolean {
  return sensorId.startsWith('phone-');
}

/** One sensor's line in the panel that lists them all (two or more sensors). */
export interface SensorRowView {
  sensorId: string;
  /** The sensor's own name, else what the hub calls it. */
  name: string;
  makeText: string;
  linkState: ShownLinkState;
  /** The hub's sentence about the link (why it cannot use a device, what it is doing). */
  detail: string;
  battery: number | null;
  shin: 'left' | 'right' | null;
  counting: boolean;
  /** A phone: stopped and started on the phone itself, so the panel offers no connect or disconnect. */
  phone: boolean;
}

/**
 * Every sensor, for the panel, when the hub has more than one (a sensor on each shin, or a phone beside
 * a Bluetooth sensor); empty with one or none, where the single sensor's panel says it all. While the
 * hub is unreachable every row says so: what it last said may no longer be true.
 */
export function deriveSensorList(live: boolean, sensors: readonly SensorFacts[]): SensorRowView[] {
  if (sensors.length < 2) return [];
  return sensors.map((sensor) => ({
    sensorId: sensor.id,
    name: sensor.info?.name || sensor.id,
    makeText: makeText(sensor.info),
    linkState: live ? sensor.state : 'unknown',
    detail: live ? sensor.detail : 'The hub is unreachable.',
    battery: sensor.stats?.battery ?? null,
    shin: sensor.shin,
    counting: live && sensor.counting,
    phone: isPhoneSensor(sensor.id),
  }));
}

/** With two sensors or more, which one the set counts with, said on the exercise screen; else empty. */
export function countingText(rows: readonly SensorRowView[]): string {
  const counting = rows.find((row) => row.counting);
  if (!counting) return '';
  return `Counting with ${counting.name}${counting.shin ? ` on the ${counting.shin} shin` : ''}`;
}
