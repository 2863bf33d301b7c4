import {
  BATTERY_LEVEL_CHARACTERISTIC,
  BATTERY_SERVICE,
  DEVICE_INFORMATION_SERVICE,
  FIRMWARE_REVISION_CHARACTERISTIC,
  MANUFACTURER_NAME_CHARACTERISTIC,
  MODEL_NUMBER_CHARACTERISTIC,
  encodeBatteryLevel,
  type ImuReading,
} from '../hub/protocol/gatt.ts';
import {
  PMD_COMPRESSED,
  PMD_CONTROL_POINT,
  PMD_DATA,
  PMD_FRAME_HEADER_BYTES,
  PMD_OP,
  PMD_SERVICE,
  PMD_STATUS_CODE,
  PMD_TYPE,
  PMD_MIN_MTU,
  VERITY_ACC_RANGES_G,
  VERITY_CHANNELS,
  VERITY_DEFAULT_TIME_NS,
  VERITY_GYRO_RANGES_DPS,
  VERITY_RATES_HZ,
  VERITY_RESOLUTION_BITS,
  VERITY_SDK_MODE_ACC_RANGES_G,
  VERITY_SDK_MODE_RATES_HZ,
  decodePmdRequest,
  encodeDeltaContent,
  encodePmdFeatures,
  encodePmdFrame,
  encodePmdResponse,
  encodePmdSettings,
  type PmdSettings,
} from '../hub/protocol/polar-pmd.ts';
import type { RadioService } from '../hub/protocol/radio.ts';
import { STANDARD_SERVICES, SimulatedDevice, type DeviceLink, type DeviceOptions } from './device.ts';

export const POLAR_SIM_NAME_PREFIX = 'Polar Sense ';
/**
 * Samples a frame holds: the specification's Verity Sense ACC example is a reference sample and 29
 * deltas. Fewer if they do not fit the MTU.
 */
const FRAME_SAMPLES = 30;

export interface PolarDeviceOptions extends Omit<DeviceOptions, 'config'> {
  /** Polar's SDK mode: 26–416 Hz and ±2–16 g instead of 52 Hz and ±8 g (SdkModeExplained.md). Default off. */
  sdkMode?: boolean;
  /** A Polar sensor without a gyroscope stream (as the OH1 or the H10 straps): no GYRO in its features. Default false. */
  withoutGyro?: boolean;
}

interface RunningStream {
  rateHz: number;
  range: number;
  /** Counts per unit: the reciprocal of the factor the start response gave. */
  perUnit: number;
  /** The first sample index this stream sends. */
  fromIndex: number;
  /** Samples taken and not yet sent: index and x, y, z in counts. */
  pending: { index: number; counts: number[] }[];
}

const clampInt16 = (value: number) => Math.max(-32768, Math.min(32767, Math.round(value)));

/**
 * A virtual Polar Verity Sense, byte for byte as Polar's SDK reads one: a name `Polar Sense …`, the
 * PMD service with its control point (read: feature bits; write: requests; answers `F0 …` notified
 * on it, with error statuses for bad requests) and data characteristic, Battery and Device
 * Information. ACC and GYRO stream separately once each is started, at 52 Hz (26–416 Hz in SDK mode),
 * in delta-compressed frames of 30 samples (frame type 0x80, 16-bit reference sample, deltas in the fewest bits)
 * stamped with the sensor time of their last sample: ns since 2000-01-01, counting from Verity's
 * default time. Both streams run at the same rate here (a real one could run them at two).
 */
export class PolarDevice extends SimulatedDevice {
  protected readonly data = { service: PMD_SERVICE, characteristic: PMD_DATA };
  readonly sdkMode: boolean;
  private readonly withoutGyro: boolean;
  private controlPointNotify = false;
  private batteryNotify = false;
  private readonly streams = new Map<number, RunningStream>();
  /** Every control point request received, in order, as hex (for tests: what the hub wrote). */
  readonly requests: string[] = [];

  constructor(options: PolarDeviceOptions) {
    super(options, POLAR_SIM_NAME_PREFIX);
    this.sdkMode = options.sdkMode ?? false;
    this.withoutGyro = options.withoutGyro ?? false;
  }

  /** The rate both streams run at; the default while none runs. */
  get rateHz(): number {
    return this.streams.values().next().value?.rateHz ?? VERITY_RATES_HZ[0];
  }

