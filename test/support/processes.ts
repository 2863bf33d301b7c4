import type { ChildProcess } from 'node:child_process';

/**
 * Every process a test file starts (the CLI, simulators) is killed when the file's worker exits,
 * whatever happened: a failed assertion before a test's own clean-up must not leave a simulator on
 * the air for the next file, or a hub holding its folder.
 */
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function trackChild(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}
