/**
 * bench/analyze: `swivel analyze` of one hour at 200 Hz (720,000 samples, a CSV of about 70 MB) from
 * the command line, start included, as a person runs it (issue 19 asks for 1.5 s at most). The file
 * is made once (a shin still for 2 s, then turning 35° every 8 s with a little noise, the values
 * quantised as the sensor's int16 readings are) and kept in the temporary folder for later runs.
 * Prints the median wall time of several runs, beside a bare `node -e 0`, all at `nice -n 10`, and
 * the median CPU time (user + system, Linux), which a machine busy with other work disturbs less.
 *
 *   npm run bench:analyze [-- --runs N]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_FLAGS } from '../hub/project.ts';
import { numberOption } from './support/processes.ts';

const RUNS = numberOption('runs', 5);
const RATE = 200;
const SECONDS = 3600;
const ROOT = join(import.meta.dirname, '..');
const FILE = join(tmpdir(), `swivel-bench-analyze-${RATE}hz-${SECONDS}s.csv`);

// The sensor's default ranges (±4 g, ±1000 °/s) in int16 steps, as a decoded packet gives them.
const ACC_STEP = 4 / 32768;
const GYRO_STEP = 1000 / 32768;
const quantised = (value: number, step: number) => Math.round(value / step) * step;

async function writeHour(): Promise<void> {
  const scratch = `${FILE}.${process.pid}`;
  const out = createWriteStream(scratch);
  let chunk = 't,ax,ay,az,gx,gy,gz\n';
  for (let i = 0; i < RATE * SECONDS; i++) {
    const time = i / RATE;
    const t = Math.max(0, time - 2);
    const theta = ((35 * (1 - Math.cos((2 * Math.PI * t) / 8))) / 2) * (Math.PI / 180);
    const rate = ((35 * Math.PI) / 8) * Math.sin((2 * Math.PI * t) / 8);
    const n = () => (Math.random() - 0.5) * 0.01;
    const acc = [-Math.cos(theta) + n(), Math.sin(theta) + n(), n()].map((v) => quantised(v, ACC_STEP));
    const gyro = [0.3 + n(), -0.2 + n(), (time < 2 ? 0 : rate) + 0.45 + n()].map((v) => quantised(v, GYRO_STEP));
    chunk += `${(1000 + time).toFixed(6)},${acc.join(',')},${gyro.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, () => resolve()).once('error', reject));
  renameSync(scratch, FILE);
}

/**
 * CPU seconds (user + system) of this process's finished children, from /proc (Linux; null elsewhere):
 * on a machine shared with other work, wall time says how busy it was too, CPU time less so.
 */
function childrenCpuSeconds(): number | null {
  try {
    // Fields after the command name (which may hold spaces): cutime and cstime are the 14th and 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function timeCommand(args: string[]): { median: number; min: number; max: number; cpu: number | null; stdout: string } {
  const times: number[] = [];
  const cpu: number[] = [];
  let stdout = '';
  for (let i = 0; i < RUNS; i++) {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    const run = spawnSync('nice', ['-n', '10', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    times.push((performance.now() - started) / 1000);
    const cpuAfter = childrenCpuSeconds();
    if (cpuBefore !== null && cpuAfter !== null) cpu.push(cpuAfter - cpuBefore);
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited with ${run.status}`);
    stdout = run.stdout;
  }
  times.sort((a, b) => a - b);
  return { median: median(times), min: times[0]!, max: times[times.length - 1]!, cpu: cpu.length === RUNS ? median(cpu) : null, stdout };
}

if (!existsSync(FILE)) {
  console.log(`Writing ${FILE} (once)…`);
  await writeHour();
}
// A first command after an edit builds the CLI; not part of the figure.
spawnSync(process.execPath, ['bin/launch.mjs', '--build'], { cwd: ROOT, stdio: 'inherit' });

const size = statSync(FILE).size;
console.log(`swivel analyze: ${SECONDS / 3600} h at ${RATE} Hz (${(RATE * SECONDS).toLocaleString('en')} samples, ${(size / 1e6).toFixed(0)} MB), median of ${RUNS} runs at nice -n 10 (min–max):`);
for (const [label, args] of [
  ['node -e 0', ['-e', '0']],
  // As a shell runs it (bin/swivel.mjs's first line): with Swivel's Node flags.
  ['swivel analyze --json', [...NODE_FLAGS, 'bin/swivel.mjs', 'analyze', FILE, '--exercise', 'seated-hip-ir', '--json']],
] as const) {
  const { median: wall, min, max, cpu, stdout } = timeCommand([...args]);
  console.log(`  ${label.padEnd(24)} ${wall.toFixed(3)} s  (${min.toFixed(3)}–${max.toFixed(3)})${cpu === null ? '' : `, CPU (user + system) median ${cpu.toFixed(2)} s`}`);
  if (label !== 'node -e 0') {
    const summary = JSON.parse(stdout) as { samples: number; repCount: number };
    if (summary.samples !== RATE * SECONDS) throw new Error(`analyze read ${summary.samples} samples, expected ${RATE * SECONDS}`);
    console.log(`  (${summary.samples.toLocaleString('en')} samples, ${summary.repCount} reps)`);
  }
}
