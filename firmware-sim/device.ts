import {
  BATTERY_LEVEL_CHARACTERISTIC,
  BATTERY_SERVICE,
  DEFAULT_SENSOR_CONFIG,
  DEVICE_INFORMATION_SERVICE,
  DEVICE_NAME_PREFIX,
  FIRMWARE_REVISION_CHARACTERISTIC,
  IMU_CONTROL_CHARACTERISTIC,
  SIM_PERSON_CHARACTERISTIC,
  decodeSimPersonInstruction,
  IMU_DATA_CHARACTERISTIC,
  MANUFACTURER_NAME_CHARACTERISTIC,
  MODEL_NUMBER_CHARACTERISTIC,
  SWIVEL_IMU_SERVICE,
  decodeSensorConfig,
  encodeBatteryLevel,
  encodeImuPacket,
  encodeSensorConfig,
  samplesPerNotification,
  type ImuReading,
  type SensorConfig,
  SIM_CONTROL_SERVICE,
} from '../hub/protocol/gatt.ts';
import {
  DISCONNECT_REASON,
  fromBase64,
  toBase64,
  type CentralRequest,
  type PeripheralMessage,
  type RadioService,
} from '../hub/protocol/radio.ts';
import type { ImuErrorOptions, SensorClock } from './imu.ts';
import { burstLoss, nextLost, type BurstLoss } from './loss.ts';
import type { ShinMotion } from './motion.ts';
import { isExerciseId, type ExerciseId } from './person/exercises.ts';
import type { Side } from './person/person.ts';
import { deriveSeed, seededRandom, type Random } from './random.ts';
import { SensorModel, type MountingChoice, type TimedTruthRep } from './sensor.ts';

/** One end of a radio link as the device sees it: messages to the central, and cutting the link. */
export interface DeviceLink {
  send(message: PeripheralMessage): void;
  /** Cut the link with no goodbye, like a sensor going out of range. */
  drop(): void;
}

export interface DeviceFaults {
  /** Long-run fraction of notifications lost on the air. Losses come in bursts (see loss.ts). */
  packetLoss: number;
  /** Mean length of a burst of lost notifications (default 3). */
  burstLength: number;
  /** Extra delay on every notification, ms. */
  latencyMs: number;
}

export interface DeviceOptions {
  /** BLE address, e.g. `5e:1f:00:00:00:01`; the name is `Swivel-` plus its last four hex digits. */
  address: string;
  /** Seed for the sensor (errors, clock, noise, a random mounting) and, unless `person` is given, the person. */
  seed?: number;
  /** The exercise the simulated person does (default seated-hip-ir). */
  exercise?: ExerciseId;
  /**
   * How fast the person and the sensor's clock run against real time (default 1). At 5 a 20-rep set
   * takes a fifth of the time: for tests and demos; everything the hub measures is in sensor time.
   */
  speed?: number;
  /** Seed for the person: body, range, tempo, rep-to-rep variation (default: `seed`). */
  person?: number;
  side?: Side;
  /**
   * The leg the sensor is strapped to, when the person wears one on each shin: told to exercise the
   * other leg, this one rests. Unset: the sensor follows the person to whichever side they are told.
   */
  shin?: Side;
  /** How the sensor sits on the shin: placement 0–23 (default 0, the standard one), 'random', or a full mounting. */
  mounting?: MountingChoice;
  imuErrors?: ImuErrorOptions;
  /** The sensor clock's rate error and jitter; `false` for a perfect clock. Default: from the seed. */
  clock?: SensorClock | false;
  config?: SensorConfig;
  /**
   * Firmware of another protocol version (our own profile only): its configuration says this version,
   * as a sensor with older or newer firmware would. Default: the version the hub reads.
   */
  protocolVersion?: number;
  batteryPercent?: number;
  /** Battery drain while streaming, percent per hour. */
  batteryDrainPerHour?: number;
  /** ATT MTU the device accepts; the link uses the smaller of this and the central's. */
  mtu?: number;
  /** BLE connection interval: notifications leave in bursts this far apart. */
  connectionIntervalMs?: number;
  rssi?: number;
  faults?: Partial<DeviceFaults>;
  /** A legacy one-angle motion instead of the person model (seated, shin hanging). */
  motion?: (t: number) => ShinMotion;
  now?: () => number;
}

