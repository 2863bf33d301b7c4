/**
 * Reading a recorded IMU file: a CSV with the header `t,ax,ay,az,gx,gy,gz`, one sample per row, t in
 * seconds on any clock. What loggers and spreadsheets write is understood too: the columns in any
 * order, `;` or tab between values (with `;`, a decimal comma), and units named in the header
 * (`ax (m/s^2)`, `gx [rad/s]`, `t_ms`), which then win over the --acc-unit / --gyro-unit defaults. The file is read as a stream of bytes
 * (an hour at 400 Hz is 1.44 million rows), each plain row parsed straight from them, into columns of
 * doubles, converted to the units the pipeline uses (acceleration in g, rotation in deg/s).
 *
 * A malformed file is a value, not an exception: the error names the line (when there is one) and says
 * what is wrong and what was expected.
 */
import { open } from 'node:fs/promises';
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
  const mid = intervals.length >> 1;
  const sorted = intervals.slice();
  const upper = selectNth(sorted, mid);
  // For an even count, the lower middle is the largest of what selection left below the upper one.
  let lower = -Infinity;
  if (sorted.length % 2 === 0) for (let i = 0; i < mid; i++) if (sorted[i]! > lower) lower = sorted[i]!;
  const medianInterval = sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
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

/**
 * The value that would be at index k if `values` were sorted, found by selection (Hoare's partition,
 * median-of-three pivot), linear on average where a sort is n log n; `values` is reordered so that
 * everything before k is not larger and everything after is not smaller. No NaN expected.
 */
export function selectNth(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const a = values[lo]!;
    const b = values[(lo + hi) >> 1]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
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
  private t: Float64Array;
  private ax: Float64Array;
  private ay: Float64Array;
  private az: Float64Array;
  private gx: Float64Array;
  private gy: Float64Array;
  private gz: Float64Array;

  constructor(capacity = 4096) {
    this.capacity = Math.max(16, capacity);
    this.t = new Float64Array(this.capacity);
    this.ax = new Float64Array(this.capacity);
    this.ay = new Float64Array(this.capacity);
    this.az = new Float64Array(this.capacity);
    this.gx = new Float64Array(this.capacity);
    this.gy = new Float64Array(this.capacity);
    this.gz = new Float64Array(this.capacity);
  }

  /** Makes room for this many samples in all, at once (a file's size tells about how many it has). */
  reserve(capacity: number): void {
    if (capacity > this.capacity) this.grow(capacity);
  }

  private grow(capacity = this.capacity * 2): void {
    this.capacity = capacity;
    const grown = (old: Float64Array) => {
      const column = new Float64Array(this.capacity);
      column.set(old);
      return column;
    };
    this.t = grown(this.t);
    this.ax = grown(this.ax);
    this.ay = grown(this.ay);
    this.az = grown(this.az);
    this.gx = grown(this.gx);
    this.gy = grown(this.gy);
    this.gz = grown(this.gz);
  }

  push(t: number, ax: number, ay: number, az: number, gx: number, gy: number, gz: number): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.ax[i] = ax;
    this.ay[i] = ay;
    this.az[i] = az;
    this.gx[i] = gx;
    this.gy[i] = gy;
    this.gz[i] = gz;
  }

  view(from: number): ImuSamples {
    const n = this.length;
    return { length: n - from, t: this.t.subarray(from, n), ax: this.ax.subarray(from, n), ay: this.ay.subarray(from, n), az: this.az.subarray(from, n), gx: this.gx.subarray(from, n), gy: this.gy.subarray(from, n), gz: this.gz.subarray(from, n) };
  }

  finish(): ImuSamples {
    const n = this.length;
    return { length: n, t: this.t.subarray(0, n), ax: this.ax.subarray(0, n), ay: this.ay.subarray(0, n), az: this.az.subarray(0, n), gx: this.gx.subarray(0, n), gy: this.gy.subarray(0, n), gz: this.gz.subarray(0, n) };
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:inf(?:inity)?|nan)$/i;

