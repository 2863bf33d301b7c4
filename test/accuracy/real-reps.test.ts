/**
 * Keeps the rep counter honest on real people: one block of ten executions of each exercise of the
 * pt-reps sets (test/fixtures/pt-reps/README.md), analysed exactly as `swivel analyze` does. Each has
 * what made the counter fail on people: a rest position that is not the start posture and wanders,
 * fast reps with a shallow return, a shuffle before the set, a rest below the start posture. The full
 * table over every block and session is `npm run bench:real-reps`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSamples } from '../../hub/analyze/analyze.ts';
import { readImuCsv } from '../../hub/analyze/imu-csv.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pt-reps');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-real-reps-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// As the scorer runs them: the seated exercise as a seated rep exercise (the shin hanging at the
// start), the lying ones as straight-leg rolls (the shin level at the start).
const blocks: { file: string; exercise: ExerciseId; counted: number }[] = [
  { file: 's2e1_b3', exercise: 'seated-hip-ir', counted: 10 },
  { file: 's2e3_b2', exercise: 'straight-leg-rolls', counted: 10 },
  { file: 's1e4_b1', exercise: 'straight-leg-rolls', counted: 10 },
  { file: 's1e5_b1', exercise: 'straight-leg-rolls', counted: 10 },
];

describe('rep counts on real blocks of ten', () => {
  it.each(blocks)('$file ($exercise): all ten found, none extra', async ({ file, exercise, counted }) => {
    const csv = join(dir, `${file}.csv`);
    await writeFile(csv, gunzipSync(await readFile(join(FIXTURES, `${file}.shin.csv.gz`))));
    const read = await readImuCsv(csv);
    if (!read.ok) throw new Error(read.error.message);
    const { summary } = await analyzeSamples(read.samples, { exercise, side: null, timing: read.timing });
    expect(summary.repCount + summary.partialCount).toBe(10);
    expect(summary.repCount).toBe(counted);
    // Every rep is a movement of its own: in time order, none overlapping the next.
    for (let i = 1; i < summary.reps.length; i++) expect(summary.reps[i]!.start).toBeGreaterThanOrEqual(summary.reps[i - 1]!.end);
  });
});
