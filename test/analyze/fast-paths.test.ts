/**
 * The fast ways through `swivel analyze` give exactly what the plain ways give: the byte parser what
 * the text parser gives (every value bit for bit, every error word for word), however the input is cut
 * into chunks; batches of samples at their own times what one batch per sample gives; selection the
 * median a sort gives.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { analyzeSamples, fileBatches, fileSampleBatches } from '../../hub/analyze/analyze.ts';
import { ImuCsvParser, parseImuCsvChunks, sampleTiming, selectNth, type ImuCsvResult, type ImuSamples } from '../../hub/analyze/imu-csv.ts';
import { repEvents, toAngleFrames, type AngleFrame } from '../../hub/pipeline/operators.ts';
import { holdTimer } from '../../hub/pipeline/timing-operators.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** The text path alone: lines split as readline splits them, each pushed as a string. */
function parseAsText(text: string): ImuCsvResult {
  const parser = new ImuCsvParser();
  const lines = text.split(/\r\n|\n|\r/);
  // A last line ending in a line break leaves an empty piece that is no line.
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) parser.push(line);
  return parser.finish();
}

/** The same bytes cut at the given places. */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Results equal, doubles compared bit for bit (Object.is: -0 is not 0). */
function expectSameResult(actual: ImuCsvResult, expected: ImuCsvResult) {
  expect(actual.ok).toBe(expected.ok);
  if (!actual.ok || !expected.ok) {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual.samples.length).toBe(expected.samples.length);
  for (const column of ['t', 'ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const) {
    const a = actual.samples[column];
    const e = expected.samples[column];
    for (let i = 0; i < e.length; i++) if (!Object.is(a[i], e[i])) expect(`${column}[${i}] = ${a[i]}`).toBe(`${column}[${i}] = ${e[i]}`);
  }
  expect(actual.timing).toEqual(expected.timing);
}

// Cells as loggers write them: plain decimals of every length (the fast path), and what only the
// text path reads (exponents, spaces, quotes, too many digits) or refuses.
const plainCell = fc.oneof(
  fc.double({ min: -2000, max: 2000, noNaN: true }).map(String),
  fc.integer({ min: -99999, max: 99999 }).map(String),
  fc.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{0,18}$/), fc.constantFrom('', '.'), fc.stringMatching(/^[0-9]{0,25}$/)).map(([sign, whole, point, fraction]) => `${sign}${whole}${point}${fraction}`),
);
const oddCell = fc.constantFrom('1e3', ' 0.5', '0.5 ', '"1"', 'nan', 'Infinity', '', '.', '-', '1.2.3', '0x10', '１', '1,5', '12345678901234567890');
const cell = fc.oneof({ weight: 8, arbitrary: plainCell }, { weight: 1, arbitrary: oddCell });
const lineEnding = fc.constantFrom('\n', '\r\n', '\r');

