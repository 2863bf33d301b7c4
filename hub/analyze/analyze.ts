/**
 * The live pipeline run over recorded samples. The samples go in batches, each sample at its own time
 * on the file's clock, through the very operators the live hub uses (toAngleFrames, repEvents,
 * holdTimer), so the same samples always give the same angles, whether they arrived over Bluetooth,
 * from a replay or from a file. Nothing here does signal maths of its own.
 */
import { Observable, Subject, VirtualTimeScheduler, connect, map, merge, tap, type Subscription } from 'rxjs';
import { repEvents, toAngleFrames } from '../pipeline/operators.ts';
import { initialRom, romTrial, stepRom } from '../pipeline/rom.ts';
import { holdTimer, type HoldReport } from '../pipeline/timing-operators.ts';
import { exerciseKind } from '../protocol/exercises.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { SampleBatch } from '../pipeline/samples.ts';
import { IMU_VALUES_PER_SAMPLE } from '../protocol/gatt.ts';
import { sampleTiming, type ImuSamples, type SampleTiming } from './imu-csv.ts';
import { DEFAULT_REP_OPTIONS, type RepEvent } from '../pipeline/reps.ts';
import { loadDefaultProgramme } from '../programme/load-programme.ts';
import type { Programme } from '../protocol/programme.ts';
import { holdOptionsFor, repOptionsFor } from '../session/set-scoring.ts';

export { SIDES, type Side } from './options.ts';
import type { Side } from './options.ts';

/** One repetition, times on the file's clock in seconds. */
export interface Rep {
  start: number;
  end: number;
  peakAngle: number;
  /** Time held at the end position, seconds. */
  hold: number;
  /** Whether the end hold reached the exercise's target (3 s for the strengthening reps); null without one. */
  holdMet: boolean | null;
}

/** A partial rep: a movement that went part of the set's range and came back, times on the file's clock in seconds. */
export interface PartialRep {
  start: number;
  end: number;
  /** Its peak angle, degrees from the start posture. */
  peak: number;
}

/** A time in position during a hold, seconds on the file's clock. */
export interface Hold {
  start: number;
  end: number;
}

/** What `swivel analyze --json` prints, key for key. */
export interface AnalysisSummary {
  /** Null when only the orientation was asked for. */
  exercise: ExerciseId | null;
  side: Side | null;
  samples: number;
  /** Total time missing in gaps, seconds (rounded to the microsecond). */
  gapSeconds: number;
  repCount: number;
  reps: Rep[];
  /** Movements too short of the set's range to count (under half of it), found all the same, as a physio sees "10 reps, 3 short". */
  partialCount: number;
  partials: PartialRep[];
  /** The spans in position, for hold exercises. */
  holds: Hold[];
  /** Seconds in position, for hold exercises: what the hold timer counted. */
  holdTotal: number;
  /** Range-of-motion tests: the best trial (the largest rep peak); otherwise the largest angle of any sample, degrees. */
  maxAngle: number;
}

export interface AnalysisOptions {
  exercise: ExerciseId | null;
  side: Side | null;
  /** The samples' timing when the caller has it already (readImuCsv returns it). */
  timing?: SampleTiming;
  /** Sensor id the batches carry. */
  sensorId?: string;
  /** The programme that defines the exercise's targets (default: the shipped one), as live sets use. */
  programme?: Programme;
}

export interface AnalysisResult {
  summary: AnalysisSummary;
  timing: SampleTiming;
  /** The angle of every sample, degrees, in sample order (t is samples.t). */
  angles: Float64Array;
  /** The fused orientation of every sample, [w, x, y, z] four by four: sensor → earth, z up. */
  orientations: Float64Array;
}

/** One SampleBatch per sample: t0 is the sample's own time, dt the median interval. */
export function fileSampleBatches(samples: ImuSamples, dt: number, sensorId = 'file'): Observable<SampleBatch> {
  return new Observable<SampleBatch>((subscriber) => {
    for (let i = 0; i < samples.length && !subscriber.closed; i++) {
      const imu = Float64Array.of(samples.ax[i]!, samples.ay[i]!, samples.az[i]!, samples.gx[i]!, samples.gy[i]!, samples.gz[i]!);
      subscriber.next({ sensorId, seq: i & 0xffff, t0: samples.t[i]!, dt, count: 1, imu, receivedAt: 0 });
    }
    subscriber.complete();
  });
}

