/**
 * bench/latency: how long a sample takes from the simulated sensor's notification to a viewer's
 * WebSocket frame, through a real hub process; and the hub's CPU and memory over a long run.
 *
 *   npm run bench:latency                    # 3 runs × 20 s at 1 and at 10 viewers, then a 5-minute soak
 *   npm run bench:latency -- --quick         # 3 runs × 5 s, 30 s soak (a smoke test of the script)
 *   npm run bench:latency -- --viewers 10,1 --no-soak   # other viewer counts, in that order; no soak
 *
 * The sensor (200 Hz, MTU 247, 20 ms connection interval) runs in this process on the loopback radio,
 * so its send time and the viewers' receive time come from one clock. The hub is its own process,
 * started with `swivel serve` as a person would. Latency is measured per angle frame, matched to the
 * notification carrying its newest sample by sequence number; it includes the loopback radio hop and
 * this process's own event loop, so it is an upper bound on what the hub adds. The hub also reports
 * its own share (notification read → frame handed to the sockets) in /api/health, shown alongside.
 * The first 10 s after the hub starts are a warm-up and are not measured.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SwivelDevice } from '../firmware-sim/device.ts';
import { RadioServer } from '../firmware-sim/radio-server.ts';

const quick = process.argv.includes('--quick');
const viewersArg = process.argv[process.argv.indexOf('--viewers') + 1];
const VIEWER_COUNTS = process.argv.includes('--viewers') && viewersArg ? viewersArg.split(',').map(Number) : [1, 10];
const skipSoak = process.argv.includes('--no-soak');
const RUNS = 3;
const RUN_SECONDS = quick ? 5 : 20;
const SOAK_SECONDS = quick ? 30 : 300;
/** A freshly started hub is still being compiled by V8; its first seconds are not its steady state. */
const WARMUP_SECONDS = quick ? 2 : 10;
const ROOT = join(import.meta.dirname, '..');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startHubProcess(radioDir: string) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'swivel.mjs'), 'serve', '--port', '0', '--host', '127.0.0.1', '--sensor', 'sim', '--no-spawn-sim', '--radio', radioDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  for (let i = 0; i < 300 && !/connected to Swivel/.test(out); i++) await sleep(100);
  const port = Number(out.match(/127\.0\.0\.1:(\d+)/)?.[1]);
  if (!port || !/connected to Swivel/.test(out)) throw new Error(`hub did not start:\n${out}`);
  return { child, port };
}

