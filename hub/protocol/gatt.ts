/**
 * The Swivel sensor's GATT profile and its byte formats (see docs/gatt.md).
 *
 * Shared by the hub and firmware-sim, and nothing else is: the simulator is what the hub's estimator
 * is tested against, so the two meet only at the bytes on the air.
 *
 * UUIDs are written the way noble wants them: lowercase hex, no dashes (a dashed or upper-case UUID
 * silently matches nothing in noble's filters).
 */

/** 128-bit base `5357xxxx-6976-656c-9e55-4f5357495645`: "SW", "ivel", then "OSWIVE". */
const swivelUuid = (short: number) => `5357${short.toString(16).padStart(4, '0')}6976656c9e554f5357495645`;

export const SWIVEL_IMU_SERVICE = swivelUuid(0x0001);
export const IMU_DATA_CHARACTERISTIC = swivelUuid(0x0002);
export const IMU_CONTROL_CHARACTERISTIC = swivelUuid(0x0003);
/**
 * Simulator only (a real sensor does not have it): what the simulated person should do next. The
 * hub writes the exercise and side when a set starts, as a dashboard tells a real person; the
 * person then gets into that exercise's start position, stays still, and starts.
 */
export const SIM_PERSON_CHARACTERISTIC = swivelUuid(0x00f1);
/**
 * Simulator only: the service that carries SIM_PERSON_CHARACTERISTIC on a simulated sensor of another
 * make (WitMotion, DOT, Polar), beside that maker's own profile, so that its simulated person follows
 * the dashboard too. No real sensor has it; the hub looks for it on every sensor and finds none.
 */
export const SIM_CONTROL_SERVICE = swivelUuid(0x00f0);

export const BATTERY_SERVICE = '180f';
export const BATTERY_LEVEL_CHARACTERISTIC = '2a19';
export const DEVICE_INFORMATION_SERVICE = '180a';
export const MANUFACTURER_NAME_CHARACTERISTIC = '2a29';
export const MODEL_NUMBER_CHARACTERISTIC = '2a24';
export const FIRMWARE_REVISION_CHARACTERISTIC = '2a26';

export const DEVICE_NAME_PREFIX = 'Swivel-';

/** Wire format version carried in every IMU notification and control value. */
export const PROTOCOL_VERSION = 1;

/** Sample rates a sensor may run at, indexed by the 3-bit rate code on the wire. */
export const SAMPLE_RATES_HZ = [25, 50, 60, 100, 104, 200, 400, 800] as const;
/** Accelerometer full-scale ranges (±g), indexed by the 2-bit code on the wire. */
export const ACC_RANGES_G = [2, 4, 8, 16] as const;
/** Gyroscope full-scale ranges (±deg/s), indexed by the 3-bit code on the wire (5–7 are reserved). */
export const GYRO_RANGES_DPS = [125, 250, 500, 1000, 2000] as const;

export type SampleRateHz = (typeof SAMPLE_RATES_HZ)[number];
export type AccRangeG = (typeof ACC_RANGES_G)[number];
export type GyroRangeDps = (typeof GYRO_RANGES_DPS)[number];

export const IMU_HEADER_BYTES = 8;
export const IMU_SAMPLE_BYTES = 12;
/** ATT header bytes that an MTU carries besides the notification payload. */
const ATT_NOTIFY_OVERHEAD = 3;
/** The sample-count field has 5 bits. */
export const MAX_SAMPLES_PER_PACKET = 31;

/** How many samples fit one notification at a negotiated ATT MTU (1 at the minimum MTU of 23). */
export function samplesPerNotification(mtu: number): number {
  const payload = Math.max(23, Math.floor(mtu)) - ATT_NOTIFY_OVERHEAD;
  return Math.min(MAX_SAMPLES_PER_PACKET, Math.floor((payload - IMU_HEADER_BYTES) / IMU_SAMPLE_BYTES));
}

export interface SensorConfig {
  rateHz: SampleRateHz;
  accRangeG: AccRangeG;
  gyroRangeDps: GyroRangeDps;
}

export const DEFAULT_SENSOR_CONFIG: SensorConfig = { rateHz: 100, accRangeG: 4, gyroRangeDps: 1000 };

/** One IMU reading in physical units: accelerometer in g, gyroscope in deg/s, sensor axes. */
export interface ImuReading {
  ax: number;
  ay: number;
  az: number;
  gx: number;
  gy: number;
  gz: number;
}

