/**
 * How fast the commands answer, and what an idle hub holds (issue 19): the median wall time of
 * `swivel --help`, `swivel --version` and a bare `node -e 0` on this machine, then the resident memory
 * of an idle `swivel serve` and of the simulator it started, 20 s after start.
 *
 *   npm run bench:startup [-- --runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mb, numberOption, rssOf, serveHub, sleep, until } from './support/processes.ts';

const RUNS = numberOption('runs', 15);
const ROOT = join(import.meta.dirname, '..');

function timeCommand(args: string[]): { median: number; min: number; max: number } {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    times.push((performance.now() - started) / 1000);
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited with ${run.status}`);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]! };
}

// Warm the build (a fresh clone builds on `npm install`; a first command after an edit builds once).
spawnSync(process.execPath, ['bin/launch.mjs', '--build'], { cwd: ROOT, stdio: 'inherit' });
console.log(`Start time, median of ${RUNS} runs (min–max):`);
for (const [label, args] of [
  ['node -e 0', ['-e', '0']],
  ['swivel --help', ['bin/swivel.mjs', '--help']],
  ['swivel --version', ['bin/swivel.mjs', '--version']],
  ['swivel sessions list (empty)', ['bin/swivel.mjs', 'sessions', 'list', '--data', join(tmpdir(), 'swivel-startup-none')]],
] as const) {
  const { median, min, max } = timeCommand([...args]);
  console.log(`  ${label.padEnd(30)} ${median.toFixed(3)} s  (${min.toFixed(3)}–${max.toFixed(3)})`);
}

const root = mkdtempSync(join(tmpdir(), 'swivel-startup-'));
try {
  const hub = await serveHub(['--sensor', 'sim', '--radio', join(root, 'radio'), '--data', join(root, 'data')]);
  await until('the simulated sensor connected', () => /connected to Swivel/.test(hub.out()));
  await sleep(20_000);
  const simPid = Number(spawnSync('pgrep', ['-P', String(hub.child.pid), '-f', 'swivel-sim'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
  console.log(`Idle hub 20 s after start (one simulated sensor streaming, no viewer):`);
  console.log(`  hub RSS       ${mb(await rssOf(hub.child.pid!))}`);
  if (simPid) console.log(`  simulator RSS ${mb(await rssOf(simPid))}`);
  hub.child.kill('SIGINT');
  await hub.exited;
} finally {
  rmSync(root, { recursive: true, force: true });
}