export interface DeviceStats {
  notificationsSent: number;
  notificationsLost: number;
  malformedSent: number;
  samples: number;
}

const IMU_PROPERTIES = ['notify'];

/** The Bluetooth SIG's Battery (level, notified) and Device Information services, as a sensor of any make may have them. */
export const STANDARD_SERVICES: readonly RadioService[] = [
  { uuid: BATTERY_SERVICE, characteristics: [{ uuid: BATTERY_LEVEL_CHARACTERISTIC, properties: ['read', 'notify'] }] },
  {
    uuid: DEVICE_INFORMATION_SERVICE,
    characteristics: [
      { uuid: MANUFACTURER_NAME_CHARACTERISTIC, properties: ['read'] },
      { uuid: MODEL_NUMBER_CHARACTERISTIC, properties: ['read'] },
      { uuid: FIRMWARE_REVISION_CHARACTERISTIC, properties: ['read'] },
    ],
  },
];
const CONTROL_PROPERTIES = ['read', 'write'];

/**
 * A virtual sensor of any make: the person and the IMU on their shin, the sample clock, battery,
 * connection events, and faults on command. What it says on the air — name, GATT table, set-up
 * commands, packet format — is its subclass's (SwivelDevice below, WitmotionDevice in
 * witmotion-device.ts). It knows nothing of transport: a radio server (a process on a socket) or an
 * in-process radio hands it links and requests.
 */
export abstract class SimulatedDevice {
  readonly address: string;
  /** The leg the sensor is on, if the person wears two (see DeviceOptions.shin). */
  readonly shin: Side | undefined;
  /** Told to exercise the other leg: this one rests. */
  private resting = false;
  readonly name: string;
  readonly stats: DeviceStats = { notificationsSent: 0, notificationsLost: 0, malformedSent: 0, samples: 0 };
  faults: DeviceFaults;

  private readonly bootAt: number;
  protected readonly now: () => number;
  private readonly speed: number;
  private readonly random: Random;
  private readonly lossRandom: Random;
  private lossChannel: BurstLoss | null = null;
  private lossSettings = '';
  /** The person and the IMU on their shin. */
  readonly sensor: SensorModel;
  private readonly batteryStart: number;
  private readonly batteryDrainPerHour: number;
  private readonly deviceMtu: number;
  private readonly connectionIntervalMs: number;
  private readonly rssi: number;

  private central: DeviceLink | null = null;
  protected linkMtu = 23;
  private imuNotify = false;
  private lastBattery: number;
  private seq = 0;
  protected nextSampleIndex = 0;
  private streamTimer: ReturnType<typeof setInterval> | null = null;
  private outOfRangeUntil = 0;
  private dropNextCount = 0;
  private corruptNextCount = 0;
  private sendTimes = new Map<number, number>();

  constructor(options: DeviceOptions, namePrefix: string) {
    this.address = options.address.toLowerCase();
    this.shin = options.shin;
    this.name = `${namePrefix}${this.address.replace(/:/g, '').slice(-4).toUpperCase()}`;
    this.now = options.now ?? (() => performance.now());
    this.speed = options.speed ?? 1;
    this.bootAt = this.now();
    const seed = options.seed ?? 1;
    this.random = seededRandom(seed);
    this.lossRandom = seededRandom(deriveSeed(seed, 'air-loss'));
    this.sensor = new SensorModel({
      seed,
      ...(options.exercise ? { exercise: options.exercise } : {}),
      ...(options.person !== undefined ? { personSeed: options.person } : {}),
      ...(options.side ? { side: options.side } : {}),
      ...(options.mounting !== undefined ? { mounting: options.mounting } : {}),
      ...(options.imuErrors ? { errors: options.imuErrors } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.motion ? { motion: options.motion } : {}),
    });
    this.batteryStart = options.batteryPercent ?? 87;
    this.batteryDrainPerHour = options.batteryDrainPerHour ?? 6;
    this.lastBattery = this.batteryStart;
    this.deviceMtu = options.mtu ?? 247;
    this.connectionIntervalMs = options.connectionIntervalMs ?? 20;
    this.rssi = options.rssi ?? -58;
    this.faults = { packetLoss: 0, burstLength: 3, latencyMs: 0, ...options.faults };
  }

