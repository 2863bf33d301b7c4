/**
 * bench/accuracy: how close the hub's exercise angle is to the truth, on simulated sets of every
 * exercise: different people, sensor mountings, sample rates, with and without packet loss.
 *
 *   npm run bench:accuracy                 # all 26 exercises, 10 seeds each, 120 s per set
 *   npm run bench:accuracy -- --seeds 3    # quicker
 *   npm run bench:accuracy -- --reps       # only the exercises counted in reps
 *
 * Each set is recorded by the simulator (firmware-sim/record.ts: person model → IMU model → int16
 * packets → burst loss → decode), written to a CSV, and analysed exactly as `swivel analyze` does
 * (readImuCsv → analyzeSamples → the live toAngleFrames operator). The simulator never sees the
 * estimator; the estimator never sees the truth.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSamples } from '../hub/analyze/analyze.ts';
import { readImuCsv } from '../hub/analyze/imu-csv.ts';
import { EXERCISE_IDS, exerciseKind, type ExerciseId } from '../hub/protocol/exercises.ts';
import type { SampleRateHz } from '../hub/protocol/gatt.ts';
import { exerciseSpec } from '../firmware-sim/person/exercises.ts';
import { record } from '../firmware-sim/record.ts';

const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 10;
const SECONDS = 120;
const RATES: SampleRateHz[] = [60, 100, 104, 200];
/** Time at the start left out: the person stands still while the start posture is captured. */
const SETTLE_SECONDS = 2;

interface SetResult {
  exercise: ExerciseId;
  /** Counted reps minus the truth's full reps (rep exercises only). */
  repCountError: number | null;
  /** |end hold − truth end hold| of each counted rep matched to a truth rep, seconds. */
  holdErrors: number[];
  seed: number;
  rateHz: number;
  loss: number;
  rmse: number;
  p95: number;
  maxAngle: number;
  truthMax: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

const repsOnly = process.argv.includes('--reps');
const exercises: ExerciseId[] = repsOnly ? EXERCISE_IDS.filter((id) => exerciseSpec(id).kind === 'reps') : [...EXERCISE_IDS];
const dir = await mkdtemp(join(tmpdir(), 'swivel-accuracy-'));
const results: SetResult[] = [];
const started = performance.now();
for (const exercise of exercises) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const rateHz = RATES[(seed - 1) % RATES.length]!;
    const loss = seed % 2 === 0 ? 0.05 : 0;
    const recording = record({
      exercise,
      seed: 1000 * (EXERCISE_IDS.indexOf(exercise) + 1) + seed,
      mounting: 'random',
      seconds: SECONDS,
      loss,
      config: { rateHz, accRangeG: 4, gyroRangeDps: 1000 },
    });
    const file = join(dir, `${exercise}-${seed}.csv`);
    await writeFile(file, recording.csv);
    const read = await readImuCsv(file, { acc: 'g', gyro: 'dps' });
    if (!read.ok) throw new Error(`${file}: ${read.error.message}`);
    const analysis = await analyzeSamples(read.samples, { exercise, side: null, timing: read.timing });
    const truth = recording.truth.samples;
    if (truth.angleDeg.length !== analysis.angles.length) throw new Error(`${file}: truth has ${truth.angleDeg.length} rows, analysis ${analysis.angles.length}`);
    const t0 = truth.t[0]!;
    const errors: number[] = [];
    for (let i = 0; i < analysis.angles.length; i++) {
      if (truth.t[i]! - t0 >= SETTLE_SECONDS) errors.push(analysis.angles[i]! - truth.angleDeg[i]!);
    }
    const abs = errors.map(Math.abs).sort((a, b) => a - b);
    const truthReps = recording.truth.reps.filter((r) => r.kind === 'rep' && !r.partial);
    const countsReps = exerciseKind(exercise) === 'reps';
    const holdErrors = countsReps
      ? analysis.summary.reps.flatMap((rep) => {
          const match = truthReps.find((truthRep) => truthRep.peakTime >= rep.start && truthRep.peakTime <= rep.end);
          return match ? [Math.abs(rep.hold - match.endHoldSeconds)] : [];
        })
      : [];
    results.push({
      exercise,
      repCountError: countsReps ? analysis.summary.repCount - truthReps.length : null,
      holdErrors,
      seed,
      rateHz,
      loss,
      rmse: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length),
      p95: percentile(abs, 0.95),
      maxAngle: analysis.summary.maxAngle,
      truthMax: Math.max(...truth.angleDeg),
    });
  }
}
await rm(dir, { recursive: true, force: true });

