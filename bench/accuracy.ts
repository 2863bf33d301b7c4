/**
 * bench/accuracy: how close the hub's exercise angle is to the truth, on simulated sets of every
 * exercise: different people, sensor mountings, sample rates, with and without packet loss.
 *
 *   npm run bench:accuracy                 # all 26 exercises, 10 seeds each, 120 s per set
 *   npm run bench:accuracy -- --seeds 3    # quicker
 *   npm run bench:accuracy -- --reps       # only the exercises counted in reps
 *   npm run bench:accuracy -- --holds      # only the hold exercises (angles and the hold timer)
 *   npm run bench:accuracy -- --plain      # without the sets of people with real habits (below)
 *   npm run bench:accuracy -- --habits-except tremor,unsteadyStart   # habits but those
 *   npm run bench:accuracy -- --habits-only strapSlip --seeds 3      # only habit sets, with only those habits
 *   npm run bench:accuracy -- --witmotion  # through the WitMotion BLE 5.0 codec (docs/sensors.md)
 *   npm run bench:accuracy -- --polar      # through Polar PMD frames and the hub's ACC/GYRO pairing (docs/sensors.md)
 *   npm run bench:accuracy -- --dot        # through the Movella DOT codec (docs/sensors.md)
 *
 * Besides the angle: rep counts against the truth's reps; range-of-motion trials (each counted rep's
 * peak) against the truth's; and the hold timer on separate sets of every hold exercise in which the
 * person slips out of position once part way through (`holdBreak`), against the truth's time in
 * position.
 *
 * Then the rep exercises again, on people with real people's habits (firmware-sim PersonHabits, as
 * seen on the real pt-reps recordings): a rest 5–25° off the start posture that wanders, sets in turn
 * correct, fast (1–1.5 s reps) and small (a third to a half of the way), the leg held out 20–40 s
 * between sets, long pauses, tremor, an unsteady start, a stop part way out and a strap slip, in
 * 240 s recordings of several sets each.
 *
 * Each set is recorded by the simulator (firmware-sim/record.ts: person model → IMU model → int16
 * packets → burst loss → decode), written to a CSV, and analysed exactly as `swivel analyze` does
 * (readImuCsv → analyzeSamples → the live toAngleFrames operator). The simulator never sees the
 * estimator; the estimator never sees the truth.
 *
 * With --witmotion every sample goes through a WitMotion 0x55 0x61 packet instead (±16 g and
 * ±2000 °/s in 16 bits, one sample a notification, lost one by one) at 50, 100 and 200 Hz, and is
 * timed as the hub times it, on arrival (trackArrivalClock): what a WitMotion sensor costs.
 *
 * With --polar every set is sampled at a Verity Sense's rates (52 Hz, and 104 and 208 Hz of its SDK
 * mode), put in delta-compressed ACC and GYRO frames (±8 g and ±2000 °/s in 16 bits, 30 samples a
 * frame as in the PMD specification's example, each stream its own frames and timestamps), lost frame by frame, and paired back
 * into samples by the hub's own decoder (hub/pipeline/polar-decode.ts): what a Polar sensor costs.
 *
 * With --dot every sample goes through a Movella DOT Rate quantities notification (float32 m/s² and
 * °/s, a 32-bit µs timestamp, one sample a notification, lost one by one) at 60 and 30 Hz (the slowest
 * rates `swivel analyze` takes are 25 Hz), and is timed as the hub times it, by its timestamp
 * (trackDotClock). The sets are recorded at 60 Hz, one
 * sample a packet; 30 Hz keeps every second sample, as a DOT at that rate sends.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSamples } from '../hub/analyze/analyze.ts';
import { readImuCsv } from '../hub/analyze/imu-csv.ts';
import { EXERCISE_IDS, exerciseKind, type ExerciseId } from '../hub/protocol/exercises.ts';
import type { SampleRateHz } from '../hub/protocol/gatt.ts';
import { exerciseSpec } from '../firmware-sim/person/exercises.ts';
import { ALL_HABITS, type PersonHabits } from '../firmware-sim/person/person.ts';
import { record, type Recording } from '../firmware-sim/record.ts';
import { initialArrivalClock, trackArrivalClock } from '../hub/pipeline/samples.ts';
import { decodeVendorNotification, type VendorDecodeState } from '../hub/pipeline/vendor-decode.ts';
import { encodeDeltaContent, encodePmdFrame, PMD_COMPRESSED, PMD_TYPE, VERITY_DEFAULT_TIME_NS } from '../hub/protocol/polar-pmd.ts';
import { sensorClockReading } from '../firmware-sim/imu.ts';
import { burstLoss, nextLost } from '../firmware-sim/loss.ts';
import { deriveSeed, seededRandom } from '../firmware-sim/random.ts';
import { SensorModel } from '../firmware-sim/sensor.ts';
import type { RecordingTruth } from '../firmware-sim/record.ts';
import { initialDotClock, trackDotClock } from '../hub/pipeline/dot-decode.ts';
import { decodeDotRateQuantities, encodeDotRateQuantities, DOT_TIMESTAMP_WRAP_US } from '../hub/protocol/dot.ts';

const seedsArg = process.argv.indexOf('--seeds');
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 10;
const SECONDS = 120;
/** Hold sets are longer: a release held 2 minutes, plus its break out of position, has to end in the recording. */
const HOLD_SECONDS = 160;
const WITMOTION = process.argv.includes('--witmotion');
const POLAR = process.argv.includes('--polar');
const DOT = process.argv.includes('--dot');
// DOT: seeds 1–4 are 60 Hz, 60 Hz with loss, 30 Hz, 30 Hz with loss.
const RATES: readonly number[] = POLAR ? [52, 104, 208] : WITMOTION ? [50, 100, 200] : DOT ? [60, 60, 30, 30] : [60, 100, 104, 200];
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
  /** ROM tests: each counted trial's peak minus its truth rep's peak, degrees. */
  trialErrors: number[];
  /** ROM tests: best counted trial minus the best truth trial, degrees. */
  bestTrialError: number | null;
}

