import type { EventEmitter } from 'node:events';
import type { Peripheral } from '@abandonware/noble';
import type { NobleCentral } from '@abandonware/noble/with-bindings.js';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { SIM_CONTROL_SERVICE, SIM_PERSON_CHARACTERISTIC, encodeSimPersonInstruction, type SampleRateHz, type SimPersonInstruction } from '../protocol/gatt.ts';
import type { LinkState, SensorInfo } from '../protocol/messages.ts';
import type { LinkEvent, SensorEvent } from '../pipeline/events.ts';
import { BleCentral } from './ble-central.ts';
import { UnusableSensorError, listen, scanFilterOf, type ProfileConnection, type ProfileLink, type SensorProfile } from './sensor-profile.ts';
import { swivelProfile } from './swivel-profile.ts';
import { witmotionProfile } from './witmotion-profile.ts';
import { dotProfile } from './dot-profile.ts';
import { polarProfile } from './polar-profile.ts';

export type { SensorEvent, LinkEvent };

export interface SensorLinkTimings {
  connectMs: number;
  gattMs: number;
  rssiEveryMs: number;
  backoffStartMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_TIMINGS: SensorLinkTimings = { connectMs: 10_000, gattMs: 5_000, rssiEveryMs: 2_000, backoffStartMs: 250, backoffMaxMs: 5_000 };

export interface SensorLinkDeps {
  /** A noble bindings object: the real adapter's or the simulated radio's. */
  bindings: EventEmitter;
  /** The central shared with the hub's other sensor links (default: one of its own on `bindings`). */
  central?: BleCentral;
  /** Name of this sensor slot in the hub's messages. */
  sensorId?: string;
  /** Sample rate to ask the sensor for on every connection; unset keeps the sensor's own. */
  rateHz?: SampleRateHz;
  timings?: Partial<SensorLinkTimings>;
  log?: (line: string) => void;
  /** The kinds of sensor to look for (default: every profile the hub knows, `SENSOR_PROFILES`). */
  profiles?: readonly SensorProfile[];
  /** The bindings are the simulated radio's: simulated sensors may carry the simulator's control service. */
  simulatedRadio?: boolean;
}

/** Every kind of sensor the hub can use, in order of preference when several are in range at once. */
export const SENSOR_PROFILES: readonly SensorProfile[] = [swivelProfile, witmotionProfile, dotProfile, polarProfile];

/** A sensor found unusable is tried again after this long (the person may have changed its mode or firmware), ms. */
const UNUSABLE_RETRY_MS = 30_000;

class LinkLostError extends Error {}
class StoppedError extends Error {}

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

/**
 * One sensor over noble, of any kind a profile describes (sensor-profile.ts): scan, stop scanning,
 * connect, discover, set up, subscribe; when the link drops, find the sensor again with capped backoff, re-discover and re-attach
 * listeners (noble hands out new characteristic objects after a reconnect). noble's *Async calls can
 * hang forever once the link is gone, so each one is raced against the disconnect and a timeout.
 */
export class SensorLink {
  readonly sensorId: string;
  private readonly central: BleCentral;
  private readonly noble: NobleCentral;
  private readonly timings: SensorLinkTimings;
  private readonly log: (line: string) => void;
  private readonly rateHz: SampleRateHz | undefined;
  private readonly profiles: readonly SensorProfile[];
  private readonly simulatedRadio: boolean;
  private readonly eventsSubject = new Subject<SensorEvent>();
  private readonly linkSubject: BehaviorSubject<LinkEvent>;
  private stopController: AbortController | null = null;
  private running: Promise<void> | null = null;
  private info: SensorInfo | null = null;
  private knownPeripheralId: string | null = null;
  private linkEpoch = 0;
  /** While connected to a simulated sensor: tells its person what to do (see SIM_PERSON_CHARACTERISTIC). */
  private writeSimPerson: ((bytes: Uint8Array) => Promise<unknown>) | null = null;
  /** Sensors found but not usable as they are (peripheral id → why, and until when they are left alone). */
  private readonly unusable = new Map<string, { message: string; until: number }>();
  /** What the simulated person was last told: told again, to resume, on every new connection. */
  private lastInstruction: SimPersonInstruction | null = null;

  /** Every event, in order. */
  readonly events$: Observable<SensorEvent>;
  /** The current link state, replayed to each new subscriber. */
  readonly link$: Observable<LinkEvent>;

