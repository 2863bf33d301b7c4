/**
 * The Movella DOT (formerly Xsens DOT) BLE profile and its byte formats, from the maker's
 * "Movella DOT BLE Service Specification" (document XD0506P, revision C, July 2023) and its Node/noble
 * example, github.com/xsens/xsens_dot_server (bleHandler.js). Every fact is cited in docs/sensors.md,
 * "Movella DOT". All fields are little-endian (specification §1.3).
 *
 * Shared by the hub and firmware-sim's simulated DOT, like gatt.ts for our own sensor.
 *
 * The hub uses the measurement service in the "Rate quantities" payload mode (21): a sensor timestamp
 * in µs, calibrated acceleration in m/s² and angular velocity in °/s, as IEEE-754 float32 — the only
 * documented mode with both, and no orientation the hub would not use.
 */

import { IMU_VALUES_PER_SAMPLE } from './gatt.ts';

/** Every DOT attribute is `1517xxxx-4947-11e9-8646-d663bd873d93` (§1.1); noble spells UUIDs without dashes. */
const dotUuid = (short: number) => `1517${short.toString(16).padStart(4, '0')}494711e98646d663bd873d93`;

export const DOT_CONFIGURATION_SERVICE = dotUuid(0x1000);
/** Read: 34 bytes, address, firmware version and build date, serial number, product code (§2.1). */
export const DOT_DEVICE_INFO_CHARACTERISTIC = dotUuid(0x1001);
/** Read/write: 32 bytes of settings, among them the output rate (§2.2). */
export const DOT_DEVICE_CONTROL_CHARACTERISTIC = dotUuid(0x1002);
/** Notify: power-off, power-saving and button reports (§2.3). */
export const DOT_DEVICE_REPORT_CHARACTERISTIC = dotUuid(0x1004);

export const DOT_MEASUREMENT_SERVICE = dotUuid(0x2000);
/** Read/write: 3 bytes, type (1), action (start/stop), payload mode (§3.1). */
export const DOT_MEASUREMENT_CONTROL_CHARACTERISTIC = dotUuid(0x2001);
/** Notify: payload modes longer than 40 bytes (§3.2). */
export const DOT_LONG_PAYLOAD_CHARACTERISTIC = dotUuid(0x2002);
/** Notify: payload modes of 21–40 bytes, Rate quantities among them (§3.3). */
export const DOT_MEDIUM_PAYLOAD_CHARACTERISTIC = dotUuid(0x2003);
/** Notify: payload modes of up to 20 bytes (§3.4). */
export const DOT_SHORT_PAYLOAD_CHARACTERISTIC = dotUuid(0x2004);
/** Read/write: heading reset (§3.6); the hub does not use it (it finds its own start posture). */
export const DOT_ORIENTATION_RESET_CONTROL_CHARACTERISTIC = dotUuid(0x2006);

export const DOT_BATTERY_SERVICE = dotUuid(0x3000);
/** Read/notify: level in percent, charging 0/1 (§4.1). Not the standard 0x2A19. */
export const DOT_BATTERY_CHARACTERISTIC = dotUuid(0x3001);

/** Movella Technologies' Bluetooth company identifier (§1.2), in the advertisement's manufacturer data. */
export const DOT_COMPANY_ID = 2182;
/**
 * The advertised names (§1.2, table 4): "Movella DOT" on firmware after 2.4.0 (the table spells it
 * "Movella Dot"), "Xsens DOT" up to 2.4.0; the example server matches the name exactly.
 */
export const DOT_ADVERTISED_NAMES = ['Movella DOT', 'Xsens DOT'] as const;
export const isDotName = (name: string): boolean => DOT_ADVERTISED_NAMES.some((known) => known.toLowerCase() === name.trim().toLowerCase());

/** Payload modes by number (§3.1, table 13). */
export const DOT_PAYLOAD_MODE = {
  highFidelityWithMag: 1,
  extendedQuaternion: 2,
  completeQuaternion: 3,
  orientationEuler: 4,
  orientationQuaternion: 5,
  freeAcceleration: 6,
  extendedEuler: 7,
  completeEuler: 16,
  highFidelity: 17,
  deltaQuantitiesWithMag: 18,
  deltaQuantities: 19,
  rateQuantitiesWithMag: 20,
  rateQuantities: 21,
  customMode1: 22,
  customMode2: 23,
  customMode3: 24,
  customMode4: 25,
  customMode5: 26,
} as const;