/** CPU seconds (user + system) of a process so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

async function measure(device: SwivelDevice, port: number, viewers: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: viewers }, async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      socket.on('message', (data) => {
        const now = performance.now();
        const message = JSON.parse(data.toString()) as { type: string; seq?: number };
        if (message.type !== 'angle') return;
        const sentAt = device.sentAt(message.seq!);
        if (sentAt !== undefined) latencies.push(now - sentAt);
      });
      await new Promise((resolve) => socket.once('open', resolve));
      return socket;
    }),
  );
  await sleep(1000); // settle
  latencies.length = 0;
  await sleep(seconds * 1000);
  for (const socket of sockets) socket.close();
  return latencies.sort((a, b) => a - b);
}

const radioDir = await mkdtemp(join(tmpdir(), 'swivel-bench-'));
const device = new SwivelDevice({ address: '5e:1f:00:00:00:b1', seed: 5, config: { rateHz: 200, accRangeG: 4, gyroRangeDps: 1000 } });
const radio = new RadioServer(device, radioDir);
await radio.start();
const hub = await startHubProcess(radioDir);

console.log(`Swivel latency bench: sensor 200 Hz → hub process → WebSocket viewers (${RUNS} runs × ${RUN_SECONDS} s each)`);
console.log(`warm-up: ${WARMUP_SECONDS} s with one viewer, not measured\n`);
await measure(device, hub.port, 1, WARMUP_SECONDS);
console.log('end to end: sensor notification sent → frame received by a viewer (this process\'s clock)');
console.log('in the hub: notification read by the hub → frame handed to every viewer socket (the hub\'s clock, /api/health)\n');
console.log('viewers | frames/run | end to end p50 | end to end p99 | worst run p99 | in hub p50 | in hub p99 | worst run p99');
const cell = (value: number, width: number) => value.toFixed(2).padStart(width);
for (const viewers of VIEWER_COUNTS) {
  const endToEnd = { p50: [] as number[], p99: [] as number[] };
  const inHub = { p50: [] as number[], p99: [] as number[] };
  let frames = 0;
  for (let run = 0; run < RUNS; run++) {
    const latencies = await measure(device, hub.port, viewers, RUN_SECONDS);
    const health = (await (await fetch(`http://127.0.0.1:${hub.port}/api/health`)).json()) as { frameLatencyMs: { p50: number; p99: number } };
    endToEnd.p50.push(percentile(latencies, 50));
    endToEnd.p99.push(percentile(latencies, 99));
    inHub.p50.push(health.frameLatencyMs.p50);
    inHub.p99.push(health.frameLatencyMs.p99);
    frames += latencies.length / viewers;
  }
  console.log(
    [
      String(viewers).padStart(7),
      String(Math.round(frames / RUNS)).padStart(10),
      cell(median(endToEnd.p50), 14),
      cell(median(endToEnd.p99), 14),
      cell(Math.max(...endToEnd.p99), 13),
      cell(median(inHub.p50), 10),
      cell(median(inHub.p99), 10),
      cell(Math.max(...inHub.p99), 13),
    ].join(' | '),
  );
}
console.log(`(medians of ${RUNS} runs; the hub's window holds its last 1000 frames, about one run)`);

if (!skipSoak) await soak();
hub.child.kill('SIGTERM');
await new Promise((resolve) => hub.child.once('exit', resolve));
device.close();
await radio.stop();
await rm(radioDir, { recursive: true, force: true });

async function soak() {
  console.log(`\nSoak: ${SOAK_SECONDS} s with 1 viewer; hub process CPU and memory every 10 s`);
  const viewer = new WebSocket(`ws://127.0.0.1:${hub.port}/ws`);
  let soakFrames = 0;
  viewer.on('message', () => soakFrames++);
  await new Promise((resolve) => viewer.once('open', resolve));
  const points: { t: number; rssMb: number; heapMb: number }[] = [];
  const cpuStart = await cpuSeconds(hub.child.pid!);
  const start = performance.now();
  while (performance.now() - start < SOAK_SECONDS * 1000) {
    await sleep(10_000);
    const health = (await (await fetch(`http://127.0.0.1:${hub.port}/api/health`)).json()) as { memory: { rssBytes: number; heapUsedBytes: number } };
    points.push({ t: (performance.now() - start) / 1000, rssMb: health.memory.rssBytes / 2 ** 20, heapMb: health.memory.heapUsedBytes / 2 ** 20 });
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = (await cpuSeconds(hub.child.pid!)) - cpuStart;
  viewer.close();
  // Least-squares slope of heap use over the second half of the run (the first half includes warm-up).
  const late = points.slice(Math.floor(points.length / 2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tMean = mean(late.map((p) => p.t));
  const hMean = mean(late.map((p) => p.heapMb));
  const slope = late.reduce((s, p) => s + (p.t - tMean) * (p.heapMb - hMean), 0) / late.reduce((s, p) => s + (p.t - tMean) ** 2, 0);
  console.log(`  hub CPU: ${((cpu / wall) * 100).toFixed(1)} % of one core; ${Math.round(soakFrames / wall)} frames/s to the viewer`);
  console.log(`  RSS MB:  start ${points[0]!.rssMb.toFixed(1)}, end ${points.at(-1)!.rssMb.toFixed(1)}, max ${Math.max(...points.map((p) => p.rssMb)).toFixed(1)}`);
  console.log(`  heap MB: start ${points[0]!.heapMb.toFixed(1)}, end ${points.at(-1)!.heapMb.toFixed(1)}, max ${Math.max(...points.map((p) => p.heapMb)).toFixed(1)}`);
  console.log(`  heap slope over the second half: ${(slope * 60).toFixed(3)} MB/min`);
}
