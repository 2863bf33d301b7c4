import type { EventEmitter } from 'node:events';
import { Subject, Subscription, filter, groupBy, merge, mergeMap, share, tap, type Observable } from 'rxjs';
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
}

/**
 * The hub's live sensor side: one sensor link, the signal pipeline on its events, and the latest
 * state of each sensor for viewers that join late. Everything is exposed as observables; nothing here
 * knows about HTTP or sockets.
 */
export class SensorHub {
  readonly source: SensorSource;
  readonly sourceReason: string;
  private readonly link: SensorLink;
  /** Phones as sensors: one more source of the same events (hub/phone/phone-sensors.ts). */
  readonly phones: PhoneSensors;
  private readonly latest = new Map<string, { link: LinkEvent; stats: SensorStats; angle: number | null; shin: 'left' | 'right' | null }>();
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
   * The sensor the session follows: the one that connected last (a phone that starts streaming takes
   * over from a Bluetooth sensor, and the other way round); null before any has. Only its frames are
   * scored and only its link counts, so two sensors streaming at once never count a rep twice.
   */
  private followed: string | null = null;
  /** Frames of the followed sensor (all frames before any sensor has connected). */
  readonly sessionFrames$: Observable<AngleFrame>;
  /** Link changes of the followed sensor. */
  readonly sessionLink$: Observable<LinkEvent>;

  constructor(deps: SensorHubDeps) {
    this.source = deps.source;
    this.sourceReason = deps.sourceReason;
    this.link = new SensorLink({ bindings: deps.bindings, timings: deps.timings, rateHz: deps.rateHz, log: deps.log });
    this.phones = deps.phones ?? new PhoneSensors({ log: deps.log });
    this.link$ = merge(this.link.link$, this.phones.link$).pipe(tap((link) => link.state === 'connected' && (this.followed = link.sensorId)));
    this.events$ = merge(this.link.events$.pipe(decodeNotifications()), this.phones.events$).pipe(share());
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
    this.sessionLink$ = this.link$.pipe(filter((link) => this.followed === null || link.sensorId === this.followed));
  }

  start(signal?: AbortSignal): void {
    if (this.subscription) return;
    const entry = (sensorId: string) => {
      let current = this.latest.get(sensorId);
      if (!current) {
        current = { link: this.link.currentLink, stats: emptyStats, angle: null, shin: null };
        this.latest.set(sensorId, current);
      }
      return current;
    };
    this.subscription = new Subscription();
    this.subscription.add(this.link$.subscribe((link) => (entry(link.sensorId).link = link)));
    this.subscription.add(this.stats$.subscribe(({ sensorId, stats }) => (entry(sensorId).stats = stats)));
    this.subscription.add(this.frames$.subscribe((frame) => (entry(frame.sensorId).angle = frame.angle)));
    this.subscription.add(this.phones.shins$.subscribe(({ sensorId, shin }) => this.setShin(sensorId, shin)));
    this.link.start(signal);
  }

  /** A simulated sensor's person is told what to do next (see followSessionWithSimulatedPerson); a real sensor ignores it. */
  instructSimulatedPerson(instruction: SimPersonInstruction): void {
    void this.link.instructSimulatedPerson(instruction);
  }

  /** Closes the sensor link and keeps it closed (the dashboard's "disconnect"). */
  disconnectSensor(): Promise<void> {
    return this.link.disconnectByPerson();
  }

  /** Scans for a sensor and connects again (the dashboard's "connect"). */
  connectSensor(): void {
    this.link.connect();
  }

  /**
   * Which shin a sensor is strapped to, as the person says (null: not said). The session compares it
   * with the side of the set, so the screen can say when the sensor is on the other leg.
   */
  setShin(sensorId: string, shin: 'left' | 'right' | null): boolean {
    const entry = this.latest.get(sensorId);
    if (!entry) return false;
    entry.shin = shin;
    this.sensorChanges.next(sensorId);
    return true;
  }

  /** Every sensor's exercise angle takes a new start posture; frames after it carry `epoch`. */
  resetAngle(epoch: number): void {
    this.angleResets.next(epoch);
  }

  async stop(): Promise<void> {
    this.phones.stop();
    await this.link.stop();
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  /** The current state of every sensor, for a viewer that has just joined. */
  snapshot(): SensorSnapshot[] {
    return [...this.latest.entries()].map(([sensorId, { link, stats, angle, shin }]) => ({ sensorId, info: link.info, state: link.state, detail: link.detail, stats, angle, shin }));
  }
}
