import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { analyzeSamples, fileSampleBatches } from '../../hub/analyze/analyze.ts';
import { readImuCsv } from '../../hub/analyze/imu-csv.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toAngleFrames } from '../../hub/pipeline/operators.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import { scoreSet } from '../../hub/session/set-scoring.ts';
import { record } from '../../firmware-sim/record.ts';

/**
 * The pipeline is one code path: a set scored live (angle frames → scoreSet, as the session does)
 * and the same samples through `swivel analyze` give the same reps, end holds and time in position.
 */
describe('live set scoring and swivel analyze agree', () => {
  it.each<[ExerciseId, number]>([
    ['seated-hip-ir', 41],
    ['figure4-sitting', 42],
  ])('%s (seed %i)', async (exercise, seed) => {
    const recording = record({ exercise, seed, mounting: 'random', seconds: 90, holdBreak: true });
    const dir = await mkdtemp(join(tmpdir(), 'swivel-one-path-'));
    const file = join(dir, 'set.csv');
    await writeFile(file, recording.csv);
    const parsed = await readImuCsv(file);
    await rm(dir, { recursive: true, force: true });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { summary, timing } = await analyzeSamples(parsed.samples, { exercise, side: 'left', timing: parsed.timing });

    const definition = (await loadDefaultProgramme()).exercises.find((e) => e.id === exercise)!;
    const live = await lastValueFrom(fileSampleBatches(parsed.samples, timing.medianInterval).pipe(toAngleFrames(), scoreSet(definition), toArray()));
    const final = live.at(-1)!;
    if (definition.kind === 'reps') {
      expect(summary.repCount).toBeGreaterThan(5);
      expect(final.reps).toBe(summary.repCount);
      expect(final.trials).toEqual(summary.reps.map((r) => r.peakAngle));
      expect(final.lastRep).toMatchObject({ hold: summary.reps.at(-1)!.hold, holdMet: summary.reps.at(-1)!.holdMet });
    } else {
      expect(summary.holdTotal).toBeGreaterThan(30);
      expect(final.hold!.heldSeconds).toBeCloseTo(summary.holdTotal, 9);
    }
  });
});
