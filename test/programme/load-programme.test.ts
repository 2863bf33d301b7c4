import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMME_PATH, MAX_PROBLEMS, ProgrammeError, loadProgramme, parseProgramme } from '../../hub/programme/load-programme.ts';
import { EXERCISE_IDS } from '../../hub/protocol/exercises.ts';

let dir = '';
let files = 0;
let shippedText = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-programme-'));
  shippedText = await readFile(DEFAULT_PROGRAMME_PATH, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(content: string): Promise<string> {
  const path = join(dir, `programme-${files++}.json`);
  await writeFile(path, content);
  return path;
}

/** The message loadProgramme gives for a file with this content, with the file's path as `FILE`. */
async function messageFor(content: string): Promise<string> {
  const path = await fixture(content);
  const error = await loadProgramme(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProgrammeError);
  expect((error as ProgrammeError).source).toBe(path);
  return (error as ProgrammeError).message.replaceAll(path, 'FILE');
}

type Json = Record<string, unknown> & { exercises: Record<string, unknown>[]; stages: Record<string, unknown>[] };

/** The shipped programme as plain JSON, changed by `edit`. */
function shippedWith(edit: (programme: Json, at: (id: string) => Record<string, unknown>) => void): string {
  const programme = JSON.parse(shippedText) as Json;
  const at = (id: string) => {
    const found = programme.exercises.find((e) => e['id'] === id);
    if (found === undefined) throw new Error(`no ${id}`);
    return found;
  };
  edit(programme, at);
  return JSON.stringify(programme, null, 2);
}

const index = (id: string) => (JSON.parse(shippedText) as Json).exercises.findIndex((e) => e['id'] === id);
const targets = (exercise: Record<string, unknown>) => exercise['targets'] as Record<string, unknown>;

describe('loadProgramme', () => {
  it('loads a valid file, and a physio may list only some exercises, in stages of their own', async () => {
    const own = shippedWith((p, at) => {
      p['id'] = 'my-clinic';
      p.stages = [{ id: 'week-1', title: 'Week 1', purpose: 'Start gently.' }];
      p.exercises = [at('seated-hip-ir'), at('step-across')].map((e) => ({ ...e, stage: 'week-1', sides: ['right'] }));
      targets(p.exercises[0]!)['reps'] = 12;
    });
    const programme = await loadProgramme(await fixture(own));
    expect(programme.id).toBe('my-clinic');
    expect(programme.exercises.map((e) => [e.id, e.kind, e.sides])).toEqual([
      ['seated-hip-ir', 'reps', ['right']],
      ['step-across', 'manual', ['right']],
    ]);
    expect(programme.exercises[0]?.kind === 'reps' && programme.exercises[0].targets.reps).toBe(12);
  });

  it('reads a version 1 file (written before start directions existed) as before', () => {
    const v1 = shippedWith((p) => {
      p['version'] = 1;
      for (const e of p.exercises) delete (e['sensor'] as Record<string, unknown>)['startShin'];
    });
    const programme = parseProgramme(v1, 'old.json');
    expect(programme.version).toBe(1);
    expect(programme.exercises).toHaveLength(EXERCISE_IDS.length);
    expect(programme.exercises.every((e) => e.sensor.startShin === undefined)).toBe(true);
  });

  it('accepts a byte-order mark at the start (some editors write one)', () => {
    expect(parseProgramme(`\uFEFF${shippedText}`, 'bom.json').exercises).toHaveLength(EXERCISE_IDS.length);
  });

  it('says when the file cannot be read', async () => {
    const missing = join(dir, 'nowhere.json');
    await expect(loadProgramme(missing)).rejects.toThrow(`${missing}: cannot read the programme file: no such file`);
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    await expect(loadProgramme(folder)).rejects.toThrow(`${folder}: cannot read the programme file: is a directory, not a programme file`);
  });
});

interface BadCase {
  name: string;
  content: () => string;
  message: string | (() => string);
}

const badSyntax: BadCase[] = [
  { name: 'an empty file', content: () => ' \n', message: 'FILE: the file is empty: a programme is a JSON object { "version": 2, … }' },
  {
    name: 'a comma after the last field',
    content: () => '{\n  "version": 1,\n  "id": "x",\n}\n',
    message: 'FILE: line 3, column 12: this is not valid JSON: a comma before } is not allowed: remove the comma after the last field',
  },
  {
    name: 'a comma after the last list item',
    content: () => '{\n  "sides": ["left", "right",]\n}',
    message: 'FILE: line 2, column 28: this is not valid JSON: a comma before ] is not allowed: remove the comma after the last item',
  },
  {
    name: 'a comment',
    content: () => '{\n  "version": 1, // format\n  "id": "x"\n}',
    message: 'FILE: line 2, column 17: this is not valid JSON: JSON does not allow comments',
  },
  {
    name: 'single quotes',
    content: () => "{\n  'version': 1\n}",
    message: 'FILE: line 2, column 3: this is not valid JSON: field names must be in double quotes ("…"), not single quotes',
  },
  {
    name: 'a missing comma between fields',
    content: () => '{\n  "version": 1\n  "id": "x"\n}',
    message: 'FILE: line 3, column 3: this is not valid JSON: expected , or } after a field\'s value, found "\\"" (a comma is missing)',
  },
  {
    name: 'text that is never closed',
    content: () => '{\n  "version": 1,\n  "title": "Hip\n}',
    message: 'FILE: line 3, column 16: this is not valid JSON: text cannot run over the end of a line: close it with " (write \\n for a line break)',
  },
  {
    name: 'a word without quotes',
    content: () => '{ "version": 1, "id": hip }',
    message: 'FILE: line 1, column 23: this is not valid JSON: expected a value after the :, found the word hip: text must be in double quotes',
  },
  {
    name: 'a file cut short inside a text',
    content: () => '{\n  "version": 1,\n  "title": "Hip inter',
    message: 'FILE: line 3, column 12: this is not valid JSON: this text is never closed with a double quote',
  },
  {
    name: 'a file cut short after a field',
    content: () => '{\n  "version": 1,\n',
    message: 'FILE: line 3, column 1: this is not valid JSON: expected a field name in double quotes, found the end of the file',
  },
  { name: 'a list instead of an object', content: () => '[]', message: 'FILE: a programme must be a JSON object { "version": 2, … }' },
];

const badVersion: BadCase[] = [
  { name: 'no version', content: () => '{ "id": "x" }', message: 'FILE: version is missing: add "version": 2 (this Swivel reads programme format versions 1 and 2)' },
  {
    name: 'a newer version',
    content: () => shippedText.replace('"version": 2', '"version": 3'),
    message: 'FILE: version is 3, a newer programme format than this Swivel knows (this Swivel reads programme format versions 1 and 2); update Swivel to use this file',
  },
  {
    name: 'a version that is text',
    content: () => shippedText.replace('"version": 2', '"version": "1.0"'),
    message: 'FILE: version is "1.0", not a programme format version Swivel knows (this Swivel reads programme format versions 1 and 2)',
  },
  {
    name: 'a version 1 file that gives a start direction (new in version 2)',
    content: () =>
      shippedWith((p) => {
        p['version'] = 1;
        for (const e of p.exercises) if (e['id'] !== 'rom-prone') delete (e['sensor'] as Record<string, unknown>)['startShin'];
      }),
    message: () => `FILE: exercises[${index('rom-prone')}].sensor.startShin is new in programme format version 2: change "version" to 2 to use it`,
  },
];

const badContent: BadCase[] = [
  {
    name: 'a hold time that is not a range',
    content: () => shippedWith((_, at) => void (targets(at('figure4-sitting'))['holdSeconds'] = 60)),
    message: () => `FILE: exercises[${index('figure4-sitting')}].targets.holdSeconds must be a range { "min": …, "max": … } (for one value, make min and max the same)`,
  },
  {
    name: 'a hold time that is text',
    content: () => shippedWith((_, at) => void (targets(at('figure4-sitting'))['holdSeconds'] = { min: '60', max: 60 })),
    message: () => `FILE: exercises[${index('figure4-sitting')}].targets.holdSeconds.min must be a number`,
  },
  {
    name: 'a rep count that is not whole',
    content: () => shippedWith((_, at) => void (targets(at('side-lie'))['reps'] = 20.5)),
    message: () => `FILE: exercises[${index('side-lie')}].targets.reps must be a whole number`,
  },
  {
    name: 'no reps',
    content: () => shippedWith((_, at) => void (targets(at('side-lie'))['reps'] = 0)),
    message: () => `FILE: exercises[${index('side-lie')}].targets.reps must be at least 1`,
  },
  {
    name: 'a range upside down',
    content: () => shippedWith((_, at) => void (targets(at('side-lie'))['endHoldSeconds'] = { min: 5, max: 3 })),
    message: () => `FILE: exercises[${index('side-lie')}].targets.endHoldSeconds goes from 5 down to 3: min must not be more than max`,
  },
  {
    name: 'an unknown exercise id',
    content: () => shippedWith((_, at) => void (at('side-lie')['id'] = 'side-lying')),
    message: () => `FILE: exercises[${index('side-lie')}].id "side-lying" is not an exercise Swivel knows; the ids are ${EXERCISE_IDS.join(', ')}`,
  },
  {
    name: 'an exercise listed twice',
    content: () => shippedWith((p, at) => void p.exercises.push(structuredClone(at('swivel-chair')))),
    message: () => `FILE: exercises[${EXERCISE_IDS.length}].id "swivel-chair" is already the id of exercises[${index('swivel-chair')}]: each exercise appears once`,
  },
  {
    name: 'a kind that disagrees with the exercise',
    content: () => shippedWith((_, at) => void (at('femoral-head-centration')['kind'] = 'hold')),
    message: () =>
      `FILE: exercises[${index('femoral-head-centration')}].kind is "hold", but femoral-head-centration is measured as "effort" (timed efforts with relaxation between)`,
  },
  {
    name: 'an unknown kind',
    content: () => shippedWith((_, at) => void (at('side-lie')['kind'] = 'lifts')),
    message: () => `FILE: exercises[${index('side-lie')}].kind must be one of "reps", "hold", "effort", "manual", "instruction", not "lifts"`,
  },
  {
    name: 'a misspelt field',
    content: () =>
      shippedWith((_, at) => {
        const t = targets(at('hip-shift-wall'));
        t['holdSecs'] = t['holdSeconds'];
        delete t['holdSeconds'];
      }),
    message: () => {
      const i = index('hip-shift-wall');
      return [
        `FILE: exercises[${i}].targets.holdSeconds is missing`,
        `FILE: exercises[${i}].targets.holdSecs is not a field Swivel knows (the fields here are holdSeconds)`,
      ].join('\n');
    },
  },
  {
    name: 'targets on an instruction',
    content: () => shippedWith((_, at) => void (at('hip-click')['targets'] = { reps: 8 })),
    message: () => `FILE: exercises[${index('hip-click')}].targets.reps is not a field Swivel knows (this object takes no fields)`,
  },
  {
    name: 'a missing field',
    content: () => shippedWith((_, at) => void delete (at('swivel-chair')['instructions'] as Record<string, unknown>)['feel']),
    message: () => `FILE: exercises[${index('swivel-chair')}].instructions.feel is missing`,
  },
  {
    name: 'no steps',
    content: () => shippedWith((_, at) => void ((at('swivel-chair')['instructions'] as Record<string, unknown>)['steps'] = [])),
    message: () => `FILE: exercises[${index('swivel-chair')}].instructions.steps must list at least 1 item`,
  },
  {
    name: 'a side that does not exist',
    content: () => shippedWith((_, at) => void (at('swivel-chair')['sides'] = ['left', 'both'])),
    message: () => `FILE: exercises[${index('swivel-chair')}].sides[1] must be one of "left", "right"`,
  },
  {
    name: 'a stage that is not listed',
    content: () => shippedWith((_, at) => void (at('swivel-chair')['stage'] = 'movements')),
    message: () =>
      `FILE: exercises[${index('swivel-chair')}].stage "movements" is not one of the programme's stages (assessment, releases, stretches, joint-mobilisation, gentle-movements, strengthening, encouraging-the-movement)`,
  },
  {
    name: 'two stages with one id',
    content: () => shippedWith((p) => void p.stages.push({ ...p.stages[1]!, title: 'More releases' })),
    message: 'FILE: stages[7].id "releases" is already the id of stages[1]',
  },
  {
    name: 'a programme id with capitals',
    content: () => shippedWith((p) => void (p['id'] = 'Hip IR')),
    message: 'FILE: id must be lower-case words joined by hyphens, like "hip-internal-rotation"',
  },
  {
    name: 'a shin sensor said to follow the step-across',
    content: () => shippedWith((_, at) => void ((at('step-across')['sensor'] as Record<string, unknown>)['canFollow'] = true)),
    message: () =>
      `FILE: exercises[${index('step-across')}].sensor.canFollow must be false for step-across, a "manual" exercise (reps counted by tapping, because the shin sensor cannot follow them)`,
  },
  {
    name: 'a start direction that is not one of the three',
    content: () => shippedWith((_, at) => void ((at('rom-prone')['sensor'] as Record<string, unknown>)['startShin'] = 'upright')),
    message: () => `FILE: exercises[${index('rom-prone')}].sensor.startShin must be one of "foot-up", "foot-down", "level"`,
  },
  {
    name: 'a start direction where the sensor cannot follow',
    content: () => shippedWith((_, at) => void ((at('step-across')['sensor'] as Record<string, unknown>)['startShin'] = 'foot-down')),
    message: () => `FILE: exercises[${index('step-across')}].sensor.startShin is only for exercises the sensor follows (canFollow true): leave it out here`,
  },
  {
    name: 'an unknown top-level field',
    content: () => shippedWith((p) => void (p['author'] = 'me')),
    message: 'FILE: author is not a field Swivel knows (the fields here are version, id, title, description, stages, restSeconds, exercises)',
  },
  {
    name: 'an exercise that is not an object',
    content: () => shippedWith((p) => void (p.exercises[0] = 'rom-prone' as unknown as Record<string, unknown>)),
    message: 'FILE: exercises[0] must be an object { … } describing one exercise',
  },
];

describe('a bad programme file gets a message that names the file and the place', () => {
  for (const [group, cases] of [
    ['syntax', badSyntax],
    ['version', badVersion],
    ['content', badContent],
  ] as const) {
    describe(group, () => {
      it.each(cases)('$name', async ({ content, message }) => {
        expect(await messageFor(content())).toBe(typeof message === 'function' ? message() : message);
      });
    });
  }

  it('lists every problem, one line each, up to a limit', async () => {
    const many = shippedWith((p) => {
      for (const e of p.exercises) e['name'] = '';
    });
    const lines = (await messageFor(many)).split('\n');
    expect(lines).toHaveLength(MAX_PROBLEMS);
    lines.forEach((line, i) => expect(line).toBe(`FILE: exercises[${i}].name must not be empty`));
  });

  it('keeps each problem as data too', () => {
    const text = shippedWith((_, at) => void (targets(at('side-lie'))['reps'] = 'twenty'));
    let error: unknown;
    try {
      parseProgramme(text, 'mine.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProgrammeError);
    expect((error as ProgrammeError).problems).toEqual([
      { path: `exercises[${index('side-lie')}].targets.reps`, line: null, column: null, problem: 'must be a whole number' },
    ]);
  });
});
