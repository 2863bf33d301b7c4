import type { ImuReading } from '../hub/protocol/gatt.ts';
import type { RadioService } from '../hub/protocol/radio.ts';
import {
  WITMOTION_DEFAULT_RATE_HZ,
  WITMOTION_NOTIFY_CHARACTERISTIC,
  WITMOTION_SERVICE,
  WITMOTION_WRITE_CHARACTERISTIC,
  WIT_REGISTER,
  WIT_UNLOCK_KEY,
  decodeWitCommand,
  encodeWitmotionReading,
  encodeWitmotionRegisters,
  witmotionBatteryRegister,
  witmotionRateCode,
  witmotionRateHz,
} from '../hub/protocol/witmotion.ts';
import { SimulatedDevice, type DeviceLink, type DeviceOptions } from './device.ts';

export const WITMOTION_SIM_NAME_PREFIX = 'WT901BLE';
/** Configuration commands must follow the unlock within this long (WitMotion standard protocol). */
export const WITMOTION_UNLOCK_MS = 10_000;
/** What the simulated module answers for the version register. */
const SIM_VERSION = 0x1234;

export interface WitmotionDeviceOptions extends Omit<DeviceOptions, 'config' | 'mtu'> {
  /** Output rate at power-on, Hz (default the documented 10). */
  rateHz?: number;
}

/**
 * A virtual WitMotion BLE 5.0 module (WT901BLECL / WT9011DCL family), byte for byte as documented: a
 * name starting "WT" and no advertised service, the FFE5 service on WitMotion's own base UUID, one
 * 20-byte 0x55 0x61 packet per sample (no sequence number, no timestamp) at 0.2–200 Hz, register
 * commands `FF AA reg lo hi` written without response, configuration ignored unless unlocked in the
 * last 10 s, and register reads answered with 0x55 0x71 packets on the data characteristic.
 */
export class WitmotionDevice extends SimulatedDevice {
  protected readonly data = { service: WITMOTION_SERVICE, characteristic: WITMOTION_NOTIFY_CHARACTERISTIC };
  private rateCode: number;
  private unlockedUntil = -Infinity;
  /** Rate codes written and not saved are lost at power-off; the simulator just remembers the last save. */
  savedRateCode: number;
  /** Every register command received, in order (for tests: what the hub wrote). */
  readonly commands: { register: number; value: number }[] = [];

  constructor(options: WitmotionDeviceOptions) {
    // 20-byte packets: the module never uses a larger MTU.
    super({ ...options, mtu: 23 }, WITMOTION_SIM_NAME_PREFIX);
    const rateHz = options.rateHz ?? WITMOTION_DEFAULT_RATE_HZ;
    const code = witmotionRateCode(rateHz);
    if (code === undefined) throw new RangeError(`a WitMotion module has no ${rateHz} Hz output rate`);
    this.rateCode = code;
    this.savedRateCode = code;
  }

  get rateHz(): number {
    return witmotionRateHz(this.rateCode)!;
  }

  protected advertisedServices(): string[] {
    return [];
  }

  protected gattTable(): RadioService[] {
    return [
      {
        uuid: WITMOTION_SERVICE,
        characteristics: [
          { uuid: WITMOTION_NOTIFY_CHARACTERISTIC, properties: ['notify'] },
          { uuid: WITMOTION_WRITE_CHARACTERISTIC, properties: ['writeWithoutResponse'] },
        ],
      },
    ];
  }

  protected readCharacteristic(): Uint8Array | null {
    return null; // nothing readable: registers are read by command
  }

  /** Written without response: whatever the bytes, the link layer takes them, and a bad command is ignored. */
  protected writeCharacteristic(service: string, characteristic: string, bytes: Uint8Array, link: DeviceLink): string | null {
    if (service !== WITMOTION_SERVICE || characteristic !== WITMOTION_WRITE_CHARACTERISTIC) return null;
    const command = decodeWitCommand(bytes);
    if (!command.ok) return null;
    const { register, value } = command;
    this.commands.push({ register, value });
    const unlocked = this.now() < this.unlockedUntil;
    if (register === WIT_REGISTER.key) {
      if (value === WIT_UNLOCK_KEY) this.unlockedUntil = this.now() + WITMOTION_UNLOCK_MS;
    } else if (register === WIT_REGISTER.readAddress) {
      if (this.subscribed) this.notifyNow(link, WITMOTION_SERVICE, WITMOTION_NOTIFY_CHARACTERISTIC, encodeWitmotionRegisters(value, this.registers(value)));
    } else if (register === WIT_REGISTER.rate && unlocked && witmotionRateHz(value) !== undefined) {
      this.rateCode = value;
      this.nextSampleIndex = this.sampleIndexNow();
    } else if (register === WIT_REGISTER.save && unlocked && value === 0) {
      this.savedRateCode = this.rateCode;
    }
    return null;
  }

  /** Eight registers from `start`, as the module would answer. */
  private registers(start: number): number[] {
    const value = (register: number) => {
      if (register === WIT_REGISTER.rate) return this.rateCode;
      if (register === WIT_REGISTER.battery) return witmotionBatteryRegister(this.battery());
      if (register === WIT_REGISTER.version) return SIM_VERSION;
      return 0;
    };
    return Array.from({ length: 8 }, (_, i) => value(start + i));
  }

  protected samplesPerPacket(): number {
    return 1;
  }

  protected encodeSamples(_firstIndex: number, readings: ImuReading[]): Uint8Array {
    const r = readings[0]!;
    // The module's own angles (the hub ignores them): roll and pitch from gravity, no heading.
    const rollDeg = (Math.atan2(r.ay, r.az) * 180) / Math.PI;
    const pitchDeg = (Math.atan2(-r.ax, Math.hypot(r.ay, r.az)) * 180) / Math.PI;
    return encodeWitmotionReading({ ...r, rollDeg, pitchDeg, yawDeg: 0 });
  }
}
