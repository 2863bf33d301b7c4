import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackChild } from './processes.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface RunBinOptions {
  /** Extra environment (TZ, SWIVEL_DATA, XDG_DATA_HOME …) on top of this process's. */
  env?: Record<string, string | undefined>;
  /** The folder it runs in; by default a new empty one. */
  cwd?: string;
  /** Text on its standard input (by default it has none). */
  stdin?: string;
}

/**
 * Runs one of the project's commands (bin/swivel.mjs, bin/swivel-sim.mjs) as a person would. Each run
 * gets a home of its own: an empty working folder and an empty user data folder (XDG_DATA_HOME), so a
 * command given no --data never touches the machine's real data, another test's, or a ./data of the
 * clone. Both are removed when it exits.
 */
export function runBin(bin: 'swivel' | 'swivel-sim', args: string[], options: RunBinOptions = {}) {
  const home = mkdtempSync(join(tmpdir(), 'swivel-bin-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SWIVEL_DATA: undefined, XDG_DATA_HOME: join(home, 'user-data'), ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child: ChildProcess = trackChild(spawn(process.execPath, [join(ROOT, 'bin', `${bin}.mjs`), ...args], { stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], cwd: options.cwd ?? home, env }));
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      rmSync(home, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}
