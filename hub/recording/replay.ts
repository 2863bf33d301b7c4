/**
 * Replay of a recorded session through the live pipeline: the recorded batches go through
 * toAngleFrames with the recorded angle resets at their places, and each set's frames (the span
 * its scoring run covered live) through scoreSet with the programme's options, so the same samples
 * give the same reps, holds and ROM. The hub clock is virtual and follows each batch's recorded
 * arrival time, so a hold timer notices the same silences as it did live.
 */
import { Subject, VirtualTimeScheduler, type Observable, type Subscription } from 'rxjs';
import { sampleTiming } from '../analyze/imu-csv.ts';
import type { AnalysisSummary, Hold, PartialRep, Rep } from '../analyze/analyze.ts';
import { sampleTime, toAngleFrames, type AngleFrame } from '../pipeline/operators.ts';
import type { SampleBatch } from '../pipeline/samples.ts';
import { imuOf } from '../protocol/gatt.ts';
import { holdTimer } from '../pipeline/timing-operators.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Exercise, Programme, Side } from '../protocol/programme.ts';
import type { SessionEvent } from '../protocol/session.ts';
import { holdOptionsFor, scoreSet } from '../session/set-scoring.ts';
import type { StoredBatch } from '../storage/sample-chunks.ts';
import type { SessionStore, TimelineEntry } from '../storage/session-store.ts';

/** Replay pace: a multiple of real time, or as fast as it can be computed. */
export type ReplaySpeed = number | 'max';

/** A set as replay scored it. */
export interface ReplayedSet {
  exerciseId: ExerciseId;
  side: Side | null;
  set: number;
  /** What the scoring reported, in order (the engine's own events, like set-complete, are not here). */
  events: SessionEvent[];
  /** The set in the `swivel analyze --json` shape. */
  summary: AnalysisSummary;
}

export interface ReplayOptions {
  programme: Programme;
  speed?: ReplaySpeed;
  /** Every frame as replay computes it (for a stream to screens). */
  onFrame?: (frame: AngleFrame) => void;
  /** Stops the replay between batches. */
  signal?: AbortSignal;
}

/** Thrown when a session cannot be replayed (unknown exercise, nothing recorded). */
export class ReplayError extends Error {}

const ROM_TESTS: readonly string[] = ['rom-prone', 'rom-seated'];

/** One set's scoring, fed frame by frame. */
class SetReplay {
  readonly events: SessionEvent[] = [];
  private readonly frames = new Subject<AngleFrame>();
  private readonly scoring: Subscription;
  private readonly holdSpans: Subscription | null;
  private readonly holds: Hold[] = [];
  private readonly reps: Rep[] = [];
  private readonly partials: PartialRep[] = [];
  private readonly times: number[] = [];
  private timingSensor: string | null = null;
  private samples = 0;
  private maxAngle = -Infinity;

  constructor(
    readonly exercise: Exercise,
    readonly side: Side | null,
    readonly set: number,
    scheduler: VirtualTimeScheduler,
  ) {
    this.scoring = this.frames.pipe(scoreSet(exercise, { scheduler })).subscribe((progress) => {
      for (const event of progress.events) {
        this.events.push(event);
        if (event.kind === 'rep') this.reps.push({ ...event.rep });
        if (event.kind === 'partial') this.partials.push({ start: event.rep.start, end: event.rep.end, peak: event.rep.peakAngle });
        if (event.kind === 'rep-withdrawn') {
          const at = this.reps.findIndex((rep) => rep.start === event.rep.start);
          if (at >= 0) this.reps.splice(at, 1);
          // A withdrawn rep is a partial, as in `swivel analyze`.
          this.partials.push({ start: event.rep.start, end: event.rep.end, peak: event.rep.peakAngle });
        }
      }
    });
    // The spans in position, as `swivel analyze` reports them (a span still open at the end closes there).
    this.holdSpans =
      exercise.kind === 'hold'
        ? this.frames.pipe(holdTimer(holdOptionsFor(exercise), { scheduler })).subscribe((report) => {
            for (const event of report.events) if (event.kind === 'paused' && event.span.end > event.span.start) this.holds.push(event.span);
          })
        : null;
  }

