import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { trackChild } from './processes.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs one of the project's commands (bin/swivel.mjs, bin/swivel-sim.mjs) as a person would. */
export function runBin(bin: 'swivel' | 'swivel-sim', args: string[]) {
  const child: ChildProcess = trackChild(spawn(process.execPath, [join(ROOT, 'bin', `${bin}.mjs`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}