/** Samples per batch when a file is analysed: few enough to stay in cache, many enough that the per-batch work vanishes. */
export const ANALYSIS_BATCH_SAMPLES = 1024;

/**
 * The samples in batches of `size`, each sample at its own time (SampleBatch.times): the same samples
 * at the same times as `fileSampleBatches`, so the same angles, reps and holds, for far less work per
 * sample. dt is what the batch says its spacing is (the file's median interval; null while the file
 * is still being read: each batch's mean interval). With per-sample times, no result depends on it.
 */
export function fileBatches(samples: ImuSamples, dt: number | null, size = ANALYSIS_BATCH_SAMPLES, sensorId = 'file'): Observable<SampleBatch> {
  return new Observable<SampleBatch>((subscriber) => {
    const { ax, ay, az, gx, gy, gz } = samples;
    for (let start = 0, seq = 0; start < samples.length && !subscriber.closed; start += size, seq++) {
      const count = Math.min(size, samples.length - start);
      const imu = new Float64Array(count * IMU_VALUES_PER_SAMPLE);
      for (let i = 0, o = 0; i < count; i++, o += IMU_VALUES_PER_SAMPLE) {
        const s = start + i;
        imu[o] = ax[s]!;
        imu[o + 1] = ay[s]!;
        imu[o + 2] = az[s]!;
        imu[o + 3] = gx[s]!;
        imu[o + 4] = gy[s]!;
        imu[o + 5] = gz[s]!;
      }
      const times = samples.t.subarray(start, start + count);
      const spacing = dt ?? (count > 1 ? (times[count - 1]! - times[0]!) / (count - 1) : 0);
      subscriber.next({ sensorId, seq: seq & 0xffff, t0: times[0]!, dt: spacing, count, imu, receivedAt: 0, times });
    }
    subscriber.complete();
  });
}

/** The exercises that are range-of-motion tests: their result is the best trial. */
const ROM_TESTS: readonly ExerciseId[] = ['rom-prone', 'rom-seated'];

/** Runs the samples through the live angle pipeline and summarises them. */
export async function analyzeSamples(samples: ImuSamples, options: AnalysisOptions): Promise<AnalysisResult> {
  const timing = options.timing ?? sampleTiming(samples.t);
  const programme = options.programme ?? (await loadDefaultProgramme());
  const run = new SampleAnalysis({ ...options, programme });
  run.push(samples);
  return run.finish(samples, timing);
}

/**
 * The analysis of one file, fed its samples in pieces as they are read (`push`), then summarised
 * (`finish`): the pipeline can run while the rest of the file is still being read. The pieces run
 * through the same operators, at the same times, as the whole file at once would.
 */
export class SampleAnalysis {
  private readonly batches = new Subject<SampleBatch>();
  private readonly subscription: Subscription;
  private readonly traces: number[][] = [];
  private readonly frameOrientations: Float64Array[] = [];
  private count = 0;
  private pushed = 0;
  private readonly reps: Rep[] = [];
  private readonly partials: PartialRep[] = [];
  private readonly holds: Hold[] = [];
  private rom = initialRom();
  private readonly romSide: Side;
  private readonly kind: ReturnType<typeof exerciseKind> | null;
  private readonly sensorId: string | undefined;
  private error: unknown = null;
  private completed = false;

  constructor(private readonly options: AnalysisOptions & { programme: Programme }) {
    this.kind = options.exercise === null ? null : exerciseKind(options.exercise);
    this.sensorId = options.sensorId;
    // One file is one side; a side not given files its trials under the left.
    this.romSide = options.side ?? 'left';
    // The exercise as the programme defines it: its targets set the rep counter's and the hold
    // timer's options exactly as in a live set.
    const exercise = options.exercise === null ? null : (options.programme.exercises.find((e) => e.id === options.exercise) ?? null);
    // The hold timer's clock never moves: its watch for a sensor falling silent is for live links,
    // and the time a file takes to read must not look like silence.
    const scheduler = new VirtualTimeScheduler();
    this.subscription = this.batches
      .pipe(
        toAngleFrames(),
        tap((frame) => {
          // Kept as the frames give them (batches with per-sample times give every sample's
          // orientation), and joined once at the end.
          this.traces.push(frame.trace);
          this.frameOrientations.push(frame.orientations!);
          this.count += frame.trace.length;
        }),
        // The rep counter and the hold timer see the very same frames, as they do live.
        connect((frames) =>
          merge(
            frames.pipe(repEvents(exercise ? repOptionsFor(exercise) : DEFAULT_REP_OPTIONS)),
            this.kind === 'hold' && exercise ? frames.pipe(holdTimer(holdOptionsFor(exercise), { scheduler }), map((report) => ({ kind: 'hold-report' as const, report }))) : [],
          ),
        ),
      )
      .subscribe({
        next: (event) => this.take(event),
        error: (error) => (this.error = error),
        complete: () => (this.completed = true),
      });
  }

