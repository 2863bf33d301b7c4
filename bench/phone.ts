/**
 * bench/phone: what a phone costs against the Swivel sensor. The same simulated sets (person, IMU,
 * random mounting: firmware-sim) go through two paths at the same 60 Hz:
 *
 * - BLE: the sensor at 60 Hz, int16 packets, decoded and analysed as `swivel analyze` does
 *   (the path of bench/accuracy.ts, without packet loss).
 * - Phone: the same IMU read as a browser reads a phone (firmware-sim/phone.ts): `devicemotion` at
 *   60 Hz with dispatch jitter up to 4 ms, a busy page's stalls (1 % of events start a 30–120 ms
 *   stall whose events are never fired), Chrome's rounding (0.1 m/s², 0.1 deg/s); each reading
 *   converted on the "phone" (hub/protocol/phone-motion.ts), sent in messages of six, and timed by
 *   the hub (hub/pipeline/phone-samples.ts) into the same angle pipeline, rep counter and hold timer.
 *
 *   npm run bench:phone                  # every exercise counted in reps or held, 5 seeds each
 *   npm run bench:phone -- --seeds 2     # quicker
 *
 * Per set: angle RMSE against the truth (after the 2 s start), rep count against the truth's full
 * reps, end-hold error, and for hold exercises (with one break out of position) the hold timer
 * against the truth's time in position.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSamples, type AnalysisResult } from '../hub/analyze/analyze.ts';
import { readImuCsv, type ImuSamples } from '../hub/analyze/imu-csv.ts';
import { initialPhoneTiming, timePhoneSamples } from '../hub/pipeline/phone-samples.ts';
import { EXERCISE_IDS, exerciseKind, type ExerciseId } from '../hub/protocol/exercises.ts';
import { STANDARD_QUIRKS, readingToSample } from '../hub/protocol/phone-motion.ts';
import { browserMotionEvents } from '../firmware-sim/phone.ts';
import { record, type Recording } from '../firmware-sim/record.ts';
import { deriveSeed, seededRandom } from '../firmware-sim/random.ts';
import { SensorModel } from '../firmware-sim/sensor.ts';
import type { TruthRep } from '../firmware-sim/person/person.ts';

const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 5;
const RATE_HZ = 60;
const REP_SECONDS = 120;
const HOLD_SECONDS = 160;
const SETTLE_SECONDS = 2;
/** Samples in one message from the phone: the page sends every 100 ms. */
const PER_MESSAGE = 6;

const exercises = EXERCISE_IDS.filter((id) => exerciseKind(id) === 'reps' || exerciseKind(id) === 'hold');
const dir = await mkdtemp(join(tmpdir(), 'swivel-phone-bench-'));
const started = performance.now();

interface PathResult {
  rmse: number;
  /** Counted − truth full reps (rep exercises). */
  countError: number | null;
  holdErrors: number[];
  /** |timer − truth| seconds in position (hold exercises). */
  holdTimerError: number | null;
}

interface SetResult {
  exercise: ExerciseId;
  seed: number;
  ble: PathResult;
  phone: PathResult;
  /** Events the browser never fired (stalls), and the batches the hub made. */
  skippedEvents: number;
}