describe('the byte parser', () => {
  it('gives what the text parser gives, value for value and error for error, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(cell, { minLength: 6, maxLength: 8 }), lineEnding), { minLength: 0, maxLength: 30 }),
        fc.boolean(),
        fc.array(fc.nat(4000), { maxLength: 8 }),
        (rows, increasingTimes, cuts) => {
          let text = 't,ax,ay,az,gx,gy,gz\n';
          rows.forEach(([cells, ending], i) => {
            // Mostly good times, so that the rows after the first get read too.
            const row = increasingTimes && cells.length > 0 ? [String(i / 100), ...cells.slice(1)] : cells;
            text += row.join(',') + ending;
          });
          const bytes = new TextEncoder().encode(text);
          expectSameResult(parseImuCsvChunks(cut(bytes, cuts)), parseAsText(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads a plain decimal to the very double Number() reads', () => {
    fc.assert(
      fc.property(fc.array(plainCell, { minLength: 6, maxLength: 6 }), (cells) => {
        const text = `t,ax,ay,az,gx,gy,gz\n0,${cells.join(',')}\n0.01,${cells.join(',')}\n`;
        expectSameResult(parseImuCsvChunks([new TextEncoder().encode(text)]), parseAsText(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads ";" with decimal commas, tabs, a BOM and columns in any order as the text parser does', () => {
    const files = [
      '\ufefft;ax;ay;az;gx;gy;gz\r\n0;0,5;-1;0;1,25;0;0\r\n0,01;0,5;-1;0;1,25;0;0\r\n',
      'gz\tgy\tgx\taz\tay\tax\tt_ms\n1\t2\t3\t-1\t0\t0\t0\n1\t2\t3\t-1\t0\t0\t10\n\n\n',
      't,ax (m/s^2),ay,az,gx [rad/s],gy,gz\r0,9.8,0,0,1,0,0\r0.005,9.8,0,0,1,0,0\r',
      't,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0,0\n\n0.01,0,0,1,0,0,0\n',
      't,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0,0\n0,0,0,1,0,0,0\n',
      't,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0,0\n0.01,0,0,1,0,0',
    ];
    for (const text of files) {
      const bytes = new TextEncoder().encode(text);
      for (let at = 0; at <= bytes.length; at++) expectSameResult(parseImuCsvChunks(cut(bytes, [at, at + 1])), parseAsText(text));
    }
  });
});

describe('selection', () => {
  it('finds the value a sort puts at k, and the median sampleTiming reports is the sorted one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), fc.nat(), (values, seed) => {
        const k = seed % values.length;
        const sorted = Float64Array.from(values).sort();
        expect(selectNth(Float64Array.from(values), k)).toBe(sorted[k]);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: 0.001, max: 0.1 }), { minLength: 1, maxLength: 200 }), (steps) => {
        const t = [0];
        for (const step of steps) t.push(t.at(-1)! + step);
        const intervals = Float64Array.from(t.slice(1).map((x, i) => x - t[i]!)).sort();
        const mid = intervals.length >> 1;
        const median = intervals.length % 2 === 1 ? intervals[mid]! : (intervals[mid - 1]! + intervals[mid]!) / 2;
        expect(sampleTiming(t).medianInterval).toBe(median);
      }),
    );
  });
});

async function fixtureSamples(file: string): Promise<ImuSamples> {
  const result = parseImuCsvChunks([gunzipSync(await readFile(join(FIXTURES, file)))]);
  if (!result.ok) throw new Error(result.error.message);
  return result.samples;
}

describe('batches of samples at their own times', () => {
  // A recorded set with jittered times, and the same with rows cut out (gaps) so batches straddle them.
  const cases = [
    { file: 'pt-reps/s2e1_b3.shin.csv.gz', exercise: 'seated-hip-ir', cutOut: false },
    { file: 'pt-reps/s2e1_b3.shin.csv.gz', exercise: 'seated-hip-ir', cutOut: true },
    { file: 'same-results/broad-08-first-20s.imu.csv.gz', exercise: 'figure4-sitting', cutOut: true },
  ] as const;

  for (const c of cases) {
    it(`give every angle, orientation, rep event and hold report of one batch per sample: ${c.file}${c.cutOut ? ', with gaps' : ''}`, async () => {
      let samples = await fixtureSamples(c.file);
      if (c.cutOut) {
        const keep = Array.from({ length: samples.length }, (_, i) => i % 997 < 900);
        const pick = (column: Float64Array) => column.filter((_, i) => keep[i]);
        samples = { length: keep.filter(Boolean).length, t: pick(samples.t), ax: pick(samples.ax), ay: pick(samples.ay), az: pick(samples.az), gx: pick(samples.gx), gy: pick(samples.gy), gz: pick(samples.gz) };
      }
      // Small batches, so that even a short file is several and batches straddle the gaps.
      expect(samples.length).toBeGreaterThan(3 * 300);
      const dt = sampleTiming(samples.t).medianInterval;
      const single = await lastValueFrom(fileSampleBatches(samples, dt).pipe(toAngleFrames(), toArray()));
      const batched = await lastValueFrom(fileBatches(samples, dt, 300).pipe(toAngleFrames(), toArray()));
      expect(batched.length).toBe(Math.ceil(samples.length / 300));
      expect(batched.flatMap((f) => f.trace)).toEqual(single.flatMap((f) => f.trace));
      expect(batched.flatMap((f) => Array.from(f.orientations!))).toEqual(single.flatMap((f) => f.orientation));
      expect(batched.flatMap((f) => Array.from(f.times!))).toEqual(Array.from(samples.t));

      const reps = (frames: AngleFrame[]) => lastValueFrom(from(frames).pipe(repEvents(), toArray()));
      const singleReps = await reps(single);
      expect(await reps(batched)).toEqual(singleReps);
      if (c.exercise === 'seated-hip-ir') expect(singleReps.filter((event) => event.kind === 'rep').length).toBeGreaterThan(2);
      const holdEvents = async (frames: AngleFrame[]) => (await lastValueFrom(from(frames).pipe(holdTimer(), toArray()))).flatMap((report) => report.events);
      expect(await holdEvents(batched)).toEqual(await holdEvents(single));

      const summary = await analyzeSamples(samples, { exercise: c.exercise, side: null });
      expect(Array.from(summary.angles)).toEqual(single.flatMap((f) => f.trace));
      expect(Array.from(summary.orientations)).toEqual(single.flatMap((f) => f.orientation));
    }, 60_000);
  }
});