const [DOT, COMMA, PLUS, MINUS, ZERO, CR, LF] = ['.', ',', '+', '-', '0', '\r', '\n'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number, number];
/** Integers below 2⁵³ are exact in a double. */
const EXACT_INTEGERS = 2 ** 53;
/** Powers of ten up to 10²² are exact in a double. */
const MAX_EXACT_DECIMALS = 22;
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_DECIMALS + 1 }, (_, i) => Number(`1e${i}`));

/** A line's text: ASCII (nearly every line) decoded the cheap way. */
function latin1OrUtf8(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return buffer.toString('utf8', start, end);
  return buffer.toString('latin1', start, end);
}

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
  separatorCode: number;
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
  return { separator, separatorCode: separator.charCodeAt(0), decimalComma: separator === ';', index, scale };
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
  /** A plain row's values in the file's column order. */
  private readonly cells = new Float64Array(7);
  private lastT = Number.NaN;
  /** Per canonical column (t, ax … gz): its index in a row and the factor to pipeline units. */
  private layout: HeaderLayout = { separator: ',', separatorCode: COMMA, decimalComma: false, index: [0, 1, 2, 3, 4, 5, 6], scale: [1, 1, 1, 1, 1, 1, 1] };
  private readonly units: ImuCsvUnits;

  constructor(units: ImuCsvUnits = DEFAULT_IMU_CSV_UNITS) {
    this.units = units;
  }

  /** Rows seen so far, the header and blank lines included. */
  get lines(): number {
    return this.lineNumber;
  }

  /** Samples read so far. */
  get samples(): number {
    return this.columns.length;
  }

  /** The samples from `from` on, read so far: views, valid until the next push. */
  samplesFrom(from: number): ImuSamples {
    return this.columns.view(from);
  }

  /** A hint: about this many rows are coming in all (room is made for them in one go). */
  expectRows(rows: number): void {
    this.columns.reserve(Math.ceil(rows));
  }

  get failed(): boolean {
    return this.error !== null;
  }

  private fail(kind: ImuCsvErrorKind, line: number | null, problem: string): void {
    this.error = { kind, line, message: line === null ? problem : `line ${line}: ${problem}` };
  }

  /**
   * One line as bytes (without its line ending). The common form (plain decimals, no spaces, the
   * header's separator) is read straight from the bytes; anything else, and every problem, goes
   * through `push` as text, so the rules and the messages are the same either way.
   */
  pushBytes(bytes: Uint8Array, start: number, end: number): void {
    if (!this.pushPlain(bytes, start, end)) this.push(latin1OrUtf8(bytes, start, end));
  }

  /** The fast path of `pushBytes`: false (and nothing changed) unless the row is plain and good. */
  pushPlain(bytes: Uint8Array, start: number, end: number): boolean {
    return this.plainRow(bytes, start, end, false) >= 0;
  }

  /**
   * Reads a plain, good row that starts at `start`: with `terminated`, one that ends at a "\r" or "\n"
   * before `limit` (the row's end is then found as it is read); otherwise one that ends at `limit`.
   * Returns where the row's text ends, or -1 (and nothing changed) when the row is not plain or not
   * good, to go the text way.
   */
  plainRow(bytes: Uint8Array, start: number, limit: number, terminated: boolean): number {
    if (!this.headerSeen || this.error !== null || this.blankSince !== null) return -1;
    const layout = this.layout;
    const separator = layout.separatorCode;
    const point = layout.decimalComma ? COMMA : DOT;
    const cells = this.cells;
    let at = start;
    for (let cell = 0; cell < IMU_CSV_COLUMNS.length; cell++) {
      // [+-]? digits [point digits]: the mantissa as an integer and the count of decimals.
      let negative = false;
      if (at < limit) {
        const sign = bytes[at]!;
        if (sign === MINUS || sign === PLUS) {
          negative = sign === MINUS;
          at++;
        }
      }
      let mantissa = 0;
      const wholeFrom = at;
      while (at < limit) {
        const digit = bytes[at]! - ZERO;
        if (digit < 0 || digit > 9) break;
        mantissa = mantissa * 10 + digit;
        at++;
      }
      let digits = at - wholeFrom;
      let decimals = 0;
      if (at < limit && bytes[at] === point) {
        const fractionFrom = ++at;
        while (at < limit) {
          const digit = bytes[at]! - ZERO;
          if (digit < 0 || digit > 9) break;
          mantissa = mantissa * 10 + digit;
          at++;
        }
        decimals = at - fractionFrom;
        digits += decimals;
      }
      // Below 2⁵³ every step above was exact (and at or over it, the rounded one is too: monotonic).
      if (digits === 0 || mantissa >= EXACT_INTEGERS || decimals > MAX_EXACT_DECIMALS) return -1;
      // Both exact, so the one rounding of the division gives the nearest double: what Number() gives.
      const value = mantissa / POWERS_OF_TEN[decimals]!;
      cells[cell] = negative ? -value : value;
      if (cell < IMU_CSV_COLUMNS.length - 1) {
        if (at >= limit || bytes[at] !== separator) return -1;
        at++;
      }
    }
    if (terminated ? at >= limit || (bytes[at] !== LF && bytes[at] !== CR) : at !== limit) return -1;
    const { index, scale } = layout;
    const values = this.values;
    for (let c = 0; c < IMU_CSV_COLUMNS.length; c++) values[c] = cells[index[c]!]! * scale[c]!;
    const t = values[0]!;
    if (!(t > this.lastT) && this.columns.length > 0) return -1;
    this.lineNumber++;
    this.lastT = t;
    this.columns.push(t, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!, values[6]!);
    return at;
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
 * Reads and checks an IMU CSV file, streaming it chunk by chunk; `-` is standard input. Never throws
 * for a bad or missing file. `onBytes` hears how far it has read, for a progress line; `onSamples`
 * gets the samples read so far, piece by piece (views, to use or copy at once), before the file has
 * been checked to the end: only the result says whether the file is good.
 */
export async function readImuCsv(
  path: string,
  units: ImuCsvUnits = DEFAULT_IMU_CSV_UNITS,
  onBytes?: (read: number, total: number | null) => void,
  onSamples?: (samples: ImuSamples) => void,
): Promise<ImuCsvResult> {
  // Standard input is not destroyed when the parse stops early: it belongs to the process.
  if (path === '-') return readLines(process.stdin.iterator({ destroyOnReturn: false }), units, null, onBytes, onSamples);
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
  const file = handle;
  const size = (await file.stat()).size;
  // One buffer, read into again and again (the parser keeps nothing of it): no new megabyte per read.
  async function* chunks(): AsyncGenerator<Buffer> {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  }
  try {
    return await readLines(chunks(), units, size, onBytes, onSamples);
  } finally {
    await file.close();
  }
}

/** How much of a file is read at a time. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Splits the bytes into lines as readline does (a line ends at "\n", "\r\n" or a lone "\r"; a last
 * line without an ending counts) and hands each to the parser as bytes, without making a string of it.
 */
class LineSplitter {
  /** The start of a line that the previous chunk did not end. */
  private carry: Buffer | null = null;
  /** The previous chunk ended in "\r": a "\n" starting the next one belongs to it. */
  private afterCr = false;

  constructor(private readonly parser: ImuCsvParser) {}

  push(chunk: Buffer): void {
    const parser = this.parser;
    const bytes = chunk;
    let start = this.afterCr && bytes[0] === LF ? 1 : 0;
    this.afterCr = false;
    if (this.carry) {
      // Only the line that runs over is joined up, not the whole chunk.
      const lf = chunk.indexOf(LF);
      const cr = chunk.indexOf(CR);
      const ends = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (ends < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, ends + 1)]);
      this.carry = null;
      this.push(joined);
      if (parser.failed) return;
      // A "\r" that ended the joined line may have its "\n" next (or at the start of the next chunk).
      if (ends + 1 === chunk.length) return;
      start = this.afterCr && chunk[ends + 1] === LF ? ends + 2 : ends + 1;
      this.afterCr = false;
    }
    const length = bytes.length;
    for (;;) {
      // A plain row is read as its end is found; anything else is cut at its "\n" and goes the text way.
      const ends = parser.plainRow(bytes, start, length, true);
      if (ends >= 0) {
        if (bytes[ends] === LF) start = ends + 1;
        else if (ends + 1 < length) start = bytes[ends + 1] === LF ? ends + 2 : ends + 1;
        else {
          this.afterCr = true;
          return;
        }
        continue;
      }
      const lf = bytes.indexOf(LF, start);
      if (lf < 0) break;
      const end = lf > start && bytes[lf - 1] === CR ? lf - 1 : lf;
      this.lines(bytes, start, end);
      start = lf + 1;
      if (parser.failed) return;
    }
    // No "\n" in the rest: lines ended by a lone "\r" are whole; what follows the last waits.
    const cr = bytes.lastIndexOf(CR);
    if (cr >= start) {
      this.lines(bytes, start, cr);
      start = cr + 1;
      this.afterCr = cr === bytes.length - 1;
    }
    if (start < bytes.length) this.carry = Buffer.from(bytes.subarray(start));
  }

  /** The end of the input: a last line without a line ending. */
  finish(): void {
    if (this.carry && this.carry.length > 0) this.lines(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  /** The bytes from start to end: one line, or several split by lone "\r"s. */
  private lines(bytes: Buffer, start: number, end: number): void {
    const parser = this.parser;
    // A plain row has no "\r" in it.
    if (parser.pushPlain(bytes, start, end)) return;
    let cr = start;
    while (cr < end && bytes[cr] !== CR) cr++;
    if (cr === end) {
      parser.pushBytes(bytes, start, end);
      return;
    }
    for (let from = start; from <= end && !parser.failed; ) {
      let to = from;
      while (to < end && bytes[to] !== CR) to++;
      parser.pushBytes(bytes, from, to);
      from = to + 1;
    }
  }
}

/** Parses bytes already in memory, in the chunks given, as readImuCsv parses a stream. */
export function parseImuCsvChunks(chunks: Iterable<Uint8Array>, units: ImuCsvUnits = DEFAULT_IMU_CSV_UNITS): ImuCsvResult {
  const parser = new ImuCsvParser(units);
  const lines = new LineSplitter(parser);
  for (const chunk of chunks) {
    lines.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (parser.failed) break;
  }
  if (!parser.failed) lines.finish();
  return parser.finish();
}

/** The input's bytes through the parser, chunk by chunk. */
async function readLines(
  input: AsyncIterable<Buffer | string>,
  units: ImuCsvUnits,
  total: number | null,
  onBytes?: (read: number, total: number | null) => void,
  onSamples?: (samples: ImuSamples) => void,
): Promise<ImuCsvResult> {
  let handedOver = 0;
  const parser = new ImuCsvParser(units);
  const lines = new LineSplitter(parser);
  let read = 0;
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const first = read === 0;
      read += bytes.length;
      onBytes?.(read, total);
      lines.push(bytes);
      if (parser.failed) break;
      // From the rows of the first chunk and the file's size, room for all of them (and a little more)
      // in one go, rather than growing the columns again and again.
      if (first && total !== null && total > read && parser.lines > 1) parser.expectRows((total / read) * parser.lines * 1.02 + 1024);
      // The good samples so far, for a reader that works on them while the rest is read.
      if (onSamples && parser.samples > handedOver) {
        onSamples(parser.samplesFrom(handedOver));
        handedOver = parser.samples;
      }
    }
    if (!parser.failed) lines.finish();
  } catch (error) {
    return unreadable(error);
  }
  if (onSamples && !parser.failed && parser.samples > handedOver) onSamples(parser.samplesFrom(handedOver));
  return parser.finish();
}
