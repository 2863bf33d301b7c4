import type { Characteristic } from '@abandonware/noble';
import {
  BATTERY_LEVEL_CHARACTERISTIC,
  FIRMWARE_REVISION_CHARACTERISTIC,
  MANUFACTURER_NAME_CHARACTERISTIC,
  MODEL_NUMBER_CHARACTERISTIC,
  decodeBatteryLevel,
} from '../protocol/gatt.ts';
import type { SensorEvent, WireFormat } from '../pipeline/events.ts';

/**
 * The sensor was found and answers, but the hub cannot use it as it is (other firmware, another model,
 * a mode we cannot read). The message says why and what to do, for the sensor panel; the link leaves
 * that sensor alone for a while and looks for another.
 */
export class UnusableSensorError extends Error {}

/** What a profile sees of an advertisement. */
export interface ProfileAdvertisement {
  localName?: string;
  serviceUuids?: string[];
}

/**
 * One connection as a profile sees it: the characteristics found, GATT calls that give up when the
 * link drops (noble's own can hang forever), and the sensor link's event stream.
 */
export interface ProfileLink {
  readonly sensorId: string;
  readonly sensorName: string;
  /** The sample rate the hub asks for; undefined keeps the sensor's own (or the profile's choice). */
  readonly rateHz: number | undefined;
  find(uuid: string): Characteristic | undefined;
  /** `promise`, raced against link loss, the hub stopping and a timeout. */
  gatt<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Battery and configuration events, in the link's event stream. */
  emit(event: SensorEvent): void;
  log(line: string): void;
  /** Runs when this connection ends, however it ends. */
  onClose(undo: () => void): void;
}

/** What a profile made of a connection. */
export interface ProfileConnection {
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  /** The rate that data notifications are put on the wire at now, for formats whose packets do not say. */
  rateHz(): number | undefined;
  /** Scale factors the set-up gave, for formats whose packets do not carry them (Polar PMD). */
  scales?(): Readonly<Record<number, number>> | undefined;
  /** A notification on the data characteristic that is not data (a register reply): handled, kept out of the pipeline. */
  intercept?(bytes: Uint8Array): boolean;
  /** After the data characteristic is subscribed: set-up whose answers come on it. */
  started?(): Promise<void>;
  /** Only a simulated sensor has this: tells its person what to do next. */
  writeSimPerson?(bytes: Uint8Array): Promise<unknown>;
}

/**
 * A family of sensors the hub can use: how to recognise one, what to discover, how to set it up, and
 * which characteristic notifies samples in which wire format. The sensor link (sensor-link.ts) does
 * the rest — scanning, connecting, timeouts, reconnecting — the same way for every profile.
 */
export interface SensorProfile {
  readonly format: WireFormat;
  /** For "looking for …": e.g. "a WitMotion sensor". */
  readonly description: string;
  /** Service UUIDs a scan can filter on; empty when the sensor is recognised by its name. */
  readonly scanServices: readonly string[];
  matches(advertisement: ProfileAdvertisement): boolean;
  /** Services to discover (all their characteristics). */
  readonly services: readonly string[];
  readonly dataCharacteristic: string;
  connect(link: ProfileLink): Promise<ProfileConnection>;
}

/** The service UUIDs to scan for: none (everything) unless every profile can be found by a service. */
export function scanFilterOf(profiles: readonly SensorProfile[]): string[] {
  if (profiles.some((profile) => profile.scanServices.length === 0)) return [];
  return [...new Set(profiles.flatMap((profile) => profile.scanServices))];
}

/** Device Information (0x180A) strings, null where the sensor has none. */
export async function readDeviceInformation(link: ProfileLink): Promise<Pick<ProfileConnection, 'manufacturer' | 'model' | 'firmware'>> {
  const readText = async (uuid: string) => {
    const c = link.find(uuid);
    return c ? (await link.gatt(c.readAsync(), `reading ${uuid}`)).toString('utf8') : null;
  };
  return {
    manufacturer: await readText(MANUFACTURER_NAME_CHARACTERISTIC),
    model: await readText(MODEL_NUMBER_CHARACTERISTIC),
    firmware: await readText(FIRMWARE_REVISION_CHARACTERISTIC),
  };
}

/** Battery Level (0x2A19): read now, then follow its notifications. Nothing if the sensor has none. */
export async function followBatteryLevel(link: ProfileLink): Promise<void> {
  const battery = link.find(BATTERY_LEVEL_CHARACTERISTIC);
  if (!battery) return;
  const emitBattery = (data: Buffer) => {
    const percent = decodeBatteryLevel(new Uint8Array(data));
    if (percent !== undefined) link.emit({ kind: 'battery', sensorId: link.sensorId, percent });
  };
  emitBattery(await link.gatt(battery.readAsync(), 'reading the battery level'));
  link.onClose(listen(battery, emitBattery));
  await link.gatt(battery.subscribeAsync(), 'subscribing to the battery level');
}

export function listen(characteristic: Characteristic, handler: (data: Buffer) => void): () => void {
  characteristic.on('data', handler);
  return () => characteristic.off('data', handler);
}
