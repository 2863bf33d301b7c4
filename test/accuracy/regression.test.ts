/**
 * Keeps angle accuracy from slowly getting worse: a few fixed simulated sets, recorded by the
 * simulator and analysed exactly as `swivel analyze` does. The bounds are loose on purpose; the
 * exact figures come from `npm run bench:accuracy` and live in the README.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSamples } from '../../hub/analyze/analyze.ts';
import { readImuCsv } from '../../hub/analyze/imu-csv.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import { record } from '../../firmware-sim/record.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-accuracy-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sets: { exercise: ExerciseId; seed: number; rateHz: SampleRateHz; loss: number }[] = [
  { exercise: 'seated-hip-ir', seed: 21, rateHz: 100, loss: 0 },
  { exercise: 'swivel-chair', seed: 22, rateHz: 200, loss: 0.05 },
  { exercise: 'rom-prone', seed: 23, rateHz: 60, loss: 0 },
  { exercise: 'step-across', seed: 24, rateHz: 104, loss: 0.05 },
];

describe('angle accuracy on fixed simulated sets', () => {
  it.each(sets)('$exercise (seed $seed, $rateHz Hz, loss $loss) stays close to the truth', async ({ exercise, seed, rateHz, loss }) => {
    const recording = record({ exercise, seed, mounting: 'random', seconds: 60, loss, config: { rateHz, accRangeG: 4, gyroRangeDps: 1000 } });
    const file = join(dir, `${exercise}.csv`);
    await writeFile(file, recording.csv);
    const read = await readImuCsv(file, { acc: 'g', gyro: 'dps' });
    if (!read.ok) throw new Error(read.error.message);
    const { angles, summary } = await analyzeSamples(read.samples, { exercise, side: null, timing: read.timing });
    const truth = recording.truth.samples;
    const errors = truth.angleDeg.map((angle, i) => angles[i]! - angle).filter((_, i) => truth.t[i]! - truth.t[0]! >= 2);
    const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rmse).toBeLessThan(1.5);
    expect(Math.abs(summary.maxAngle - Math.max(...truth.angleDeg))).toBeLessThan(1.5);
    if (exercise !== 'step-across') {
      // Step-across is counted by hand: the front shin hardly moves (see exerciseKind).
      const fullReps = recording.truth.reps.filter((r) => r.kind === 'rep' && !r.partial).length;
      expect(fullReps).toBeGreaterThan(0);
      expect(Math.abs(summary.repCount - fullReps)).toBeLessThanOrEqual(1);
      for (const rep of summary.reps) expect(rep.end).toBeGreaterThan(rep.start);
    }
  });
});
