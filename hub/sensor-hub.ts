import type { EventEmitter } from 'node:events';
import { Subject, Subscription, filter, groupBy, map, merge, mergeMap, share, tap, type Observable } from 'rxjs';
import { BleCentral } from './ble/ble-central.ts';
import { SensorLink, type SensorLinkTimings } from './ble/sensor-link.ts';
import { PhoneSensors } from './phone/phone-sensors.ts';
import type { LinkEvent } from './pipeline/events.ts';
import { coalesceFrames, decodeNotifications, sampleBatches, sensorStats, toAngleFrames, type AngleFrame, type PipelineEvent } from './pipeline/operators.ts';
import { emptyStats } from './pipeline/stats.ts';
import type { SampleRateHz, SimPersonInstruction } from './protocol/gatt.ts';
import type { SensorSnapshot, SensorSource, SensorStats } from './protocol/messages.ts';

/** A batch of samples as decoded, with the notifications lost just before it. */
export type SamplesEvent = Extract<PipelineEvent, { kind: 'samples' }>;

/** Angle frames for screens: at most one per this many ms per sensor (about 60 a second). */
export const DISPLAY_FRAME_MS = 1000 / 60;

export interface SensorHubDeps {
  bindings: EventEmitter;
  source: SensorSource;
  sourceReason: string;
  timings?: Partial<SensorLinkTimings>;
  /** Sample rate to set on the sensor when it connects. */
  rateHz?: SampleRateHz;
  log?: (line: string) => void;
  /** Phones streaming over /ws/sensor (default: a new PhoneSensors); their events join the same pipeline. */
  phones?: PhoneSensors;
  /** Bluetooth sensors to connect at once, one link each (default 1; 2 for one on each shin). */
  bleSensors?: number;
  /** Which shin each physical sensor is on, kept across restarts (default: remembered until the hub stops). */
  shinMemory?: ShinMemory;
}

export type Shin = 'left' | 'right';

/** Which shin a physical sensor (by its Bluetooth id, or a phone's pairing) was last said to be on. */
export interface ShinMemory {
  get(deviceId: string): Shin | null;
  set(deviceId: string, shin: Shin | null): void;
}

export function shinMemoryInMemory(): ShinMemory {
  const shins = new Map<string, Shin>();
  return { get: (id) => shins.get(id) ?? null, set: (id, shin) => (shin ? shins.set(id, shin) : shins.delete(id)) };
}

/**
 * The hub's live sensor side: the Bluetooth sensor links (one, or one per shin) and the phones, the
 * signal pipeline on their events, and the latest state of each sensor for viewers that join late.
 * Everything is exposed as observables; nothing here knows about HTTP or sockets.
 */
export class SensorHub {
  readonly source: SensorSource;
  readonly sourceReason: string;
  private readonly links: SensorLink[];
  private readonly shinMemory: ShinMemory;
  /** Phones as sensors: one more source of the same events (hub/phone/phone-sensors.ts). */
  readonly phones: PhoneSensors;
  private readonly latest = new Map<string, { link: LinkEvent; stats: SensorStats; angle: number | null; shin: Shin | null; connectedAt: number }>();
  private readonly sensorChanges = new Subject<string>();
  /** A sensor's settings changed (its shin): the id, for viewers to get its new snapshot. */
  readonly sensorChanges$: Observable<string> = this.sensorChanges.asObservable();
  private subscription: Subscription | null = null;
  private readonly angleResets = new Subject<number>();
  private readonly enteringAngles = new Subject<SamplesEvent>();

