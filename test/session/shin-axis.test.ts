import { firstValueFrom, filter } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSampleBatches } from '../../hub/analyze/analyze.ts';
import { ImuCsvParser } from '../../hub/analyze/imu-csv.ts';
import { toAngleFrames } from '../../hub/pipeline/operators.ts';
import { fromAxisAngle, type Vec3 } from '../../hub/pipeline/quaternion.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import type { Exercise, Programme } from '../../hub/protocol/programme.ts';
import { NO_SHIN_AXIS, checkStart, contradiction, gravityInSensorFrame, shinFromDownDeg } from '../../hub/session/shin-axis.ts';
import { record } from '../../firmware-sim/record.ts';

describe('gravityInSensorFrame', () => {
  it('turns the earth’s down into the sensor frame through the orientation (sensor → earth, z up)', () => {
    const close = (v: Vec3) => v.map((x) => Number(x.toFixed(9)) + 0);
    expect(close(gravityInSensorFrame([1, 0, 0, 0]))).toEqual([0, 0, -1]);
    // Turned 90° about y, the sensor's x axis points straight down.
    expect(close(gravityInSensorFrame(fromAxisAngle([0, 1, 0], Math.PI / 2)))).toEqual([1, 0, 0]);
    // Upside down about x: the sensor's z axis points down, so gravity is along +z.
    expect(close(gravityInSensorFrame(fromAxisAngle([1, 0, 0], Math.PI)))).toEqual([0, 0, 1]);
  });
});

describe('contradiction', () => {
  it.each<[Parameters<typeof contradiction>[0], number, ReturnType<typeof contradiction>]>([
    ['foot-down', 0, null],
    ['foot-down', 60, null],
    ['foot-down', 61, 'level'],
    ['foot-down', 120, 'level'],
    ['foot-down', 121, 'up'],
    ['foot-up', 180, null],
    ['foot-up', 120, null],
    ['foot-up', 119, 'level'],
    ['foot-up', 59, 'down'],
    ['level', 90, null],
    ['level', 30, null],
    ['level', 29, 'down'],
    ['level', 150, null],
    ['level', 151, 'up'],
  ])('a %s start and a shin %i° from straight down: %s', (expected, fromDown, reading) => {
    expect(contradiction(expected, fromDown)).toBe(reading);
  });
});

/**
 * The shipped programme's `startShin` against the simulated person, as the hub reads it: each
 * exercise recorded with one sensor strapped at a random angle, its start position taken by the
 * real pipeline (the first frame whose start posture is taken), and the orientation there turned
 * into gravity in the sensor frame.
 */
describe('the shipped start positions against the simulated person', () => {
  let programme: Programme;
  beforeAll(async () => {
    programme = await loadDefaultProgramme();
  });
  const exercise = (id: ExerciseId): Exercise => programme.exercises.find((e) => e.id === id)!;

  async function startGravity(id: ExerciseId, seed: number): Promise<Vec3> {
    const parser = new ImuCsvParser();
    for (const line of record({ exercise: id, seed, mounting: 'random', seconds: 6 }).csv.split('\n')) parser.push(line);
    const parsed = parser.finish();
    if (!parsed.ok) throw new Error(parsed.error.message);
    const frame = await firstValueFrom(fileSampleBatches(parsed.samples, parsed.timing.medianInterval).pipe(toAngleFrames(), filter((f) => f.health === 'ok')));
    return gravityInSensorFrame(frame.orientation);
  }

  it.each([3, 17, 29])('every exercise with a start direction fits it once the axis is learned sitting (sensor seed %i)', async (seed) => {
    const learned = checkStart(NO_SHIN_AXIS, exercise('rom-seated'), await startGravity('rom-seated', seed), false).shin;
    expect(learned.axis).not.toBeNull();
    const checked = programme.exercises.filter((e) => e.sensor.startShin !== undefined);
    expect(checked.length).toBe(21);
    for (const e of checked) {
      const gravity = await startGravity(e.id, seed);
      const fromDown = shinFromDownDeg(learned.axis!, gravity);
      expect(checkStart(learned, e, gravity, false).warning, `${e.id}: the shin ${fromDown.toFixed(0)}° from straight down`).toBeNull();
    }
  });

  it.each<[ExerciseId, ExerciseId, RegExp]>([
    ['seated-hip-ir', 'rom-prone', /^Your shin reads as hanging down, but Range check lying face down starts with it pointing up\./],
    ['rom-prone', 'seated-hip-ir', /^Your shin reads as pointing up, but Seated inward rotation lifts starts with it hanging down\./],
    ['side-lie', 'rom-seated', /^Your shin reads as level, but Range check sitting starts with it hanging down\./],
    ['rom-seated', 'side-lie', /^Your shin reads as hanging down, but Side-lying foot lifts starts with it level\./],
  ])('a person in the start position of %s when %s starts is warned', async (doing, asked, expected) => {
    const seed = 11;
    const learned = checkStart(NO_SHIN_AXIS, exercise('rom-seated'), await startGravity('rom-seated', seed), false).shin;
    expect(checkStart(learned, exercise(asked), await startGravity(doing, seed), false).warning).toMatch(expected);
  });
});
