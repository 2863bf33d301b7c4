/**
 * The rxjs wiring of the signal path: notification bytes → decode → sample batches → fusion →
 * orientation → exercise angle → angle frames. The maths lives in plain functions (gatt.ts,
 * samples.ts, fusion.ts, exercise-angle.ts); these
 * operators only carry state per subscription, so live, replay and file analysis can each run the
 * same operators without sharing anything.
 */
import { NEVER, Observable, asyncScheduler, concatWith, defer, filter, finalize, map, mergeMap, scan, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { decodeImuSamples, IMU_VALUES_PER_SAMPLE } from '../protocol/gatt.ts';
import type { SensorStats } from '../protocol/messages.ts';
import type { PipelineEvent, SensorEvent } from './events.ts';
import { newExerciseAngleState, resetExerciseAngle, stepExerciseAngle, type AngleHealth, type ExerciseAngleState } from './exercise-angle.ts';
import { DEFAULT_FUSION_OPTIONS, newFusionState, stepFusion, type FusionOptions, type FusionState } from './fusion.ts';
import type { Quat } from './quaternion.ts';
import { initialSequenceState, trackSequence, type SampleBatch, type SequenceState } from './samples.ts';
import { DEFAULT_REP_OPTIONS, finishReps, initialReps, stepReps, type RepEvent, type RepOptions, type RepState } from './reps.ts';
import { emptyStats, reduceStats } from './stats.ts';
import { decodeVendorNotification, type VendorDecodeState } from './vendor-decode.ts';

export type { PipelineEvent } from './events.ts';

/**
 * Decodes notifications into sample batches. A malformed notification becomes a `malformed` event
 * (counted, shown, dropped) and never an error: the stream carries on with the next packet.
 */
export function decodeNotifications(): OperatorFunction<SensorEvent, PipelineEvent> {
  return (source) =>
    defer(() => {
      // Per sensor: its sequence, and the malformed packets since its last good one. A malformed
      // packet's sequence number cannot be read, so it shows up as a gap in the next good one; it
      // arrived, though, so it is subtracted from that gap rather than counted as lost too.
      const sensors = new Map<string, { sequence: SequenceState; malformedSinceGood: number } & VendorDecodeState>();
      return source.pipe(
        map((event): PipelineEvent | null => {
          if (event.kind !== 'notification') return event;
          let sensor = sensors.get(event.sensorId);
          if (!sensor) {
            sensor = { sequence: initialSequenceState, malformedSinceGood: 0 };
            sensors.set(event.sensorId, sensor);
          }
          if (event.format && event.format !== 'swivel') return decodeVendorNotification(sensor, event);
          const decoded = decodeImuSamples(event.bytes);
          if (!decoded.ok) {
            sensor.malformedSinceGood++;
            return { kind: 'malformed', sensorId: event.sensorId, message: decoded.error.message, error: decoded.error };
          }
          const { packet } = decoded;
          const tracked = trackSequence(sensor.sequence, event.linkEpoch, packet.seq, packet.timestampUs);
          sensor.sequence = tracked.state;
          const arrivedBroken = sensor.malformedSinceGood;
          sensor.malformedSinceGood = 0;
          return {
            kind: 'samples',
            sensorId: event.sensorId,
            lost: Math.max(0, tracked.lost - arrivedBroken),
            batch: { sensorId: event.sensorId, seq: packet.seq, t0: tracked.t0, dt: 1 / packet.config.rateHz, count: packet.count, imu: packet.imu, receivedAt: event.receivedAt },
          };
        }),
        // A vendor notification may complete no samples yet (Polar's ACC waits for its GYRO frame).
        filter((event): event is PipelineEvent => event !== null),
      );
    });
}

export const sampleBatches = (): OperatorFunction<PipelineEvent, SampleBatch> => (source) =>
  source.pipe(
    filter((event): event is Extract<PipelineEvent, { kind: 'samples' }> => event.kind === 'samples'),
    map((event) => event.batch),
  );

/** The exercise angle of every sample of a batch, newest last, with the orientation behind it. */
export interface AngleFrame {
  sensorId: string;
  seq: number;
  /** Sensor time of the newest sample, seconds. */
  t: number;
  angle: number;
  trace: number[];
  /** Time between the samples of `trace`, seconds (the newest is at `t`). */
  dt: number;
  /** Orientation of the sensor at the newest sample: sensor → earth (z up, heading arbitrary). */
  orientation: Quat;
  health: AngleHealth;
  /**
   * The start-posture epoch: the value of the latest reset (see toAngleFrames), 0 before any. A frame
   * with health `ok` in epoch n means the start posture was taken after reset n.
   */
  epoch: number;
  /**
   * How long the sensor has been still since this epoch began, seconds (0 while it moves): the start
   * posture is taken at `DEFAULT_EXERCISE_ANGLE_OPTIONS.startStillSeconds`, so a screen can show progress.
   */
  stillSeconds: number;
  /** Hub clock when the newest notification arrived (performance.now, ms). */
  receivedAt: number;
  /** Each sample's own time, when the batch had them (see SampleBatch.times); `sampleTime` reads either. */
  times?: Float64Array;
  /** With `times`, also the orientation of every sample, [w, x, y, z] four by four, for a file's analysis. */
  orientations?: Float64Array;
}

/** The time of sample i of a frame's trace, seconds on the sensor's clock. */
export function sampleTime(frame: AngleFrame, i: number): number {
  return frame.times ? frame.times[i]! : frame.t - (frame.trace.length - 1 - i) * frame.dt;
}

/** A sensor clock further back than this is a restarted clock, not jitter, seconds. */
const CLOCK_BACK_TOLERANCE_SECONDS = 1;
/** The gap put between a restarted sensor clock's last time and its first new one, seconds. */
const RESTART_GAP_SECONDS = 2;

/**
 * Orientation fusion and the exercise angle, per sensor, sample by sample. Each value of `resets`
 * (an epoch number) makes every sensor's exercise angle take a new start posture and learn a new
 * axis, as a new exercise needs; the orientation (and the gyroscope bias it has learned) carries on.
 *
 * The states are made per subscription (live, replay and file analysis each have their own) and
 * updated in place, sample by sample, with nothing allocated per sample: a frame per batch.
 */
export function toAngleFrames(options: FusionOptions = DEFAULT_FUSION_OPTIONS, resets: Observable<number> = NEVER): OperatorFunction<SampleBatch, AngleFrame> {
  return (source) =>
    defer(() => {
      const states = new Map<string, { fusion: FusionState; angle: ExerciseAngleState; clockOffset: number }>();
      let epoch = 0;
      const onReset = resets.subscribe((next) => {
        epoch = next;
        for (const state of states.values()) resetExerciseAngle(state.angle);
      });
      return source.pipe(
        finalize(() => onReset.unsubscribe()),
        map((batch): AngleFrame => {
          let state = states.get(batch.sensorId);
          if (!state) {
            state = { fusion: newFusionState(), angle: newExerciseAngleState(), clockOffset: 0 };
            states.set(batch.sensorId, state);
          }
          const { fusion, angle } = state;
          // A sensor that restarted (or a phone page reloaded) starts its clock again: its time goes on
          // from where it was, after a gap (fusion levels afresh after it), so that every timer
          // downstream (start posture, reps, holds) sees time move forward. Fixed, not measured, so a
          // replay of the same samples gives the same times.
          const first = batch.times ? batch.times[0]! : batch.t0;
          if (first + state.clockOffset < fusion.lastT - CLOCK_BACK_TOLERANCE_SECONDS) state.clockOffset = fusion.lastT + RESTART_GAP_SECONDS - first;
          const offset = state.clockOffset;
          const orientations = batch.times ? new Float64Array(batch.count * 4) : null;
          const trace = angleTrace(fusion, angle, batch, offset, options, orientations);
          const q = fusion.q;
          const frame: AngleFrame = {
            sensorId: batch.sensorId,
            seq: batch.seq,
            t: (batch.times ? batch.times[batch.count - 1]! : batch.t0 + (batch.count - 1) * batch.dt) + offset,
            angle: angle.angleDeg,
            trace,
            dt: batch.dt,
            orientation: [q[0]!, q[1]!, q[2]!, q[3]!],
            health: angle.health,
            epoch,
            stillSeconds: Number.isNaN(fusion.stillSince) ? 0 : Math.max(0, fusion.lastT - Math.max(fusion.stillSince, angle.startedAt)),
            receivedAt: batch.receivedAt,
          };
          if (orientations) {
            frame.times = offset === 0 ? batch.times : batch.times!.map((time) => time + offset);
            frame.orientations = orientations;
          }
          return frame;
        }),
      );
    });
}

/**
 * A batch's samples through fusion and the exercise angle, in place: the angle of each sample (and,
 * given somewhere to put them, each sample's orientation). `offset` is added to every sample's time
 * (a restarted sensor clock, see toAngleFrames).
 */
function angleTrace(fusion: FusionState, angle: ExerciseAngleState, batch: SampleBatch, offset: number, options: FusionOptions, orientations: Float64Array | null): number[] {
  const { imu, count, t0, dt, times } = batch;
  const trace = new Array<number>(count);
  for (let i = 0, o = 0; i < count; i++, o += IMU_VALUES_PER_SAMPLE) {
    stepFusion(fusion, imu, o, (times ? times[i]! : t0 + i * dt) + offset, options);
    stepExerciseAngle(angle, fusion);
    trace[i] = angle.angleDeg;
    if (orientations) {
      const q = fusion.q;
      orientations[4 * i] = q[0]!;
      orientations[4 * i + 1] = q[1]!;
      orientations[4 * i + 2] = q[2]!;
      orientations[4 * i + 3] = q[3]!;
    }
  }
  return trace;
}

/**
 * Limits frames to one per `minIntervalMs` for screens without dropping any angle: a frame that
 * arrives inside the interval is merged (traces joined, newest values kept) and sent when the interval
 * ends. A frame after a quiet spell goes out at once, so display latency is not added when the sensor
 * already sends at a display-friendly rate.
 */
export function coalesceFrames(minIntervalMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<AngleFrame, AngleFrame> {
  return (source) =>
    new Observable<AngleFrame>((subscriber) => {
      let pending: AngleFrame | null = null;
      let lastSent = -Infinity;
      let timer: Subscription | null = null;
      const send = (frame: AngleFrame) => {
        lastSent = scheduler.now();
        subscriber.next(frame);
      };
      const flush = () => {
        timer = null;
        if (pending) send(pending);
        pending = null;
      };
      const subscription = source.subscribe({
        next(frame) {
          const merged = pending ? { ...frame, trace: pending.trace.concat(frame.trace) } : frame;
          const wait = minIntervalMs - (scheduler.now() - lastSent);
          if (!timer && wait <= 0) {
            pending = null;
            send(merged);
            return;
          }
          pending = merged;
          timer ??= scheduler.schedule(flush, wait);
        },
        error: (error) => subscriber.error(error),
        complete() {
          timer?.unsubscribe();
          if (pending) subscriber.next(pending);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}

/** Running statistics per sensor. */
export const sensorStats = (): OperatorFunction<PipelineEvent, { sensorId: string; stats: SensorStats }> => (source) =>
  defer(() => source.pipe(
    scan(
      (acc, event) => {
        const stats = reduceStats(acc.all.get(event.sensorId) ?? emptyStats, event);
        acc.all.set(event.sensorId, stats);
        return { all: acc.all, latest: { sensorId: event.sensorId, stats } };
      },
      { all: new Map<string, SensorStats>(), latest: { sensorId: '', stats: emptyStats } },
    ),
    map((acc) => acc.latest),
  ));

/**
 * Rep events of each sensor, from the angle of every sample. When the input ends, reps still waiting
 * for their set's range are decided (see `finishReps`).
 */
export function repEvents(options: RepOptions = DEFAULT_REP_OPTIONS): OperatorFunction<AngleFrame, RepEvent & { sensorId: string }> {
  return (source) =>
    defer(() => {
      const states = new Map<string, RepState>();
      return source.pipe(
        mergeMap((frame) => {
          let state = states.get(frame.sensorId) ?? initialReps();
          const out: (RepEvent & { sensorId: string })[] = [];
          const n = frame.trace.length;
          for (let i = 0; i < n; i++) {
            state = stepReps(state, frame.trace[i]!, sampleTime(frame, i), options);
            for (const event of state.events) out.push({ ...event, sensorId: frame.sensorId });
          }
          states.set(frame.sensorId, state);
          return out;
        }),
        concatWith(defer(() => [...states].flatMap(([sensorId, state]) => finishReps(state, options).events.map((event) => ({ ...event, sensorId }))))),
      );
    });
}