  /** Decoded events of every sensor: samples, malformed packets, link, battery, signal. */
  readonly events$: Observable<PipelineEvent>;
  /** One frame per notification, every sample's angle. */
  readonly frames$: Observable<AngleFrame>;
  /** Frames for screens, coalesced to about 60 a second per sensor. */
  readonly displayFrames$: Observable<AngleFrame>;
  readonly link$: Observable<LinkEvent>;
  readonly stats$: Observable<{ sensorId: string; stats: SensorStats }>;
  /**
   * Each sample batch as it enters the angle pipeline, before its frame is computed (while frames$
   * is subscribed). Whatever the frame makes happen (a reset, a set starting) comes after it here,
   * so a recorder can put resets at their exact place in the samples.
   */
  readonly batches$: Observable<SamplesEvent>;
  /** Every angle reset (its epoch) as it is applied. */
  readonly angleResets$: Observable<number>;
  /**
   * The sensor the session follows: of the sensors that have connected, the one on the set's shin
   * (see followSide), else the one that connected last (a phone that starts streaming takes over from
   * a Bluetooth sensor, and the other way round); null before any has. Only its frames are scored and
   * only its link counts, so two sensors streaming at once never count a rep twice. It changes when a
   * sensor connects, a shin is set, or the set's side changes, never because its link dropped: a
   * sensor lost mid-set must show as lost, not be replaced by the other leg's.
   */
  private followed: string | null = null;
  private side: Shin | null = null;
  private readonly followedChanges = new Subject<string>();
  /** The sensor the session scores, on every change (the recorder keeps it, so replay scores the same one). */
  readonly followed$: Observable<string> = this.followedChanges.asObservable();
  /** Connections so far, numbering each sensor's connection: the highest connected last. */
  private connections = 0;
  /** Frames of the followed sensor (all frames before any sensor has connected). */
  readonly sessionFrames$: Observable<AngleFrame>;
  /** Link changes of the followed sensor. */
  readonly sessionLink$: Observable<LinkEvent>;

  constructor(deps: SensorHubDeps) {
    this.source = deps.source;
    this.sourceReason = deps.sourceReason;
    const central = new BleCentral(deps.bindings, deps.log);
    this.links = Array.from(
      { length: Math.max(1, deps.bleSensors ?? 1) },
      (_, i) => new SensorLink({ bindings: deps.bindings, central, sensorId: `sensor-${i + 1}`, timings: deps.timings, rateHz: deps.rateHz, log: deps.log, simulatedRadio: deps.source === 'sim' }),
    );
    this.shinMemory = deps.shinMemory ?? shinMemoryInMemory();
    this.phones = deps.phones ?? new PhoneSensors({ log: deps.log });
    this.link$ = merge(...this.links.map((link) => link.link$), this.phones.link$).pipe(tap((link) => this.onLink(link)));
    this.events$ = merge(...this.links.map((link) => link.events$.pipe(decodeNotifications())), this.phones.events$).pipe(share());
    this.batches$ = this.enteringAngles.asObservable();
    this.angleResets$ = this.angleResets.asObservable();
    this.frames$ = this.events$.pipe(
      tap((event) => event.kind === 'samples' && this.enteringAngles.next(event)),
      sampleBatches(),
      toAngleFrames(undefined, this.angleResets),
      share(),
    );
    this.displayFrames$ = this.frames$.pipe(
      groupBy((frame) => frame.sensorId),
      mergeMap((frames) => frames.pipe(coalesceFrames(DISPLAY_FRAME_MS))),
      share(),
    );
    this.stats$ = this.events$.pipe(sensorStats(), share());
    this.sessionFrames$ = this.frames$.pipe(filter((frame) => this.followed === null || frame.sensorId === this.followed));
    this.sessionLink$ = merge(
      this.link$.pipe(filter((link) => this.followed === null || link.sensorId === this.followed)),
      // The session takes up the newly followed sensor in whatever state it is in.
      this.followedChanges.pipe(
        map((sensorId) => this.latest.get(sensorId)?.link),
        filter((link): link is LinkEvent => link !== undefined),
      ),
    );
  }

  /** Keeps `latest` up to date and follows a sensor that has just connected (link$'s tap: runs once per subscriber, so it must not mind). */
  private onLink(link: LinkEvent): void {
    const entry = this.entry(link.sensorId);
    const before = entry.link.state;
    entry.link = link;
    if (link.state !== 'connected' || before === 'connected') return;
    // A Bluetooth sensor back after a loss is not a newly connected one: it must not take the session
    // from the other leg's sensor mid-set.
    if (before !== 'reconnecting' || entry.connectedAt === 0) entry.connectedAt = ++this.connections;
    const deviceId = link.info?.id;
    const remembered = deviceId ? this.shinMemory.get(deviceId) : null;
    if (remembered && entry.shin === null) {
      entry.shin = remembered;
      this.sensorChanges.next(link.sensorId);
    }
    this.refollow();
  }

