/**
 * bench/real-reps: rep counts of `swivel analyze` on real shin-IMU sets (the pt-reps development
 * sets: two people, four exercises, blocks of ten and whole sessions of thirty), by the shared scorer.
 *
 *   npm run bench:real-reps                                   # blocks and sessions
 *   npm run bench:real-reps -- --what blocks --only s2e3_b2   # any of the scorer's options
 *   npm run bench:real-reps -- --scorer PATH/score-reps.py    # the scorer elsewhere
 *
 * The scorer and the data live beside the checkout (../shared/tools/score-reps.py, which reads
 * ../shared/data/pt-reps-dev); SWIVEL_REPS_SCORER names another place. The scorer runs
 * `node bin/swivel.mjs analyze FILE --exercise ID --json` for every file, so it measures exactly what a
 * user gets, and prints a line per file and the totals.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--scorer');
const scorer = at >= 0 ? args.splice(at, 2)[1]! : (process.env.SWIVEL_REPS_SCORER ?? join(root, '..', 'shared', 'tools', 'score-reps.py'));
if (!existsSync(scorer)) {
  console.error(`bench:real-reps: no scorer at ${scorer}; give --scorer PATH or SWIVEL_REPS_SCORER (the pt-reps scorer and its data are not part of the repository)`);
  process.exit(1);
}
const started = performance.now();
const child = spawn('python3', [scorer, '--project', root, ...args], { stdio: 'inherit' });
child.on('exit', (code) => {
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  process.exit(code ?? 1);
});