interface HoldSetResult {
  exercise: ExerciseId;
  seed: number;
  /** Seconds in position by the truth, and by the hold timer within the truth's hold. */
  truthSeconds: number;
  timerSeconds: number;
  truthSpans: number;
  timerSpans: number;
  /** Timer seconds outside the hold: before it, and in the 20 s of rest after it. */
  phantomSeconds: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

const repsOnly = process.argv.includes('--reps');
const exceptArg = process.argv.indexOf('--habits-except');
const habitsLeftOut = exceptArg > 0 ? process.argv[exceptArg + 1]!.split(',') : [];
const onlyArg = process.argv.indexOf('--habits-only');
const habitsOnly = onlyArg > 0 ? process.argv[onlyArg + 1]!.split(',') : null;
for (const name of [...habitsLeftOut, ...(habitsOnly ?? [])]) {
  if (!(name in ALL_HABITS)) throw new Error(`unknown habit "${name}"; the habits are ${Object.keys(ALL_HABITS).join(', ')}`);
}
const HABITS: PersonHabits = habitsOnly
  ? (Object.fromEntries(Object.keys(ALL_HABITS).map((name) => [name, habitsOnly.includes(name)])) as unknown as PersonHabits)
  : { ...ALL_HABITS, ...Object.fromEntries(habitsLeftOut.map((name) => [name, false])) };
const holdsOnly = process.argv.includes('--holds');
const exercises: ExerciseId[] = EXERCISE_IDS.filter((id) => (repsOnly ? exerciseSpec(id).kind === 'reps' : holdsOnly ? exerciseKind(id) === 'hold' : true));
const dir = await mkdtemp(join(tmpdir(), 'swivel-accuracy-'));
const results: SetResult[] = [];
const started = performance.now();

/** A WitMotion recording's arrival times (its `t`) replaced by the times the hub gives its samples. */
function timedOnArrival(csv: string, rateHz: number): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  let clock = initialArrivalClock;
  const timed = rows.map((row) => {
    const comma = row.indexOf(',');
    const next = trackArrivalClock(clock, 1, Number(row.slice(0, comma)) * 1000, 1, rateHz);
    clock = next.state;
    return `${next.t0.toFixed(6)}${row.slice(comma)}`;
  });
  return `${[header, ...timed].join('\n')}\n`;
}

