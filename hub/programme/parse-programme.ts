/**
 * Checking a programme file's text and turning it into a typed Programme. Every problem is said in
 * one line that starts with the file's name and the place in the file, as a JSON path
 * (`exercises[3].targets.holdSeconds must be a number`), so whoever wrote the file can find and fix
 * it. All the problems found are reported together, not only the first.
 *
 * The checks run in steps, so that each message speaks of the real problem: the JSON syntax, then the
 * format version (a file of another version may have any shape), then the programme's own fields,
 * then each exercise (its id, its kind against the id, its fields, then the targets of its kind), and
 * last what spans exercises (duplicate ids, stages that do not exist, ranges upside down).
 */
import { Type, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { EXERCISE_IDS, exerciseKind, isExerciseId, type ExerciseKind } from '../protocol/exercises.ts';
import {
  EXERCISE_FIELDS,
  EXERCISE_KINDS,
  PROGRAMME_FIELDS,
  PROGRAMME_FORMAT_VERSION,
  PROGRAMME_FORMAT_VERSIONS,
  Programme,
  SLUG_PATTERN,
  TARGETS_BY_KIND,
  type Range,
} from '../protocol/programme.ts';
import { findJsonSyntaxProblem, lineAndColumn } from './json-syntax.ts';

export interface ProgrammeProblem {
  /** Where in the file, as a JSON path (`exercises[3].targets`); null for the file as a whole. */
  path: string | null;
  /** Line and column for a syntax problem; null otherwise. */
  line: number | null;
  column: number | null;
  /** What is wrong, e.g. `must be a number`. */
  problem: string;
}

/** A programme file that cannot be used. The message has one line per problem, each naming the file. */
export class ProgrammeError extends Error {
  override readonly name = 'ProgrammeError';

  constructor(
    /** The file (or other source) as the caller named it. */
    readonly source: string,
    readonly problems: readonly ProgrammeProblem[],
  ) {
    super(problems.map((p) => `${source}: ${describeProblem(p)}`).join('\n'));
  }
}

function describeProblem({ path, line, column, problem }: ProgrammeProblem): string {
  if (line !== null) return `line ${line}, column ${column ?? 1}: ${problem}`;
  if (path === null || path === '') return problem;
  return `${path} ${problem}`;
}

/** The most problems reported for one file: after a wrong shape, the rest is noise. */
export const MAX_PROBLEMS = 20;

const KIND_MEANING: Record<ExerciseKind, string> = {
  reps: 'reps counted from the shin angle',
  hold: 'a position held for a time',
  effort: 'timed efforts with relaxation between',
  manual: 'reps counted by tapping, because the shin sensor cannot follow them',
  instruction: 'an instruction only, nothing counted or timed',
};

// ---- JSON paths -------------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `exercises[3].targets` from a parent path and a key or index. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** A JSON pointer (`/exercises/3/targets`) as a JSON path below `base`. */
function pointerToPath(base: string, pointer: string): string {
  if (pointer === '') return base;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<string>((path, segment) => childPath(path, /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment), base);
}

// ---- schema errors in words ------------------------------------------------------------------------

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'text in double quotes',
  boolean: 'true or false',
  array: 'a list [ … ]',
  object: 'an object { … }',
  null: 'null',
};

