import type { ImuReading } from '../hub/protocol/gatt.ts';
import type { RadioService } from '../hub/protocol/radio.ts';
import {
  DOT_ADVERTISED_NAMES,
  DOT_BATTERY_CHARACTERISTIC,
  DOT_BATTERY_SERVICE,
  DOT_CONFIGURATION_SERVICE,
  DOT_DEFAULT_RATE_HZ,
  DOT_DEVICE_CONTROL_CHARACTERISTIC,
  DOT_DEVICE_INFO_CHARACTERISTIC,
  DOT_DEVICE_REPORT_CHARACTERISTIC,
  DOT_LONG_PAYLOAD_CHARACTERISTIC,
  DOT_MEASUREMENT_CONTROL_CHARACTERISTIC,
  DOT_MEASUREMENT_SERVICE,
  DOT_MEDIUM_PAYLOAD_CHARACTERISTIC,
  DOT_ORIENTATION_RESET_CONTROL_CHARACTERISTIC,
  DOT_PAYLOAD_MODE,
  DOT_SHORT_PAYLOAD_CHARACTERISTIC,
  DOT_STREAMING_RATES_HZ,
  DOT_TIMESTAMP_WRAP_US,
  DOT_VISIT,
  STANDARD_GRAVITY,
  decodeDotDeviceControl,
  decodeDotMeasurementControl,
  dotPayloadModeName,
  encodeDotBattery,
  encodeDotCustomMode1,
  encodeDotDeviceControl,
  encodeDotDeviceInfo,
  encodeDotMeasurementControl,
  encodeDotRateQuantities,
  type DotDeviceControl,
} from '../hub/protocol/dot.ts';
import { SimulatedDevice, type DeviceLink, type DeviceOptions } from './device.ts';

/** The payload modes the simulator can put on the medium payload characteristic. */
const SIM_PAYLOAD_MODES: readonly number[] = [DOT_PAYLOAD_MODE.rateQuantities, DOT_PAYLOAD_MODE.customMode1];

export interface DotDeviceOptions extends Omit<DeviceOptions, 'config'> {
  /** Output rate at power-on, Hz (default the documented 60). */
  rateHz?: number;
  /**
   * The payload mode at power-on. The factory setting is not documented; the simulator starts in
   * Custom mode 1 so that a hub that forgets to choose its mode gets data it must refuse.
   */
  payloadMode?: number;
  /** Measuring at power-on, as a synchronised DOT is once the sync succeeds (§5.3.5). */
  measuring?: boolean;
  /** Keep the power-on payload mode whatever a start asks for: a sensor the hub cannot use. */
  keepsPayloadMode?: boolean;
  /** The sensor clock's reading at power-on, µs (default: the simulated clock's own): near 2³² it wraps within a test. */
  clockStartUs?: number;
  /** "XS-T01" (v1) or "XS-T02" (v2, the default). */
  productCode?: string;
}

/**
 * A virtual Movella DOT, byte for byte as the BLE Service Specification has it: the name "Movella DOT"
 * and no advertised service; the configuration (0x1000), measurement (0x2000) and battery (0x3000)
 * services on Movella's base UUID; the output rate set through the 32-byte device control and ignored
 * while measuring; a start or stop through the 3-byte measurement control, the payload mode taken on
 * start; one sample a notification on the medium payload characteristic, padded with zeros to 40
 * bytes, stamped with the sensor clock in µs that wraps at 2³²; the battery as level and charging
 * flag, notified when the level changes. Not simulated: the message service (recording,
 * synchronisation), the heading reset, and the report characteristic's reports.
 */
export class DotDevice extends SimulatedDevice {
  /** Every DOT advertises the same name; they are told apart by address. */
  override readonly name: string = DOT_ADVERTISED_NAMES[0];
  protected readonly data = { service: DOT_MEASUREMENT_SERVICE, characteristic: DOT_MEDIUM_PAYLOAD_CHARACTERISTIC };
  private outputRateHz: number;
  private payloadMode: number;
  private readonly keepsPayloadMode: boolean;
  private measuring: boolean;
  private readonly clockStartUs: number | undefined;
  private readonly productCode: string;
  private tag = 'Movella DOT';
  private filterProfile = 0;
  private batteryNotify = false;
  /** Every measurement control and output rate written, in order (for tests: what the hub wrote). */
  readonly writes: ({ kind: 'measurement'; measuring: boolean; payloadMode: number } | { kind: 'rate'; hz: number; applied: boolean })[] = [];

