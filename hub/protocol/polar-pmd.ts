/**
 * Polar Measurement Data (PMD): the service Polar sensors (Verity Sense, H10, OH1) stream raw data
 * over, and its byte formats. Every fact is cited in docs/sensors.md, "Polar Verity Sense"; the
 * sources are Polar's own: the SDK's Android PMD client (github polarofficial/polar-ble-sdk,
 * `sources/Android/android-communications/library/src/main/java/com/polar/androidcommunications/api/
 * ble/model/gatt/client/pmd/`: BlePMDClient.kt, PmdSetting.kt, PmdControlPointResponse.kt,
 * PmdDataFrame.kt, model/AccData.kt, model/GyrData.kt) and `technical_documentation/`
 * (TimeSystemExplained.md, SdkModeExplained.md).
 *
 * Shared by the hub and firmware-sim's simulated Verity Sense, like gatt.ts for our own sensor. Pure
 * functions over bytes; decoders never throw.
 */

const pmdUuid = (last: number) => `fb005c${last.toString(16)}02e7f3871cad8acd2d8df0c8`;

/** The PMD service, `FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8`, in noble's spelling. */
export const PMD_SERVICE = pmdUuid(0x80);
/** Control point: read (features), write (requests), indicate/notify (responses). */
export const PMD_CONTROL_POINT = pmdUuid(0x81);
/** Data: one notification per frame of one measurement type. */
export const PMD_DATA = pmdUuid(0x82);

/** Polar sensors advertise names like `Polar Sense 1A2B3C4D` or `Polar H10 1A2B3C4D`. */
export const POLAR_NAME_PREFIX = 'Polar ';

/** Measurement types (the low 6 bits of a request's type byte and of a data frame's first byte). */
export const PMD_TYPE = { ecg: 0, ppg: 1, acc: 2, ppi: 3, gyro: 5, magnetometer: 6 } as const;
export type PmdImuType = typeof PMD_TYPE.acc | typeof PMD_TYPE.gyro;
const TYPE_MASK = 0x3f;

/** Control point requests (the first byte written). */
export const PMD_OP = { getSettings: 0x01, start: 0x02, stop: 0x03 } as const;
/** First byte of the control point's answer to a request. */
export const PMD_RESPONSE = 0xf0;
/** First byte of the control point's value when read: the feature bits follow. */
export const PMD_FEATURES = 0x0f;

/** Status byte of a control point response, by value. */
export const PMD_STATUS = [
  'success',
  'invalid op code',
  'invalid measurement type',
  'not supported',
  'invalid length',
  'invalid parameter',
  'already in state',
  'invalid resolution',
  'invalid sample rate',
  'invalid range',
  'invalid MTU',
  'invalid number of channels',
  'invalid state',
  'device in charger',
  'disk full',
] as const;
export const PMD_STATUS_CODE = {
  invalidMtu: 10,
  invalidChannels: 11,
  success: 0,
  invalidOpCode: 1,
  invalidMeasurementType: 2,
  notSupported: 3,
  invalidLength: 4,
  invalidParameter: 5,
  alreadyInState: 6,
  invalidResolution: 7,
  invalidSampleRate: 8,
  invalidRange: 9,
  invalidState: 12,
} as const;
export const describePmdStatus = (status: number) => PMD_STATUS[status] ?? `status ${status}`;

/** Setting types in settings lists, and the size of one value of each. */
export const PMD_SETTING = { sampleRate: 0, resolution: 1, range: 2, rangeMilliunit: 3, channels: 4, factor: 5 } as const;
const SETTING_FIELD_BYTES: Record<number, number> = { 0: 2, 1: 2, 2: 2, 3: 4, 4: 1, 5: 4 };

/** Sensor time: nanoseconds since 2000-01-01T00:00:00Z (TimeSystemExplained.md). */
export const POLAR_EPOCH_UNIX_MS = 946_684_800_000;
/** A Verity Sense whose time was never set starts from 2017-01-01T10:00:00Z (same document). */
export const VERITY_DEFAULT_TIME_NS = BigInt(Date.UTC(2017, 0, 1, 10) - POLAR_EPOCH_UNIX_MS) * 1_000_000n;