/**
 * A set as a Polar Verity Sense streams it: the sensor model sampled at `rateHz`, ACC and GYRO each in
 * delta-compressed frames of 30 samples stamped with their last sample's sensor time, frames
 * lost in bursts, and the rest decoded and paired by the hub's decoder. The truth is kept for the
 * samples that come out, on the decoder's clock.
 */
function polarRecording(exercise: ExerciseId, seed: number, rateHz: number, loss: number, options: { seconds: number; holdBreak?: boolean; habits?: PersonHabits }): Recording {
  const model = new SensorModel({
    seed,
    exercise,
    mounting: 'random',
    ...(options.holdBreak ? { holdBreak: true } : {}),
    ...(options.habits ? { habits: options.habits } : {}),
  });
  const person = model.person!;
  const channel = burstLoss(loss, 3);
  const lossRandom = seededRandom(deriveSeed(seed, 'recording-loss'));
  const factor = { [PMD_TYPE.acc]: Math.fround(8 / 32768), [PMD_TYPE.gyro]: Math.fround(2000 / 32768) };
  const state: VendorDecodeState = {};
  // 30 samples a frame, as the PMD specification's Verity Sense example.
  const perFrame = 30;
  const total = model.samplesBy(options.seconds, rateHz);
  const trueTimes: number[] = [];
  const lines = ['t,ax,ay,az,gx,gy,gz'];
  const samples: RecordingTruth['samples'] = { t: [], trueTime: [], angleDeg: [], quat: [] };
  const epochS = model.clock.epochS ?? 0;
  const originS = () => Number(state.polar!.originNs! - VERITY_DEFAULT_TIME_NS) / 1e9;
  for (let first = 0; first + perFrame <= total; first += perFrame) {
    const readings = Array.from({ length: perFrame }, (_, i) => {
      const s = model.sample(first + i, rateHz);
      trueTimes[first + i] = s.trueTime;
      return s.reading;
    });
    const stampNs = VERITY_DEFAULT_TIME_NS + BigInt(Math.round(model.timestampUs(first + perFrame - 1, rateHz) * 1000));
    for (const type of [PMD_TYPE.acc, PMD_TYPE.gyro]) {
      const counts = readings.map((r) => (type === PMD_TYPE.acc ? [r.ax, r.ay, r.az] : [r.gx, r.gy, r.gz]).map((v) => Math.max(-32768, Math.min(32767, Math.round(v / factor[type]!)))));
      if (nextLost(channel, lossRandom)) continue;
      const bytes = encodePmdFrame(type, stampNs, PMD_COMPRESSED, encodeDeltaContent(counts, 3, 16));
      const out = decodeVendorNotification(state, { kind: 'notification', sensorId: 'bench', linkEpoch: 1, bytes, receivedAt: 0, format: 'polar', rateHz, scales: factor });
      if (out?.kind === 'malformed') throw new Error(`the Polar decoder refuses a frame the codec made: ${out.message}`);
      if (out?.kind !== 'samples') continue;
      const { t0, dt, count, imu } = out.batch;
      for (let i = 0; i < count; i++) {
        const t = round6(t0 + i * dt);
        // Which sample this is: its sensor time, k / rate after the clock's epoch.
        const k = Math.round((t + originS() - epochS) * rateHz);
        const trueTime = trueTimes[k]!;
        lines.push([t, ...imu.subarray(6 * i, 6 * i + 6)].join(','));
        samples.t.push(t);
        samples.trueTime.push(trueTime);
        samples.angleDeg.push(person.angleAt(trueTime));
        samples.quat.push([1, 0, 0, 0]);
      }
    }
  }
  const onDecoderClock = (trueTime: number) => round6(sensorClockReading(model.clock, trueTime) - originS());
  const reps = person.reps(options.seconds).map((rep) => ({
    ...rep,
    start: onDecoderClock(rep.start),
    end: onDecoderClock(rep.end),
    peakTime: onDecoderClock(rep.peakTime),
    endHoldStart: onDecoderClock(rep.endHoldStart),
    endHoldEnd: onDecoderClock(rep.endHoldEnd),
    inPosition: rep.inPosition.map((span) => ({ start: onDecoderClock(span.start), end: onDecoderClock(span.end) })),
  }));
  // The bench reads only the samples and the reps of the truth.
  return { csv: `${lines.join('\n')}\n`, truth: { samples, reps } as unknown as RecordingTruth };
}
const round6 = (x: number) => Number(x.toFixed(6));