  get connected(): boolean {
    return this.central !== null;
  }

  /** What the simulated person is doing now (null for a fixed motion). */
  get exercise(): ExerciseId | null {
    return this.sensor.person?.spec.id ?? null;
  }

  /** True time (seconds since power-on) of the next sample to be sent: what the truth is known up to. */
  get trueTimeSent(): number {
    return this.sensor.trueTimeOf(this.nextSampleIndex, this.rateHz);
  }

  /** The rate the sensor samples at now. */
  protected abstract get rateHz(): number;
  /** Service UUIDs in its advertisement. */
  protected abstract advertisedServices(): string[];
  protected abstract gattTable(): RadioService[];

  /**
   * The simulator-only service through which the hub tells the person what to do (SIM_CONTROL_SERVICE),
   * for a device whose own table has no place for it (every make but ours); none without a person.
   */
  private simControlService(): RadioService[] {
    if (!this.sensor.person) return [];
    if (this.gattTable().some((service) => service.characteristics.some((c) => c.uuid === SIM_PERSON_CHARACTERISTIC))) return [];
    return [{ uuid: SIM_CONTROL_SERVICE, characteristics: [{ uuid: SIM_PERSON_CHARACTERISTIC, properties: ['write'] }] }];
  }
  protected abstract readCharacteristic(service: string, characteristic: string): Uint8Array | null;
  /** A write from the central on `link`: a problem to answer with, or null. */
  protected abstract writeCharacteristic(service: string, characteristic: string, bytes: Uint8Array, link: DeviceLink): string | null;
  /** Where samples are notified. */
  protected abstract readonly data: { service: string; characteristic: string };
  /** The central subscribed or unsubscribed a characteristic other than the data one. */
  protected notifyOther(_characteristic: string, _enable: boolean): void {}
  /** The link ended: subscriptions are gone. */
  protected linkEnded(): void {}
  /**
   * One notification holding the samples `firstIndex`, `firstIndex + 1`, … — or several, or none yet,
   * for a format that streams its measurements apart and in frames of its own (Polar PMD).
   */
  protected abstract encodeSamples(firstIndex: number, readings: ImuReading[]): Uint8Array | Uint8Array[];
  /** How many samples one notification holds at the current MTU. */
  protected abstract samplesPerPacket(): number;
  /** The battery level changed while connected. */
  protected batteryChanged(_link: DeviceLink, _percent: number): void {}

  private inRange(): boolean {
    return this.now() >= this.outOfRangeUntil;
  }

  /** Loses the next `count` notifications on the air (their sequence numbers are used up). */
  dropNext(count: number): void {
    this.dropNextCount += count;
  }

  /** Sends the next `count` notifications with a broken length, as a faulty radio might. */
  corruptNext(count: number): void {
    this.corruptNextCount += count;
  }

  /** Cuts the current link and stays out of range for `outOfRangeMs`. */
  loseLink(outOfRangeMs: number): void {
    this.outOfRangeUntil = this.now() + outOfRangeMs;
    const link = this.central;
    this.disconnect();
    link?.drop();
  }

  /**
   * The simulated person's truth so far, each rep's end as wall-clock time (ms since the epoch; with
   * the default clock, performance.now, as in the simulator process): what a soak of a hub in another
   * process compares the hub's counts with.
   */
  truth(): (Omit<TimedTruthRep, 'end'> & { endedAt: number })[] {
    const trueNow = ((this.now() - this.bootAt) / 1000) * this.speed;
    return this.sensor.truthUntil(trueNow).map(({ end, ...rep }) => ({ ...rep, endedAt: Math.round(performance.timeOrigin + this.bootAt + (end / this.speed) * 1000) }));
  }

  /** Wall-clock time (performance.now) at which the notification with this sequence number left. */
  sentAt(seq: number): number | undefined {
    return this.sendTimes.get(seq);
  }

  /** A link went away (socket closed): the central is gone. */
  linkClosed(link: DeviceLink): void {
    if (this.central === link) this.disconnect();
  }