  constructor(options: DotDeviceOptions) {
    super({ ...options, mtu: options.mtu ?? 247 }, DOT_ADVERTISED_NAMES[0]);
    const rateHz = options.rateHz ?? DOT_DEFAULT_RATE_HZ;
    if (!(DOT_STREAMING_RATES_HZ as readonly number[]).includes(rateHz)) throw new RangeError(`a Movella DOT streams at ${DOT_STREAMING_RATES_HZ.join(', ')} Hz, not ${rateHz}`);
    this.outputRateHz = rateHz;
    this.payloadMode = options.payloadMode ?? DOT_PAYLOAD_MODE.customMode1;
    if (!SIM_PAYLOAD_MODES.includes(this.payloadMode)) throw new RangeError(`the simulated DOT streams only ${SIM_PAYLOAD_MODES.map(dotPayloadModeName).join(' and ')}`);
    this.keepsPayloadMode = options.keepsPayloadMode ?? false;
    this.measuring = options.measuring ?? false;
    this.clockStartUs = options.clockStartUs;
    this.productCode = options.productCode ?? 'XS-T02';
  }

  get rateHz(): number {
    return this.outputRateHz;
  }

  /** Whether it is measuring, and in which payload mode (for tests). */
  get measurement(): { measuring: boolean; payloadMode: number } {
    return { measuring: this.measuring, payloadMode: this.payloadMode };
  }

  /** Samples are taken only while measuring: until then none falls due. */
  protected override sampleIndexNow(): number {
    return this.measuring ? super.sampleIndexNow() : this.nextSampleIndex;
  }

  protected advertisedServices(): string[] {
    return [];
  }

  protected gattTable(): RadioService[] {
    return [
      {
        uuid: DOT_CONFIGURATION_SERVICE,
        characteristics: [
          { uuid: DOT_DEVICE_INFO_CHARACTERISTIC, properties: ['read'] },
          { uuid: DOT_DEVICE_CONTROL_CHARACTERISTIC, properties: ['read', 'write'] },
          { uuid: DOT_DEVICE_REPORT_CHARACTERISTIC, properties: ['notify'] },
        ],
      },
      {
        uuid: DOT_MEASUREMENT_SERVICE,
        characteristics: [
          { uuid: DOT_MEASUREMENT_CONTROL_CHARACTERISTIC, properties: ['read', 'write'] },
          { uuid: DOT_LONG_PAYLOAD_CHARACTERISTIC, properties: ['notify'] },
          { uuid: DOT_MEDIUM_PAYLOAD_CHARACTERISTIC, properties: ['notify'] },
          { uuid: DOT_SHORT_PAYLOAD_CHARACTERISTIC, properties: ['notify'] },
          { uuid: DOT_ORIENTATION_RESET_CONTROL_CHARACTERISTIC, properties: ['read', 'write'] },
        ],
      },
      { uuid: DOT_BATTERY_SERVICE, characteristics: [{ uuid: DOT_BATTERY_CHARACTERISTIC, properties: ['read', 'notify'] }] },
    ];
  }

  private deviceControl(): DotDeviceControl {
    return {
      powerSaving: { advertisingMin: 10, advertisingSec: 0, connectedMin: 30, connectedSec: 0 },
      tag: this.tag,
      outputRateHz: this.outputRateHz,
      filterProfile: this.filterProfile,
    };
  }

  protected readCharacteristic(service: string, characteristic: string): Uint8Array | null {
    if (service === DOT_CONFIGURATION_SERVICE && characteristic === DOT_DEVICE_INFO_CHARACTERISTIC) {
      return encodeDotDeviceInfo({
        address: this.address,
        firmware: { major: 2, minor: 6, revision: 0 },
        built: { year: 2023, month: 7, day: 14, hour: 12, minute: 0, second: 0 },
        softDeviceVersion: 7_002_000,
        serialNumber: BigInt(`0x${this.address.replace(/:/g, '')}`),
        productCode: this.productCode,
      });
    }
    if (service === DOT_CONFIGURATION_SERVICE && characteristic === DOT_DEVICE_CONTROL_CHARACTERISTIC) return encodeDotDeviceControl(this.deviceControl());
    if (service === DOT_MEASUREMENT_SERVICE && characteristic === DOT_MEASUREMENT_CONTROL_CHARACTERISTIC) {
      return encodeDotMeasurementControl({ measuring: this.measuring, payloadMode: this.payloadMode });
    }
    // 0x0008: "default status", no heading reset done.
    if (service === DOT_MEASUREMENT_SERVICE && characteristic === DOT_ORIENTATION_RESET_CONTROL_CHARACTERISTIC) return Uint8Array.of(0x08, 0x00);
    if (service === DOT_BATTERY_SERVICE && characteristic === DOT_BATTERY_CHARACTERISTIC) return encodeDotBattery(this.battery(), false);
    return null;
  }

