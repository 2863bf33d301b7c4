/**
 * Reading a recorded IMU file: a CSV with the header `t,ax,ay,az,gx,gy,gz`, one sample per row, t in
 * seconds on any clock. What loggers and spreadsheets write is understood too: the columns in any
 * order, `;` or tab between values (with `;`, a decimal comma), and units named in the header
 * (`ax (m/s^2)`, `gx [rad/s]`, `t_ms`), which then win over the --acc-unit / --gyro-unit defaults. The file is read line by line (an hour at 400 Hz is 1.44 million rows) into
 * columns of doubles, converted to the units the pipeline uses (acceleration in g, rotation in deg/s).
 *
 * A malformed file is a value, not an exception: the error names the line (when there is one) and says
 * what is wrong and what was expected.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ImuReading } from '../protocol/gatt.ts';

export const IMU_CSV_COLUMNS = ['t', 'ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;
export const IMU_CSV_HEADER = IMU_CSV_COLUMNS.join(',');

export const ACC_UNITS = ['g', 'mps2'] as const;
export const GYRO_UNITS = ['dps', 'rads'] as const;
export type AccUnit = (typeof ACC_UNITS)[number];
export type GyroUnit = (typeof GYRO_UNITS)[number];
export interface ImuCsvUnits {
  /** `g` (default) or `mps2` (m/s², divided by standard gravity). */
  acc: AccUnit;
  /** `dps` (default, degrees per second) or `rads` (radians per second). */
  gyro: GyroUnit;
}
export const DEFAULT_IMU_CSV_UNITS: ImuCsvUnits = { acc: 'g', gyro: 'dps' };

/** Standard gravity, m/s² per g. */
export const STANDARD_GRAVITY = 9.80665;

/** The sample rates a file may have, from its median interval. */
export const MIN_RATE_HZ = 25;
export const MAX_RATE_HZ = 400;
/** Slack on the rate limits, so a 400 Hz logger whose clock runs a little fast is still accepted. */
export const RATE_TOLERANCE = 0.01;
/** An interval longer than this many median intervals is a gap. */
export const GAP_FACTOR = 1.5;

/** Samples in columns, in pipeline units (g, deg/s), t in seconds on the file's clock. */
export interface ImuSamples {
  readonly length: number;
  readonly t: Float64Array;
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  readonly az: Float64Array;
  readonly gx: Float64Array;
  readonly gy: Float64Array;
  readonly gz: Float64Array;
}

/** Builds columns from rows (for tests and for callers that already hold samples). */
export function imuSamplesFrom(rows: readonly (ImuReading & { t: number })[]): ImuSamples {
  const columns = new SampleColumns(rows.length);
  for (const row of rows) columns.push(row.t, row.ax, row.ay, row.az, row.gx, row.gy, row.gz);
  return columns.finish();
}

/** How the samples are spaced in time. */
export interface SampleTiming {
  /** Median of the intervals between consecutive samples, seconds. */
  medianInterval: number;
  /** 1 / medianInterval. */
  rateHz: number;
  /** Last t minus first t, seconds. */
  duration: number;
  /** Intervals longer than GAP_FACTOR × the median. */
  gapCount: number;
  /** Time missing in those gaps: the sum of (interval − median), seconds. */
  gapSeconds: number;
}

/** Timing of increasing times; needs at least two. */
export function sampleTiming(t: ArrayLike<number>): SampleTiming {
  const n = t.length;
  if (n < 2) throw new RangeError(`sample timing needs at least 2 samples, got ${n}`);
  const intervals = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) intervals[i - 1] = t[i]! - t[i - 1]!;
  const sorted = intervals.slice().sort();
  const mid = sorted.length >> 1;
  const medianInterval = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  let gapCount = 0;
  let gapSeconds = 0;
  for (const interval of intervals) {
    if (interval > GAP_FACTOR * medianInterval) {
      gapCount++;
      gapSeconds += interval - medianInterval;
    }
  }
  return { medianInterval, rateHz: 1 / medianInterval, duration: t[n - 1]! - t[0]!, gapCount, gapSeconds };
}

export type ImuCsvErrorKind =
  | 'missing'
  | 'unreadable'
  | 'empty'
  | 'bad-header'
  | 'blank-line'
  | 'column-count'
  | 'not-a-number'
  | 'not-finite'
  | 't-not-increasing'
  | 'too-few-samples'
  | 'rate-out-of-range';