  /** Answers one request from a central on `link`. */
  handle(link: DeviceLink, request: CentralRequest): void {
    if (!this.inRange()) return; // out of range: nothing reaches us, nothing comes back
    const reply = (message: PeripheralMessage) => link.send(message);
    const busy = this.central !== null && this.central !== link;
    switch (request.op) {
      case 'advertise':
        // A connected peripheral stops advertising, like most real sensors.
        if (!this.central) {
          reply({
            op: 'advertisement',
            id: request.id,
            address: this.address,
            localName: this.name,
            serviceUuids: this.advertisedServices(),
            rssi: this.currentRssi(),
            connectable: true,
          });
        }
        return;
      case 'connect':
        if (busy) {
          reply({ op: 'error', id: request.id, message: `${this.name} is already connected to another central` });
          return;
        }
        this.central = link;
        this.linkMtu = Math.max(23, Math.min(this.deviceMtu, request.mtu));
        reply({ op: 'connected', id: request.id, mtu: this.linkMtu });
        return;
      default:
        break;
    }
    if (this.central !== link) {
      reply({ op: 'error', id: request.id, message: `${this.name}: not connected` });
      return;
    }
    switch (request.op) {
      case 'disconnect':
        this.disconnect();
        reply({ op: 'disconnected', id: request.id, reason: DISCONNECT_REASON.localHostTerminated });
        return;
      case 'rssi':
        reply({ op: 'rssi', id: request.id, rssi: this.currentRssi() });
        return;
      case 'services':
        reply({ op: 'services', id: request.id, services: [...this.gattTable(), ...this.simControlService()] });
        return;
      case 'read': {
        const data = this.readCharacteristic(request.service, request.characteristic);
        if (data) reply({ op: 'read', id: request.id, service: request.service, characteristic: request.characteristic, data: toBase64(data) });
        else reply({ op: 'error', id: request.id, message: `characteristic ${request.characteristic} cannot be read` });
        return;
      }
      case 'write': {
        const problem =
          request.service === SIM_CONTROL_SERVICE && request.characteristic === SIM_PERSON_CHARACTERISTIC
            ? this.instructPerson(fromBase64(request.data))
            : this.writeCharacteristic(request.service, request.characteristic, fromBase64(request.data), link);
        if (problem) {
          reply({ op: 'error', id: request.id, message: problem });
          return;
        }
        reply({ op: 'write', id: request.id, service: request.service, characteristic: request.characteristic });
        return;
      }
      case 'notify':
        if (request.characteristic === this.data.characteristic) this.setImuNotify(request.enable);
        else this.notifyOther(request.characteristic, request.enable);
        reply({ op: 'notify', id: request.id, service: request.service, characteristic: request.characteristic, enable: request.enable });
        return;
    }
  }

  /**
   * The hub says which exercise and side come next: the person gets into its start position and
   * begins, from the first sample not yet taken. Returns a problem to report, or null.
   */
  protected instructPerson(bytes: Uint8Array): string | null {
    const decoded = decodeSimPersonInstruction(bytes);
    if (!decoded.ok) return decoded.message;
    const { exercise, side, resume } = decoded.instruction;
    if (!isExerciseId(exercise)) return `the simulated person does not know the exercise "${exercise}"`;
    if (!this.sensor.person) return 'this simulated sensor follows a fixed motion, not a person';
    const at = this.sensor.trueTimeOf(Math.max(this.nextSampleIndex, this.sampleIndexNow()), this.rateHz);
    const otherLeg = this.shin !== undefined && side !== this.shin;
    // Already doing it (or resting while the other leg does): carry on.
    if (resume && (otherLeg ? this.resting : !this.resting && this.sensor.person.spec.id === exercise && this.sensor.person.side === side)) return null;
    this.resting = otherLeg;
    if (otherLeg) {
      this.sensor.rest(at);
      return null;
    }
    this.sensor.startExercise(exercise, side, this.sensor.trueTimeOf(Math.max(this.nextSampleIndex, this.sampleIndexNow()), this.rateHz));
    return null;
  }

  private currentRssi(): number {
    return Math.round(this.rssi + 3 * this.random.normal());
  }

  protected battery(): number {
    const hours = (this.now() - this.bootAt) / 3_600_000;
    return Math.max(0, Math.round(this.batteryStart - hours * this.batteryDrainPerHour));
  }

