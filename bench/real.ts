/**
 * bench/real: the orientation filter on real recordings with optical truth. BROAD's development
 * trials (a handheld IMU at 286 Hz: slow and fast rotation and translation, tapping, vibration,
 * magnets; see ../shared/data/broad-dev/README.md) are scored by ../shared/tools/score-broad.py,
 * which runs `swivel analyze FILE.csv --orientation OUT.csv` on each and computes BROAD's own
 * inclination error (heading ignored), RMS over the moving samples.
 *
 *   npm run bench:real
 *   npm run bench:real -- --only 08_undisturbed_fast_rotation_with_breaks_A
 *   npm run bench:real -- --data DIR     # another folder of trials in the same format
 *
 * Needs python3 with numpy. The remaining BROAD trials are kept back to check the result, so the
 * filter is tuned for the physics, never for these files.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const argv = process.argv.slice(2);
const dataArg = argv.indexOf('--data');
const data = dataArg >= 0 && argv[dataArg + 1] ? resolve(argv[dataArg + 1]!) : join(shared, 'data', 'broad-dev');
const script = join(shared, 'tools', 'score-broad.py');

if (!existsSync(join(data, 'trials.json'))) {
  console.error(`bench:real: no BROAD trials at ${data} (expected trials.json there); nothing to score.`);
  process.exit(2);
}
if (!existsSync(script)) {
  console.error(`bench:real: the scoring script ${script} is missing.`);
  process.exit(2);
}

const only: string[] = [];
for (let i = 0; i < argv.length; i++) if (argv[i] === '--only' && argv[i + 1]) only.push('--only', argv[++i]!);

const cmd = `node ${JSON.stringify(join(root, 'bin', 'swivel.mjs'))} analyze {csv} --orientation {out}`;
console.log('Swivel on real data (BROAD development trials): inclination error RMS while moving, heading ignored\n');
const child = spawn('python3', [script, '--cmd', cmd, '--data', data, ...only], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let text = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk: string) => {
  text += chunk;
  // Trial lines as they come; the JSON summary is printed below, once.
  const lines = text.split('\n');
  text = lines.pop()!;
  for (const line of lines) {
    if (line.startsWith('{')) summarise(line);
    else if (line.trim()) console.log(`  ${line}`);
  }
});

let summarised = false;
function summarise(json: string) {
  const s = JSON.parse(json) as { trials: number; answered: number; failed: string[]; inclinationRmseMean: number; inclinationRmseMedian: number; inclinationRmseWorst: number };
  summarised = true;
  console.log(
    `\n  mean ${s.inclinationRmseMean.toFixed(2)}°, median ${s.inclinationRmseMedian.toFixed(2)}°, worst ${s.inclinationRmseWorst.toFixed(2)}°` +
      `  (${s.answered} of ${s.trials} trials${s.failed.length ? `; failed: ${s.failed.join(', ')}` : ''})`,
  );
  if (s.failed.length) process.exitCode = 1;
}

child.on('error', (error) => {
  console.error(`bench:real: could not run python3: ${error.message}`);
  process.exitCode = 2;
});
child.on('close', (code) => {
  if (text.startsWith('{')) summarise(text);
  if (code !== 0) process.exitCode = code ?? 1;
  else if (!summarised) {
    console.error('bench:real: the scoring script printed no summary');
    process.exitCode = 1;
  }
});