const PAYLOAD_MODE_NAMES: Record<number, string> = {
  1: 'High Fidelity (with mag)',
  2: 'Extended (Quaternion)',
  3: 'Complete (Quaternion)',
  4: 'Orientation (Euler)',
  5: 'Orientation (Quaternion)',
  6: 'Free acceleration',
  7: 'Extended (Euler)',
  16: 'Complete (Euler)',
  17: 'High Fidelity',
  18: 'Delta quantities (with mag)',
  19: 'Delta quantities',
  20: 'Rate quantities (with mag)',
  21: 'Rate quantities',
  22: 'Custom mode 1',
  23: 'Custom mode 2',
  24: 'Custom mode 3',
  25: 'Custom mode 4',
  26: 'Custom mode 5',
};

/** "Rate quantities (21)", or "an unknown payload mode (99)". */
export const dotPayloadModeName = (mode: number): string => (PAYLOAD_MODE_NAMES[mode] ? `${PAYLOAD_MODE_NAMES[mode]} (${mode})` : `an unknown payload mode (${mode})`);

/**
 * Output rates for real-time streaming (§2.2, table 7); 60 Hz is the default. 120 Hz is for recording
 * only and is left out.
 */
export const DOT_STREAMING_RATES_HZ = [1, 4, 10, 12, 15, 20, 30, 60] as const;
export const DOT_DEFAULT_RATE_HZ = 60;
export const DOT_RECORDING_ONLY_RATE_HZ = 120;

/** The streaming rate closest to `hz` (a tie goes to the faster one). */
export function nearestDotRate(hz: number): number {
  let best: number = DOT_STREAMING_RATES_HZ[0];
  for (const rate of DOT_STREAMING_RATES_HZ) if (Math.abs(rate - hz) <= Math.abs(best - hz)) best = rate;
  return best;
}

/** m/s² in one g: the DOT reports acceleration in m/s², the hub works in g (standard gravity, by definition). */
export const STANDARD_GRAVITY = 9.80665;

/** Rate quantities: timestamp (4), acceleration (3 × 4), angular velocity (3 × 4) (§3.3, table 15; §3.5). */
export const DOT_RATE_QUANTITIES_BYTES = 28;
/**
 * The medium payload characteristic is 40 bytes long and a payload shorter than that is followed by
 * zeros (§3.3, "Trailing unused bytes are all set to 0x00"): a Rate quantities notification may come
 * as 28 bytes or padded to 40.
 */
export const DOT_MEDIUM_PAYLOAD_BYTES = 40;
/** The sensor timestamp is 32-bit µs: it wraps every 2³² µs, about 71.6 minutes. */
export const DOT_TIMESTAMP_WRAP_US = 2 ** 32;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

// --- Measurement control (0x2001) ---------------------------------------------------------------

/** Control type 1 is the measurement; other values are invalid (§3.1, table 13). */
export const DOT_CONTROL_TYPE_MEASUREMENT = 1;

export interface DotMeasurementControl {
  measuring: boolean;
  payloadMode: number;
}

/** Start (or stop) measuring in a payload mode: `01 action mode`. The mode is applied on start. */
export const encodeDotMeasurementControl = ({ measuring, payloadMode }: DotMeasurementControl): Uint8Array =>
  Uint8Array.of(DOT_CONTROL_TYPE_MEASUREMENT, measuring ? 1 : 0, payloadMode & 0xff);

export type DotControlResult = { ok: true; control: DotMeasurementControl } | { ok: false; message: string };

export function decodeDotMeasurementControl(bytes: Uint8Array): DotControlResult {
  if (bytes.byteLength !== 3) return { ok: false, message: `the DOT measurement control is 3 bytes, got ${bytes.byteLength} (${hex(bytes.subarray(0, 8))})` };
  if (bytes[0] !== DOT_CONTROL_TYPE_MEASUREMENT) return { ok: false, message: `the DOT measurement control has type ${bytes[0]}, not 1 (measurement)` };
  if (bytes[1]! > 1) return { ok: false, message: `the DOT measurement control has action ${bytes[1]}, not 0 (stop) or 1 (start)` };
  return { ok: true, control: { measuring: bytes[1] === 1, payloadMode: bytes[2]! } };
}