  /** Samples the sensor has taken so far at the current rate (its clock may run a little fast or slow). */
  protected sampleIndexNow(): number {
    return this.sensor.samplesBy(((this.now() - this.bootAt) / 1000) * this.speed, this.rateHz);
  }

  /** Sends a notification now, outside the sample stream (a register reply, a battery level). */
  protected notifyNow(link: DeviceLink, service: string, characteristic: string, bytes: Uint8Array): void {
    link.send({ op: 'notification', service, characteristic, data: toBase64(bytes) });
  }

  private setImuNotify(enable: boolean): void {
    this.imuNotify = enable;
    if (enable && !this.streamTimer) {
      this.nextSampleIndex = this.sampleIndexNow();
      this.streamTimer = setInterval(() => this.connectionEvent(), this.connectionIntervalMs);
    } else if (!enable) {
      this.stopStreaming();
    }
  }

  private stopStreaming(): void {
    if (this.streamTimer) clearInterval(this.streamTimer);
    this.streamTimer = null;
    this.imuNotify = false;
  }

  protected disconnect(): void {
    this.central = null;
    this.linkEnded();
    this.stopStreaming();
  }

  /** One BLE connection event: send every sample that became due since the last one, batched by MTU. */
  private connectionEvent(): void {
    const link = this.central;
    if (!link || !this.imuNotify) return;
    const { rateHz } = this;
    const due = this.sampleIndexNow();
    const perPacket = this.samplesPerPacket();
    while (this.nextSampleIndex < due) {
      const count = Math.min(perPacket, due - this.nextSampleIndex);
      const firstIndex = this.nextSampleIndex;
      const readings: ImuReading[] = [];
      for (let i = 0; i < count; i++) readings.push(this.sensor.sample(firstIndex + i, rateHz).reading);
      this.nextSampleIndex += count;
      this.stats.samples += count;
      const encoded = this.encodeSamples(firstIndex, readings);
      for (const packet of Array.isArray(encoded) ? encoded : [encoded]) {
        this.sendImu(link, packet);
        this.seq = (this.seq + 1) & 0xffff;
      }
    }
    const battery = this.battery();
    if (battery !== this.lastBattery) {
      this.lastBattery = battery;
      this.batteryChanged(link, battery);
    }
  }

  /** Whether the central listens to the data characteristic. */
  protected get subscribed(): boolean {
    return this.imuNotify;
  }

  /** The sequence number of the next notification (the packet counter; a format may not carry it). */
  protected get nextSeq(): number {
    return this.seq;
  }

  /** The burst-loss channel, rebuilt whenever the loss settings change (the `loss P` command). */
  private lostOnAir(): boolean {
    const { packetLoss, burstLength } = this.faults;
    const settings = `${packetLoss}/${burstLength}`;
    if (!this.lossChannel || settings !== this.lossSettings) {
      this.lossChannel = burstLoss(packetLoss, burstLength);
      this.lossSettings = settings;
    }
    return nextLost(this.lossChannel, this.lossRandom);
  }

  private sendImu(link: DeviceLink, packet: Uint8Array): void {
    const seq = this.seq;
    if (this.dropNextCount > 0 || this.lostOnAir()) {
      if (this.dropNextCount > 0) this.dropNextCount--;
      this.stats.notificationsLost++;
      return;
    }
    let bytes = packet;
    if (this.corruptNextCount > 0) {
      this.corruptNextCount--;
      this.stats.malformedSent++;
      bytes = packet.subarray(0, packet.byteLength - 5);
    }
    const message: PeripheralMessage = { op: 'notification', service: this.data.service, characteristic: this.data.characteristic, data: toBase64(bytes) };
    const deliver = () => {
      if (this.central !== link) return;
      this.stats.notificationsSent++;
      // Kept for latency measurements; bounded so a long run does not grow memory.
      this.sendTimes.set(seq, performance.now());
      if (this.sendTimes.size > 4096) this.sendTimes.delete(this.sendTimes.keys().next().value!);
      link.send(message);
    };
    if (this.faults.latencyMs > 0) setTimeout(deliver, this.faults.latencyMs);
    else deliver();
  }