/** The set's truth (what the person did), and the samples the phone path and the BLE path give for it. */
async function runSet(exercise: ExerciseId, seed: number): Promise<SetResult> {
  const hold = exerciseKind(exercise) === 'hold';
  const seconds = hold ? HOLD_SECONDS : REP_SECONDS;
  const setSeed = 1000 * (EXERCISE_IDS.indexOf(exercise) + 1) + seed;
  const options = { exercise, seed: setSeed, mounting: 'random' as const, ...(hold ? { holdBreak: true } : {}) };

  // BLE: recorded, written, read and analysed as bench/accuracy.ts does.
  const recording: Recording = record({ ...options, seconds, loss: 0, config: { rateHz: RATE_HZ, accRangeG: 4, gyroRangeDps: 1000 } });
  const file = join(dir, `${exercise}-${seed}.csv`);
  await writeFile(file, recording.csv);
  const read = await readImuCsv(file, { acc: 'g', gyro: 'dps' });
  if (!read.ok) throw new Error(`${file}: ${read.error.message}`);
  const bleAnalysis = await analyzeSamples(read.samples, { exercise, side: null, timing: read.timing });
  const truthReps = recording.truth.reps;
  const ble = score(exercise, bleAnalysis, recording.truth.samples.trueTime, recording.truth.samples.angleDeg, truthReps);

  // Phone: the same person and IMU (same seeds, same mounting), read as a browser reads a phone.
  const model = new SensorModel(options);
  const events = browserMotionEvents(model, seconds, STANDARD_QUIRKS, seededRandom(deriveSeed(setSeed, 'browser')));
  const expected = Math.floor(seconds * RATE_HZ);
  let timing = initialPhoneTiming();
  const columns: number[][] = [[], [], [], [], [], [], []];
  const sample = new Array<number>(6);
  for (let from = 0; from < events.length; from += PER_MESSAGE) {
    const message = events.slice(from, from + PER_MESSAGE);
    const t: number[] = [];
    const imu: number[] = [];
    for (const { reading } of message) {
      if (readingToSample(reading, STANDARD_QUIRKS, sample) !== null) throw new Error('a simulated reading lacks a part');
      t.push(reading.timeStamp / 1000);
      imu.push(...sample);
    }
    const timed = timePhoneSamples(timing, 'phone', t, imu, 0);
    timing = timed.state;
    for (const batch of timed.batches) {
      for (let i = 0; i < batch.count; i++) {
        columns[0]!.push(batch.t0 + i * batch.dt);
        for (let v = 0; v < 6; v++) columns[v + 1]!.push(batch.imu[i * 6 + v]!);
      }
    }
  }
  const [t, ax, ay, az, gx, gy, gz] = columns.map((column) => Float64Array.from(column)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const samples: ImuSamples = { length: t.length, t, ax, ay, az, gx, gy, gz };
  const phoneAnalysis = await analyzeSamples(samples, { exercise, side: null });
  const trueTimes = events.map((event) => event.trueTime);
  // The recording's truth is on the sensor's clock, as its samples are; the phone's timestamps are true time.
  const phone = score(exercise, phoneAnalysis, trueTimes, trueTimes.map((time) => model.angleAt(time)), model.person!.reps(seconds));
  return { exercise, seed, ble, phone, skippedEvents: expected - events.length };
}

/** One path's figures for a set, against the truth. */
function score(exercise: ExerciseId, analysis: AnalysisResult, trueTime: ArrayLike<number>, truthAngle: ArrayLike<number>, truthReps: TruthRep[]): PathResult {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < analysis.angles.length; i++) {
    if (trueTime[i]! - trueTime[0]! < SETTLE_SECONDS) continue;
    sum += (analysis.angles[i]! - truthAngle[i]!) ** 2;
    n++;
  }
  const full = truthReps.filter((rep) => rep.kind === 'rep' && !rep.partial);
  // As in bench/accuracy.ts: a rep cut off by the end of the recording is not compared.
  const truthEnd = Math.max(...truthReps.map((rep) => rep.end));
  const counted = analysis.summary.reps.filter((rep) => rep.start < truthEnd);
  const holdErrors = counted.flatMap((rep) => {
    const match = full.find((truthRep) => truthRep.peakTime >= rep.start && truthRep.peakTime <= rep.end);
    return match ? [Math.abs(rep.hold - match.endHoldSeconds)] : [];
  });
  let holdTimerError: number | null = null;
  if (exerciseKind(exercise) === 'hold') {
    const hold = truthReps.find((rep) => rep.kind === 'hold');
    if (hold) {
      const overlap = (span: { start: number; end: number }) => Math.max(0, Math.min(span.end, hold.end) - Math.max(span.start, hold.start));
      const truthSeconds = hold.inPosition.reduce((total, span) => total + span.end - span.start, 0);
      holdTimerError = Math.abs(analysis.summary.holds.reduce((total, span) => total + overlap(span), 0) - truthSeconds);
    }
  }
  return { rmse: Math.sqrt(sum / n), countError: exerciseKind(exercise) === 'reps' ? counted.length - full.length : null, holdErrors, holdTimerError };
}

const results: SetResult[] = [];
for (const exercise of exercises) for (let seed = 1; seed <= SEEDS; seed++) results.push(await runSet(exercise, seed));
await rm(dir, { recursive: true, force: true });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : Number.NaN;
};
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
const f = (x: number, width = 6) => x.toFixed(2).padStart(width);

