/**
 * The WitMotion BLE 5.0 profile (WT9011DCL, BWT901BLECL and kin) and its byte formats, from the maker's
 * public documentation and SDK (every fact is cited in docs/sensors.md, "WitMotion BLE 5.0").
 *
 * Shared by the hub and firmware-sim's simulated WitMotion device, like gatt.ts for our own sensor.
 *
 * Quirk: the UUIDs are not on the Bluetooth base UUID. WitMotion's SDK spells them
 * `0000ffe5-0000-1000-8000-00805f9a34fb` (…9a34fb, not the base's …9b34fb), so noble reports them as
 * full 128-bit UUIDs, never as the short `ffe5`.
 */

import { IMU_VALUES_PER_SAMPLE, int16At, readInt16Samples, type ImuReading } from './gatt.ts';

const witUuid = (short: number) => `0000${short.toString(16).padStart(4, '0')}00001000800000805f9a34fb`;

export const WITMOTION_SERVICE = witUuid(0xffe5);
/** Notify: 20-byte 0x55 0x61 data packets, and 0x55 0x71 register replies. */
export const WITMOTION_NOTIFY_CHARACTERISTIC = witUuid(0xffe4);
/** Write without response: 5-byte register commands `FF AA reg lo hi`. */
export const WITMOTION_WRITE_CHARACTERISTIC = witUuid(0xffe9);

/** The maker's app keeps devices whose advertised name starts with this (e.g. `WT901BLE68`). */
export const WITMOTION_NAME_PREFIX = 'WT';

export const WITMOTION_PACKET_BYTES = 20;
export const WITMOTION_HEADER = 0x55;
export const WITMOTION_FLAG_DATA = 0x61;
export const WITMOTION_FLAG_REGISTERS = 0x71;

/** Fixed full scales of the 0x61 packet: acceleration ±16 g, angular rate ±2000 °/s, angles ±180°. */
export const WITMOTION_ACC_RANGE_G = 16;
export const WITMOTION_GYRO_RANGE_DPS = 2000;
export const WITMOTION_ANGLE_RANGE_DEG = 180;

/** Registers the hub uses (WitMotion standard protocol register map; battery from the BLE 5.0 SDK). */
export const WIT_REGISTER = {
  save: 0x00,
  rate: 0x03,
  version: 0x2e,
  /** Write a register number here and the device answers with a 0x55 0x71 packet from that register. */
  readAddress: 0x27,
  /** BLE 5.0 modules: battery voltage in hundredths of a volt. */
  battery: 0x64,
  key: 0x69,
} as const;

/** The value written to the key register to unlock configuration for a while. */
export const WIT_UNLOCK_KEY = 0xb588;

/** Output rates by register value (0x0a, 125 Hz, is only on the WT931 and left out). */
export const WITMOTION_RATES: readonly (readonly [code: number, hz: number])[] = [
  [0x01, 0.2],
  [0x02, 0.5],
  [0x03, 1],
  [0x04, 2],
  [0x05, 5],
  [0x06, 10],
  [0x07, 20],
  [0x08, 50],
  [0x09, 100],
  [0x0b, 200],
];
/** The documented default output rate. */
export const WITMOTION_DEFAULT_RATE_HZ = 10;

export const witmotionRateCode = (hz: number): number | undefined => WITMOTION_RATES.find(([, rate]) => rate === hz)?.[0];
export const witmotionRateHz = (code: number): number | undefined => WITMOTION_RATES.find(([c]) => c === code)?.[1];

/** The supported rate closest to `hz` (a tie goes to the faster one). */
export function nearestWitmotionRate(hz: number): number {
  let best = WITMOTION_RATES[0]![1];
  for (const [, rate] of WITMOTION_RATES) if (Math.abs(rate - hz) <= Math.abs(best - hz)) best = rate;
  return best;
}

/** A register command, `FF AA reg valueLo valueHi`. */
export const encodeWitCommand = (register: number, value: number): Uint8Array =>
  Uint8Array.of(0xff, 0xaa, register & 0xff, value & 0xff, (value >> 8) & 0xff);

export type WitCommandResult = { ok: true; register: number; value: number } | { ok: false; message: string };

export function decodeWitCommand(bytes: Uint8Array): WitCommandResult {
  if (bytes.byteLength !== 5 || bytes[0] !== 0xff || bytes[1] !== 0xaa) {
    return { ok: false, message: `a WitMotion command is 5 bytes starting FF AA, got ${hex(bytes.subarray(0, 8))}` };
  }
  return { ok: true, register: bytes[2]!, value: bytes[3]! | (bytes[4]! << 8) };
}