  protected writeCharacteristic(service: string, characteristic: string, bytes: Uint8Array): string | null {
    if (service === DOT_CONFIGURATION_SERVICE && characteristic === DOT_DEVICE_CONTROL_CHARACTERISTIC) return this.writeDeviceControl(bytes);
    if (service === DOT_MEASUREMENT_SERVICE && characteristic === DOT_MEASUREMENT_CONTROL_CHARACTERISTIC) return this.writeMeasurementControl(bytes);
    if (service === DOT_MEASUREMENT_SERVICE && characteristic === DOT_ORIENTATION_RESET_CONTROL_CHARACTERISTIC) return bytes.byteLength === 2 ? null : 'the orientation reset control is 2 bytes';
    return `characteristic ${characteristic} cannot be written`;
  }

  private writeDeviceControl(bytes: Uint8Array): string | null {
    const decoded = decodeDotDeviceControl(bytes);
    if (!decoded.ok) return decoded.message;
    const { visit, control } = decoded;
    if (visit & DOT_VISIT.tagName && control.tag.length > 0) this.tag = control.tag;
    if (visit & DOT_VISIT.outputRate) {
      // "It cannot be changed after measurement or synchronization start."
      const applied = !this.measuring && (DOT_STREAMING_RATES_HZ as readonly number[]).includes(control.outputRateHz);
      this.writes.push({ kind: 'rate', hz: control.outputRateHz, applied });
      if (applied) this.outputRateHz = control.outputRateHz;
    }
    if (visit & DOT_VISIT.filterProfile && !this.measuring && control.filterProfile <= 1) this.filterProfile = control.filterProfile;
    return null;
  }

  private writeMeasurementControl(bytes: Uint8Array): string | null {
    const decoded = decodeDotMeasurementControl(bytes);
    if (!decoded.ok) return decoded.message;
    const { measuring, payloadMode } = decoded.control;
    this.writes.push({ kind: 'measurement', measuring, payloadMode });
    if (!measuring) {
      this.measuring = false;
      return null;
    }
    const mode = this.keepsPayloadMode ? this.payloadMode : payloadMode;
    if (!SIM_PAYLOAD_MODES.includes(mode)) return `the simulated DOT streams only ${SIM_PAYLOAD_MODES.map(dotPayloadModeName).join(' and ')}, not ${dotPayloadModeName(mode)}`;
    if (!this.measuring) {
      // Samples from the start on, not from power-on.
      this.measuring = true;
      this.nextSampleIndex = this.sampleIndexNow();
    }
    this.payloadMode = mode;
    return null;
  }

  protected override notifyOther(characteristic: string, enable: boolean): void {
    if (characteristic === DOT_BATTERY_CHARACTERISTIC) this.batteryNotify = enable;
  }

  /** Simulator's choice (not documented): the measurement stops when its central goes. */
  protected override linkEnded(): void {
    this.batteryNotify = false;
    this.measuring = false;
  }

  protected override batteryChanged(link: DeviceLink, percent: number): void {
    if (this.batteryNotify) this.notifyNow(link, DOT_BATTERY_SERVICE, DOT_BATTERY_CHARACTERISTIC, encodeDotBattery(percent, false));
  }

  protected samplesPerPacket(): number {
    return 1;
  }

  protected encodeSamples(firstIndex: number, readings: ImuReading[]): Uint8Array {
    const r = readings[0]!;
    const ownUs = this.sensor.timestampUs(firstIndex, this.outputRateHz);
    const sinceStartUs = this.clockStartUs === undefined ? ownUs : this.clockStartUs + ownUs - (this.sensor.clock.epochS ?? 0) * 1e6;
    const timestampUs = Math.round(sinceStartUs) % DOT_TIMESTAMP_WRAP_US;
    // A notification carries at most ATT_MTU − 3 bytes (Bluetooth Core, Vol 3 Part G 4.10): on a link
    // left at the minimum MTU of 23 the 40-byte payload is cut to 20.
    return this.payload(timestampUs, r).subarray(0, this.linkMtu - 3);
  }

  private payload(timestampUs: number, r: ImuReading): Uint8Array {
    if (this.payloadMode === DOT_PAYLOAD_MODE.rateQuantities) return encodeDotRateQuantities(timestampUs, r);
    // Custom mode 1: roll and pitch from gravity, no heading; free acceleration as if still.
    const roll = (Math.atan2(r.ay, r.az) * 180) / Math.PI;
    const pitch = (Math.atan2(-r.ax, Math.hypot(r.ay, r.az)) * 180) / Math.PI;
    const freeZ = (Math.hypot(r.ax, r.ay, r.az) - 1) * STANDARD_GRAVITY;
    return encodeDotCustomMode1(timestampUs, [roll, pitch, 0], [0, 0, freeZ], [r.gx, r.gy, r.gz]);
  }
}
