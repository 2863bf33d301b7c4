/**
 * The recorder: taps the sensor side (sample batches as they enter the angle pipeline, angle
 * resets, link changes) and the session (views, events, commands, scoring runs) and writes a session
 * record while a session runs. Nothing is written on the hot path: batches are kept in memory and
 * written every `flushEveryMs` in one transaction. A storage failure is said once, to the log and to
 * viewers, and the recording stops; live counting never waits for, or fails with, the disk.
 */
import { Subject, Subscription, type Observable } from 'rxjs';
import type { LinkEvent } from '../pipeline/events.ts';
import type { SamplesEvent } from '../sensor-hub.ts';
import { readingsOf } from '../protocol/gatt.ts';
import type { ScoringRun } from '../session/session-service.ts';
import type { RecordingMessage } from '../protocol/messages.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../protocol/session.ts';
import { describeStorageError } from '../storage/database.ts';
import type { StoredBatch } from '../storage/sample-chunks.ts';
import type { SessionStore, TimelineBody, TimelineEntry } from '../storage/session-store.ts';

export interface RecorderDeps {
  /** Null when the data directory could not be opened: every session then says why it is not recorded. */
  store: SessionStore | null;
  /** Why `store` is null. */
  storeProblem?: string;
  sensors: {
    batches$: Observable<SamplesEvent>;
    angleResets$: Observable<number>;
    link$: Observable<LinkEvent>;
    /** The sensor the session scores, on every change (SensorHub.followed$); absent: it scores every frame. */
    followed$?: Observable<string>;
  };
  session: {
    view$: Observable<SessionView>;
    events$: Observable<{ event: SessionEvent; at: number }>;
    commands$: Observable<{ command: SessionCommand; at: number }>;
    scoringRuns$: Observable<ScoringRun | null>;
    restEnds$: Observable<number>;
  };
  programme: { id: string; title: string };
  dataDir: string;
  /** How often the recording is written (default 500 ms: a crash loses at most about that). */
  flushEveryMs?: number;
  /**
   * Samples kept from before a session starts (default 60 s), recorded with it so that a replay's
   * orientation filter has run on the same samples as the live one when the session begins.
   */
  prerollSeconds?: number;
  log?: (line: string) => void;
  /** Hub clock, ms since the epoch (the session's clock). */
  now?: () => number;
}

interface PrerollBatch {
  sensorId: string;
  batch: Omit<StoredBatch, 'sensorIndex'>;
  /** The sensor the session scored when this batch came. */
  followed: string | null;
}

interface Recording {
  id: number;
  /** Absolute batch count at stream position 0. */
  base: number;
  sensorIndex: Map<string, number>;
  newSensors: { index: number; sensorId: string }[];
  pending: StoredBatch[];
  pendingFirstPosition: number;
  pendingSamples: number;
  pendingSessionSamples: number;
  timeline: TimelineEntry[];
  exercises: string[];
  summary: SessionView | null;
  summaryWritten: SessionView | null;
}

export class Recorder {
  private readonly deps: RecorderDeps;
  private readonly now: () => number;
  private subscription: Subscription | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Batches that have entered the angle pipeline since the recorder started. */
  private seen = 0;
  private preroll: PrerollBatch[] = [];
  private followed: string | null = null;
  private prerollFromStart = true;
  /** Timeline entries at the current position while nothing records: the start of a session comes after its first reset. */
  private preamble: (TimelineBody & { seen: number; at: number })[] = [];
  private recording: Recording | null = null;
  /** The session (by its start time) whose recording failed: said once, not retried on every change. */
  private failedSession: number | null = null;
  private readonly notices = new Subject<RecordingMessage>();
  private latestNotice: RecordingMessage | null = null;

  /** What viewers should be told about recording: started, saved, failed (with the reason). */
  readonly notices$: Observable<RecordingMessage> = this.notices.asObservable();