// --- Device control (0x1002) --------------------------------------------------------------------

export const DOT_DEVICE_CONTROL_BYTES = 32;

/** Bits of the visit index, byte 0 of a device control write: which fields the write sets (§2.2). */
export const DOT_VISIT = {
  identify: 0x01,
  powerOff: 0x02,
  powerSavingTimeout: 0x04,
  tagName: 0x08,
  outputRate: 0x10,
  filterProfile: 0x20,
} as const;

/** Byte offsets of the device control fields (§2.2, table 7). */
const DEVICE_CONTROL = { visit: 0, identify: 1, powerOff: 2, powerSaving: 3, tagLength: 7, tag: 8, tagBytes: 16, outputRate: 24, filterProfile: 26 } as const;

export interface DotDeviceControl {
  /** Minutes and seconds before power saving: advertising (X) and connected (Y). */
  powerSaving: { advertisingMin: number; advertisingSec: number; connectedMin: number; connectedSec: number };
  tag: string;
  outputRateHz: number;
  filterProfile: number;
}

/** A device control write that sets only the output rate (visit index bit 4). */
export function encodeDotOutputRateWrite(hz: number): Uint8Array {
  if (!(DOT_STREAMING_RATES_HZ as readonly number[]).includes(hz)) {
    throw new RangeError(`a Movella DOT streams at ${DOT_STREAMING_RATES_HZ.join(', ')} Hz, not ${hz}`);
  }
  const bytes = new Uint8Array(DOT_DEVICE_CONTROL_BYTES);
  bytes[DEVICE_CONTROL.visit] = DOT_VISIT.outputRate;
  new DataView(bytes.buffer).setUint16(DEVICE_CONTROL.outputRate, hz, true);
  return bytes;
}

/** The device control as the sensor answers a read (the visit index byte is 0). */
export function encodeDotDeviceControl(control: DotDeviceControl): Uint8Array {
  const bytes = new Uint8Array(DOT_DEVICE_CONTROL_BYTES);
  const view = new DataView(bytes.buffer);
  const { powerSaving } = control;
  bytes.set([powerSaving.advertisingMin, powerSaving.advertisingSec, powerSaving.connectedMin, powerSaving.connectedSec], DEVICE_CONTROL.powerSaving);
  const tag = new TextEncoder().encode(control.tag).subarray(0, DEVICE_CONTROL.tagBytes);
  bytes[DEVICE_CONTROL.tagLength] = tag.byteLength;
  bytes.set(tag, DEVICE_CONTROL.tag);
  view.setUint16(DEVICE_CONTROL.outputRate, control.outputRateHz, true);
  bytes[DEVICE_CONTROL.filterProfile] = control.filterProfile;
  return bytes;
}

export type DotDeviceControlResult = { ok: true; visit: number; identify: boolean; powerOff: number; control: DotDeviceControl } | { ok: false; message: string };