/** What is wrong with a file. `message` starts with "line N: " when one line is at fault. */
export interface ImuCsvError {
  kind: ImuCsvErrorKind;
  /** 1-based line number, or null when the problem is the whole file. */
  line: number | null;
  message: string;
}

export type ImuCsvResult = { ok: true; samples: ImuSamples; timing: SampleTiming } | { ok: false; error: ImuCsvError };

class SampleColumns {
  length = 0;
  private capacity: number;
  private columns: Float64Array[];

  constructor(capacity = 4096) {
    this.capacity = Math.max(16, capacity);
    this.columns = Array.from({ length: 7 }, () => new Float64Array(this.capacity));
  }

  push(t: number, ax: number, ay: number, az: number, gx: number, gy: number, gz: number): void {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      this.columns = this.columns.map((old) => {
        const grown = new Float64Array(this.capacity);
        grown.set(old);
        return grown;
      });
    }
    const [ct, cax, cay, caz, cgx, cgy, cgz] = this.columns as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const i = this.length++;
    ct[i] = t;
    cax[i] = ax;
    cay[i] = ay;
    caz[i] = az;
    cgx[i] = gx;
    cgy[i] = gy;
    cgz[i] = gz;
  }

  finish(): ImuSamples {
    const [t, ax, ay, az, gx, gy, gz] = this.columns.map((c) => c.subarray(0, this.length)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { length: this.length, t, ax, ay, az, gx, gy, gz };
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:inf(?:inity)?|nan)$/i;

/** A cell or line quoted in a message: JSON-escaped (so it stays on one line) and shortened. */
function quote(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** Three significant figures, without exponent noise for ordinary values. */
function figures(value: number): string {
  return String(Number(value.toPrecision(3)));
}

const RAD_TO_DEG = 180 / Math.PI;

/** How a file's rows are laid out, read from its header. */
interface HeaderLayout {
  separator: ',' | ';' | '\t';
  /** With `;` between values, "0,5" is a half (a spreadsheet in many European locales writes that). */
  decimalComma: boolean;
  index: number[];
  scale: number[];
}

/** Unit names a header may carry, and the factor from each to the pipeline's unit. */
const TIME_UNITS: Record<string, number> = { s: 1, sec: 1, seconds: 1, ms: 1e-3, milliseconds: 1e-3, us: 1e-6, µs: 1e-6 };
const ACC_UNIT_NAMES: Record<string, number> = { g: 1, 'm/s^2': 1 / STANDARD_GRAVITY, 'm/s2': 1 / STANDARD_GRAVITY, 'm/s²': 1 / STANDARD_GRAVITY, mps2: 1 / STANDARD_GRAVITY, 'm s^-2': 1 / STANDARD_GRAVITY };
const GYRO_UNIT_NAMES: Record<string, number> = { dps: 1, 'deg/s': 1, '°/s': 1, 'rad/s': RAD_TO_DEG, rads: RAD_TO_DEG, 'rad s^-1': RAD_TO_DEG };
const TIME_NAMES = new Set(['t', 'time', 'timestamp']);

/** `ax (m/s^2)`, `ax[g]`, `gx_rad/s`, `t_ms`, `ax`: the column's name and its unit, if one is named. */
function nameAndUnit(cell: string): { name: string; unit: string | null } {
  const text = cell.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  const bracketed = /^([a-z]+)\s*[([]\s*([^)\]]+?)\s*[)\]]$/.exec(text);
  if (bracketed) return { name: bracketed[1]!, unit: bracketed[2]! };
  const suffixed = /^([a-z]+)_(.+)$/.exec(text);
  if (suffixed) return { name: suffixed[1]!, unit: suffixed[2]! };
  return { name: text, unit: null };
}