  constructor(deps: SensorLinkDeps) {
    this.sensorId = deps.sensorId ?? 'sensor-1';
    this.central = deps.central ?? new BleCentral(deps.bindings, deps.log);
    this.noble = this.central.noble;
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.log = deps.log ?? (() => {});
    this.rateHz = deps.rateHz;
    this.profiles = deps.profiles ?? SENSOR_PROFILES;
    this.simulatedRadio = deps.simulatedRadio ?? false;
    this.linkSubject = new BehaviorSubject<LinkEvent>(this.linkEvent('idle', 'not started'));
    this.events$ = this.eventsSubject.asObservable();
    this.link$ = this.linkSubject.asObservable();
  }

  get currentLink(): LinkEvent {
    return this.linkSubject.value;
  }

  start(signal?: AbortSignal): void {
    if (this.running) return;
    const controller = new AbortController();
    this.stopController = controller;
    signal?.addEventListener('abort', () => controller.abort(), { once: true });
    this.running = this.run(controller.signal).catch((error) => {
      this.log(`sensor link stopped by an unexpected error: ${asError(error).stack}`);
      this.setLink('stopped', `stopped: ${asError(error).message}`);
    });
  }

  /**
   * The person disconnects the sensor from the dashboard (to swap it, or to let a phone app have it):
   * the link closes and stays idle, the streams go on, until `connect()` scans for a sensor again.
   * (Not `disconnect`: that is the private step that closes one connection.)
   */
  async disconnectByPerson(): Promise<void> {
    if (!this.running) return;
    this.stopController?.abort();
    await this.running;
    this.running = null;
    // Any sensor may be the next one: the person may be swapping it, or have fixed one we could not use.
    this.knownPeripheralId = null;
    this.unusable.clear();
    this.central.release(this.sensorId);
    this.setLink('idle', 'disconnected from the dashboard; connect to scan for a sensor again');
  }

