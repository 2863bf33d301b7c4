/**
 * `swivel analyze`: the pipeline on a recorded file. hub/cli.ts parses the options (./options.ts),
 * starts reading a long file on a second thread (./read-in-worker.ts), and loads this module only
 * when the command runs.
 */
import { NotFoundError } from '../exit-codes.ts';
import { open } from 'node:fs/promises';
import type { EarlyRead } from './read-in-worker.ts';
import { exerciseKind, type ExerciseId } from '../protocol/exercises.ts';
import { SampleAnalysis, analyzeSamples, type AnalysisResult, type Side } from './analyze.ts';
import { loadDefaultProgramme } from '../programme/load-programme.ts';
import { readImuCsv, type ImuCsvResult, type ImuCsvUnits } from './imu-csv.ts';

export interface AnalyzeCommand {
  file: string;
  /** Null only with an orientation file alone: no exercise, so no angle. */
  exercise: ExerciseId | null;
  side: Side | null;
  json: boolean;
  anglesPath: string | null;
  orientationPath: string | null;
  units: ImuCsvUnits;
}

/** A file problem, said in one line that starts with the file's name. */
export class AnalyzeFileError extends Error {}

/** Writes `t,angle` rows, full precision. */
export const writeAngles = (path: string, t: Float64Array, angles: Float64Array) =>
  writeRows(path, 'angles', 't,angle', t.length, (i) => `${t[i]},${angles[i]}`);

/** Writes `t,qw,qx,qy,qz` rows, full precision. */
export const writeOrientations = (path: string, t: Float64Array, q: Float64Array) =>
  writeRows(path, 'orientation', 't,qw,qx,qy,qz', t.length, (i) => `${t[i]},${q[4 * i]},${q[4 * i + 1]},${q[4 * i + 2]},${q[4 * i + 3]}`);