const f = (x: number) => x.toFixed(2).padStart(6);
console.log(`Swivel angle accuracy: ${SEEDS} simulated sets per exercise, ${SECONDS} s each, random mountings,`);
console.log(`rates ${RATES.join('/')} Hz, 5 % burst loss on every other set; error = hub angle − truth angle\n`);
console.log('exercise                   | sets | median RMSE ° | worst RMSE ° | median p95 ° | worst p95 ° | worst |max − truth max| °');
for (const exercise of exercises) {
  const sets = results.filter((r) => r.exercise === exercise);
  console.log(
    [
      exercise.padEnd(26),
      String(sets.length).padStart(4),
      f(median(sets.map((s) => s.rmse))).padStart(13),
      f(Math.max(...sets.map((s) => s.rmse))).padStart(12),
      f(median(sets.map((s) => s.p95))).padStart(12),
      f(Math.max(...sets.map((s) => s.p95))).padStart(11),
      f(Math.max(...sets.map((s) => Math.abs(s.maxAngle - s.truthMax)))).padStart(26),
    ].join(' | '),
  );
}
const all = results.map((r) => r.rmse);
const worst = results.reduce((a, b) => (b.rmse > a.rmse ? b : a));
console.log(
  `\noverall: ${results.length} sets, median RMSE ${median(all).toFixed(2)}°, worst ${worst.rmse.toFixed(2)}° (${worst.exercise} seed ${worst.seed}, ${worst.rateHz} Hz, loss ${worst.loss}); ` +
    `with loss: median ${median(results.filter((r) => r.loss > 0).map((r) => r.rmse)).toFixed(2)}°`,
);
const rom = results.filter((r) => r.exercise.startsWith('rom-'));
if (rom.length) console.log(`ROM tests: worst |max angle − truth max| ${Math.max(...rom.map((r) => Math.abs(r.maxAngle - r.truthMax))).toFixed(2)}° over ${rom.length} sets`);

const repSets = results.filter((r) => r.repCountError !== null);
if (repSets.length) {
  console.log('\nRep counting (exercises counted in reps; truth = full reps, partials excluded)\n');
  console.log('exercise                   | sets | exact count | worst |counted − truth| | mean end-hold error s');
  const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  for (const exercise of exercises.filter((e) => exerciseKind(e) === 'reps')) {
    const sets = repSets.filter((r) => r.exercise === exercise);
    const exact = sets.filter((r) => r.repCountError === 0).length;
    console.log(
      [
        exercise.padEnd(26),
        String(sets.length).padStart(4),
        `${exact}/${sets.length}`.padStart(11),
        String(Math.max(...sets.map((r) => Math.abs(r.repCountError!)))).padStart(24),
        meanOf(sets.flatMap((r) => r.holdErrors)).toFixed(2).padStart(22),
      ].join(' | '),
    );
  }
  const exact = repSets.filter((r) => r.repCountError === 0).length;
  console.log(
    `\nrep counts exact in ${exact} of ${repSets.length} sets (${((100 * exact) / repSets.length).toFixed(1)} %), worst off by ${Math.max(...repSets.map((r) => Math.abs(r.repCountError!)))}; ` +
      `mean end-hold error ${meanOf(repSets.flatMap((r) => r.holdErrors)).toFixed(2)} s over ${repSets.flatMap((r) => r.holdErrors).length} reps`,
  );
}
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
