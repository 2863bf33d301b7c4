import { statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXERCISE_IDS } from '../../firmware-sim/person/exercises.ts';
import { record, recordToFiles, writeRecording, type RecordingTruth } from '../../firmware-sim/record.ts';
import { startSimulator } from '../support/simulator-process.ts';
import { runBin } from '../support/run-bin.ts';


const sim = (args: string[]) => runBin('swivel-sim', args);

const rowsOf = (csv: string) => csv.trim().split('\n').slice(1).map((line) => line.split(',').map(Number));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-sim-record-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recordings', () => {
  it('written as they are made are the very bytes of a recording made in memory, the CSV growing on disk while it is made', async () => {
    const options = { exercise: 'seated-hip-ir', seed: 5, seconds: 90, loss: 0.05, mounting: 'random', config: { rateHz: 200, accRangeG: 4, gyroRangeDps: 1000 } } as const;
    const streamedDir = join(dir, 'streamed');
    const sizes: number[] = [];
    const flushBytes = 16 * 1024;
    const streamed = await recordToFiles(streamedDir, 'r', options, {
      flushBytes,
      // What is on disk at each write, seen from outside the writer.
      onCsvWritten: (bytes) => sizes.push(statSync(join(streamedDir, 'r.csv')).size - bytes),
    });
    const inMemory = record(options);
    const written = await writeRecording(join(dir, 'in-memory'), 'r', inMemory);
    expect(await readFile(streamed.csv, 'utf8')).toBe(await readFile(written.csv, 'utf8'));
    expect(await readFile(streamed.truth, 'utf8')).toBe(await readFile(written.truth, 'utf8'));
    expect(streamed.samples).toBe(inMemory.truth.samples.t.length);
    expect(streamed.reps).toBe(inMemory.truth.reps.length);
    // The CSV (about 1.5 MB) reached the disk in pieces of about flushBytes as the recording went, each
    // on disk when the writer said so; nothing held back but the last piece.
    const csvBytes = statSync(streamed.csv).size;
    expect(sizes.length).toBeGreaterThan(csvBytes / (2 * flushBytes));
    expect(sizes.every((d) => d === 0)).toBe(true);
    // The scratch columns are gone.
    expect((await readdir(streamedDir)).sort()).toEqual(['r.csv', 'r.truth.json']);
  });

  it('are deterministic: same seed, same bytes; another seed, other bytes', () => {
    const options = { exercise: 'swivel-chair', seed: 12, seconds: 20, loss: 0.1, mounting: 'random' } as const;
    const a = record(options);
    const b = record(options);
    expect(a.csv).toBe(b.csv);
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    const c = record({ ...options, seed: 13 });
    expect(c.csv).not.toBe(a.csv);
  });

  it('record the spans in position of a hold with a break, on the sensor clock', () => {
    const options = { exercise: 'ir-stretch-supine', seed: 4, seconds: 100, holdBreak: true } as const;
    const { truth } = record(options);
    const [hold] = truth.reps;
    expect(hold!.kind).toBe('hold');
    expect(hold!.inPosition).toHaveLength(2);
    const seconds = hold!.inPosition.reduce((sum, span) => sum + span.end - span.start, 0);
    // endHoldSeconds is true time; the spans are on the sensor's clock, up to 300 ppm off (0.03 s a minute and a half).
    expect(Math.abs(seconds - hold!.endHoldSeconds)).toBeLessThan(0.03);
    // In position means near the position; out of it, well short of it.
    const at = (t: number) => truth.samples.angleDeg[truth.samples.t.findIndex((st) => st >= t)]!;
    const [first, second] = hold!.inPosition;
    expect(at((first!.start + first!.end) / 2)).toBeGreaterThan(0.8 * hold!.targetDeg);
    expect(at((first!.end + second!.start) / 2)).toBeLessThan(0.5 * hold!.targetDeg);
    expect(JSON.stringify(record(options).truth)).toBe(JSON.stringify(truth));
    // Without the option, one span.
    expect(record({ ...options, holdBreak: false }).truth.reps[0]!.inPosition).toHaveLength(1);
  });

  it('every exercise id produces data', () => {
    for (const exercise of EXERCISE_IDS) {
      const { csv, truth } = record({ exercise, seed: 2, seconds: 30, config: { rateHz: 25, accRangeG: 4, gyroRangeDps: 1000 } });
      const rows = rowsOf(csv);
      expect(rows.length, exercise).toBeGreaterThan(25 * 29);
      expect(truth.samples.angleDeg).toHaveLength(rows.length);
      expect(Math.max(...truth.samples.angleDeg), exercise).toBeGreaterThan(0.5);
      expect(rows.every((r) => r.length === 7 && r.every(Number.isFinite)), exercise).toBe(true);
    }
  });

  it('hold exactly what the hub would get: int16 values at the configured ranges, lost packets missing', () => {
    const config = { rateHz: 200, accRangeG: 2, gyroRangeDps: 500 } as const;
    const { csv, truth } = record({ exercise: 'seated-hip-ir', seed: 3, seconds: 120, loss: 0.2, config });
    const rows = rowsOf(csv);
    for (const r of rows.slice(0, 2000)) {
      for (const v of r.slice(1, 4)) expect(Number.isInteger((v * 32768) / 2)).toBe(true);
      for (const v of r.slice(4)) expect(Number.isInteger((v * 32768) / 500)).toBe(true);
    }
    // Burst loss at the configured rate, give or take.
    const rate = truth.packets.lost / truth.packets.sent;
    expect(rate).toBeGreaterThan(0.16);
    expect(rate).toBeLessThan(0.24);
    const expectedSamples = 200 * 120;
    expect(rows.length).toBeGreaterThan(expectedSamples * 0.75);
    expect(rows.length).toBeLessThan(expectedSamples * 0.85);
    // Gaps: some intervals span whole lost packets.
    const intervals = rows.slice(1).map((r, i) => r[0]! - rows[i]![0]!);
    expect(intervals.every((d) => d > 0)).toBe(true);
    expect(intervals.filter((d) => d > 1.5 / 200).length).toBeGreaterThan(20);
    // The sensor clock is off by up to 300 ppm; samples are 5 ms apart on it.
    const median = [...intervals].sort((x, y) => x - y)[intervals.length >> 1]!;
    expect(median).toBeCloseTo(0.005, 4);
  });

  it('the record command writes a well-formed CSV and truth file, aligned row by row', async () => {
    const run = sim(['record', '--exercise', 'side-lie', '--seed', '21', '--rate', '100', '--seconds', '45', '--loss', '0.05', '--mounting', 'random', '--out', dir]);
    expect(await run.exited, run.err()).toBe(0);
    const summary = JSON.parse(run.out());
    expect(summary).toMatchObject({ event: 'recorded', csv: join(dir, 'side-lie-seed21.csv'), truth: join(dir, 'side-lie-seed21.truth.json') });
    const csv = await readFile(summary.csv, 'utf8');
    const truth = JSON.parse(await readFile(summary.truth, 'utf8')) as RecordingTruth;
    expect(csv.split('\n')[0]).toBe('t,ax,ay,az,gx,gy,gz');
    const rows = rowsOf(csv);
    expect(rows.length).toBe(summary.samples);
    expect(truth.format).toBe('swivel-sim-truth/1');
    expect(truth).toMatchObject({ exercise: 'side-lie', seed: 21, personSeed: 21, side: 'left', config: { rateHz: 100, accRangeG: 4, gyroRangeDps: 1000 } });
    expect(truth.samples.t).toEqual(rows.map((r) => r[0]));
    for (const key of ['trueTime', 'angleDeg', 'quat'] as const) expect(truth.samples[key]).toHaveLength(rows.length);
    for (const q of truth.samples.quat.slice(0, 500)) expect(Math.hypot(...q)).toBeCloseTo(1, 5);
    expect(truth.mounting.placement).toBeGreaterThanOrEqual(0);
    expect(truth.mounting.placement).toBeLessThan(24);
    expect(Math.abs(truth.mounting.twistDeg)).toBeLessThanOrEqual(20);
    expect(Math.abs(truth.mounting.tiltDeg)).toBeLessThanOrEqual(10);
    expect(Math.abs(truth.clock.ppm)).toBeLessThanOrEqual(300);
    expect(truth.reps.length).toBeGreaterThan(2);
    for (const rep of truth.reps) {
      expect(rep.kind).toBe('rep');
      expect(rep.start).toBeLessThan(rep.end);
      expect(rep.endHoldSeconds).toBeGreaterThanOrEqual(3);
      expect(rep.endHoldSeconds).toBeLessThanOrEqual(5);
      expect(typeof rep.partial).toBe('boolean');
      // The truth angle around the peak time agrees with the rep's peak.
      const i = truth.samples.t.findIndex((t) => t >= rep.peakTime);
      if (i > 0) expect(truth.samples.angleDeg[i]!).toBeCloseTo(rep.peakDeg, 0);
    }
    // Still start: the first 1.5 s of truth is exactly the start posture.
    expect(truth.samples.angleDeg.filter((_, i) => truth.samples.t[i]! < 1.5).every((a) => a === 0)).toBe(true);
  });

  it('refuses bad options with a one-line message and exit code 2', async () => {
    for (const args of [
      ['--exercise', 'cartwheel', '--out', dir],
      ['--exercise', 'side-lie'],
      ['--out', dir, '--rate', '123'],
      ['--out', dir, '--mounting', '24'],
      ['--out', dir, '--bogus'],
    ]) {
      const run = sim(['record', ...args]);
      expect(await run.exited, args.join(' ')).toBe(2);
      expect(run.err()).toMatch(/^swivel-sim record: .+\nTry --help\.\n$/);
    }
  });
});

describe('live simulator flags', () => {
  it('starts with --exercise, --person and --mounting, and refuses an unknown exercise', async () => {
    const radio = await mkdtemp(join(tmpdir(), 'swivel-sim-radio-'));
    try {
      const simulator = await startSimulator(radio, ['--exercise', 'swivel-chair', '--person', '5', '--mounting', 'random', '--address', '5e:1f:00:00:00:77']);
      expect(simulator.name).toBe('Swivel-0077');
      await simulator.kill();
      const bad = sim(['--radio', radio, '--exercise', 'cartwheel']);
      expect(await bad.exited).toBe(2);
      expect(bad.err()).toMatch(/--exercise must be one of/);
    } finally {
      await rm(radio, { recursive: true, force: true });
    }
  });
});