/** The documented set-up for an output rate: unlock, write the rate register, save. */
export function witmotionRateCommands(hz: number): Uint8Array[] {
  const code = witmotionRateCode(hz);
  if (code === undefined) throw new RangeError(`a WitMotion sensor runs at ${WITMOTION_RATES.map(([, r]) => r).join(', ')} Hz, not ${hz}`);
  return [encodeWitCommand(WIT_REGISTER.key, WIT_UNLOCK_KEY), encodeWitCommand(WIT_REGISTER.rate, code), encodeWitCommand(WIT_REGISTER.save, 0)];
}

export const witmotionReadCommand = (register: number) => encodeWitCommand(WIT_REGISTER.readAddress, register);

/** One 0x55 0x61 packet: the IMU reading in g and °/s, and the sensor's own angles (roll, pitch, yaw). */
export interface WitmotionReading extends ImuReading {
  rollDeg: number;
  pitchDeg: number;
  yawDeg: number;
}

/** A 0x55 0x71 packet: eight registers from `start`, as signed 16-bit values. */
export interface WitmotionRegisters {
  start: number;
  values: number[];
}

export type WitmotionDecodeErrorKind = 'wrong-length' | 'bad-header' | 'unknown-flag';

export interface WitmotionDecodeError {
  kind: WitmotionDecodeErrorKind;
  message: string;
  byteLength: number;
}

export type WitmotionSamplesResult =
  | { ok: true; count: number; imu: Float64Array }
  | { ok: false; error: WitmotionDecodeError };

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

function checkPackets(bytes: Uint8Array, flag: number, what: string): WitmotionDecodeError | null {
  const n = bytes.byteLength;
  if (n === 0 || n % WITMOTION_PACKET_BYTES !== 0) {
    return { kind: 'wrong-length', message: `WitMotion notification of ${n} bytes is not a whole number of ${WITMOTION_PACKET_BYTES}-byte packets`, byteLength: n };
  }
  for (let o = 0; o < n; o += WITMOTION_PACKET_BYTES) {
    if (bytes[o] !== WITMOTION_HEADER) {
      return { kind: 'bad-header', message: `WitMotion packet starts 0x${bytes[o]!.toString(16)}, not 0x55`, byteLength: n };
    }
    if (bytes[o + 1] !== flag) {
      return { kind: 'unknown-flag', message: `WitMotion packet has flag 0x${bytes[o + 1]!.toString(16)}, expected ${what} (0x${flag.toString(16)})`, byteLength: n };
    }
  }
  return null;
}

/**
 * Decodes a notification of 0x55 0x61 packets (one per 20 bytes; a sensor sends one per notification)
 * into samples in g and °/s. The packets carry no sequence number and no timestamp: the caller times
 * them (see trackArrivalClock in hub/pipeline/samples.ts). Pure and total: any bytes give samples or
 * an error value. The sensor's own angles are not needed by the hub and are left out.
 */
export function decodeWitmotionSamples(bytes: Uint8Array): WitmotionSamplesResult {
  const problem = checkPackets(bytes, WITMOTION_FLAG_DATA, 'a data packet');
  if (problem) return { ok: false, error: problem };
  const count = bytes.byteLength / WITMOTION_PACKET_BYTES;
  const imu = new Float64Array(count * IMU_VALUES_PER_SAMPLE);
  readInt16Samples(bytes, 2, WITMOTION_PACKET_BYTES, WITMOTION_ACC_RANGE_G / 32768, WITMOTION_GYRO_RANGE_DPS / 32768, imu);
  return { ok: true, count, imu };
}

/** One 0x55 0x61 packet in full, angles included (tests and tools; the hub uses decodeWitmotionSamples). */
export function decodeWitmotionReading(bytes: Uint8Array): { ok: true; reading: WitmotionReading } | { ok: false; error: WitmotionDecodeError } {
  if (bytes.byteLength !== WITMOTION_PACKET_BYTES) {
    return { ok: false, error: { kind: 'wrong-length', message: `a WitMotion packet is ${WITMOTION_PACKET_BYTES} bytes, got ${bytes.byteLength}`, byteLength: bytes.byteLength } };
  }
  const samples = decodeWitmotionSamples(bytes);
  if (!samples.ok) return samples;
  const [ax = 0, ay = 0, az = 0, gx = 0, gy = 0, gz = 0] = samples.imu;
  const angle = WITMOTION_ANGLE_RANGE_DEG / 32768;
  return {
    ok: true,
    reading: { ax, ay, az, gx, gy, gz, rollDeg: int16At(bytes, 14) * angle, pitchDeg: int16At(bytes, 16) * angle, yawDeg: int16At(bytes, 18) * angle },
  };
}