const quoteAll = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The schema at a JSON pointer into a schema (`#/properties/targets`), if it is there. */
function schemaAt(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

const isRangeSchema = (node: Record<string, unknown> | undefined): boolean => {
  const properties = node?.['properties'];
  return typeof properties === 'object' && properties !== null && Object.keys(properties).sort().join() === 'max,min';
};

/**
 * TypeBox's errors as problems. A union of literals fails as one `const` error per choice plus an
 * `anyOf`: those become one "must be one of …".
 */
function schemaProblems(schema: TSchema, errors: readonly TLocalizedValidationError[], base: string): ProgrammeProblem[] {
  const choices = new Map<string, unknown[]>();
  for (const error of errors) {
    if (error.keyword !== 'const') continue;
    const list = choices.get(error.instancePath) ?? [];
    list.push(error.params.allowedValue);
    choices.set(error.instancePath, list);
  }
  const problems: ProgrammeProblem[] = [];
  const said = new Set<string>();
  const add = (path: string, problem: string) => {
    const key = `${path}\u0000${problem}`;
    if (said.has(key)) return;
    said.add(key);
    problems.push({ path, line: null, column: null, problem });
  };
  for (const error of errors) {
    const path = pointerToPath(base, error.instancePath);
    switch (error.keyword) {
      case 'const':
      case 'anyOf': {
        const allowed = choices.get(error.instancePath) ?? [];
        if (allowed.length === 1) add(path, `must be ${JSON.stringify(allowed[0])}`);
        else if (allowed.length > 1) add(path, `must be one of ${quoteAll(allowed)}`);
        else add(path, error.message);
        break;
      }
      case 'enum':
        add(path, `must be one of ${quoteAll(error.params.allowedValues)}`);
        break;
      case 'type': {
        const types = Array.isArray(error.params.type) ? error.params.type : [error.params.type];
        if (isRangeSchema(schemaAt(schema, error.schemaPath))) add(path, `must be a range { "min": …, "max": … } (for one value, make min and max the same)`);
        else add(path, `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
        break;
      }
      case 'boolean':
        // A field that should not be there fails the `false` schema too; additionalProperties says it better.
        break;
      case 'required':
        for (const name of error.params.requiredProperties) add(childPath(path, name), 'is missing');
        break;
      case 'additionalProperties': {
        const known = Object.keys((schemaAt(schema, error.schemaPath)?.['properties'] as object | undefined) ?? {});
        const hint = known.length === 0 ? 'this object takes no fields' : `the fields here are ${known.join(', ')}`;
        for (const name of error.params.additionalProperties) add(childPath(path, name), `is not a field Swivel knows (${hint})`);
        break;
      }
      case 'minimum':
        add(path, `must be at least ${error.params.limit}`);
        break;
      case 'maximum':
        add(path, `must be at most ${error.params.limit}`);
        break;
      case 'minLength':
        add(path, error.params.limit === 1 ? 'must not be empty' : `must have at least ${plural(error.params.limit, 'character')}`);
        break;
      case 'minItems':
        add(path, `must list at least ${plural(error.params.limit, 'item')}`);
        break;
      case 'maxItems':
        add(path, `must list at most ${plural(error.params.limit, 'item')}`);
        break;
      case 'uniqueItems':
        add(path, 'must not list the same value twice');
        break;
      case 'pattern':
        add(path, error.params.pattern === SLUG_PATTERN ? 'must be lower-case words joined by hyphens, like "hip-internal-rotation"' : `must match ${error.params.pattern}`);
        break;
      default:
        add(path, error.message);
    }
  }
  return problems;
}

function check(schema: TSchema, value: unknown, base: string): ProgrammeProblem[] {
  const validator = compiled(schema);
  return validator.Check(value) ? [] : schemaProblems(schema, validator.Errors(value), base);
}

const validators = new Map<TSchema, ReturnType<typeof Compile>>();
function compiled(schema: TSchema) {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  return validator;
}

// ---- the steps -------------------------------------------------------------------------------------

/** The programme's own fields; its exercises are checked one by one. */
const ProgrammeHeader = Type.Object({ ...PROGRAMME_FIELDS, exercises: Type.Array(Type.Unknown(), { minItems: 1 }) }, { additionalProperties: false });
/** An exercise's fields besides id, kind and targets, which are checked on their own. */
const ExerciseFields = Type.Object({ id: Type.Unknown(), kind: Type.Unknown(), ...EXERCISE_FIELDS, targets: Type.Unknown() }, { additionalProperties: false });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRange = (value: unknown): value is Range => isObject(value) && typeof value['min'] === 'number' && typeof value['max'] === 'number';
const problem = (path: string | null, text: string): ProgrammeProblem => ({ path, line: null, column: null, problem: text });

function syntaxProblem(text: string, error: unknown): ProgrammeProblem {
  const found = findJsonSyntaxProblem(text);
  if (found !== null) return { path: null, line: found.line, column: found.column, problem: `this is not valid JSON: ${found.problem}` };
  // The scanner accepted what JSON.parse refused: say what JSON.parse said, with its place if it gave one.
  const message = (error as Error).message;
  const position = /at position (\d+)/.exec(message);
  if (position === null) return problem(null, `this is not valid JSON: ${message}`);
  const { line, column } = lineAndColumn(text, Number(position[1]));
  return { path: null, line, column, problem: `this is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}` };
}

const isReadableVersion = (version: unknown): version is (typeof PROGRAMME_FORMAT_VERSIONS)[number] => (PROGRAMME_FORMAT_VERSIONS as readonly unknown[]).includes(version);

function versionProblem(value: Record<string, unknown>): ProgrammeProblem | null {
  const version = value['version'];
  const versions = `${PROGRAMME_FORMAT_VERSIONS.slice(0, -1).join(', ')} and ${PROGRAMME_FORMAT_VERSION}`;
  const reads = `this Swivel reads programme format versions ${versions}`;
  if (version === undefined) return problem('version', `is missing: add "version": ${PROGRAMME_FORMAT_VERSION} (${reads})`);
  if (isReadableVersion(version)) return null;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROGRAMME_FORMAT_VERSION) {
    return problem('version', `is ${version}, a newer programme format than this Swivel knows (${reads}); update Swivel to use this file`);
  }
  return problem('version', `is ${JSON.stringify(version)}, not a programme format version Swivel knows (${reads})`);
}

/** Checks one exercise of a file of format `version`; problems go into `problems`. */
function checkExercise(value: unknown, path: string, version: number, problems: ProgrammeProblem[]): void {
  if (!isObject(value)) {
    problems.push(problem(path, 'must be an object { … } describing one exercise'));
    return;
  }
  const id = value['id'];
  const kind = value['kind'];
  const idPath = childPath(path, 'id');
  const kindPath = childPath(path, 'kind');
  const knownId = isExerciseId(id);
  if (id === undefined) problems.push(problem(idPath, 'is missing'));
  else if (!knownId) {
    problems.push(problem(idPath, `${JSON.stringify(id)} is not an exercise Swivel knows; the ids are ${EXERCISE_IDS.join(', ')}`));
  }
  const knownKind = (EXERCISE_KINDS as readonly unknown[]).includes(kind);
  if (kind === undefined) problems.push(problem(kindPath, 'is missing'));
  else if (!knownKind) problems.push(problem(kindPath, `must be one of ${quoteAll(EXERCISE_KINDS)}, not ${JSON.stringify(kind)}`));
  else if (knownId && exerciseKind(id) !== kind) {
    const expected = exerciseKind(id);
    problems.push(problem(kindPath, `is ${JSON.stringify(kind)}, but ${id} is measured as ${JSON.stringify(expected)} (${KIND_MEANING[expected]})`));
  }

  problems.push(...check(ExerciseFields, value, path));

  // The kind the id implies, or failing that the kind the file gives: its targets are checked either way.
  const targetKind = knownId ? exerciseKind(id) : knownKind ? (kind as ExerciseKind) : null;
  const targets = value['targets'];
  const targetsPath = childPath(path, 'targets');
  if (targetKind !== null && targets !== undefined) {
    const targetProblems = check(TARGETS_BY_KIND[targetKind], targets, targetsPath);
    problems.push(...targetProblems);
    if (targetProblems.length === 0) checkRanges(targets, targetsPath, problems);
  }

  const sensor = value['sensor'];
  const sensorPath = childPath(path, 'sensor');
  if (targetKind !== null && isObject(sensor) && typeof sensor['canFollow'] === 'boolean') {
    const shouldFollow = targetKind !== 'manual' && targetKind !== 'instruction';
    if (sensor['canFollow'] !== shouldFollow) {
      problems.push(
        problem(
          childPath(sensorPath, 'canFollow'),
          `must be ${shouldFollow} for ${knownId ? `${id}, ` : ''}a ${JSON.stringify(targetKind)} exercise (${KIND_MEANING[targetKind]})`,
        ),
      );
    }
  }
  if (isObject(sensor) && sensor['startShin'] !== undefined) {
    const startShinPath = childPath(sensorPath, 'startShin');
    // An older Swivel would refuse the field, so a file that uses it must say it is of the newer format.
    if (version < 2) problems.push(problem(startShinPath, `is new in programme format version 2: change "version" to 2 to use it`));
    // No start position is taken where the sensor cannot follow, so nothing would ever check it.
    else if (sensor['canFollow'] === false) problems.push(problem(startShinPath, 'is only for exercises the sensor follows (canFollow true): leave it out here'));
  }
}

/** Every { min, max } below `value` must have min ≤ max. */
function checkRanges(value: unknown, path: string, problems: ProgrammeProblem[]): void {
  if (isRange(value)) {
    if (value.min > value.max) problems.push(problem(path, `goes from ${value.min} down to ${value.max}: min must not be more than max`));
    return;
  }
  if (isObject(value)) for (const [key, child] of Object.entries(value)) checkRanges(child, childPath(path, key), problems);
}

/** Exercise ids that appear twice, and stages that are not listed. */
function checkAcross(value: Record<string, unknown>, problems: ProgrammeProblem[]): void {
  const stages = Array.isArray(value['stages']) ? value['stages'] : [];
  const stageIds = new Map<string, number>();
  stages.forEach((stage, i) => {
    const id = isObject(stage) ? stage['id'] : undefined;
    if (typeof id !== 'string') return;
    const first = stageIds.get(id);
    if (first !== undefined) problems.push(problem(childPath(childPath('stages', i), 'id'), `${JSON.stringify(id)} is already the id of stages[${first}]`));
    else stageIds.set(id, i);
  });

  const exercises = Array.isArray(value['exercises']) ? value['exercises'] : [];
  const exerciseIds = new Map<string, number>();
  exercises.forEach((exercise, i) => {
    if (!isObject(exercise)) return;
    const path = childPath('exercises', i);
    const id = exercise['id'];
    if (typeof id === 'string') {
      const first = exerciseIds.get(id);
      if (first !== undefined) problems.push(problem(childPath(path, 'id'), `${JSON.stringify(id)} is already the id of exercises[${first}]: each exercise appears once`));
      else exerciseIds.set(id, i);
    }
    const stage = exercise['stage'];
    if (typeof stage === 'string' && stageIds.size > 0 && !stageIds.has(stage)) {
      problems.push(problem(childPath(path, 'stage'), `${JSON.stringify(stage)} is not one of the programme's stages (${[...stageIds.keys()].join(', ')})`));
    }
  });
}

/**
 * Parses and checks a programme file's text. `source` names the file in the messages. Throws a
 * ProgrammeError listing what is wrong.
 */
export function parseProgramme(text: string, source: string): Programme {
  const fail = (problems: ProgrammeProblem[]): never => {
    throw new ProgrammeError(source, problems.slice(0, MAX_PROBLEMS));
  };
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') fail([problem(null, `the file is empty: a programme is a JSON object { "version": ${PROGRAMME_FORMAT_VERSION}, … }`)]);

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    fail([syntaxProblem(body, error)]);
  }
  if (!isObject(value)) fail([problem(null, `a programme must be a JSON object { "version": ${PROGRAMME_FORMAT_VERSION}, … }`)]);
  const object = value as Record<string, unknown>;
  const version = versionProblem(object);
  if (version !== null) fail([version]);

  const problems = check(ProgrammeHeader, object, '');
  const exercises = object['exercises'];
  const formatVersion = object['version'] as number;
  if (Array.isArray(exercises)) exercises.forEach((exercise, i) => checkExercise(exercise, childPath('exercises', i), formatVersion, problems));
  checkAcross(object, problems);
  if (problems.length > 0) fail(problems);

  // Every step passed, so the whole schema must too; if not, a step above is missing a check.
  const whole = check(Programme, object, '');
  if (whole.length > 0) fail(whole);
  return object as Programme;
}
