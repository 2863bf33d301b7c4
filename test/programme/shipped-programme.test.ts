import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Compile } from 'typebox/compile';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMME_PATH, loadDefaultProgramme, parseProgramme } from '../../hub/programme/load-programme.ts';
import { EXERCISE_IDS, exerciseKind, type ExerciseId } from '../../hub/protocol/exercises.ts';
import {
  EXERCISE_FIELDS,
  Instructions,
  PROGRAMME_FIELDS,
  PROGRAMME_FORMAT_VERSION,
  Programme,
  SensorUse,
  Stage,
  TARGETS_BY_KIND,
  type Exercise,
  type Range,
} from '../../hub/protocol/programme.ts';

let programme: Programme;
beforeAll(async () => {
  programme = await loadDefaultProgramme();
});

function exercise(id: ExerciseId): Exercise {
  const found = programme.exercises.find((e) => e.id === id);
  if (found === undefined) throw new Error(`${id} is not in the shipped programme`);
  return found;
}

type TargetsOf = { [E in Exercise as E['kind']]: E['targets'] };

function targetsOf<K extends Exercise['kind']>(id: ExerciseId, kind: K): TargetsOf[K] {
  const found = exercise(id);
  expect(found.kind).toBe(kind);
  return found.targets as TargetsOf[K];
}

const range = (min: number, max = min): Range => ({ min, max });

/** The seed's programme: which exercise belongs to which section. */
const STAGE_OF: Record<ExerciseId, string> = {
  'rom-prone': 'assessment',
  'rom-seated': 'assessment',
  'release-deep-glutes': 'releases',
  'release-piriformis': 'releases',
  'release-obturator-internus': 'releases',
  'release-glute-max': 'releases',
  'release-glute-med-min': 'releases',
  'figure4-sitting': 'stretches',
  'figure4-supine': 'stretches',
  'posterior-capsule-stretch': 'stretches',
  'ir-stretch-supine': 'stretches',
  'ir-stretch-wall': 'stretches',
  'band-distraction-neutral': 'joint-mobilisation',
  'band-distraction-flexion': 'joint-mobilisation',
  'lateral-band-distraction': 'joint-mobilisation',
  'hip-click': 'joint-mobilisation',
  'femoral-head-centration': 'joint-mobilisation',
  'swivel-chair': 'gentle-movements',
  'straight-leg-rolls': 'gentle-movements',
  'sitting-knee-drop': 'gentle-movements',
  'seated-hip-ir': 'strengthening',
  'side-lie': 'strengthening',
  'hip-shift-wall': 'strengthening',
  'foot-lift-9090': 'strengthening',
  'step-across': 'encouraging-the-movement',
  'staggered-stance-hinge': 'encouraging-the-movement',
};
const ids = (stage: string) => EXERCISE_IDS.filter((id) => STAGE_OF[id] === stage);