/** A decoded IMU notification. */
export interface ImuPacket {
  seq: number;
  /** Sensor clock at the first sample, microseconds, wrapping at 2^32 (about 71.6 minutes). */
  timestampUs: number;
  config: SensorConfig;
  /** Evenly spaced at 1 / rateHz, the first one at timestampUs. */
  readings: ImuReading[];
}

export type ImuDecodeErrorKind = 'too-short' | 'unknown-version' | 'bad-sample-count' | 'wrong-length' | 'unknown-range';

/** A malformed notification, as a value: counted by the hub, never thrown. */
export interface ImuDecodeError {
  kind: ImuDecodeErrorKind;
  message: string;
  byteLength: number;
}

export type ImuDecodeResult = { ok: true; packet: ImuPacket } | { ok: false; error: ImuDecodeError };

const fail = (kind: ImuDecodeErrorKind, message: string, byteLength: number): { ok: false; error: ImuDecodeError } => ({
  ok: false,
  error: { kind, message, byteLength },
});

/** Values per sample in decoded samples: ax, ay, az (g), then gx, gy, gz (deg/s). */
export const IMU_VALUES_PER_SAMPLE = 6;

/** A decoded IMU notification as the hub's signal path reads it: no object per sample. */
export interface ImuSamplesPacket {
  seq: number;
  /** Sensor clock at the first sample, microseconds, wrapping at 2^32 (about 71.6 minutes). */
  timestampUs: number;
  /** Shared between packets with the same header: do not change it. */
  config: Readonly<SensorConfig>;
  count: number;
  /** `IMU_VALUES_PER_SAMPLE` values per sample, sample after sample, evenly spaced at 1 / rateHz. */
  imu: Float64Array;
}

export type ImuSamplesDecodeResult = { ok: true; packet: ImuSamplesPacket } | { ok: false; error: ImuDecodeError };

/** One config object per header (version and ranges byte, rate code), made when first seen. */
const configs = new Map<number, Readonly<SensorConfig>>();

/**
 * Decoded samples are views into shared slabs, handed out once each and never reused: a small
 * ArrayBuffer of its own per notification cost more than decoding it. A batch kept for long keeps
 * its slab (64 KiB) alive; the signal path keeps none.
 */
const SLAB_VALUES = 8192;
let slab = new Float64Array(SLAB_VALUES);
let slabUsed = 0;

function allocateImu(length: number): Float64Array {
  if (slabUsed + length > SLAB_VALUES) {
    slab = new Float64Array(SLAB_VALUES);
    slabUsed = 0;
  }
  const imu = new Float64Array(slab.buffer, slabUsed * Float64Array.BYTES_PER_ELEMENT, length);
  slabUsed += length;
  return imu;
}

/** The little-endian int16 at `o`. */
export const int16At = (bytes: Uint8Array, o: number) => ((bytes[o]! | (bytes[o + 1]! << 8)) << 16) >> 16;

/**
 * Decodes one IMU notification into a Float64Array of samples. Pure, total: any bytes give either a
 * packet or an error value.
 *
 * Layout (little-endian):
 *   0      bits 7-5 version, bits 4-3 accelerometer range code, bits 2-0 gyroscope range code
 *   1      bits 7-5 sample-rate code, bits 4-0 sample count n (1..31)
 *   2-3    sequence number, uint16, wraps
 *   4-7    sensor timestamp of the first sample, µs, uint32, wraps
 *   8-     n × (ax, ay, az, gx, gy, gz) as int16, full scale = ±range
 */
export function decodeImuSamples(bytes: Uint8Array): ImuSamplesDecodeResult {
  const n = bytes.byteLength;
  if (n < IMU_HEADER_BYTES + IMU_SAMPLE_BYTES) {
    return fail('too-short', `IMU packet of ${n} bytes is shorter than one sample (${IMU_HEADER_BYTES + IMU_SAMPLE_BYTES})`, n);
  }
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const version = b0 >> 5;
  if (version !== PROTOCOL_VERSION) {
    return fail('unknown-version', `IMU packet has protocol version ${version}; this hub reads version ${PROTOCOL_VERSION}`, n);
  }
  const gyroRangeDps = GYRO_RANGES_DPS[b0 & 0b111];
  if (gyroRangeDps === undefined) {
    return fail('unknown-range', `IMU packet has unknown gyroscope range code ${b0 & 0b111}`, n);
  }
  const accRangeG = ACC_RANGES_G[(b0 >> 3) & 0b11]!;
  const count = b1 & 0b11111;
  if (count === 0) return fail('bad-sample-count', 'IMU packet says it holds 0 samples', n);
  const expected = IMU_HEADER_BYTES + count * IMU_SAMPLE_BYTES;
  if (n !== expected) {
    return fail('wrong-length', `IMU packet says ${count} samples (${expected} bytes) but has ${n} bytes`, n);
  }
  const header = (b0 << 3) | (b1 >> 5);
  let config = configs.get(header);
  if (!config) {
    config = Object.freeze({ rateHz: SAMPLE_RATES_HZ[b1 >> 5]!, accRangeG, gyroRangeDps });
    configs.set(header, config);
  }
  const accScale = accRangeG / 32768;
  const gyroScale = gyroRangeDps / 32768;
  const imu = allocateImu(count * IMU_VALUES_PER_SAMPLE);
  readInt16Samples(bytes, IMU_HEADER_BYTES, IMU_SAMPLE_BYTES, accScale, gyroScale, imu);
  const seq = bytes[2]! | (bytes[3]! << 8);
  const timestampUs = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  return { ok: true, packet: { seq, timestampUs, config, count, imu } };
}