/** The layout a header line describes, or what is wrong with it. */
function readHeader(text: string, units: ImuCsvUnits): HeaderLayout | string {
  const separator = text.includes(';') ? ';' : text.includes('\t') ? '\t' : ',';
  const cells = text.split(separator);
  const index = new Array<number>(IMU_CSV_COLUMNS.length).fill(-1);
  const scale = new Array<number>(IMU_CSV_COLUMNS.length).fill(1);
  const defaultAcc = units.acc === 'mps2' ? 1 / STANDARD_GRAVITY : 1;
  const defaultGyro = units.gyro === 'rads' ? RAD_TO_DEG : 1;
  for (let i = 0; i < cells.length; i++) {
    const { name: raw, unit } = nameAndUnit(cells[i]!);
    const name = TIME_NAMES.has(raw) ? 't' : raw;
    const c = (IMU_CSV_COLUMNS as readonly string[]).indexOf(name);
    if (c < 0) return `${quote(cells[i]!.trim())} is not one of ${IMU_CSV_COLUMNS.join(', ')}`;
    if (index[c] !== -1) return `${name} appears twice`;
    index[c] = i;
    const table = c === 0 ? TIME_UNITS : c < 4 ? ACC_UNIT_NAMES : GYRO_UNIT_NAMES;
    if (unit !== null && table[unit] === undefined) return `${quote(cells[i]!.trim())}: the unit "${unit}" is not one of ${Object.keys(table).join(', ')}`;
    scale[c] = unit !== null ? table[unit]! : c === 0 ? 1 : c < 4 ? defaultAcc : defaultGyro;
  }
  const missing = IMU_CSV_COLUMNS.filter((_, c) => index[c] === -1);
  if (missing.length > 0) return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`;
  return { separator, decimalComma: separator === ';', index, scale };
}

/**
 * The CSV as a line-by-line state machine: `push` each line (without its line ending) and then
 * `finish`. The first problem found ends the parse; later lines are ignored.
 */
export class ImuCsvParser {
  private lineNumber = 0;
  private headerSeen = false;
  /** First line of a run of blank lines not yet followed by data; trailing blank lines are fine. */
  private blankSince: number | null = null;
  private error: ImuCsvError | null = null;
  private readonly columns = new SampleColumns();
  private readonly values = new Float64Array(7);
  private lastT = Number.NaN;
  /** Per canonical column (t, ax … gz): its index in a row and the factor to pipeline units. */
  private layout: HeaderLayout = { separator: ',', decimalComma: false, index: [0, 1, 2, 3, 4, 5, 6], scale: [1, 1, 1, 1, 1, 1, 1] };
  private readonly units: ImuCsvUnits;

  constructor(units: ImuCsvUnits = DEFAULT_IMU_CSV_UNITS) {
    this.units = units;
  }

  get failed(): boolean {
    return this.error !== null;
  }

  private fail(kind: ImuCsvErrorKind, line: number | null, problem: string): void {
    this.error = { kind, line, message: line === null ? problem : `line ${line}: ${problem}` };
  }

  push(raw: string): void {
    if (this.error) return;
    const n = ++this.lineNumber;
    const text = (n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).trim();
    if (text === '') {
      this.blankSince ??= n;
      return;
    }
    if (this.blankSince !== null) {
      const line = this.blankSince;
      if (this.headerSeen) this.fail('blank-line', line, 'blank line inside the data (only trailing blank lines are allowed)');
      else this.fail('bad-header', line, `expected the header "${IMU_CSV_HEADER}", found a blank line`);
      return;
    }
    if (!this.headerSeen) {
      this.header(n, text);
      return;
    }
    const layout = this.layout;
    const cells = text.split(layout.separator);
    if (cells.length !== IMU_CSV_COLUMNS.length) {
      this.fail('column-count', n, `expected ${IMU_CSV_COLUMNS.length} values (${IMU_CSV_HEADER}), found ${cells.length}`);
      return;
    }
    const values = this.values;
    for (let c = 0; c < IMU_CSV_COLUMNS.length; c++) {
      const raw = cells[layout.index[c]!]!.trim();
      const cell = layout.decimalComma ? raw.replace(',', '.') : raw;
      const name = IMU_CSV_COLUMNS[c]!;
      if (cell === '') return this.fail('not-a-number', n, `${name} is empty`);
      if (!DECIMAL.test(cell)) {
        if (NON_FINITE.test(cell)) return this.fail('not-finite', n, `${name} is not finite: ${quote(raw)}`);
        return this.fail('not-a-number', n, `${name} is not a number: ${quote(raw)}`);
      }
      const value = Number(cell) * layout.scale[c]!;
      if (!Number.isFinite(value)) return this.fail('not-finite', n, `${name} is not finite: ${quote(cell)} is out of range`);
      values[c] = value;
    }
    const t = values[0]!;
    if (!(t > this.lastT) && this.columns.length > 0) {
      this.fail('t-not-increasing', n, `t does not increase: ${t} comes after ${this.lastT} on line ${n - 1}`);
      return;
    }
    this.lastT = t;
    this.columns.push(t, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!, values[6]!);
  }

  private header(n: number, text: string): void {
    const layout = readHeader(text, this.units);
    if (typeof layout !== 'string') {
      this.layout = layout;
      this.headerSeen = true;
      return;
    }
    const separator = text.includes(';') ? ';' : text.includes('\t') ? '\t' : ',';
    if (text.split(separator).every((cell) => DECIMAL.test(cell.trim().replace(',', '.')))) {
      this.fail('bad-header', n, `missing header: expected "${IMU_CSV_HEADER}" as the first line, found a row of numbers`);
      return;
    }
    this.fail('bad-header', n, `expected the header "${IMU_CSV_HEADER}" (any order; "," ";" or tab between; units may follow a name, as in "ax (m/s^2)"): ${layout}`);
  }

  finish(): ImuCsvResult {
    if (this.error) return { ok: false, error: this.error };
    if (!this.headerSeen) {
      this.fail('empty', null, `the file is empty: expected the header "${IMU_CSV_HEADER}" and at least 2 rows`);
      return { ok: false, error: this.error! };
    }
    const count = this.columns.length;
    if (count < 2) {
      this.fail('too-few-samples', null, `found ${count} sample${count === 1 ? '' : 's'} after the header; need at least 2`);
      return { ok: false, error: this.error! };
    }
    const samples = this.columns.finish();
    const timing = sampleTiming(samples.t);
    const { rateHz, medianInterval } = timing;
    if (rateHz < MIN_RATE_HZ * (1 - RATE_TOLERANCE) || rateHz > MAX_RATE_HZ * (1 + RATE_TOLERANCE)) {
      const milliseconds = rateHz * 1000 >= MIN_RATE_HZ && rateHz * 1000 <= MAX_RATE_HZ ? '; is t in milliseconds? It must be in seconds' : '';
      this.fail(
        'rate-out-of-range',
        null,
        `the sample rate is about ${figures(rateHz)} Hz (median interval ${figures(medianInterval * 1000)} ms); expected ${MIN_RATE_HZ} to ${MAX_RATE_HZ} Hz${milliseconds}`,
      );
      return { ok: false, error: this.error! };
    }
    return { ok: true, samples, timing };
  }
}

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a CSV file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function unreadable(error: unknown): ImuCsvResult {
  const { code, message } = error as NodeJS.ErrnoException;
  // A missing file is its own kind: the command line exits with "not found" for it (hub/exit-codes.ts).
  if (code === 'ENOENT') return { ok: false, error: { kind: 'missing', line: null, message: `cannot read the file: ${READ_PROBLEMS.ENOENT}` } };
  return { ok: false, error: { kind: 'unreadable', line: null, message: `cannot read the file: ${(code && READ_PROBLEMS[code]) ?? message}` } };
}

/**
 * Reads and checks an IMU CSV file, streaming it line by line; `-` is standard input. Never throws
 * for a bad or missing file. `onBytes` hears how far it has read, for a progress line.
 */
export async function readImuCsv(path: string, units: ImuCsvUnits = DEFAULT_IMU_CSV_UNITS, onBytes?: (read: number, total: number | null) => void): Promise<ImuCsvResult> {
  if (path === '-') return readLines(process.stdin, units, null, onBytes);
  let handle;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      return unreadable(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    }
  } catch (error) {
    await handle?.close();
    return unreadable(error);
  }
  const input = handle.createReadStream({ autoClose: false, highWaterMark: 1 << 16 });
  const size = (await handle.stat()).size;
  try {
    return await readLines(input, units, size, onBytes);
  } finally {
    input.destroy();
    await handle.close();
  }
}

async function readLines(input: Readable, units: ImuCsvUnits, total: number | null, onBytes?: (read: number, total: number | null) => void): Promise<ImuCsvResult> {
  const parser = new ImuCsvParser(units);
  if (onBytes) {
    let read = 0;
    input.on('data', (chunk: Buffer | string) => onBytes((read += chunk.length), total));
  }
  input.setEncoding('utf8');
  let readError: unknown = null;
  const lines = createInterface({ input, crlfDelay: Infinity });
  input.once('error', (error) => {
    readError = error;
    lines.close();
  });
  try {
    for await (const line of lines) {
      parser.push(line);
      if (parser.failed) break;
    }
  } catch (error) {
    readError = error;
  } finally {
    lines.close();
  }
  if (readError) return unreadable(readError);
  return parser.finish();
}