  private entry(sensorId: string) {
    let current = this.latest.get(sensorId);
    if (!current) {
      const link = this.links.find((l) => l.sensorId === sensorId)?.currentLink;
      current = {
        link: link ?? { kind: 'link', sensorId, state: 'idle', detail: '', info: null, at: Date.now() },
        stats: emptyStats,
        angle: null,
        shin: null,
        connectedAt: 0,
      };
      this.latest.set(sensorId, current);
    }
    return current;
  }

  /** Chooses the followed sensor again (see `followed`); tells the session and the screens if it changed. */
  private refollow(): void {
    let onSide: [string, number] | null = null;
    let last: [string, number] | null = null;
    for (const [sensorId, { connectedAt, shin }] of this.latest) {
      if (connectedAt === 0) continue;
      if (!last || connectedAt > last[1]) last = [sensorId, connectedAt];
      if (this.side && shin === this.side && (!onSide || connectedAt > onSide[1])) onSide = [sensorId, connectedAt];
    }
    const next = (onSide ?? last)?.[0] ?? null;
    if (next === this.followed) return;
    const before = this.followed;
    this.followed = next;
    if (next === null) return;
    if (before) this.sensorChanges.next(before);
    this.sensorChanges.next(next);
    this.followedChanges.next(next);
  }

  /**
   * The set under way is on this side (null: none): the session follows the sensor on that shin if
   * one has connected, so a left/right pair of sets runs without moving the sensor.
   */
  followSide(side: Shin | null): void {
    if (side === this.side) return;
    this.side = side;
    this.refollow();
  }

  /** The sensor the session scores now (null before any has connected). */
  get followedSensorId(): string | null {
    return this.followed;
  }

  start(signal?: AbortSignal): void {
    if (this.subscription) return;
    this.subscription = new Subscription();
    for (const link of this.links) this.entry(link.sensorId);
    this.subscription.add(this.link$.subscribe());
    this.subscription.add(this.stats$.subscribe(({ sensorId, stats }) => (this.entry(sensorId).stats = stats)));
    this.subscription.add(this.frames$.subscribe((frame) => (this.entry(frame.sensorId).angle = frame.angle)));
    this.subscription.add(this.phones.shins$.subscribe(({ sensorId, shin }) => this.setShin(sensorId, shin)));
    for (const link of this.links) link.start(signal);
  }

  /** A simulated sensor's person is told what to do next (see followSessionWithSimulatedPerson); a real sensor ignores it. */
  instructSimulatedPerson(instruction: SimPersonInstruction): void {
    for (const link of this.links) void link.instructSimulatedPerson(instruction);
  }

  /** Closes a Bluetooth sensor's link and keeps it closed (the dashboard's "disconnect"); false if `sensorId` is no Bluetooth link. */
  async disconnectSensor(sensorId: string): Promise<boolean> {
    const link = this.links.find((l) => l.sensorId === sensorId);
    if (!link) return false;
    await link.disconnectByPerson();
    return true;
  }

  /** Scans for a sensor and connects again (the dashboard's "connect"); false if `sensorId` is no Bluetooth link. */
  connectSensor(sensorId: string): boolean {
    const link = this.links.find((l) => l.sensorId === sensorId);
    link?.connect();
    return link !== undefined;
  }

  /**
   * Which shin a sensor is strapped to, as the person says (null: not said), remembered for that
   * physical sensor across restarts. The session follows the sensor on the set's shin, and the
   * screen says when the only sensor is on the other leg.
   */
  setShin(sensorId: string, shin: Shin | null): boolean {
    const entry = this.latest.get(sensorId);
    if (!entry) return false;
    entry.shin = shin;
    const deviceId = entry.link.info?.id;
    if (deviceId) this.shinMemory.set(deviceId, shin);
    this.sensorChanges.next(sensorId);
    this.refollow();
    return true;
  }

  /** Every sensor's exercise angle takes a new start posture; frames after it carry `epoch`. */
  resetAngle(epoch: number): void {
    this.angleResets.next(epoch);
  }

  async stop(): Promise<void> {
    this.phones.stop();
    await Promise.all(this.links.map((link) => link.stop()));
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  /** The current state of every sensor, for a viewer that has just joined. */
  snapshot(): SensorSnapshot[] {
    return [...this.latest.entries()].map(([sensorId, { link, stats, angle, shin }]) => ({
      sensorId,
      info: link.info,
      state: link.state,
      detail: link.detail,
      stats,
      angle,
      shin,
      counting: sensorId === this.followed,
    }));
  }
}
