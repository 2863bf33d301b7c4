/**
 * "The same samples always give the same reps, holds and angles": the cases behind
 * test/pipeline/same-results.test.ts and the record of what the signal path gave for them
 * (test/fixtures/same-results/, written by `node --import tsx test/support/capture-same-results.ts`).
 *
 * Two kinds of input, both stored as they arrive so the record does not depend on the simulator:
 * - simulated sets as notification bytes (firmware-sim, wide IMU and clock envelope, lost bursts, a
 *   dropped link, a malformed packet, an exercise reset), through decodeNotifications → sampleBatches
 *   → toAngleFrames → repEvents, as the live hub runs them;
 * - recorded files (real pt-reps sets, the start of a BROAD trial) through `swivel analyze`'s path:
 *   fileSampleBatches → toAngleFrames, and analyzeSamples for the reps.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Subject, from, lastValueFrom, tap, toArray } from 'rxjs';
import { analyzeSamples, fileSampleBatches } from '../../hub/analyze/analyze.ts';
import { ImuCsvParser, sampleTiming, type ImuSamples } from '../../hub/analyze/imu-csv.ts';
import type { SensorEvent } from '../../hub/pipeline/events.ts';
import { decodeNotifications, repEvents, sampleBatches, toAngleFrames, type AngleFrame } from '../../hub/pipeline/operators.ts';
import type { SampleBatch } from '../../hub/pipeline/samples.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import type { Observable } from 'rxjs';

export const SAME_RESULTS_DIR = join(import.meta.dirname, '..', 'fixtures', 'same-results');

/** What the signal path gave for one input. Angles are every sample's; the rest one per frame. */
export interface CaseRecord {
  name: string;
  samples: number;
  frames: number;
  /** Degrees, rounded to 1e-7 (the comparison allows 1e-6). */
  angles: number[];
  /** The frame's orientation, [w, x, y, z] four by four, rounded to 1e-10. */
  orientations: number[];
  /** Frame health and epoch as runs: [value, frames]. */
  health: [string, number][];
  epochs: [number, number][];
  /** stillSeconds of every frame, rounded to 1e-7. */
  stillSeconds: number[];
  /** Rep events (simulated sets) or `swivel analyze --json`'s summary (files). */
  reps: unknown;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function runs<T>(values: T[]): [T, number][] {
  const out: [T, number][] = [];
  for (const v of values) {
    const last = out.at(-1);
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

function recordFrames(name: string, frames: AngleFrame[], reps: unknown): CaseRecord {
  const angles: number[] = [];
  for (const frame of frames) for (const angle of frame.trace) angles.push(round(angle, 7));
  return {
    name,
    samples: angles.length,
    frames: frames.length,
    angles,
    orientations: frames.flatMap((f) => [...f.orientation].map((c) => round(c, 10))),
    health: runs(frames.map((f) => f.health)),
    epochs: runs(frames.map((f) => f.epoch)),
    stillSeconds: frames.map((f) => round(f.stillSeconds, 7)),
    reps,
  };
}

/** Notifications stored as: u8 link epoch, u8 length, the bytes; gzipped. */
export function encodeNotifications(events: readonly { linkEpoch: number; bytes: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(events.reduce((n, e) => n + 2 + e.bytes.length, 0));
  let o = 0;
  for (const e of events) {
    out[o++] = e.linkEpoch;
    out[o++] = e.bytes.length;
    out.set(e.bytes, o);
    o += e.bytes.length;
  }
  return out;
}

export function decodeNotificationFile(bytes: Uint8Array, sensorId: string): SensorEvent[] {
  const events: SensorEvent[] = [];
  for (let o = 0; o < bytes.length; ) {
    const linkEpoch = bytes[o]!;
    const length = bytes[o + 1]!;
    events.push({ kind: 'notification', sensorId, linkEpoch, bytes: bytes.slice(o + 2, o + 2 + length), receivedAt: 0 });
    o += 2 + length;
  }
  return events;
}

export interface SimulatedCase {
  kind: 'notifications';
  name: string;
  /** A new exercise starts (toAngleFrames' reset) after this many frames. */
  resetAfterFrame?: number;
}

export interface FileCase {
  kind: 'file';
  name: string;
  /** Relative to test/fixtures. */
  file: string;
  exercise: ExerciseId | null;
}

export type SameResultsCase = SimulatedCase | FileCase;

export const SAME_RESULTS_CASES: readonly SameResultsCase[] = [
  { kind: 'notifications', name: 'sim-seated-hip-ir-lossy', resetAfterFrame: 1500 },
  { kind: 'notifications', name: 'sim-swivel-chair-200hz' },
  { kind: 'notifications', name: 'sim-centration-hold-mtu23' },
  { kind: 'file', name: 'pt-reps-s2e1_b3', file: 'pt-reps/s2e1_b3.shin.csv.gz', exercise: 'seated-hip-ir' },
  { kind: 'file', name: 'pt-reps-s1e5_b1', file: 'pt-reps/s1e5_b1.shin.csv.gz', exercise: 'straight-leg-rolls' },
  { kind: 'file', name: 'broad-08-first-20s', file: 'same-results/broad-08-first-20s.imu.csv.gz', exercise: 'seated-hip-ir' },
];

export async function readGzippedCsv(path: string): Promise<ImuSamples> {
  const parser = new ImuCsvParser();
  for (const line of gunzipSync(await readFile(path)).toString('utf8').split('\n')) if (line) parser.push(line);
  const result = parser.finish();
  if (!result.ok) throw new Error(`${path}: ${result.error.message}`);
  return result.samples;
}

const collect = (frames: Observable<AngleFrame>) => lastValueFrom(frames.pipe(toArray()));

/** Runs one case through today's signal path. */
export async function runCase(c: SameResultsCase): Promise<CaseRecord> {
  if (c.kind === 'notifications') {
    const events = decodeNotificationFile(gunzipSync(await readFile(join(SAME_RESULTS_DIR, `${c.name}.notifications.bin.gz`))), 's');
    const resets = new Subject<number>();
    let count = 0;
    const frames = await collect(
      from(events).pipe(
        decodeNotifications(),
        sampleBatches(),
        toAngleFrames(undefined, resets),
        tap(() => {
          if (++count === c.resetAfterFrame) resets.next(1);
        }),
      ),
    );
    const reps = await lastValueFrom(from(frames).pipe(repEvents(), toArray()));
    return recordFrames(c.name, frames, reps);
  }
  const samples = await readGzippedCsv(join(SAME_RESULTS_DIR, '..', c.file));
  const timing = sampleTiming(samples.t);
  const batches: Observable<SampleBatch> = fileSampleBatches(samples, timing.medianInterval);
  const frames = await collect(batches.pipe(toAngleFrames()));
  const analysis = await analyzeSamples(samples, { exercise: c.exercise, side: null, timing });
  return recordFrames(c.name, frames, analysis.summary);
}