  constructor(deps: RecorderDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  /** The session being recorded, if any. */
  get sessionId(): number | null {
    return this.recording?.id ?? null;
  }

  get lastNotice(): RecordingMessage | null {
    return this.latestNotice;
  }

  start(signal?: AbortSignal): void {
    if (this.subscription) return;
    const { sensors, session } = this.deps;
    try {
      const marked = this.deps.store?.markInterrupted(this.now()) ?? 0;
      if (marked > 0) this.log(`swivel: ${marked} recording${marked === 1 ? ' was' : 's were'} interrupted (the hub stopped without ending ${marked === 1 ? 'it' : 'them'}); kept up to the last write`);
    } catch (error) {
      this.log(`swivel: could not check for interrupted recordings: ${describeStorageError(this.deps.dataDir, error)}`);
    }
    this.subscription = new Subscription();
    this.subscription.add(sensors.batches$.subscribe((event) => this.onBatch(event)));
    if (sensors.followed$) {
      this.subscription.add(
        sensors.followed$.subscribe((sensorId) => {
          this.followed = sensorId;
          if (this.recording) this.mark({ kind: 'follow', sensorId }, this.now());
        }),
      );
    }
    this.subscription.add(sensors.angleResets$.subscribe((epoch) => this.mark({ kind: 'reset', epoch }, this.now())));
    this.subscription.add(sensors.link$.subscribe((link) => this.mark({ kind: 'link', sensorId: link.sensorId, state: link.state, detail: link.detail }, this.now())));
    this.subscription.add(session.scoringRuns$.subscribe((run) => this.mark(run ? { kind: 'scoring', ...run } : { kind: 'scoring', run: null }, this.now())));
    this.subscription.add(session.events$.subscribe(({ event, at }) => this.mark({ kind: 'event', event }, at)));
    this.subscription.add(session.commands$.subscribe(({ command, at }) => this.mark({ kind: 'command', command }, at)));
    this.subscription.add(session.restEnds$.subscribe((at) => this.mark({ kind: 'rest-over' }, at)));
    this.subscription.add(session.view$.subscribe((view) => this.onView(view)));
    this.timer = setInterval(() => this.flush(), this.deps.flushEveryMs ?? 500);
    signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Ends a recording under way (complete: the hub stopped cleanly) and stops listening. */
  stop(): void {
    if (this.recording) this.end();
    this.subscription?.unsubscribe();
    this.subscription = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Writes what has been gathered since the last write (also called by the timer). */
  flush(end?: { endedAt: number }): void {
    const recording = this.recording;
    if (!recording || !this.deps.store) return;
    const chunk = recording.pending.length > 0 ? { firstPosition: recording.pendingFirstPosition, batches: recording.pending, samples: recording.pendingSamples } : null;
    const summary = recording.summary !== recording.summaryWritten ? recording.summary : null;
    const append = {
      sensors: recording.newSensors,
      chunk,
      timeline: recording.timeline,
      sessionSamples: recording.pendingSessionSamples,
      exercises: recording.exercises,
      summary,
      heartbeatAt: this.now(),
      ...(end ? { end: { status: 'complete' as const, endedAt: end.endedAt } } : {}),
    };
    // What is handed to the store is gone from memory whether or not it was written: a failing disk
    // must not grow the hub's memory.
    recording.pendingFirstPosition += recording.pending.length;
    recording.pending = [];
    recording.pendingSamples = 0;
    recording.pendingSessionSamples = 0;
    recording.timeline = [];
    recording.newSensors = [];
    try {
      this.deps.store.append(recording.id, append);
      recording.summaryWritten = recording.summary;
    } catch (error) {
      this.recording = null;
      this.failedSession = recording.summary?.startedAt ?? null;
      this.fail(`recording of session ${recording.id} stopped: ${describeStorageError(this.deps.dataDir, error)}; live counting goes on`, recording.id);
    }
  }

  private onBatch({ sensorId, batch, lost }: SamplesEvent): void {
    const hubAt = this.now();
    const stored = { seq: batch.seq, t0: batch.t0, dt: batch.dt, hubAt, lost, readings: readingsOf(batch.imu) };
    this.seen++;
    const recording = this.recording;
    if (recording) {
      let index = recording.sensorIndex.get(sensorId);
      if (index === undefined) {
        index = recording.sensorIndex.size;
        recording.sensorIndex.set(sensorId, index);
        recording.newSensors.push({ index, sensorId });
      }
      recording.pending.push({ sensorIndex: index, ...stored });
      recording.pendingSamples += batch.count;
      recording.pendingSessionSamples += batch.count;
      return;
    }
    this.preamble = [];
    this.preroll.push({ sensorId, batch: stored, followed: this.followed });
    const keepFrom = hubAt - (this.deps.prerollSeconds ?? 60) * 1000;
    let drop = 0;
    while (drop < this.preroll.length && this.preroll[drop]!.batch.hubAt < keepFrom) drop++;
    if (drop > 0) {
      this.preroll.splice(0, drop);
      this.prerollFromStart = false;
    }
  }

  private mark(body: TimelineBody, at: number): void {
    if (this.recording) this.recording.timeline.push({ ...body, position: this.seen - this.recording.base, at });
    else this.preamble.push({ ...body, seen: this.seen, at });
  }

  private onView(view: SessionView): void {
    if (!this.recording && view.status !== 'idle' && view.status !== 'finished' && (this.failedSession === null || view.startedAt !== this.failedSession)) this.begin(view);
    const recording = this.recording;
    if (!recording) return;
    recording.summary = view;
    const exerciseId = view.current?.exerciseId;
    if (exerciseId && recording.exercises.at(-1) !== exerciseId) recording.exercises = [...recording.exercises, exerciseId];
    // Ended a moment later: the command that finished it (stop) is published after the view.
    if (view.status === 'finished') queueMicrotask(() => this.recording === recording && this.end());
  }

  private begin(view: SessionView): void {
    const { store } = this.deps;
    if (!store) {
      this.failedSession = view.startedAt;
      this.fail(`this session is not recorded: ${this.deps.storeProblem ?? 'no data directory'}; live counting goes on`, null);
      return;
    }
    const preroll = this.preroll;
    const base = this.seen - preroll.length;
    let id: number;
    try {
      id = store.createLiveSession({ programmeId: this.deps.programme.id, programmeTitle: this.deps.programme.title, startedAt: view.startedAt ?? this.now(), prerollBatches: preroll.length, prerollFromStart: this.prerollFromStart });
    } catch (error) {
      this.failedSession = view.startedAt;
      this.fail(`this session is not recorded: ${describeStorageError(this.deps.dataDir, error)}; live counting goes on`, null);
      return;
    }
    const sensorIndex = new Map<string, number>();
    const newSensors: Recording['newSensors'] = [];
    const pending: StoredBatch[] = [];
    // Which sensor was scored, from the first batch kept on: replay scores the same one.
    const follows: TimelineEntry[] = [];
    let followed: string | null = null;
    preroll.forEach((entry, position) => {
      if (entry.followed !== null && entry.followed !== followed) follows.push({ kind: 'follow', sensorId: entry.followed, position, at: entry.batch.hubAt });
      followed = entry.followed;
    });
    if (this.followed !== null && this.followed !== followed) follows.push({ kind: 'follow', sensorId: this.followed, position: preroll.length, at: this.now() });
    let samples = 0;
    for (const { sensorId, batch } of preroll) {
      let index = sensorIndex.get(sensorId);
      if (index === undefined) {
        index = sensorIndex.size;
        sensorIndex.set(sensorId, index);
        newSensors.push({ index, sensorId });
      }
      pending.push({ sensorIndex: index, ...batch });
      samples += batch.readings.length;
    }
    this.preroll = [];
    this.recording = {
      id,
      base,
      sensorIndex,
      newSensors,
      pending,
      pendingFirstPosition: 0,
      pendingSamples: samples,
      pendingSessionSamples: 0,
      timeline: [...follows, ...this.preamble.map(({ seen, ...entry }) => ({ ...entry, position: seen - base }) as TimelineEntry)],
      exercises: [],
      summary: null,
      summaryWritten: null,
    };
    this.preamble = [];
    this.notify({ type: 'recording', status: 'recording', sessionId: id, message: `recording session ${id}` });
  }

  private end(): void {
    const recording = this.recording;
    if (!recording) return;
    this.flush({ endedAt: this.now() });
    if (this.recording !== recording) return; // the last write failed, and said so
    this.recording = null;
    // A session that starts after this one begins its pre-roll afresh.
    this.prerollFromStart = false;
    this.notify({ type: 'recording', status: 'saved', sessionId: recording.id, message: `session ${recording.id} saved` });
  }

  private fail(message: string, sessionId: number | null): void {
    this.log(`swivel: ${message}`);
    this.notify({ type: 'recording', status: 'failed', sessionId, message });
  }

  private notify(message: RecordingMessage): void {
    this.latestNotice = message;
    this.notices.next(message);
  }

  private log(line: string): void {
    (this.deps.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(line);
  }
}