/** A device control read or write. A tag length over 16 is taken as no tag, as the sensor ignores it. */
export function decodeDotDeviceControl(bytes: Uint8Array): DotDeviceControlResult {
  if (bytes.byteLength !== DOT_DEVICE_CONTROL_BYTES) return { ok: false, message: `the DOT device control is ${DOT_DEVICE_CONTROL_BYTES} bytes, got ${bytes.byteLength}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tagLength = bytes[DEVICE_CONTROL.tagLength]!;
  const tag = tagLength <= DEVICE_CONTROL.tagBytes ? new TextDecoder().decode(bytes.subarray(DEVICE_CONTROL.tag, DEVICE_CONTROL.tag + tagLength)) : '';
  return {
    ok: true,
    visit: bytes[DEVICE_CONTROL.visit]!,
    identify: bytes[DEVICE_CONTROL.identify] === 0x01,
    powerOff: bytes[DEVICE_CONTROL.powerOff]!,
    control: {
      powerSaving: {
        advertisingMin: bytes[DEVICE_CONTROL.powerSaving]!,
        advertisingSec: bytes[DEVICE_CONTROL.powerSaving + 1]!,
        connectedMin: bytes[DEVICE_CONTROL.powerSaving + 2]!,
        connectedSec: bytes[DEVICE_CONTROL.powerSaving + 3]!,
      },
      tag,
      outputRateHz: view.getUint16(DEVICE_CONTROL.outputRate, true),
      filterProfile: bytes[DEVICE_CONTROL.filterProfile]!,
    },
  };
}

// --- Device info (0x1001) -----------------------------------------------------------------------

export const DOT_DEVICE_INFO_BYTES = 34;

export interface DotDeviceInfo {
  /** As the sensor stores it: the 6 address bytes little-endian, so `d4:22:cd:…` ends the field. */
  address: string;
  firmware: { major: number; minor: number; revision: number };
  built: { year: number; month: number; day: number; hour: number; minute: number; second: number };
  softDeviceVersion: number;
  serialNumber: bigint;
  /** "XS-T01" for a DOT v1, "XS-T02" for a v2. */
  productCode: string;
}

export function encodeDotDeviceInfo(info: DotDeviceInfo): Uint8Array {
  const bytes = new Uint8Array(DOT_DEVICE_INFO_BYTES);
  const view = new DataView(bytes.buffer);
  const address = info.address.split(':').map((part) => Number.parseInt(part, 16));
  address.reverse().forEach((b, i) => (bytes[i] = b));
  bytes.set([info.firmware.major, info.firmware.minor, info.firmware.revision], 6);
  view.setUint16(9, info.built.year, true);
  bytes.set([info.built.month, info.built.day, info.built.hour, info.built.minute, info.built.second], 11);
  view.setUint32(16, info.softDeviceVersion, true);
  view.setBigUint64(20, info.serialNumber, true);
  bytes.set(new TextEncoder().encode(info.productCode.padEnd(6, '\0').slice(0, 6)), 28);
  return bytes;
}

export function decodeDotDeviceInfo(bytes: Uint8Array): { ok: true; info: DotDeviceInfo } | { ok: false; message: string } {
  if (bytes.byteLength !== DOT_DEVICE_INFO_BYTES) return { ok: false, message: `the DOT device info is ${DOT_DEVICE_INFO_BYTES} bytes, got ${bytes.byteLength}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    ok: true,
    info: {
      address: [...bytes.subarray(0, 6)].reverse().map((b) => b.toString(16).padStart(2, '0')).join(':'),
      firmware: { major: bytes[6]!, minor: bytes[7]!, revision: bytes[8]! },
      built: { year: view.getUint16(9, true), month: bytes[11]!, day: bytes[12]!, hour: bytes[13]!, minute: bytes[14]!, second: bytes[15]! },
      softDeviceVersion: view.getUint32(16, true),
      serialNumber: view.getBigUint64(20, true),
      // Printable ASCII only, so a garbled field cannot put control characters in a log line.
      productCode: new TextDecoder().decode(bytes.subarray(28, 34)).replace(/[^\x20-\x7e]/g, ''),
    },
  };
}

/** "DOT v2 (XS-T02)" from the product code, or the code itself when it is not one the specification names. */
export function dotModelName(productCode: string): string {
  if (productCode === 'XS-T01') return 'Movella DOT v1 (XS-T01)';
  if (productCode === 'XS-T02') return 'Movella DOT v2 (XS-T02)';
  return productCode ? `Movella DOT (${productCode})` : 'Movella DOT';
}

// --- Battery (0x3001) ---------------------------------------------------------------------------

export const encodeDotBattery = (percent: number, charging: boolean): Uint8Array => Uint8Array.of(Math.max(0, Math.min(100, Math.round(percent))), charging ? 1 : 0);

export function decodeDotBattery(bytes: Uint8Array): { percent: number; charging: boolean } | undefined {
  if (bytes.byteLength < 2 || bytes[0]! > 100 || bytes[1]! > 1) return undefined;
  return { percent: bytes[0]!, charging: bytes[1] === 1 };
}

// --- Rate quantities (payload mode 21, on 0x2003) -----------------------------------------------

/** 'stale' is the hub's (hub/pipeline/dot-decode.ts): a timestamp no newer than the one before. */
export type DotDecodeErrorKind = 'wrong-length' | 'not-rate-quantities' | 'not-a-number' | 'stale';

export interface DotDecodeError {
  kind: DotDecodeErrorKind;
  message: string;
  byteLength: number;
}