/**
 * A recording at 60 Hz, one sample a packet, as a DOT at `rateHz` would send it: every (60 / rate)-th
 * sample, through a Rate quantities notification and back, timed by trackDotClock. The truth keeps the
 * same samples.
 */
function throughDotCodec(recording: Recording, rateHz: number): Recording {
  const [header, ...rows] = recording.csv.trimEnd().split('\n');
  const every = Math.round(60 / rateHz);
  const kept: number[] = [];
  const lines = [header!];
  let clock = initialDotClock;
  let first: number | null = null;
  rows.forEach((row, i) => {
    const [t = 0, ax = 0, ay = 0, az = 0, gx = 0, gy = 0, gz = 0] = row.split(',').map(Number);
    first ??= t;
    // Samples are evenly spaced on the sensor's clock, which the recording's t is.
    if (Math.round((t - first) * 60) % every !== 0) return;
    const decoded = decodeDotRateQuantities(encodeDotRateQuantities(Math.round(t * 1e6) % DOT_TIMESTAMP_WRAP_US, { ax, ay, az, gx, gy, gz }));
    if (!decoded.ok) throw new Error(`the DOT codec refused its own packet: ${decoded.error.message}`);
    const step = trackDotClock(clock, 1, decoded.timestampUs, t * 1000, rateHz);
    if (step.kind === 'stale') throw new Error(`a stale DOT timestamp at t = ${t}`);
    clock = step.state;
    lines.push([step.t0.toFixed(6), ...decoded.imu].join(','));
    kept.push(i);
  });
  const { samples } = recording.truth;
  const keep = <T>(values: T[]) => kept.map((i) => values[i]!);
  return {
    csv: `${lines.join('\n')}\n`,
    truth: { ...recording.truth, samples: { t: keep(samples.t), trueTime: keep(samples.trueTime), angleDeg: keep(samples.angleDeg), quat: keep(samples.quat) } },
  };
}

/** Records one simulated set (seed n of the exercise: rate, loss and person from n), writes it and analyses the file. */
async function analysedSet(exercise: ExerciseId, seed: number, options: { seconds: number; holdBreak?: boolean; habits?: PersonHabits; name: string }) {
  const rateHz = RATES[(seed - 1) % RATES.length]!;
  const loss = seed % 2 === 0 ? 0.05 : 0;
  const recorded: Recording = POLAR ? polarRecording(exercise, 1000 * (EXERCISE_IDS.indexOf(exercise) + 1) + seed, rateHz, loss, options) : record({
    exercise,
    seed: 1000 * (EXERCISE_IDS.indexOf(exercise) + 1) + seed,
    mounting: 'random',
    seconds: options.seconds,
    loss,
    config: { rateHz: (DOT ? 60 : rateHz) as SampleRateHz, accRangeG: 4, gyroRangeDps: 1000 },
    // A DOT sends one sample a notification: lost one by one.
    ...(DOT ? { mtu: 23 } : {}),
    ...(options.holdBreak ? { holdBreak: true } : {}),
    ...(options.habits ? { habits: options.habits } : {}),
    ...(WITMOTION ? { wire: 'witmotion' as const } : {}),
  });
  const recording = DOT ? throughDotCodec(recorded, rateHz) : recorded;
  const file = join(dir, `${options.name}.csv`);
  await writeFile(file, WITMOTION ? timedOnArrival(recording.csv, rateHz) : recording.csv);
  const read = await readImuCsv(file, { acc: 'g', gyro: 'dps' });
  if (!read.ok) throw new Error(`${file}: ${read.error.message}`);
  const analysis = await analyzeSamples(read.samples, { exercise, side: null, timing: read.timing });
  return { recording, analysis, rateHz, loss, file };
}