  private take(event: (RepEvent & { sensorId: string }) | { kind: 'hold-report'; report: HoldReport }): void {
    const romSide = this.romSide;
    if (event.kind === 'rep-withdrawn') {
      const at = this.reps.findIndex((rep) => rep.start === event.rep.start);
      if (at >= 0) this.reps.splice(at, 1);
      // Counted while the set's range was being learned, it turned out to be a partial.
      this.partials.push({ start: event.rep.start, end: event.rep.end, peak: event.rep.peakAngle });
      // Its trial goes too (rom keeps angles; the withdrawn one is the same number).
      const trials = this.rom[romSide];
      const trial = trials.lastIndexOf(event.rep.peakAngle);
      if (trial >= 0) this.rom = { ...this.rom, [romSide]: [...trials.slice(0, trial), ...trials.slice(trial + 1)] };
    } else if (event.kind === 'rep') {
      this.reps.push({ start: event.rep.start, end: event.rep.end, peakAngle: event.rep.peakAngle, hold: event.rep.hold, holdMet: event.rep.holdMet });
      this.rom = stepRom(this.rom, romTrial(romSide, event.rep));
    } else if (event.kind === 'partial') {
      this.partials.push({ start: event.rep.start, end: event.rep.end, peak: event.rep.peakAngle });
    } else if (event.kind === 'hold-report') {
      // A span can close as soon as it opened (a return that was not one): no time in position.
      for (const hold of event.report.events) if (hold.kind === 'paused' && hold.span.end > hold.span.start) this.holds.push(hold.span);
    }
  }

  /** The next samples of the file, in order. */
  push(samples: ImuSamples): void {
    if (this.error) throw this.error;
    fileBatches(samples, null, ANALYSIS_BATCH_SAMPLES, this.sensorId).subscribe((batch) => this.batches.next(batch));
    this.pushed += samples.length;
  }

  /** All samples pushed: the summary, with the whole file's samples and timing. */
  finish(samples: ImuSamples, timing: SampleTiming): AnalysisResult {
    this.batches.complete();
    this.subscription.unsubscribe();
    if (this.error) throw this.error;
    if (!this.completed) throw new Error('the analysis did not complete');
    const { options, kind, count } = this;
    if (this.pushed !== samples.length) throw new Error(`the analysis was given ${this.pushed} samples of ${samples.length}`);
    if (count !== samples.length) throw new Error(`the angle pipeline gave ${count} angles for ${samples.length} samples`);
    const angles = new Float64Array(count);
    const orientations = new Float64Array(count * 4);
    let at = 0;
    for (const [f, trace] of this.traces.entries()) {
      for (let i = 0; i < trace.length; i++) angles[at + i] = trace[i]!;
      orientations.set(this.frameOrientations[f]!, at * 4);
      at += trace.length;
    }
    // Reps are counted only where the exercise is measured in reps (efforts are timed, the hip click is
    // an instruction).
    const counted = kind === 'reps' ? this.reps : [];
    // A withdrawn rep joins the partials when it is withdrawn: in time order, as the counted reps are.
    const short = kind === 'reps' ? this.partials.sort((a, b) => a.start - b.start) : [];
    let maxAngle = -Infinity;
    for (const angle of angles) if (angle > maxAngle) maxAngle = angle;
    const trials = this.rom[this.romSide];
    if (options.exercise !== null && ROM_TESTS.includes(options.exercise) && trials.length > 0) maxAngle = Math.max(...trials);
    const holds = this.holds;
    return {
      timing,
      angles,
      orientations,
      summary: {
        exercise: options.exercise,
        side: options.side,
        samples: samples.length,
        gapSeconds: Math.round(timing.gapSeconds * 1e6) / 1e6,
        repCount: counted.length,
        reps: counted,
        partialCount: short.length,
        partials: short,
        holds,
        holdTotal: holds.reduce((total, hold) => total + (hold.end - hold.start), 0),
        maxAngle,
      },
    };
  }
}