/**
 * Fills `imu` with samples of six little-endian int16 (ax, ay, az, gx, gy, gz), the first at byte
 * `offset` and each `stride` bytes after the one before, scaled to g and deg/s. Shared by every wire
 * format that carries samples this way (ours, WitMotion's).
 */
export function readInt16Samples(bytes: Uint8Array, offset: number, stride: number, accScale: number, gyroScale: number, imu: Float64Array): void {
  for (let i = 0, o = offset; i < imu.length; i += IMU_VALUES_PER_SAMPLE, o += stride) {
    imu[i] = int16At(bytes, o) * accScale;
    imu[i + 1] = int16At(bytes, o + 2) * accScale;
    imu[i + 2] = int16At(bytes, o + 4) * accScale;
    imu[i + 3] = int16At(bytes, o + 6) * gyroScale;
    imu[i + 4] = int16At(bytes, o + 8) * gyroScale;
    imu[i + 5] = int16At(bytes, o + 10) * gyroScale;
  }
}

/** Decodes one IMU notification into a reading per sample (the simulator's and the tests' view; see decodeImuSamples). */
export function decodeImuPacket(bytes: Uint8Array): ImuDecodeResult {
  const decoded = decodeImuSamples(bytes);
  if (!decoded.ok) return decoded;
  const { seq, timestampUs, config, imu } = decoded.packet;
  return { ok: true, packet: { seq, timestampUs, config: { ...config }, readings: readingsOf(imu) } };
}

/** Decoded samples as one reading each. */
export function readingsOf(imu: Float64Array): ImuReading[] {
  const readings: ImuReading[] = new Array(imu.length / IMU_VALUES_PER_SAMPLE);
  for (let i = 0, o = 0; i < readings.length; i++, o += IMU_VALUES_PER_SAMPLE) {
    readings[i] = { ax: imu[o]!, ay: imu[o + 1]!, az: imu[o + 2]!, gx: imu[o + 3]!, gy: imu[o + 4]!, gz: imu[o + 5]! };
  }
  return readings;
}

/** Readings as decoded samples (readingsOf's inverse). */
export function imuOf(readings: readonly ImuReading[]): Float64Array {
  const imu = new Float64Array(readings.length * IMU_VALUES_PER_SAMPLE);
  let o = 0;
  for (const r of readings) {
    imu[o++] = r.ax;
    imu[o++] = r.ay;
    imu[o++] = r.az;
    imu[o++] = r.gx;
    imu[o++] = r.gy;
    imu[o++] = r.gz;
  }
  return imu;
}

const quantise = (value: number, range: number) => Math.max(-32768, Math.min(32767, Math.round((value / range) * 32768)));

function codeOf<T extends number>(table: readonly T[], value: number, what: string): number {
  const code = table.indexOf(value as T);
  if (code < 0) throw new RangeError(`${what} ${value} is not one of ${table.join(', ')}`);
  return code;
}