/** Writes a CSV in large chunks; an unwritable path is a one-line AnalyzeFileError. */
async function writeRows(path: string, what: string, header: string, count: number, row: (i: number) => string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const problem = code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : message;
    throw new AnalyzeFileError(`${path}: cannot write the ${what}: ${problem}`);
  }
  try {
    let chunk = `${header}\n`;
    for (let i = 0; i < count; i++) {
      chunk += `${row(i)}\n`;
      if (chunk.length > 1 << 20) {
        await handle.write(chunk);
        chunk = '';
      }
    }
    await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

function repLine(command: AnalyzeCommand, result: AnalysisResult): string {
  if (command.exercise === null || exerciseKind(command.exercise) !== 'reps') return 'not counted for this exercise';
  const { reps, partialCount } = result.summary;
  const short = partialCount > 0 ? `, ${partialCount} short` : '';
  if (reps.length === 0) return `0${short}`;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return `${reps.length}${short} (mean peak ${fixed(mean(reps.map((r) => r.peakAngle)), 1)}°, mean end hold ${fixed(mean(reps.map((r) => r.hold)), 1)} s)`;
}

export function formatSummary(command: AnalyzeCommand, result: AnalysisResult): string {
  const { summary, timing } = result;
  const rate = timing.rateHz >= 100 ? fixed(timing.rateHz, 0) : fixed(timing.rateHz, 1).replace(/\.0$/, '');
  const gaps = timing.gapCount === 0 ? 'none' : `${timing.gapCount} (${fixed(timing.gapSeconds, 3)} s missing)`;
  const lines = [
    `${command.file}: ${command.exercise}, ${command.side ? `${command.side} side` : 'side not given'}`,
    `  samples    ${summary.samples} over ${fixed(timing.duration, 2)} s at ${rate} Hz`,
    `  gaps       ${gaps}`,
    `  max angle  ${fixed(summary.maxAngle, 1)}°`,
    `  reps       ${repLine(command, result)}`,
  ];
  if (command.exercise !== null && exerciseKind(command.exercise) === 'hold') {
    const spans = summary.holds.length === 1 ? '1 span' : `${summary.holds.length} spans`;
    lines.push(`  held       ${fixed(summary.holdTotal, 1)} s in position (${spans})`);
  }
  if (command.anglesPath) lines.push(`  angles     ${command.anglesPath} (${summary.samples} rows)`);
  if (command.orientationPath) lines.push(`  orientation ${command.orientationPath} (${summary.samples} rows)`);
  return `${lines.join('\n')}\n`;
}

/**
 * A progress line on stderr for a long read, only in a terminal and only once a second has passed (a
 * script, or a file read at once, gets nothing), rewritten in place and wiped when the work is done.
 */
function progressLine(what: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let shown = false;
  let lastAt = 0;
  const write = (text: string) => {
    const now = performance.now();
    if (!stream.isTTY || now - started < 1000 || now - lastAt < 100) return;
    lastAt = now;
    shown = true;
    stream.write(`\r\x1b[K${text}`);
  };
  return {
    onBytes: (read: number, total: number | null) =>
      write(total ? `reading ${what}: ${Math.round((100 * read) / total)} % of ${(total / 1e6).toFixed(0)} MB` : `reading ${what}: ${(read / 1e6).toFixed(0)} MB`),
    say: write,
    done: () => shown && stream.write('\r\x1b[K'),
  };
}

/**
 * A long file read on a second thread (started by the caller, or here) and analysed piece by piece
 * as it is read; null when that could not be done (the caller then reads it itself).
 */
async function readAndAnalyseInParallel(
  command: AnalyzeCommand,
  early: EarlyRead | null | undefined,
  onBytes: (read: number, total: number | null) => void,
): Promise<{ read: ImuCsvResult; result: AnalysisResult | null } | null> {
  const reader = early === undefined ? await (await import('./read-in-worker.ts')).startReadInWorker(command.file, command.units) : early;
  if (reader === null) return null;
  // The worker reads on; the programme loads meanwhile, and the pieces read so far wait for it.
  const programme = await loadDefaultProgramme();
  const run = new SampleAnalysis({ exercise: command.exercise, side: command.side, programme });
  let failure: unknown = null;
  reader.take((samples) => {
    if (failure) return;
    try {
      run.push(samples);
    } catch (error) {
      failure = error;
    }
  }, onBytes);
  const read = await reader.result;
  if (failure) throw failure;
  if (read === null) return null;
  return { read, result: read.ok ? run.finish(read.samples, read.timing) : null };
}

/** Reads, analyses and reports. File problems throw AnalyzeFileError with a one-line message. */
export async function runAnalyze(command: AnalyzeCommand, stdout: NodeJS.WritableStream = process.stdout, early?: EarlyRead | null): Promise<AnalysisResult> {
  const progress = progressLine(command.file === '-' ? 'standard input' : command.file);
  const parallel = await readAndAnalyseInParallel(command, early, progress.onBytes);
  const read = parallel?.read ?? (await readImuCsv(command.file, command.units, progress.onBytes));
  if (!read.ok) {
    progress.done();
    const message = `${command.file}: ${read.error.message}`;
    throw read.error.kind === 'missing' ? new NotFoundError(message) : new AnalyzeFileError(message);
  }
  if (!parallel) progress.say(`analysing ${read.samples.length.toLocaleString('en')} samples…`);
  const result = parallel?.result ?? (await analyzeSamples(read.samples, { exercise: command.exercise, side: command.side, timing: read.timing }));
  progress.done();
  if (command.anglesPath) await writeAngles(command.anglesPath, read.samples.t, result.angles);
  if (command.orientationPath) await writeOrientations(command.orientationPath, read.samples.t, result.orientations);
  if (command.exercise === null) {
    // Orientation only: the exercise angle needs to know the exercise, so nothing else is reported.
    stdout.write(`${command.file}: orientation of ${read.samples.length} samples written to ${command.orientationPath}\n`);
  } else {
    stdout.write(command.json ? `${JSON.stringify(result.summary)}\n` : formatSummary(command, result));
  }
  return result;
}