export const PMD_FRAME_HEADER_BYTES = 10;
/** Bit 7 of the frame type byte: delta-compressed content. */
export const PMD_COMPRESSED = 0x80;

/** What the measurement settings of one type offer, or a start request chooses. */
export interface PmdSettings {
  sampleRate?: number[];
  resolution?: number[];
  range?: number[];
  channels?: number[];
  /** Scale of one count, an IEEE 754 float32 (only in a start response). */
  factor?: number;
}

/** The settings a start request chooses: one value each. */
export interface PmdStartSettings {
  sampleRate: number;
  resolution: number;
  range: number;
  /** Sent when the sensor lists it (Verity Sense: 3), as the specification's start request does. */
  channels?: number;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

function readUint(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[offset + i]!;
  return value;
}

/** A settings list: `type count value…` repeated, values little-endian in their type's size. */
export function encodePmdSettings(settings: PmdSettings): Uint8Array {
  const out: number[] = [];
  const put = (type: number, values: readonly number[] | undefined) => {
    if (!values?.length) return;
    out.push(type, values.length);
    const size = SETTING_FIELD_BYTES[type]!;
    for (const value of values) for (let i = 0; i < size; i++) out.push(Math.floor(value / 256 ** i) & 0xff);
  };
  put(PMD_SETTING.sampleRate, settings.sampleRate);
  put(PMD_SETTING.resolution, settings.resolution);
  put(PMD_SETTING.range, settings.range);
  put(PMD_SETTING.channels, settings.channels);
  if (settings.factor !== undefined) {
    const f = new Uint8Array(4);
    new DataView(f.buffer).setFloat32(0, settings.factor, true);
    out.push(PMD_SETTING.factor, 1, ...f);
  }
  return Uint8Array.from(out);
}

export type PmdSettingsResult = { ok: true; settings: PmdSettings } | { ok: false; message: string };

export function decodePmdSettings(bytes: Uint8Array): PmdSettingsResult {
  const settings: PmdSettings = {};
  const names: Record<number, 'sampleRate' | 'resolution' | 'range' | 'channels' | undefined> = { 0: 'sampleRate', 1: 'resolution', 2: 'range', 4: 'channels' };
  let o = 0;
  while (o < bytes.byteLength) {
    const type = bytes[o]!;
    const count = bytes[o + 1];
    const size = SETTING_FIELD_BYTES[type];
    if (size === undefined) return { ok: false, message: `PMD settings: unknown setting type ${type} at byte ${o}` };
    if (count === undefined || o + 2 + count * size > bytes.byteLength) return { ok: false, message: `PMD settings: setting type ${type} runs past the end (${bytes.byteLength} bytes)` };
    o += 2;
    const values: number[] = [];
    for (let i = 0; i < count; i++, o += size) {
      if (type === PMD_SETTING.factor) values.push(new DataView(bytes.buffer, bytes.byteOffset + o, 4).getFloat32(0, true));
      else values.push(readUint(bytes, o, size));
    }
    if (type === PMD_SETTING.factor) {
      if (values[0] !== undefined) settings.factor = values[0];
    } else {
      const name = names[type];
      if (name) settings[name] = values;
    }
  }
  return { ok: true, settings };
}

/** `01 type`: what settings does this measurement offer now? */
export const encodeGetSettings = (type: number): Uint8Array => Uint8Array.of(PMD_OP.getSettings, type);
/** `02 type settings…`: start streaming it with these settings. */
export const encodeStartMeasurement = (type: number, settings: PmdStartSettings): Uint8Array =>
  Uint8Array.of(
    PMD_OP.start,
    type,
    ...encodePmdSettings({
      sampleRate: [settings.sampleRate],
      resolution: [settings.resolution],
      range: [settings.range],
      ...(settings.channels !== undefined ? { channels: [settings.channels] } : {}),
    }),
  );
/** `03 type`: stop it. */
export const encodeStopMeasurement = (type: number): Uint8Array => Uint8Array.of(PMD_OP.stop, type);

/** A request as the sensor reads it. */
export type PmdRequestResult =
  | { ok: true; op: number; type: number; settings: PmdSettings }
  | { ok: false; op: number; type: number; status: number; message: string };

export function decodePmdRequest(bytes: Uint8Array): PmdRequestResult {
  const op = bytes[0] ?? 0;
  const type = (bytes[1] ?? 0) & TYPE_MASK;
  if (bytes.byteLength < 2) return { ok: false, op, type, status: PMD_STATUS_CODE.invalidLength, message: `a PMD request is at least 2 bytes, got ${bytes.byteLength}` };
  if (op !== PMD_OP.getSettings && op !== PMD_OP.start && op !== PMD_OP.stop) return { ok: false, op, type, status: PMD_STATUS_CODE.invalidOpCode, message: `unknown PMD op code 0x${op.toString(16)}` };
  const settings = decodePmdSettings(bytes.subarray(2));
  if (!settings.ok) return { ok: false, op, type, status: PMD_STATUS_CODE.invalidParameter, message: settings.message };
  return { ok: true, op, type, settings: settings.settings };
}

/** The control point's answer: `F0 op type status more parameters…`. */
export interface PmdResponse {
  op: number;
  type: number;
  status: number;
  more: boolean;
  parameters: Uint8Array;
}

export const encodePmdResponse = (r: PmdResponse): Uint8Array => Uint8Array.of(PMD_RESPONSE, r.op, r.type, r.status, r.more ? 1 : 0, ...r.parameters);

/** A control point notification that is an answer, or null (a "measurement stopped" notice, or noise). */
export function decodePmdResponse(bytes: Uint8Array): PmdResponse | null {
  if (bytes.byteLength < 4 || bytes[0] !== PMD_RESPONSE) return null;
  const status = bytes[3]!;
  // Parameters only come with success; an error answer may stop after the status byte.
  return { op: bytes[1]!, type: bytes[2]! & TYPE_MASK, status, more: status === 0 && (bytes[4] ?? 0) !== 0, parameters: status === 0 ? bytes.slice(5) : new Uint8Array(0) };
}

/** The control point's value when read: `0F` and feature bits (ACC bit 2, GYRO bit 5 of byte 1). */
export function encodePmdFeatures(types: readonly number[]): Uint8Array {
  const bits = Uint8Array.of(PMD_FEATURES, 0, 0);
  for (const type of types) bits[1 + (type >> 3)]! |= 1 << (type & 7);
  return bits;
}

export function decodePmdFeatures(bytes: Uint8Array): Set<number> | null {
  if (bytes.byteLength < 2 || bytes[0] !== PMD_FEATURES) return null;
  const types = new Set<number>();
  for (let i = 1; i < Math.min(bytes.byteLength, 3); i++) for (let b = 0; b < 8; b++) if (bytes[i]! & (1 << b)) types.add((i - 1) * 8 + b);
  return types;
}

export type PmdDecodeErrorKind = 'too-short' | 'unknown-type' | 'unsupported-frame' | 'bad-content';

export interface PmdDecodeError {
  kind: PmdDecodeErrorKind;
  message: string;
  byteLength: number;
}

/** One decoded data frame: three channels per sample, in g (ACC) or °/s (GYRO). */
export interface PmdImuFrame {
  type: PmdImuType;
  /** Sensor time of the frame's last sample, ns since 2000-01-01 (see TimeSystemExplained.md). */
  timestampNs: bigint;
  frameType: number;
  compressed: boolean;
  count: number;
  /** x, y, z of sample i at 3i. */
  values: Float64Array;
}

export type PmdFrameResult = { ok: true; frame: PmdImuFrame } | { ok: false; error: PmdDecodeError };

const fail = (kind: PmdDecodeErrorKind, message: string, bytes: Uint8Array): { ok: false; error: PmdDecodeError } => ({
  ok: false,
  error: { kind, message, byteLength: bytes.byteLength },
});

const signExtend = (value: number, bits: number) => (bits >= 32 ? value | 0 : value >= 2 ** (bits - 1) ? value - 2 ** bits : value);

/**
 * Delta-compressed content (BlePMDClient.parseDeltaFramesAll): a reference sample (each channel a
 * little-endian signed integer of `resolution` bits in whole bytes), then blocks of `bitWidth` (1 byte),
 * `count` (1 byte) and count × channels deltas of bitWidth bits each, packed from the least significant
 * bit of each byte, each signed and added to the sample before. Null if the bytes do not fit.
 */
export function decodeDeltaContent(content: Uint8Array, channels: number, resolution: number): number[][] | null {
  const refBytes = Math.ceil(resolution / 8);
  if (content.byteLength < channels * refBytes) return null;
  let previous: number[] = [];
  for (let c = 0; c < channels; c++) previous.push(signExtend(readUint(content, c * refBytes, refBytes), resolution));
  const samples = [previous];
  let o = channels * refBytes;
  while (o < content.byteLength) {
    if (o + 2 > content.byteLength) return null;
    const bitWidth = content[o]!;
    const count = content[o + 1]!;
    o += 2;
    if (bitWidth > 32) return null;
    const bytes = Math.ceil((bitWidth * count * channels) / 8);
    if (o + bytes > content.byteLength) return null;
    let bit = o * 8;
    for (let s = 0; s < count; s++) {
      const next: number[] = [];
      for (let c = 0; c < channels; c++) {
        let raw = 0;
        for (let b = 0; b < bitWidth; b++, bit++) if (content[bit >> 3]! & (1 << (bit & 7))) raw += 2 ** b;
        next.push(previous[c]! + signExtend(raw, bitWidth));
      }
      samples.push(next);
      previous = next;
    }
    o += bytes;
  }
  return samples;
}

/** Bits a signed integer needs in two's complement (0 for 0: a block of equal samples costs no bits). */
const signedBits = (value: number) => (value === 0 ? 0 : value > 0 ? Math.floor(Math.log2(value)) + 2 : Math.ceil(Math.log2(-value)) + 1);

/**
 * Delta-compresses samples (each `channels` integers) as a sensor does: the first as the reference,
 * the rest in blocks of at most `blockSamples`, each block's deltas in the fewest bits that hold them.
 */
export function encodeDeltaContent(samples: readonly (readonly number[])[], channels: number, resolution: number, blockSamples = 255): Uint8Array {
  const refBytes = Math.ceil(resolution / 8);
  const out: number[] = [];
  const first = samples[0];
  if (!first) return new Uint8Array(0);
  for (let c = 0; c < channels; c++) {
    const v = first[c]! < 0 ? first[c]! + 2 ** (refBytes * 8) : first[c]!;
    for (let i = 0; i < refBytes; i++) out.push(Math.floor(v / 256 ** i) & 0xff);
  }
  for (let start = 1; start < samples.length; start += blockSamples) {
    const block = samples.slice(start, start + blockSamples);
    const deltas = block.map((s, i) => s.map((v, c) => v - (samples[start + i - 1]![c] ?? 0)));
    // Never 1 bit: Polar's SDK sign-extends a 1-bit delta wrongly, so a sensor would not send one.
    const needed = Math.max(0, ...deltas.flat().map(signedBits));
    const width = needed === 1 ? 2 : needed;
    out.push(width, block.length);
    const bytes = new Uint8Array(Math.ceil((width * block.length * channels) / 8));
    let bit = 0;
    for (const d of deltas) {
      for (let c = 0; c < channels; c++) {
        const raw = d[c]! < 0 ? d[c]! + 2 ** width : d[c]!;
        for (let b = 0; b < width; b++, bit++) if (Math.floor(raw / 2 ** b) & 1) bytes[bit >> 3]! |= 1 << (bit & 7);
      }
    }
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

/** A data frame: `type`, 64-bit timestamp of the last sample, frame type byte, content. */
export function encodePmdFrame(type: number, timestampNs: bigint, frameType: number, content: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(PMD_FRAME_HEADER_BYTES + content.byteLength);
  bytes[0] = type;
  new DataView(bytes.buffer).setBigUint64(1, timestampNs, true);
  bytes[9] = frameType;
  bytes.set(content, PMD_FRAME_HEADER_BYTES);
  return bytes;
}

/**
 * Decodes an ACC or GYRO data frame to g or °/s. `factor` is the scale the start response gave for
 * this measurement type (1 if it gave none). The frame types, after AccData.kt and GyrData.kt:
 * - ACC raw 0, 1, 2: 8-, 16-, 24-bit signed counts in mg;
 * - ACC compressed 0 (0x80): 16-bit deltas, count × factor in g;
 * - ACC compressed 1 (0x81): 16-bit deltas, count × factor in mg;
 * - GYRO compressed 0 (0x80): 16-bit deltas, count × factor in °/s.
 * Anything else is an error value, never an exception.
 */
export function decodePmdImuFrame(bytes: Uint8Array, factor = 1): PmdFrameResult {
  if (bytes.byteLength < PMD_FRAME_HEADER_BYTES) return fail('too-short', `a PMD data frame has a ${PMD_FRAME_HEADER_BYTES}-byte header, got ${bytes.byteLength} bytes`, bytes);
  const type = bytes[0]! & TYPE_MASK;
  if (type !== PMD_TYPE.acc && type !== PMD_TYPE.gyro) return fail('unknown-type', `PMD data frame of measurement type ${type}, not ACC (2) or GYRO (5)`, bytes);
  const timestampNs = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(1, true);
  const frameType = bytes[9]! & 0x7f;
  const compressed = (bytes[9]! & PMD_COMPRESSED) !== 0;
  const content = bytes.subarray(PMD_FRAME_HEADER_BYTES);
  const name = type === PMD_TYPE.acc ? 'ACC' : 'GYRO';
  const frameName = `${compressed ? 'compressed' : 'raw'} frame type ${frameType}`;
  let samples: number[][] | null;
  let scale: number;
  if (compressed && frameType <= (type === PMD_TYPE.acc ? 1 : 0)) {
    samples = decodeDeltaContent(content, 3, 16);
    // ACC type 0 and GYRO type 0 come in the unit itself; ACC type 1 in mg.
    scale = type === PMD_TYPE.acc && frameType === 1 ? factor / 1000 : factor;
  } else if (!compressed && type === PMD_TYPE.acc && frameType <= 2) {
    const size = frameType + 1;
    if (content.byteLength === 0 || content.byteLength % (3 * size) !== 0) {
      return fail('bad-content', `${name} ${frameName} holds ${content.byteLength} bytes, not a whole number of ${3 * size}-byte samples`, bytes);
    }
    samples = [];
    for (let o = 0; o < content.byteLength; o += 3 * size) samples.push([0, 1, 2].map((c) => signExtend(readUint(content, o + c * size, size), 8 * size)));
    scale = 1 / 1000;
  } else {
    return fail('unsupported-frame', `${name} ${frameName} (byte 0x${bytes[9]!.toString(16)}) is not a format the hub reads`, bytes);
  }
  if (!samples) return fail('bad-content', `${name} ${frameName}: the delta-compressed content (${hex(content.subarray(0, 8))}…, ${content.byteLength} bytes) does not fit together`, bytes);
  if (!Number.isFinite(scale)) return fail('bad-content', `${name} scale factor ${factor} is not a number`, bytes);
  const values = new Float64Array(samples.length * 3);
  samples.forEach((s, i) => {
    values[3 * i] = s[0]! * scale;
    values[3 * i + 1] = s[1]! * scale;
    values[3 * i + 2] = s[2]! * scale;
  });
  return { ok: true, frame: { type, timestampNs, frameType, compressed, count: samples.length, values } };
}

/** The rate in `offered` nearest `wantedHz` (a tie goes to the faster), or undefined if none. */
export function nearestRate(offered: readonly number[], wantedHz: number): number | undefined {
  let best: number | undefined;
  for (const rate of offered) if (best === undefined || Math.abs(rate - wantedHz) < Math.abs(best - wantedHz) || (Math.abs(rate - wantedHz) === Math.abs(best - wantedHz) && rate > best)) best = rate;
  return best;
}

/** Verity Sense's capabilities (README and SdkModeExplained.md): 52 Hz normally, 26–416 Hz in SDK mode. */
export const VERITY_RATES_HZ = [52] as const;
export const VERITY_SDK_MODE_RATES_HZ = [26, 52, 104, 208, 416] as const;
export const VERITY_ACC_RANGES_G = [8] as const;
export const VERITY_SDK_MODE_ACC_RANGES_G = [2, 4, 8, 16] as const;
export const VERITY_GYRO_RANGES_DPS = [250, 500, 1000, 2000] as const;
export const VERITY_RESOLUTION_BITS = 16;
export const VERITY_CHANNELS = 3;
/** The specification's host set-up exchanges an ATT MTU of at least this before streaming. */
export const PMD_MIN_MTU = 232;