/** Encodes an IMU notification (the sensor's side). Values beyond full scale saturate like a real IMU. */
export function encodeImuPacket(packet: ImuPacket): Uint8Array {
  const { config, readings } = packet;
  if (readings.length < 1 || readings.length > MAX_SAMPLES_PER_PACKET) {
    throw new RangeError(`an IMU packet holds 1 to ${MAX_SAMPLES_PER_PACKET} samples, not ${readings.length}`);
  }
  const bytes = new Uint8Array(IMU_HEADER_BYTES + readings.length * IMU_SAMPLE_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(
    0,
    (PROTOCOL_VERSION << 5) | (codeOf(ACC_RANGES_G, config.accRangeG, 'accelerometer range') << 3) | codeOf(GYRO_RANGES_DPS, config.gyroRangeDps, 'gyroscope range'),
  );
  view.setUint8(1, (codeOf(SAMPLE_RATES_HZ, config.rateHz, 'sample rate') << 5) | readings.length);
  view.setUint16(2, packet.seq & 0xffff, true);
  view.setUint32(4, packet.timestampUs >>> 0, true);
  let o = IMU_HEADER_BYTES;
  for (const r of readings) {
    view.setInt16(o, quantise(r.ax, config.accRangeG), true);
    view.setInt16(o + 2, quantise(r.ay, config.accRangeG), true);
    view.setInt16(o + 4, quantise(r.az, config.accRangeG), true);
    view.setInt16(o + 6, quantise(r.gx, config.gyroRangeDps), true);
    view.setInt16(o + 8, quantise(r.gy, config.gyroRangeDps), true);
    view.setInt16(o + 10, quantise(r.gz, config.gyroRangeDps), true);
    o += IMU_SAMPLE_BYTES;
  }
  return bytes;
}

/**
 * Control characteristic value (read/write), 4 bytes:
 *   0 version, 1 sample-rate code, 2 accelerometer range code, 3 gyroscope range code.
 */
export function encodeSensorConfig(config: SensorConfig): Uint8Array {
  return Uint8Array.of(
    PROTOCOL_VERSION,
    codeOf(SAMPLE_RATES_HZ, config.rateHz, 'sample rate'),
    codeOf(ACC_RANGES_G, config.accRangeG, 'accelerometer range'),
    codeOf(GYRO_RANGES_DPS, config.gyroRangeDps, 'gyroscope range'),
  );
}

export type SensorConfigResult = { ok: true; config: SensorConfig } | { ok: false; message: string };

export function decodeSensorConfig(bytes: Uint8Array): SensorConfigResult {
  if (bytes.byteLength !== 4) return { ok: false, message: `control value must be 4 bytes, got ${bytes.byteLength}` };
  if (bytes[0] !== PROTOCOL_VERSION) return { ok: false, message: `control value has version ${bytes[0]}, expected ${PROTOCOL_VERSION}` };
  const rateHz = SAMPLE_RATES_HZ[bytes[1]!];
  const accRangeG = ACC_RANGES_G[bytes[2]!];
  const gyroRangeDps = GYRO_RANGES_DPS[bytes[3]!];
  if (rateHz === undefined) return { ok: false, message: `unknown sample-rate code ${bytes[1]}` };
  if (accRangeG === undefined) return { ok: false, message: `unknown accelerometer range code ${bytes[2]}` };
  if (gyroRangeDps === undefined) return { ok: false, message: `unknown gyroscope range code ${bytes[3]}` };
  return { ok: true, config: { rateHz, accRangeG, gyroRangeDps } };
}

/** Battery Level (0x2A19): one byte, percent. */
export const encodeBatteryLevel = (percent: number) => Uint8Array.of(Math.max(0, Math.min(100, Math.round(percent))));
export const decodeBatteryLevel = (bytes: Uint8Array): number | undefined =>
  bytes.byteLength === 1 && bytes[0]! <= 100 ? bytes[0] : undefined;

/**
 * The simulated person's instruction: `exerciseId,side` in UTF-8, or `exerciseId,side,resume` (see
 * SIM_PERSON_CHARACTERISTIC). Plain: take the start position and begin. `resume`, sent when the hub
 * connects to a sensor again mid-set: carry on if already doing this, else begin (a sensor that
 * rebooted has forgotten, its person has not).
 */
export interface SimPersonInstruction {
  exercise: string;
  side: 'left' | 'right';
  resume?: boolean;
}

export const encodeSimPersonInstruction = ({ exercise, side, resume }: SimPersonInstruction): Uint8Array =>
  new TextEncoder().encode(`${exercise},${side}${resume ? ',resume' : ''}`);

export function decodeSimPersonInstruction(bytes: Uint8Array): { ok: true; instruction: SimPersonInstruction } | { ok: false; message: string } {
  const text = new TextDecoder().decode(bytes);
  const [exercise, side, flag, ...rest] = text.split(',');
  if (!exercise || (side !== 'left' && side !== 'right') || (flag !== undefined && flag !== 'resume') || rest.length > 0) {
    return { ok: false, message: `a simulated person's instruction is "exercise,left|right" or "exercise,left|right,resume", got ${JSON.stringify(text.slice(0, 60))}` };
  }
  return { ok: true, instruction: { exercise, side, ...(flag ? { resume: true } : {}) } };
}