for (const exercise of habitsOnly ? [] : exercises) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { recording, analysis, rateHz, loss, file } = await analysedSet(exercise, seed, { seconds: SECONDS, name: `${exercise}-${seed}` });
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
    // The truth lists the reps that ended within the recording, fully back at the start posture; the
    // counter counts a rep a moment earlier, as the shin comes back. So a rep cut off by the end of the
    // recording can be counted and yet be missing from the truth: only the counted reps that started
    // before the last truth rep ended are compared.
    const truthEnd = Math.max(...recording.truth.reps.map((r) => r.end));
    const countedReps = analysis.summary.reps.filter((rep) => rep.start < truthEnd);
    const holdErrors = countsReps
      ? countedReps.flatMap((rep) => {
          const match = truthReps.find((truthRep) => truthRep.peakTime >= rep.start && truthRep.peakTime <= rep.end);
          return match ? [Math.abs(rep.hold - match.endHoldSeconds)] : [];
        })
      : [];
    // A range-of-motion test's trials are its counted reps; each is matched to the truth rep whose peak it holds.
    const trialErrors = exercise.startsWith('rom-')
      ? countedReps.flatMap((rep) => {
          const match = truthReps.find((truthRep) => truthRep.peakTime >= rep.start && truthRep.peakTime <= rep.end);
          return match ? [rep.peakAngle - match.peakDeg] : [];
        })
      : [];
    const bestTrialError =
      exercise.startsWith('rom-') && countedReps.length > 0 && truthReps.length > 0
        ? Math.max(...countedReps.map((r) => r.peakAngle)) - Math.max(...truthReps.map((r) => r.peakDeg))
        : null;
    results.push({
      exercise,
      repCountError: countsReps ? countedReps.length - truthReps.length : null,
      holdErrors,
      seed,
      rateHz,
      loss,
      rmse: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length),
      p95: percentile(abs, 0.95),
      maxAngle: analysis.summary.maxAngle,
      truthMax: Math.max(...truth.angleDeg),
      trialErrors,
      bestTrialError,
    });
  }
}

// The hold timer: sets of every hold exercise with a break out of position part way through.
const holdResults: HoldSetResult[] = [];
for (const exercise of habitsOnly ? [] : exercises.filter((e) => exerciseKind(e) === 'hold')) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { recording, analysis, file } = await analysedSet(exercise, seed, { seconds: HOLD_SECONDS, holdBreak: true, name: `${exercise}-break-${seed}` });
    const hold = recording.truth.reps.find((r) => r.kind === 'hold');
    if (!hold) throw new Error(`${file}: the hold did not end within ${HOLD_SECONDS} s`);
    const overlap = (span: { start: number; end: number }, from: number, to: number) => Math.max(0, Math.min(span.end, to) - Math.max(span.start, from));
    const timed = analysis.summary.holds;
    holdResults.push({
      exercise,
      seed,
      truthSeconds: hold.inPosition.reduce((sum, span) => sum + span.end - span.start, 0),
      timerSeconds: timed.reduce((sum, span) => sum + overlap(span, hold.start, hold.end), 0),
      truthSpans: hold.inPosition.length,
      timerSpans: timed.filter((span) => overlap(span, hold.start, hold.end) > 0).length,
      phantomSeconds: timed.reduce((sum, span) => sum + overlap(span, -Infinity, hold.start) + overlap(span, hold.end, hold.end + 20), 0),
    });
  }
}
// Rep sets of people with real habits: counts against the truth's full reps, and the angle.
interface HabitSetResult {
  exercise: ExerciseId;
  seed: number;
  truthReps: number;
  countError: number;
  rmse: number;
  holdErrors: number[];
}
const HABIT_SECONDS = 240;
const habitResults: HabitSetResult[] = [];
if (!process.argv.includes('--plain') && !holdsOnly) {
  for (const exercise of exercises.filter((e) => exerciseKind(e) === 'reps')) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { recording, analysis } = await analysedSet(exercise, seed, { seconds: HABIT_SECONDS, habits: HABITS, name: `${exercise}-habits-${seed}` });
      const truth = recording.truth.samples;
      const t0 = truth.t[0]!;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < analysis.angles.length; i++) {
        if (truth.t[i]! - t0 < SETTLE_SECONDS) continue;
        sum += (analysis.angles[i]! - truth.angleDeg[i]!) ** 2;
        n++;
      }
      const truthReps = recording.truth.reps.filter((r) => r.kind === 'rep' && !r.partial);
      // As above: a rep cut off by the end of the recording is not compared.
      const truthEnd = Math.max(...recording.truth.reps.map((r) => r.end));
      const counted = analysis.summary.reps.filter((rep) => rep.start < truthEnd);
      habitResults.push({
        exercise,
        seed,
        truthReps: truthReps.length,
        countError: counted.length - truthReps.length,
        rmse: Math.sqrt(sum / n),
        holdErrors: counted.flatMap((rep) => {
          const match = truthReps.find((truthRep) => truthRep.peakTime >= rep.start && truthRep.peakTime <= rep.end);
          return match ? [Math.abs(rep.hold - match.endHoldSeconds)] : [];
        }),
      });
    }
  }
}
await rm(dir, { recursive: true, force: true });