  push(frame: AngleFrame): void {
    this.timingSensor ??= frame.sensorId;
    if (frame.sensorId === this.timingSensor) {
      const n = frame.trace.length;
      for (let i = 0; i < n; i++) this.times.push(sampleTime(frame, i));
    }
    this.samples += frame.trace.length;
    for (const angle of frame.trace) if (angle > this.maxAngle) this.maxAngle = angle;
    this.frames.next(frame);
  }

  /**
   * The set is over. `complete`: the samples ended (an import, like `swivel analyze`), so reps still
   * waiting are decided. Otherwise the set was left, as live: its scoring is dropped mid-stream.
   */
  finish(complete: boolean): ReplayedSet {
    if (!complete) this.scoring.unsubscribe();
    this.frames.complete();
    this.holdSpans?.unsubscribe();
    const timing = this.times.length >= 2 ? sampleTiming(this.times) : null;
    const trials = this.reps.map((rep) => rep.peakAngle);
    const maxAngle = ROM_TESTS.includes(this.exercise.id) && trials.length > 0 ? Math.max(...trials) : this.maxAngle;
    const reps = this.exercise.kind === 'reps' ? this.reps : [];
    const partials = this.exercise.kind === 'reps' ? this.partials.sort((a, b) => a.start - b.start) : [];
    return {
      exerciseId: this.exercise.id,
      side: this.side,
      set: this.set,
      events: this.events,
      summary: {
        exercise: this.exercise.id,
        side: this.side,
        samples: this.samples,
        gapSeconds: timing ? Math.round(timing.gapSeconds * 1e6) / 1e6 : 0,
        repCount: reps.length,
        reps,
        partialCount: partials.length,
        partials,
        holds: this.holds,
        holdTotal: this.holds.reduce((total, hold) => total + (hold.end - hold.start), 0),
        maxAngle,
      },
    };
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Replays session `id` and returns every set re-scored. */
export async function replaySession(store: SessionStore, id: number, options: ReplayOptions): Promise<ReplayedSet[]> {
  const info = store.replayInfo(id);
  if (!info) throw new ReplayError(`no session ${id}`);
  const exerciseById = (exerciseId: string) => {
    const exercise = options.programme.exercises.find((e) => e.id === exerciseId);
    if (!exercise) throw new ReplayError(`session ${id} has exercise "${exerciseId}", which the programme "${options.programme.id}" does not have`);
    return exercise;
  };
  const sensorIds = store.sensorIds(id);
  const timeline = store.timeline(id).filter((entry) => entry.kind === 'reset' || entry.kind === 'scoring' || entry.kind === 'follow');
  const scheduler = new VirtualTimeScheduler();
  const resets = new Subject<number>();
  const batches = new Subject<SampleBatch>();
  const results: ReplayedSet[] = [];
  let current: SetReplay | null = null;
  const close = (complete: boolean) => {
    if (current) results.push(current.finish(complete));
    current = null;
  };
  // An import has no scoring runs: the whole file is one set, as `swivel analyze` reads it.
  if (info.source === 'import') current = new SetReplay(exerciseById(info.exerciseId ?? ''), info.side, 1, scheduler);

  const frames: Observable<AngleFrame> = batches.pipe(toAngleFrames(undefined, resets));
  // As live: with two sensors, only the one the session followed is scored (recordings without follow entries: every frame).
  let followed: string | null = null;
  const frameSubscription = frames.subscribe((frame) => {
    options.onFrame?.(frame);
    if (followed === null || frame.sensorId === followed) current?.push(frame);
  });

  const apply = (entry: TimelineEntry) => {
    if (entry.kind === 'reset') resets.next(entry.epoch);
    else if (entry.kind === 'follow') followed = entry.sensorId;
    else if (entry.kind === 'scoring') {
      close(false);
      if (entry.run !== null && entry.exerciseId && entry.set !== undefined) current = new SetReplay(exerciseById(entry.exerciseId), entry.side ?? null, entry.set, scheduler);
    }
  };

  const speed = options.speed ?? 'max';
  let next = 0;
  let firstHubAt: number | null = null;
  const startedAt = performance.now();
  let sinceYield = 0;
  // An import stores a batch per sample, all at one hub time; they go through the pipeline in
  // batches of many samples, each at its own time, as `swivel analyze` runs a file (the same results).
  const group: StoredBatch[] = [];
  const sendGroup = () => {
    if (group.length === 0) return;
    batches.next(group.length === 1 ? sampleBatchOf(group[0]!, sensorIds, 0) : sampleBatchOfMany(group, sensorIds));
    group.length = 0;
  };
  for (const { position, batch } of store.batches(id) as Iterable<{ position: number; batch: StoredBatch }>) {
    const groupable = info.source === 'import' && batch.readings.length === 1;
    const first = group[0];
    if (first && (!groupable || batch.sensorIndex !== first.sensorIndex || batch.hubAt !== first.hubAt || group.length >= GROUP_SAMPLES || (next < timeline.length && timeline[next]!.position <= position))) sendGroup();
    if (options.signal?.aborted) break;
    while (next < timeline.length && timeline[next]!.position <= position) apply(timeline[next++]!);
    firstHubAt ??= batch.hubAt;
    // The hub clock as it was when this batch came in: timers due before it (a hold timer
    // noticing silence) fire first, exactly as they did live.
    scheduler.maxFrames = batch.hubAt;
    scheduler.flush();
    scheduler.frame = Math.max(scheduler.frame, batch.hubAt);
    if (speed !== 'max') {
      const due = (batch.hubAt - firstHubAt) / speed - (performance.now() - startedAt);
      if (due > 1) await sleep(due, options.signal);
    } else if (++sinceYield >= 2000) {
      // Let the process breathe during a long replay (a server answers other requests meanwhile).
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (groupable) group.push(batch);
    else batches.next(sampleBatchOf(batch, sensorIds, 0));
  }
  sendGroup();
  while (next < timeline.length) apply(timeline[next++]!);
  // An import's one set ended with its samples; a live set still open was cut off by the end of the recording.
  close(info.source === 'import');
  frameSubscription.unsubscribe();
  return results;
}

/** Only the scoring's own events, the ones a replay reproduces (for comparing with a recording). */
export const scoredEvents = (events: readonly SessionEvent[]): SessionEvent[] => events.filter((event) => event.kind !== 'set-complete');


/** Samples of an import per pipeline batch (as ANALYSIS_BATCH_SAMPLES in hub/analyze/analyze.ts). */
const GROUP_SAMPLES = 1024;

/** One-sample stored batches of a sensor as one batch, each sample at its own time (SampleBatch.times). */
function sampleBatchOfMany(group: readonly StoredBatch[], sensorIds: readonly string[]): SampleBatch {
  const first = group[0]!;
  const times = Float64Array.from(group, (batch) => batch.t0);
  return {
    sensorId: sensorIds[first.sensorIndex] ?? `sensor-${first.sensorIndex}`,
    seq: first.seq,
    t0: first.t0,
    dt: first.dt,
    count: group.length,
    imu: imuOf(group.map((batch) => batch.readings[0]!)),
    receivedAt: 0,
    times,
  };
}

/** A stored batch back into the signal path (storage keeps a reading per sample; the path reads columns). */
export function sampleBatchOf(batch: StoredBatch, sensorIds: readonly string[], receivedAt: number): SampleBatch {
  return {
    sensorId: sensorIds[batch.sensorIndex] ?? `sensor-${batch.sensorIndex}`,
    seq: batch.seq,
    t0: batch.t0,
    dt: batch.dt,
    count: batch.readings.length,
    imu: imuOf(batch.readings),
    receivedAt,
  };
}