  /** Which measurements stream now, by PMD type. */
  get running(): number[] {
    return [...this.streams.keys()];
  }

  private offered(type: number): PmdSettings | null {
    const sampleRate = [...(this.sdkMode ? VERITY_SDK_MODE_RATES_HZ : VERITY_RATES_HZ)];
    const channels = [VERITY_CHANNELS];
    if (type === PMD_TYPE.acc) return { sampleRate, resolution: [VERITY_RESOLUTION_BITS], range: [...(this.sdkMode ? VERITY_SDK_MODE_ACC_RANGES_G : VERITY_ACC_RANGES_G)], channels };
    if (type === PMD_TYPE.gyro && !this.withoutGyro) return { sampleRate, resolution: [VERITY_RESOLUTION_BITS], range: [...VERITY_GYRO_RANGES_DPS], channels };
    return null;
  }

  protected advertisedServices(): string[] {
    return []; // not documented; the hub finds it by name
  }

  protected gattTable(): RadioService[] {
    return [
      {
        uuid: PMD_SERVICE,
        characteristics: [
          { uuid: PMD_CONTROL_POINT, properties: ['read', 'write', 'indicate'] },
          { uuid: PMD_DATA, properties: ['notify'] },
        ],
      },
      ...STANDARD_SERVICES,
    ];
  }

  protected readCharacteristic(service: string, characteristic: string): Uint8Array | null {
    const text = (s: string) => new TextEncoder().encode(s);
    // Verity Sense's PMD measurements (README): PPG, PPI, ACC, GYRO, magnetometer.
    if (characteristic === PMD_CONTROL_POINT) {
      // 17 bytes, as the specification's Verity Sense example: 0F 6E and zeros.
      const features = new Uint8Array(17);
      features.set(encodePmdFeatures([PMD_TYPE.ppg, PMD_TYPE.acc, PMD_TYPE.ppi, ...(this.withoutGyro ? [] : [PMD_TYPE.gyro]), PMD_TYPE.magnetometer]));
      return features;
    }
    if (service === BATTERY_SERVICE && characteristic === BATTERY_LEVEL_CHARACTERISTIC) return encodeBatteryLevel(this.battery());
    if (service === DEVICE_INFORMATION_SERVICE) {
      if (characteristic === MANUFACTURER_NAME_CHARACTERISTIC) return text('Polar Electro Oy');
      if (characteristic === MODEL_NUMBER_CHARACTERISTIC) return text('Polar Sense (simulated)');
      if (characteristic === FIRMWARE_REVISION_CHARACTERISTIC) return text('2.1.0-sim');
    }
    return null;
  }

