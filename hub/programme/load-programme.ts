/**
 * Loading a programme file at start-up. The default is the hip internal-rotation programme shipped
 * next to this file; a physio's own file in the same format (docs/programme.md) loads the same way.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project.ts';
import type { Programme } from '../protocol/programme.ts';
import { ProgrammeError, parseProgramme } from './parse-programme.ts';

export { MAX_PROBLEMS, ProgrammeError, parseProgramme, type ProgrammeProblem } from './parse-programme.ts';

/** The programme Swivel ships: every exercise of the hip internal-rotation programme. */
export const DEFAULT_PROGRAMME_PATH = join(PROJECT_ROOT, 'hub', 'programme', 'hip-internal-rotation.json');

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a programme file',
  EACCES: 'permission denied',
};

/** Reads and checks a programme file. Throws a ProgrammeError that names `path` as given. */
export async function loadProgramme(path: string): Promise<Programme> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const problem = (code === undefined ? undefined : READ_PROBLEMS[code]) ?? message;
    throw new ProgrammeError(path, [{ path: null, line: null, column: null, problem: `cannot read the programme file: ${problem}` }]);
  }
  return parseProgramme(text, path);
}

export const loadDefaultProgramme = (): Promise<Programme> => loadProgramme(DEFAULT_PROGRAMME_PATH);