export type DotSampleResult = { ok: true; timestampUs: number; imu: Float64Array } | { ok: false; error: DotDecodeError };

/**
 * Decodes one Rate quantities notification into its timestamp (µs, 32-bit, wrapping) and one sample in
 * g and °/s. Pure and total: any bytes give a sample or an error value. Bytes 28–39 of a padded
 * notification must be zero: another payload mode of 40 bytes (Custom mode 1: Euler angles, free
 * acceleration and angular velocity) fills them, and is refused rather than read as something else.
 */
export function decodeDotRateQuantities(bytes: Uint8Array): DotSampleResult {
  const n = bytes.byteLength;
  if (n !== DOT_RATE_QUANTITIES_BYTES && n !== DOT_MEDIUM_PAYLOAD_BYTES) {
    return {
      ok: false,
      error: {
        kind: 'wrong-length',
        message:
          `Movella DOT notification of ${n} bytes is not a Rate quantities payload (${DOT_RATE_QUANTITIES_BYTES} bytes, or ${DOT_MEDIUM_PAYLOAD_BYTES} padded)` +
          // 20 bytes is what a link at the minimum ATT MTU (23) leaves of a longer notification.
          (n === 20 ? ': a link at the minimum MTU of 23 cuts it to 20; the adapter must allow an MTU of 43 or more' : ''),
        byteLength: n,
      },
    };
  }
  for (let i = DOT_RATE_QUANTITIES_BYTES; i < n; i++) {
    if (bytes[i] !== 0) {
      return {
        ok: false,
        error: { kind: 'not-rate-quantities', message: `Movella DOT notification has data after byte ${DOT_RATE_QUANTITIES_BYTES}: the sensor streams a payload mode other than Rate quantities (21)`, byteLength: n },
      };
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const imu = new Float64Array(IMU_VALUES_PER_SAMPLE);
  for (let i = 0; i < 6; i++) {
    const value = view.getFloat32(4 + 4 * i, true);
    if (!Number.isFinite(value)) {
      return { ok: false, error: { kind: 'not-a-number', message: `Movella DOT notification has a non-finite ${i < 3 ? 'acceleration' : 'angular velocity'} (${value})`, byteLength: n } };
    }
    imu[i] = i < 3 ? value / STANDARD_GRAVITY : value;
  }
  return { ok: true, timestampUs: view.getUint32(0, true), imu };
}

/** The sensor's side: one Rate quantities payload, padded to 40 bytes as the medium characteristic sends it. */
export function encodeDotRateQuantities(timestampUs: number, reading: { ax: number; ay: number; az: number; gx: number; gy: number; gz: number }, padded = true): Uint8Array {
  const bytes = new Uint8Array(padded ? DOT_MEDIUM_PAYLOAD_BYTES : DOT_RATE_QUANTITIES_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, ((timestampUs % DOT_TIMESTAMP_WRAP_US) + DOT_TIMESTAMP_WRAP_US) % DOT_TIMESTAMP_WRAP_US, true);
  [reading.ax, reading.ay, reading.az].forEach((g, i) => view.setFloat32(4 + 4 * i, g * STANDARD_GRAVITY, true));
  [reading.gx, reading.gy, reading.gz].forEach((dps, i) => view.setFloat32(16 + 4 * i, dps, true));
  return bytes;
}

/**
 * Custom mode 1 (22): timestamp, Euler angles (°), free acceleration (m/s², gravity taken out, earth
 * frame) and angular velocity (°/s), 40 bytes (§3.3, table 15). The hub cannot use it (no gravity in the
 * acceleration); the simulator sends it when told to keep that mode, to test the hub's refusal.
 */
export function encodeDotCustomMode1(timestampUs: number, eulerDeg: readonly [number, number, number], freeAcc: readonly [number, number, number], gyroDps: readonly [number, number, number]): Uint8Array {
  const bytes = new Uint8Array(DOT_MEDIUM_PAYLOAD_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, ((timestampUs % DOT_TIMESTAMP_WRAP_US) + DOT_TIMESTAMP_WRAP_US) % DOT_TIMESTAMP_WRAP_US, true);
  [...eulerDeg, ...freeAcc, ...gyroDps].forEach((v, i) => view.setFloat32(4 + 4 * i, v, true));
  return bytes;
}