  /** Scans and connects again after `disconnectByPerson()` (nothing if the link is already running). */
  connect(): void {
    this.start();
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Disconnects the sensor and ends the streams. */
  async stop(): Promise<void> {
    this.stopController?.abort();
    await this.running;
    this.running = null;
    this.central.release(this.sensorId);
    this.eventsSubject.complete();
    this.linkSubject.complete();
  }

  /**
   * A simulated sensor's person is told which exercise and side come next, as a dashboard tells a
   * real person. A real sensor has no such characteristic, and then this does nothing. Never throws:
   * a failed instruction is logged, and the simulator just goes on with what it was doing.
   */
  async instructSimulatedPerson(instruction: SimPersonInstruction): Promise<void> {
    this.lastInstruction = instruction;
    const write = this.writeSimPerson;
    if (!write) return;
    try {
      await write(encodeSimPersonInstruction(instruction));
    } catch (error) {
      this.log(`${this.sensorId}: could not tell the simulated person to do ${instruction.exercise} (${(error as Error).message})`);
    }
  }

  private linkEvent(state: LinkState, detail: string): LinkEvent {
    return { kind: 'link', sensorId: this.sensorId, state, detail, info: this.info, at: Date.now() };
  }

  private setLink(state: LinkState, detail: string): void {
    const current = this.linkSubject.value;
    if (current.state === state && current.detail === detail) return;
    const event = this.linkEvent(state, detail);
    this.log(`${this.sensorId}: ${state}, ${detail}`);
    this.linkSubject.next(event);
    this.eventsSubject.next(event);
  }

  private async run(signal: AbortSignal): Promise<void> {
    await this.poweredOn(signal);
    let failures = 0;
    let everConnected = false;
    while (!signal.aborted) {
      try {
        await this.session(signal, everConnected, () => {
          everConnected = true;
          failures = 0;
        });
      } catch (error) {
        if (signal.aborted || error instanceof StoppedError) break;
        const message = asError(error).message;
        if (error instanceof LinkLostError) this.setLink('lost', message);
        else this.setLink(everConnected ? 'reconnecting' : 'scanning', `${message}; trying again`);
      }
      const delay = Math.min(this.timings.backoffMaxMs, this.timings.backoffStartMs * 2 ** failures);
      failures++;
      await sleep(delay, signal);
    }
    this.setLink('stopped', 'the hub stopped the sensor link');
  }

  private poweredOn(signal: AbortSignal): Promise<void> {
    if (this.noble.state === 'poweredOn') return Promise.resolve();
    this.setLink('idle', 'waiting for the radio to power on');
    return new Promise((resolve, reject) => {
      const onState = (state: string) => {
        if (state !== 'poweredOn') return;
        this.noble.off('stateChange', onState);
        resolve();
      };
      this.noble.on('stateChange', onState);
      signal.addEventListener('abort', () => reject(new StoppedError('stopped')), { once: true });
    });
  }

  /** One connection, from scanning to the link dropping. Throws LinkLostError when a live link drops. */
  private async session(signal: AbortSignal, reconnecting: boolean, onConnected: () => void): Promise<void> {
    const name = this.info?.name ?? (this.profiles.length === 1 ? this.profiles[0]!.description : 'a sensor');
    const now = Date.now();
    for (const [id, { until }] of this.unusable) if (until <= now) this.unusable.delete(id);
    // The last sensor found unusable stays in the sentence while nothing else turns up.
    const refused = [...this.unusable.values()].at(-1);
    this.setLink(reconnecting ? 'reconnecting' : 'scanning', refused ? `${refused.message}; looking for another sensor` : `looking for ${name}`);
    const { peripheral, profile } = await this.scan(signal);
    const sensorName = peripheral.advertisement?.localName ?? peripheral.id;
    this.setLink(reconnecting ? 'reconnecting' : 'connecting', `connecting to ${sensorName}`);

    // One abort listener per session, removed when the session ends: a sensor that stays away for
    // hours means thousands of sessions on the same signal.
    let onAbort!: () => void;
    const abort = new Promise<never>((_, reject) => {
      onAbort = () => reject(new StoppedError('stopped'));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    abort.catch(() => {});
    try {
      await race(peripheral.connectAsync(), [abort], this.timings.connectMs, `connecting to ${sensorName}`);
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      peripheral.cancelConnect();
      if (this.knownPeripheralId !== peripheral.id) this.central.release(this.sensorId);
      throw error;
    }

    let onDisconnect!: (reason: number) => void;
    const lost = new Promise<never>((_, reject) => {
      onDisconnect = (reason) => reject(new LinkLostError(`lost the link to ${sensorName} (${describeReason(reason)})`));
    });
    lost.catch(() => {});
    peripheral.once('disconnect', onDisconnect);
    const detach: (() => void)[] = [() => peripheral.off('disconnect', onDisconnect), () => signal.removeEventListener('abort', onAbort)];
    const gatt = <T>(promise: Promise<T>, what: string) => race(promise, [lost, abort], this.timings.gattMs, what);

    try {
      const { characteristics } = await gatt(
        peripheral.discoverSomeServicesAndCharacteristicsAsync([...profile.services], []),
        `discovering the services of ${sensorName}`,
      );
      const find = (uuid: string) => characteristics.find((c) => c.uuid === uuid);
      const data = find(profile.dataCharacteristic);
      if (!data) throw new UnusableSensorError(`${sensorName} looks like ${profile.description} but has no IMU data characteristic, so it is not one Swivel can read`);

      const profileLink: ProfileLink = {
        sensorId: this.sensorId,
        sensorName,
        rateHz: this.rateHz,
        find,
        gatt,
        emit: (event) => this.eventsSubject.next(event),
        log: this.log,
        onClose: (undo) => detach.push(undo),
      };
      const connection: ProfileConnection = await profile.connect(profileLink);
      this.info = { id: peripheral.id, name: sensorName, manufacturer: connection.manufacturer, model: connection.model, firmware: connection.firmware };
      this.knownPeripheralId = peripheral.id;

      // On the simulated radio only: a simulated sensor of another make carries the simulator's control
      // service beside its maker's profile, so that its person follows the dashboard too.
      let simPerson = find(SIM_PERSON_CHARACTERISTIC);
      if (this.simulatedRadio && !connection.writeSimPerson && !simPerson) {
        const [service] = await gatt(peripheral.discoverServicesAsync([SIM_CONTROL_SERVICE]), 'looking for the simulator control service');
        if (service) [simPerson] = await gatt(service.discoverCharacteristicsAsync([SIM_PERSON_CHARACTERISTIC]), 'discovering the simulator control service');
      }
      const writeSimPerson =
        connection.writeSimPerson ?? (simPerson ? (bytes: Uint8Array) => gatt(simPerson.writeAsync(Buffer.from(bytes), false), 'instructing the simulated person') : null);
      if (writeSimPerson) {
        this.writeSimPerson = writeSimPerson;
        detach.push(() => (this.writeSimPerson = null));
      }

      const epoch = ++this.linkEpoch;
      const format = profile.format === 'swivel' ? {} : { format: profile.format };
      detach.push(
        listen(data, (buffer) => {
          const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
          if (connection.intercept?.(bytes)) return;
          const rateHz = connection.rateHz();
          const scales = connection.scales?.();
          this.eventsSubject.next({
            kind: 'notification',
            sensorId: this.sensorId,
            linkEpoch: epoch,
            bytes,
            receivedAt: performance.now(),
            ...format,
            ...(rateHz !== undefined ? { rateHz } : {}),
            ...(scales !== undefined ? { scales } : {}),
          });
        }),
      );
      await gatt(data.subscribeAsync(), 'subscribing to IMU data');
      await connection.started?.();

      onConnected();
      this.setLink('connected', `connected to ${sensorName}`);
      // A simulator that restarted (killed, crashed) has forgotten what the dashboard shows; its person has not.
      if (this.writeSimPerson && this.lastInstruction) void this.instructSimulatedPerson({ ...this.lastInstruction, resume: true });

      // Signal strength, until the link drops or the hub stops.
      for (;;) {
        await race(sleep(this.timings.rssiEveryMs, signal), [lost, abort], Infinity, 'waiting');
        try {
          const rssi = await gatt(peripheral.updateRssiAsync(), 'reading the signal strength');
          this.eventsSubject.next({ kind: 'rssi', sensorId: this.sensorId, rssi });
        } catch (error) {
          if (error instanceof LinkLostError || error instanceof StoppedError) throw error;
        }
      }
    } catch (error) {
      // A sensor never set up is not this link's: another link may try it.
      if (this.knownPeripheralId !== peripheral.id) this.central.release(this.sensorId);
      if (error instanceof UnusableSensorError) {
        this.unusable.set(peripheral.id, { message: error.message, until: Date.now() + UNUSABLE_RETRY_MS });
        this.log(`${this.sensorId}: cannot use ${sensorName}: ${error.message}`);
        if (this.knownPeripheralId === peripheral.id) this.knownPeripheralId = null;
      }
      if (error instanceof StoppedError) await this.disconnect(peripheral, lost);
      else if (!(error instanceof LinkLostError) && peripheral.state === 'connected') await this.disconnect(peripheral, lost);
      throw error;
    } finally {
      for (const undo of detach) undo();
    }
  }

  private async disconnect(peripheral: Peripheral, lost: Promise<never>): Promise<void> {
    try {
      await race(peripheral.disconnectAsync(), [lost], this.timings.gattMs, 'disconnecting');
    } catch {
      // already gone, or it did not answer: either way we are done with it
    }
  }

  /** Scans until a sensor of one of the profiles shows up that no other link has, preferring the one we had before. */
  private async scan(signal: AbortSignal): Promise<{ peripheral: Peripheral; profile: SensorProfile }> {
    try {
      const { peripheral, match } = await this.central.find(this.sensorId, scanFilterOf(this.profiles), (peripheral) => {
        if (this.knownPeripheralId && peripheral.id !== this.knownPeripheralId) return undefined;
        if (this.unusable.has(peripheral.id)) return undefined;
        return this.profiles.find((p) => p.matches(peripheral.advertisement ?? {}));
      }, signal);
      return { peripheral, profile: match };
    } catch (error) {
      if (signal.aborted) throw new StoppedError('stopped');
      throw error;
    }
  }
}

function describeReason(reason: number): string {
  if (reason === 0x08) return 'out of range or switched off';
  if (reason === 0x13) return 'the sensor ended the connection';
  if (reason === 0x16) return 'the hub ended the connection';
  return `reason 0x${Number(reason).toString(16)}`;
}

/** `promise`, unless one of `others` rejects first or `ms` passes. */
function race<T>(promise: Promise<T>, others: Promise<never>[], ms: number, what: string): Promise<T> {
  // noble's discover rejects with a string; make every failure an Error.
  const guarded = promise.catch((error: unknown) => Promise.reject(asError(error)));
  if (!Number.isFinite(ms)) return Promise.race([guarded, ...others]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([guarded, timeout, ...others]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