/** A 0x55 0x71 register reply, or null if the bytes are not one. */
export function decodeWitmotionRegisters(bytes: Uint8Array): WitmotionRegisters | null {
  if (bytes.byteLength !== WITMOTION_PACKET_BYTES || checkPackets(bytes, WITMOTION_FLAG_REGISTERS, 'a register reply')) return null;
  const values: number[] = [];
  for (let o = 4; o < WITMOTION_PACKET_BYTES; o += 2) values.push(int16At(bytes, o));
  return { start: bytes[2]! | (bytes[3]! << 8), values };
}

const clampInt16 = (value: number) => Math.max(-32768, Math.min(32767, Math.round(value)));

/** Encodes a 0x55 0x61 packet (the sensor's side); values beyond full scale saturate. */
export function encodeWitmotionReading(reading: WitmotionReading): Uint8Array {
  const bytes = new Uint8Array(WITMOTION_PACKET_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[0] = WITMOTION_HEADER;
  bytes[1] = WITMOTION_FLAG_DATA;
  const fields: [number, number][] = [
    [reading.ax, WITMOTION_ACC_RANGE_G],
    [reading.ay, WITMOTION_ACC_RANGE_G],
    [reading.az, WITMOTION_ACC_RANGE_G],
    [reading.gx, WITMOTION_GYRO_RANGE_DPS],
    [reading.gy, WITMOTION_GYRO_RANGE_DPS],
    [reading.gz, WITMOTION_GYRO_RANGE_DPS],
    [reading.rollDeg, WITMOTION_ANGLE_RANGE_DEG],
    [reading.pitchDeg, WITMOTION_ANGLE_RANGE_DEG],
    [reading.yawDeg, WITMOTION_ANGLE_RANGE_DEG],
  ];
  fields.forEach(([value, range], i) => view.setInt16(2 + 2 * i, clampInt16((value / range) * 32768), true));
  return bytes;
}

/** Encodes a 0x55 0x71 register reply: eight registers from `start` (missing ones are 0). */
export function encodeWitmotionRegisters(start: number, values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(WITMOTION_PACKET_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[0] = WITMOTION_HEADER;
  bytes[1] = WITMOTION_FLAG_REGISTERS;
  view.setUint16(2, start, true);
  for (let i = 0; i < 8; i++) view.setInt16(4 + 2 * i, clampInt16(values[i] ?? 0), true);
  return bytes;
}

/**
 * Battery percent from the battery register (hundredths of a volt), by the single-cell discharge
 * curve in WitMotion's BLE 5.0 SDK: linear between its points, 0 below 3.4 V, 100 above 3.99 V.
 */
const CELL_CURVE: readonly (readonly [volts: number, percent: number])[] = [
  [3.4, 0],
  [3.5, 5],
  [3.68, 10],
  [3.7, 15],
  [3.73, 20],
  [3.77, 30],
  [3.79, 40],
  [3.82, 50],
  [3.87, 60],
  [3.93, 75],
  [3.96, 90],
  [3.99, 100],
];

export function witmotionBatteryPercent(register: number): number {
  const volts = register / 100;
  if (volts <= CELL_CURVE[0]![0]) return 0;
  for (let i = 1; i < CELL_CURVE.length; i++) {
    const [v1, p1] = CELL_CURVE[i]!;
    if (volts <= v1) {
      const [v0, p0] = CELL_CURVE[i - 1]!;
      return Math.round(p0 + ((volts - v0) / (v1 - v0)) * (p1 - p0));
    }
  }
  return 100;
}

/** The battery register value (hundredths of a volt) for a percent: the curve above, read backwards. */
export function witmotionBatteryRegister(percent: number): number {
  const p = Math.max(0, Math.min(100, percent));
  for (let i = 1; i < CELL_CURVE.length; i++) {
    const [v1, p1] = CELL_CURVE[i]!;
    if (p <= p1) {
      const [v0, p0] = CELL_CURVE[i - 1]!;
      return Math.round((v0 + ((p - p0) / (p1 - p0)) * (v1 - v0)) * 100);
    }
  }
  return Math.round(CELL_CURVE.at(-1)![0] * 100);
}