  /** Powers the device off: links dropped, timers stopped. */
  close(): void {
    const link = this.central;
    this.disconnect();
    link?.drop();
  }
}

/** A virtual Swivel sensor: our own GATT profile (docs/gatt.md), batching samples by MTU. */
export class SwivelDevice extends SimulatedDevice {
  private config: SensorConfig;
  private batteryNotify = false;
  protected readonly data = { service: SWIVEL_IMU_SERVICE, characteristic: IMU_DATA_CHARACTERISTIC };

  private readonly protocolVersion: number | undefined;

  constructor(options: DeviceOptions) {
    super(options, DEVICE_NAME_PREFIX);
    this.config = options.config ?? DEFAULT_SENSOR_CONFIG;
    this.protocolVersion = options.protocolVersion;
  }

  get sensorConfig(): SensorConfig {
    return this.config;
  }

  protected get rateHz(): number {
    return this.config.rateHz;
  }

  protected advertisedServices(): string[] {
    return [SWIVEL_IMU_SERVICE];
  }

  protected gattTable(): RadioService[] {
    return [
      {
        uuid: SWIVEL_IMU_SERVICE,
        characteristics: [
          { uuid: IMU_DATA_CHARACTERISTIC, properties: IMU_PROPERTIES },
          { uuid: IMU_CONTROL_CHARACTERISTIC, properties: CONTROL_PROPERTIES },
          // Simulator only: the hub tells the simulated person which exercise comes next.
          ...(this.sensor.person ? [{ uuid: SIM_PERSON_CHARACTERISTIC, properties: ['write'] }] : []),
        ],
      },
      ...STANDARD_SERVICES,
    ];
  }

  protected readCharacteristic(service: string, characteristic: string): Uint8Array | null {
    const text = (s: string) => new TextEncoder().encode(s);
    if (service === SWIVEL_IMU_SERVICE && characteristic === IMU_CONTROL_CHARACTERISTIC) {
      const value = encodeSensorConfig(this.config);
      if (this.protocolVersion !== undefined) value[0] = this.protocolVersion;
      return value;
    }
    if (service === BATTERY_SERVICE && characteristic === BATTERY_LEVEL_CHARACTERISTIC) return encodeBatteryLevel(this.battery());
    if (service === DEVICE_INFORMATION_SERVICE) {
      if (characteristic === MANUFACTURER_NAME_CHARACTERISTIC) return text('Swivel (simulated)');
      if (characteristic === MODEL_NUMBER_CHARACTERISTIC) return text('SW-1 shin sensor simulator');
      if (characteristic === FIRMWARE_REVISION_CHARACTERISTIC) return text('0.1.0-sim');
    }
    return null;
  }

  protected writeCharacteristic(service: string, characteristic: string, bytes: Uint8Array): string | null {
    if (service === SWIVEL_IMU_SERVICE && characteristic === SIM_PERSON_CHARACTERISTIC) return this.instructPerson(bytes);
    if (service === SWIVEL_IMU_SERVICE && characteristic === IMU_CONTROL_CHARACTERISTIC) {
      const decoded = decodeSensorConfig(bytes);
      if (!decoded.ok) return decoded.message;
      this.config = decoded.config;
      this.nextSampleIndex = this.sampleIndexNow();
    }
    return null;
  }

  protected override notifyOther(characteristic: string, enable: boolean): void {
    if (characteristic === BATTERY_LEVEL_CHARACTERISTIC) this.batteryNotify = enable;
  }

  protected override linkEnded(): void {
    this.batteryNotify = false;
  }

  protected samplesPerPacket(): number {
    return samplesPerNotification(this.linkMtu);
  }

  protected encodeSamples(firstIndex: number, readings: ImuReading[]): Uint8Array {
    const timestampUs = this.sensor.timestampUs(firstIndex, this.config.rateHz);
    return encodeImuPacket({ seq: this.nextSeq, timestampUs, config: this.config, readings });
  }

  protected override batteryChanged(link: DeviceLink, percent: number): void {
    if (this.batteryNotify) this.notifyNow(link, BATTERY_SERVICE, BATTERY_LEVEL_CHARACTERISTIC, encodeBatteryLevel(percent));
  }
}