describe('the shipped programme', () => {
  it('is a valid programme file of the current format version', () => {
    expect(DEFAULT_PROGRAMME_PATH.endsWith('hub/programme/hip-internal-rotation.json')).toBe(true);
    expect(programme.version).toBe(PROGRAMME_FORMAT_VERSION);
    expect(programme.id).toBe('hip-internal-rotation');
    expect(Compile(Programme).Errors(programme)).toEqual([]);
  });

  it('has every exercise id exactly once', () => {
    const listed = programme.exercises.map((e) => e.id);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...EXERCISE_IDS].sort());
  });

  it('gives every exercise the kind the hub measures it by', () => {
    for (const e of programme.exercises) expect(e.kind, e.id).toBe(exerciseKind(e.id));
  });

  it('has the assessment and the six stages in the seed order, each exercise in its stage, in stage order', () => {
    const order = ['assessment', 'releases', 'stretches', 'joint-mobilisation', 'gentle-movements', 'strengthening', 'encouraging-the-movement'];
    expect(programme.stages.map((s) => s.id)).toEqual(order);
    for (const e of programme.exercises) expect(e.stage, e.id).toBe(STAGE_OF[e.id]);
    const stageIndex = programme.exercises.map((e) => order.indexOf(e.stage));
    expect(stageIndex).toEqual([...stageIndex].sort((a, b) => a - b));
  });

  it('has both sides for every exercise', () => {
    for (const e of programme.exercises) expect([...e.sides].sort(), e.id).toEqual(['left', 'right']);
    expect(programme.exercises.filter((e) => e.alternateSides === true).map((e) => e.id)).toEqual(['sitting-knee-drop']);
  });

  it('measures the range-of-motion tests as a maximum angle against the normal range', () => {
    const prone = targetsOf('rom-prone', 'reps');
    const seated = targetsOf('rom-seated', 'reps');
    expect(prone.maxAngle?.normalDeg).toEqual(range(45));
    expect(seated.maxAngle?.normalDeg).toEqual(range(30, 45));
    for (const t of [prone, seated]) {
      expect(t.reps).toBeGreaterThanOrEqual(1);
      expect(t.endHoldSeconds).toBeUndefined();
    }
    const others = programme.exercises.filter((e) => e.kind === 'reps' && e.stage !== 'assessment');
    for (const e of others) expect(e.kind === 'reps' && e.targets.maxAngle, e.id).toBeUndefined();
  });

  it('times releases and distractions for 1–2 minutes, stretches 60 s and the hip shift 30 s', () => {
    for (const id of [...ids('releases'), 'band-distraction-neutral', 'band-distraction-flexion', 'lateral-band-distraction'] as const) {
      expect(targetsOf(id, 'hold').holdSeconds, id).toEqual(range(60, 120));
    }
    for (const id of ids('stretches')) expect(targetsOf(id, 'hold').holdSeconds, id).toEqual(range(60));
    expect(targetsOf('hip-shift-wall', 'hold').holdSeconds).toEqual(range(30));
  });

  it('times femoral head centration as five 10 s efforts with relaxation between', () => {
    const t = targetsOf('femoral-head-centration', 'effort');
    expect(t.efforts).toBe(5);
    expect(t.effortSeconds).toEqual(range(10));
    expect(t.relaxSeconds.min).toBeGreaterThan(0);
  });

  it('counts movements 20 times, strengthening 20 times with 3–5 s end holds, and the 90/90 foot lift 10 times', () => {
    for (const id of [...ids('gentle-movements'), 'staggered-stance-hinge'] as const) {
      expect(targetsOf(id, 'reps'), id).toEqual({ reps: 20 });
    }
    for (const id of ['seated-hip-ir', 'side-lie'] as const) expect(targetsOf(id, 'reps'), id).toEqual({ reps: 20, endHoldSeconds: range(3, 5) });
    expect(targetsOf('foot-lift-9090', 'reps')).toEqual({ reps: 10 });
  });

  it('offers a tap count for the step-across and only instructions for the hip click', () => {
    expect(targetsOf('step-across', 'manual')).toEqual({ reps: 20 });
    expect(targetsOf('hip-click', 'instruction')).toEqual({});
    const notFollowed = programme.exercises.filter((e) => !e.sensor.canFollow).map((e) => e.id);
    expect(notFollowed).toEqual(['hip-click', 'step-across']);
  });

  it('gives the start direction of every exercise the sensor follows, as its text describes it, unless the shin slopes', () => {
    const words: Record<string, RegExp> = {
      'foot-up': /^Starts with the shin pointing straight up\./,
      'foot-down': /^Starts with the shin hanging straight down\./,
      level: /^Starts with the (shin (level|flat on the floor|lying across|resting across)|leg straight on the floor|hip bent and the shin close to level)/,
      none: /^Starts with the shin sloping|Swivel (shows these instructions|has no movement)|tap to count/,
    };
    const byDirection = (direction: string) => programme.exercises.filter((e) => (e.sensor.startShin ?? 'none') === direction).map((e) => e.id);
    expect(byDirection('foot-up')).toEqual(['rom-prone']);
    expect(byDirection('foot-down')).toEqual(['rom-seated', 'seated-hip-ir']);
    expect(byDirection('none')).toEqual(['ir-stretch-supine', 'hip-click', 'sitting-knee-drop', 'step-across', 'staggered-stance-hinge']);
    expect(byDirection('level')).toHaveLength(18);
    for (const e of programme.exercises) expect(e.sensor.follows, e.id).toMatch(words[e.sensor.startShin ?? 'none']!);
  });

  it('carries the seed progressions', () => {
    const withProgressions = programme.exercises.filter((e) => e.progressions.length > 0).map((e) => e.id);
    expect(withProgressions.sort()).toEqual(
      ['band-distraction-flexion', 'band-distraction-neutral', 'femoral-head-centration', 'ir-stretch-supine', 'seated-hip-ir', 'side-lie'].sort(),
    );
    for (const id of ['seated-hip-ir', 'side-lie'] as const) expect(exercise(id).progressions.join(' '), id).toMatch(/band/);
  });

  it('says where the sensor goes and what it follows, and writes several steps for each exercise', () => {
    for (const e of programme.exercises) {
      expect(e.sensor.placement, e.id).toMatch(/shin/);
      expect(e.sensor.follows.length, e.id).toBeGreaterThan(40);
      expect(e.instructions.steps.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.instructions.feel.length, e.id).toBeGreaterThan(20);
    }
  });
});

describe('docs/programme.md', () => {
  it('describes every field of the format', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/programme.md', import.meta.url)), 'utf8');
    const fields = new Set([
      ...Object.keys(PROGRAMME_FIELDS),
      'exercises',
      ...Object.keys(EXERCISE_FIELDS),
      'id',
      'kind',
      'targets',
      ...Object.keys(Stage.properties),
      ...Object.keys(Instructions.properties),
      ...Object.keys(SensorUse.properties),
      ...Object.values(TARGETS_BY_KIND).flatMap((schema) => Object.keys(schema.properties)),
      'normalDeg',
      'min',
      'max',
    ]);
    for (const field of fields) expect(doc, field).toContain(`\`${field}\``);
    for (const kind of Object.keys(TARGETS_BY_KIND)) expect(doc, kind).toContain(`\`${kind}\``);
    expect(doc).toContain(`"version": ${PROGRAMME_FORMAT_VERSION}`);
  });

  it('lists every exercise id with its kind', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/programme.md', import.meta.url)), 'utf8');
    for (const id of EXERCISE_IDS) expect(doc, id).toContain(`| \`${id}\` | \`${exerciseKind(id)}\` |`);
  });

  it('has an example that is a valid programme', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/programme.md', import.meta.url)), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = parseProgramme(example!, 'docs/programme.md');
    expect(parsed.exercises.map((e) => e.id)).toEqual(['figure4-sitting', 'seated-hip-ir']);
  });
});
