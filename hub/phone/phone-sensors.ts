import { Subject, filter, share, type Observable } from 'rxjs';
import type { LinkEvent, PipelineEvent } from '../pipeline/events.ts';
import { initialPhoneTiming, timePhoneSamples, type PhoneTiming } from '../pipeline/phone-samples.ts';
import type { LinkState, SensorInfo } from '../protocol/messages.ts';
import type { PhoneHelloMessage, PhoneSamplesMessage } from '../protocol/phone-sensor.ts';

export interface PhoneSensorsDeps {
  /** No samples for this long from a streaming phone: its link is lost (the page was hidden, the screen locked). */
  silenceMs?: number;
  /** Hub clock, ms (performance.now): when a message arrived, for latency measurement. */
  now?: () => number;
  log?: (line: string) => void;
}

/** What one phone's socket tells the hub, once the phone has said hello. */
export interface PhoneConnection {
  readonly sensorId: string;
  samples(message: PhoneSamplesMessage): { dropped: number };
  /** The page said it was hidden: the link is lost until samples come again. */
  paused(): void;
  /** The socket closed (or another page took over as this phone). */
  close(why: string): void;
}

/** Default silence before a phone's link is lost: a little over the 0.5 s after which timers treat missing samples as a gap. */
export const DEFAULT_PHONE_SILENCE_MS = 1000;

/**
 * Phones as sensors: each phone's sensor page (over /ws/sensor, see hub/server/phone-sensor.ts)
 * becomes one more sensor, with the same domain events a BLE link gives (link, config, samples),
 * which SensorHub merges into the one pipeline. Only the transport differs: the page sends samples
 * in the sensor's units with the phone's timestamps, and they are timed here
 * (hub/pipeline/phone-samples.ts) into ordinary sample batches.
 *
 * A phone's link is `connected` while it streams, `lost` when it goes quiet, is hidden or its page
 * closes (so the session shows a gap and its timers pause, as after a BLE link loss), and `connected`
 * again when samples return. A phone keeps its sensor id across reconnections (it is its pairing's).
 */
export class PhoneSensors {
  private readonly deps: Required<PhoneSensorsDeps>;
  private readonly subject = new Subject<PipelineEvent>();
  private readonly open = new Map<string, Connection>();
  /** Per phone: where its clock started (ms since 1970) the first time it connected since the hub started. */
  private readonly clockBases = new Map<string, number>();
  private stopped = false;

  /** Link, config and samples events of every phone, as decoded events of the pipeline. */
  readonly events$: Observable<PipelineEvent>;
  readonly link$: Observable<LinkEvent>;
  /** A phone said which shin it is on (when it connects). */
  readonly shins$: Observable<{ sensorId: string; shin: 'left' | 'right' | null }>;
  private readonly shinSubject = new Subject<{ sensorId: string; shin: 'left' | 'right' | null }>();

  constructor(deps: PhoneSensorsDeps = {}) {
    this.deps = { silenceMs: deps.silenceMs ?? DEFAULT_PHONE_SILENCE_MS, now: deps.now ?? (() => performance.now()), log: deps.log ?? (() => {}) };
    this.events$ = this.subject.asObservable();
    this.link$ = this.events$.pipe(filter((event): event is LinkEvent => event.kind === 'link'), share());
    this.shins$ = this.shinSubject.asObservable();
  }

  /** How many phones are connected now. */
  get connected(): number {
    return this.open.size;
  }

  /**
   * A phone said hello on a new socket: it is sensor `sensorId` from now on. Another page already
   * streaming as the same phone is told `replaced` and stops counting.
   */
  connect(sensorId: string, hello: PhoneHelloMessage, replaced: () => void): PhoneConnection {
    if (this.stopped) throw new Error('the hub is stopping');
    const previous = this.open.get(sensorId);
    if (previous) {
      previous.closed = true;
      this.open.delete(sensorId);
      clearTimeout(previous.silence);
      previous.replaced();
    }
    if (!this.clockBases.has(sensorId)) this.clockBases.set(sensorId, hello.clockOrigin);
    const info: SensorInfo = { id: sensorId, name: hello.name, manufacturer: null, model: hello.browser === 'safari-ios' ? 'phone (Safari on iOS)' : 'phone', firmware: null };
    const connection: Connection = {
      sensorId,
      info,
      // The phone's time, seconds: its page clock, from where it first started since the hub did.
      offsetMs: hello.clockOrigin - this.clockBases.get(sensorId)!,
      timing: initialPhoneTiming(),
      rateHz: null,
      state: 'connected',
      closed: false,
      replaced,
      silence: undefined,
    };
    this.open.set(sensorId, connection);
    this.deps.log(`swivel: phone "${hello.name}" (${sensorId}) connected as a sensor${hello.browser === 'safari-ios' ? ', Safari on iOS' : ''}`);
    this.setLink(connection, 'connected', 'the phone is connected; waiting for its motion data');
    this.shinSubject.next({ sensorId, shin: hello.shin });
    return {
      sensorId,
      samples: (message) => this.onSamples(connection, message),
      paused: () => {
        if (connection.closed) return;
        clearTimeout(connection.silence);
        this.setLink(connection, 'lost', 'the sensor page was hidden (screen locked or another app in front): bring it back to carry on');
      },
      close: (why) => {
        if (connection.closed) return;
        connection.closed = true;
        clearTimeout(connection.silence);
        this.open.delete(sensorId);
        this.setLink(connection, 'lost', why);
      },
    };
  }

  stop(): void {
    this.stopped = true;
    for (const connection of this.open.values()) {
      connection.closed = true;
      clearTimeout(connection.silence);
      this.setLink(connection, 'stopped', 'the hub stopped');
    }
    this.open.clear();
    this.subject.complete();
    this.shinSubject.complete();
  }

  private onSamples(connection: Connection, message: PhoneSamplesMessage): { dropped: number } {
    if (connection.closed) return { dropped: message.t.length };
    const seconds = message.t.map((ms) => (ms + connection.offsetMs) / 1000);
    const timed = timePhoneSamples(connection.timing, connection.sensorId, seconds, message.imu, this.deps.now());
    connection.timing = timed.state;
    if (timed.batches.length === 0) return { dropped: timed.dropped };
    if (connection.state !== 'connected' || connection.rateHz === null) this.setLink(connection, 'connected', 'streaming motion data');
    const rateHz = Math.round(1 / timed.state.interval);
    if (rateHz !== connection.rateHz) {
      connection.rateHz = rateHz;
      this.subject.next({ kind: 'config', sensorId: connection.sensorId, rateHz });
    }
    for (const batch of timed.batches) this.subject.next({ kind: 'samples', sensorId: connection.sensorId, batch, lost: 0 });
    clearTimeout(connection.silence);
    connection.silence = setTimeout(() => {
      if (!connection.closed) this.setLink(connection, 'lost', `no motion data from the phone for ${this.deps.silenceMs / 1000} s: is its screen locked, or the sensor page hidden? Bring it back to carry on`);
    }, this.deps.silenceMs);
    connection.silence.unref?.();
    return { dropped: timed.dropped };
  }

  private setLink(connection: Connection, state: LinkState, detail: string): void {
    connection.state = state;
    this.subject.next({ kind: 'link', sensorId: connection.sensorId, state, detail, info: connection.info, at: Date.now() });
  }
}

interface Connection {
  sensorId: string;
  info: SensorInfo;
  offsetMs: number;
  timing: PhoneTiming;
  rateHz: number | null;
  state: LinkState;
  closed: boolean;
  replaced: () => void;
  silence: ReturnType<typeof setTimeout> | undefined;
}