const f = (x: number) => x.toFixed(2).padStart(6);
if (results.length) {
  console.log(`${POLAR ? "Polar-codec" : WITMOTION ? "WitMotion-codec" : DOT ? "Movella DOT-codec" : "Swivel"} angle accuracy: ${SEEDS} simulated sets per exercise, ${SECONDS} s each, random mountings,`);
  console.log(`rates ${[...new Set(RATES)].join('/')} Hz, 5 % burst loss on every other set; error = hub angle − truth angle\n`);
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
}
const rom = results.filter((r) => r.exercise.startsWith('rom-'));
if (rom.length) {
  const trials = rom.flatMap((r) => r.trialErrors).map(Math.abs);
  const best = rom.flatMap((r) => (r.bestTrialError === null ? [] : [Math.abs(r.bestTrialError)]));
  console.log(`ROM tests: worst |max angle − truth max| ${Math.max(...rom.map((r) => Math.abs(r.maxAngle - r.truthMax))).toFixed(2)}° over ${rom.length} sets`);
  console.log(
    `ROM trials (each counted rep's peak against its truth rep's): mean |error| ${(trials.reduce((a, b) => a + b, 0) / trials.length).toFixed(2)}°, ` +
      `worst ${Math.max(...trials).toFixed(2)}° over ${trials.length} trials; best trial worst |error| ${Math.max(...best).toFixed(2)}° over ${best.length} sets`,
  );
}

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
  const missed = repSets.filter((r) => r.repCountError !== 0);
  if (missed.length) console.log(`\nmissed: ${missed.map((r) => `${r.exercise} seed ${r.seed} (${r.repCountError! > 0 ? '+' : ''}${r.repCountError})`).join(', ')}`);
  console.log(
    `\nrep counts exact in ${exact} of ${repSets.length} sets (${((100 * exact) / repSets.length).toFixed(1)} %), worst off by ${Math.max(...repSets.map((r) => Math.abs(r.repCountError!)))}; ` +
      `mean end-hold error ${meanOf(repSets.flatMap((r) => r.holdErrors)).toFixed(2)} s over ${repSets.flatMap((r) => r.holdErrors).length} reps`,
  );
}
if (holdResults.length) {
  console.log(`\nHold timer (hold exercises, ${HOLD_SECONDS} s sets with one break out of position; truth = seconds in position)\n`);
  console.log('exercise                   | sets | hold s | range ° | median truth s | mean |timer − truth| s | worst |timer − truth| s | spans right | worst phantom s');
  const error = (r: HoldSetResult) => Math.abs(r.timerSeconds - r.truthSeconds);
  for (const exercise of habitsOnly ? [] : exercises.filter((e) => exerciseKind(e) === 'hold')) {
    const sets = holdResults.filter((r) => r.exercise === exercise);
    const spec = exerciseSpec(exercise);
    console.log(
      [
        exercise.padEnd(26),
        String(sets.length).padStart(4),
        spec.endHoldSeconds.join('–').padStart(6),
        spec.rangeDeg.join('–').padStart(7),
        median(sets.map((r) => r.truthSeconds)).toFixed(1).padStart(14),
        (sets.reduce((sum, r) => sum + error(r), 0) / sets.length).toFixed(2).padStart(23),
        Math.max(...sets.map(error)).toFixed(2).padStart(24),
        `${sets.filter((r) => r.timerSpans === r.truthSpans).length}/${sets.length}`.padStart(11),
        Math.max(...sets.map((r) => r.phantomSeconds)).toFixed(2).padStart(15),
      ].join(' | '),
    );
  }
  // The programme's 60 s stretches: the target is the timer within 1 s of the truth.
  const stretches = holdResults.filter((r) => exerciseSpec(r.exercise).endHoldSeconds[1] <= 65 && exerciseSpec(r.exercise).endHoldSeconds[0] >= 55);
  const summary = (sets: HoldSetResult[]) =>
    `worst |timer − truth| ${Math.max(...sets.map(error)).toFixed(2)} s, mean ${(sets.reduce((sum, r) => sum + error(r), 0) / sets.length).toFixed(2)} s, ` +
    `within 1 s in ${sets.filter((r) => error(r) <= 1).length} of ${sets.length} sets`;
  if (stretches.length) console.log(`\n60 s stretches: ${summary(stretches)}`);
  console.log(`all holds: ${summary(holdResults)}; worst phantom ${Math.max(...holdResults.map((r) => r.phantomSeconds)).toFixed(2)} s`);
}
if (habitResults.length) {
  const left = habitsOnly ? `; only: ${habitsOnly.join(', ')}` : habitsLeftOut.length ? `; left out: ${habitsLeftOut.join(', ')}` : '';
  console.log(`\nPeople with real habits (rep exercises, ${HABIT_SECONDS} s of several sets each: a wandering rest, fast and small sets, the leg held out between sets, pauses, tremor, a strap slip${left}; truth = full reps)\n`);
  console.log('exercise                   | sets | truth reps | exact count | worst |counted − truth| | median RMSE ° | worst RMSE °');
  for (const exercise of [...new Set(habitResults.map((r) => r.exercise))]) {
    const sets = habitResults.filter((r) => r.exercise === exercise);
    console.log(
      [
        exercise.padEnd(26),
        String(sets.length).padStart(4),
        String(sets.reduce((sum, r) => sum + r.truthReps, 0)).padStart(10),
        `${sets.filter((r) => r.countError === 0).length}/${sets.length}`.padStart(11),
        String(Math.max(...sets.map((r) => Math.abs(r.countError)))).padStart(24),
        f(median(sets.map((r) => r.rmse))).padStart(13),
        f(Math.max(...sets.map((r) => r.rmse))).padStart(12),
      ].join(' | '),
    );
  }
  const exact = habitResults.filter((r) => r.countError === 0).length;
  const within1 = habitResults.filter((r) => Math.abs(r.countError) <= 1).length;
  const holds = habitResults.flatMap((r) => r.holdErrors);
  const missed = habitResults.filter((r) => r.countError !== 0);
  if (missed.length) console.log(`\noff: ${missed.map((r) => `${r.exercise} seed ${r.seed} (${r.countError > 0 ? '+' : ''}${r.countError})`).join(', ')}`);
  console.log(
    `\nwith habits: rep counts exact in ${exact} of ${habitResults.length} sets (${((100 * exact) / habitResults.length).toFixed(1)} %), within one in ${within1}, ` +
      `worst off by ${Math.max(...habitResults.map((r) => Math.abs(r.countError)))}; mean end-hold error ${(holds.reduce((a, b) => a + b, 0) / Math.max(1, holds.length)).toFixed(2)} s over ${holds.length} reps`,
  );
  const worstHabit = habitResults.reduce((a, b) => (b.rmse > a.rmse ? b : a));
  console.log(`with habits: angle RMSE median ${median(habitResults.map((r) => r.rmse)).toFixed(2)}°, worst ${worstHabit.rmse.toFixed(2)}° (${worstHabit.exercise} seed ${worstHabit.seed})`);
}
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