  protected writeCharacteristic(service: string, characteristic: string, bytes: Uint8Array, link: DeviceLink): string | null {
    if (service !== PMD_SERVICE || characteristic !== PMD_CONTROL_POINT) return `characteristic ${characteristic} cannot be written`;
    this.requests.push([...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '));
    const answer = (op: number, type: number, status: number, parameters: Uint8Array = new Uint8Array(0)) => {
      if (this.controlPointNotify) this.notifyNow(link, PMD_SERVICE, PMD_CONTROL_POINT, encodePmdResponse({ op, type, status, more: false, parameters }));
    };
    const request = decodePmdRequest(bytes);
    if (!request.ok) {
      answer(request.op, request.type, request.status);
      return null;
    }
    const { op, type, settings } = request;
    const offered = this.offered(type);
    // Polar's SDK sends requests only with both characteristics subscribed; the sensor will not stream without.
    if (!this.subscribed) return answer(op, type, PMD_STATUS_CODE.invalidState), null;
    if (!offered) return answer(op, type, type > 15 ? PMD_STATUS_CODE.invalidMeasurementType : PMD_STATUS_CODE.notSupported), null;
    if (op === PMD_OP.getSettings) {
      answer(op, type, PMD_STATUS_CODE.success, encodePmdSettings(offered));
    } else if (op === PMD_OP.stop) {
      if (!this.streams.delete(type)) return answer(op, type, PMD_STATUS_CODE.alreadyInState), null;
      answer(op, type, PMD_STATUS_CODE.success);
    } else {
      const [rateHz] = settings.sampleRate ?? [];
      const [resolution] = settings.resolution ?? [];
      const [range] = settings.range ?? [];
      const [channels] = settings.channels ?? [VERITY_CHANNELS];
      const other = [...this.streams.entries()].find(([t]) => t !== type)?.[1];
      let status: number = PMD_STATUS_CODE.success;
      if (this.streams.has(type)) status = PMD_STATUS_CODE.alreadyInState;
      else if (rateHz === undefined || !offered.sampleRate!.includes(rateHz) || (other && other.rateHz !== rateHz)) status = PMD_STATUS_CODE.invalidSampleRate;
      else if (resolution === undefined || !offered.resolution!.includes(resolution)) status = PMD_STATUS_CODE.invalidResolution;
      else if (range === undefined || !offered.range!.includes(range)) status = PMD_STATUS_CODE.invalidRange;
      else if (channels !== VERITY_CHANNELS) status = PMD_STATUS_CODE.invalidChannels;
      // The specification's host exchanges an MTU of at least 232 first; a frame would not fit a smaller one.
      else if (this.linkMtu < PMD_MIN_MTU) status = PMD_STATUS_CODE.invalidMtu;
      if (status !== PMD_STATUS_CODE.success) return answer(op, type, status), null;
      // One count is range / 2^15: full scale in 16 bits. The factor says so, as a float32.
      const factor = range! / 32768;
      const first = this.streams.size === 0;
      const stream: RunningStream = { rateHz: rateHz!, range: range!, perUnit: 1 / Math.fround(factor), fromIndex: 0, pending: [] };
      this.streams.set(type, stream);
      // Sample indices count at the running rate, which the first stream has just set.
      stream.fromIndex = first ? this.sampleIndexNow() : Math.max(this.nextSampleIndex, this.sampleIndexNow());
      if (first) this.nextSampleIndex = stream.fromIndex;
      answer(op, type, PMD_STATUS_CODE.success, encodePmdSettings({ factor }));
    }
    return null;
  }

  protected override notifyOther(characteristic: string, enable: boolean): void {
    if (characteristic === PMD_CONTROL_POINT) this.controlPointNotify = enable;
    if (characteristic === BATTERY_LEVEL_CHARACTERISTIC) this.batteryNotify = enable;
  }

  /** A Verity Sense stops streaming when the link goes. */
  protected override linkEnded(): void {
    this.controlPointNotify = false;
    this.batteryNotify = false;
    this.streams.clear();
  }

  protected override batteryChanged(link: DeviceLink, percent: number): void {
    if (this.batteryNotify) this.notifyNow(link, BATTERY_SERVICE, BATTERY_LEVEL_CHARACTERISTIC, encodeBatteryLevel(percent));
  }

  protected samplesPerPacket(): number {
    return 1024; // frames are cut in encodeSamples
  }

  /** Takes the samples into each running stream, and sends the frames that are full. */
  protected encodeSamples(firstIndex: number, readings: ImuReading[]): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const [type, stream] of this.streams) {
      readings.forEach((r, i) => {
        const index = firstIndex + i;
        if (index < stream.fromIndex) return;
        const xyz = type === PMD_TYPE.acc ? [r.ax, r.ay, r.az] : [r.gx, r.gy, r.gz];
        stream.pending.push({ index, counts: xyz.map((v) => clampInt16(v * stream.perUnit)) });
      });
      while (stream.pending.length >= FRAME_SAMPLES) frames.push(this.frame(type, stream, FRAME_SAMPLES));
    }
    return frames;
  }

  /** One delta-compressed frame of up to `wanted` pending samples, as many as the MTU lets through. */
  private frame(type: number, stream: RunningStream, wanted: number): Uint8Array {
    const payload = this.linkMtu - 3;
    for (let n = wanted; ; n = Math.max(1, Math.floor(n / 2))) {
      const samples = stream.pending.slice(0, n);
      const last = samples.at(-1)!;
      const timestampNs = VERITY_DEFAULT_TIME_NS + BigInt(Math.round(this.sensor.timestampUs(last.index, stream.rateHz) * 1000));
      const content = encodeDeltaContent(samples.map((s) => s.counts), 3, VERITY_RESOLUTION_BITS);
      if (PMD_FRAME_HEADER_BYTES + content.byteLength <= payload || n === 1) {
        stream.pending.splice(0, n);
        return encodePmdFrame(type, timestampNs, PMD_COMPRESSED | 0, content);
      }
    }
  }
}