console.log(`Swivel through a phone: ${SEEDS} simulated sets per exercise at ${RATE_HZ} Hz, random mountings, the same sets through the BLE sensor and through a browser`);
console.log('(jitter up to 4 ms, 1 % stalls of 30–120 ms, Chrome rounding); error = hub angle − truth angle\n');
console.log('exercise                   | sets | BLE median RMSE ° | phone median RMSE ° | worst phone − BLE ° | BLE exact | phone exact');
for (const exercise of exercises) {
  const sets = results.filter((r) => r.exercise === exercise);
  const reps = exerciseKind(exercise) === 'reps';
  const exact = (path: 'ble' | 'phone') => (reps ? `${sets.filter((r) => r[path].countError === 0).length}/${sets.length}` : '–');
  console.log(
    [
      exercise.padEnd(26),
      String(sets.length).padStart(4),
      f(median(sets.map((r) => r.ble.rmse)), 17),
      f(median(sets.map((r) => r.phone.rmse)), 19),
      f(Math.max(...sets.map((r) => r.phone.rmse - r.ble.rmse)), 19),
      exact('ble').padStart(9),
      exact('phone').padStart(11),
    ].join(' | '),
  );
}
const repSets = results.filter((r) => r.ble.countError !== null);
const holdSets = results.filter((r) => r.ble.holdTimerError !== null && r.phone.holdTimerError !== null);
const diffs = results.map((r) => r.phone.rmse - r.ble.rmse);
const worst = results.reduce((a, b) => (b.phone.rmse - b.ble.rmse > a.phone.rmse - a.ble.rmse ? b : a));
console.log(
  `\nangle: median RMSE BLE ${median(results.map((r) => r.ble.rmse)).toFixed(2)}°, phone ${median(results.map((r) => r.phone.rmse)).toFixed(2)}°; ` +
    `phone − BLE per set: median ${median(diffs).toFixed(2)}°, worst ${Math.max(...diffs).toFixed(2)}° (${worst.exercise} seed ${worst.seed}); within 0.5° in ${diffs.filter((d) => d <= 0.5).length} of ${diffs.length} sets`,
);
const offBy = (path: 'ble' | 'phone') => repSets.filter((r) => r[path].countError !== 0).map((r) => `${r.exercise} seed ${r.seed} (${r[path].countError! > 0 ? '+' : ''}${r[path].countError})`);
console.log(
  `reps: exact in ${repSets.filter((r) => r.ble.countError === 0).length}/${repSets.length} sets by BLE, ${repSets.filter((r) => r.phone.countError === 0).length}/${repSets.length} by phone; ` +
    `the same count in ${repSets.filter((r) => r.ble.countError === r.phone.countError).length}/${repSets.length}`,
);
if (offBy('ble').length) console.log(`  BLE off: ${offBy('ble').join(', ')}`);
if (offBy('phone').length) console.log(`  phone off: ${offBy('phone').join(', ')}`);
console.log(
  `end holds: mean |error| BLE ${mean(repSets.flatMap((r) => r.ble.holdErrors)).toFixed(2)} s over ${repSets.flatMap((r) => r.ble.holdErrors).length} reps, ` +
    `phone ${mean(repSets.flatMap((r) => r.phone.holdErrors)).toFixed(2)} s over ${repSets.flatMap((r) => r.phone.holdErrors).length} reps`,
);
if (holdSets.length) {
  const timer = (path: 'ble' | 'phone') => holdSets.map((r) => r[path].holdTimerError!);
  console.log(
    `hold timer (one break out of position): |timer − truth| mean BLE ${mean(timer('ble')).toFixed(2)} s, phone ${mean(timer('phone')).toFixed(2)} s; ` +
      `worst BLE ${Math.max(...timer('ble')).toFixed(2)} s, phone ${Math.max(...timer('phone')).toFixed(2)} s over ${holdSets.length} sets`,
  );
}
console.log(`browser: ${mean(results.map((r) => r.skippedEvents)).toFixed(0)} events a set never fired (stalls), of ${REP_SECONDS * RATE_HZ}–${HOLD_SECONDS * RATE_HZ}`);
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
