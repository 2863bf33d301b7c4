import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { share } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSamples } from '../../hub/analyze/analyze.ts';
import { imuSamplesFrom, readImuCsv } from '../../hub/analyze/imu-csv.ts';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorLink } from '../../hub/ble/sensor-link.ts';
import { decodeNotifications, sampleBatches, toAngleFrames, type AngleFrame } from '../../hub/pipeline/operators.ts';
import type { SampleBatch } from '../../hub/pipeline/samples.ts';
import type { ImuReading } from '../../hub/protocol/gatt.ts';
import { SwivelDevice } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';
import { seatedRotationMotion } from '../../firmware-sim/motion.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HEADER = 't,ax,ay,az,gx,gy,gz';
const FAST = { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 100, gattMs: 500, connectMs: 1000 };

type Row = ImuReading & { t: number };

/** Full precision: String(number) reads back as the same double. */
const csv = (rows: Row[], acc = 1, gyro = 1) =>
  `${HEADER}\n${rows.map((r) => [r.t, r.ax * acc, r.ay * acc, r.az * acc, r.gx * gyro, r.gy * gyro, r.gz * gyro].map(String).join(',')).join('\n')}\n`;

function swivel(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'swivel.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { exited, out: () => stdout, err: () => stderr };
}

/** The shin swinging out to `peakDeg` and back about the sensor's z axis, after a still second. */
function knownSwing(rateHz: number, seconds: number, peakDeg: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < rateHz * seconds; i++) {
    const t = 100 + i / rateHz;
    const u = Math.max(0, t - 101);
    // θ = peak · sin²(πu/4): out in 2 s, back in 2 s.
    const theta = (peakDeg * Math.sin((Math.PI * u) / 4) ** 2 * Math.PI) / 180;
    const thetaRateDps = peakDeg * 2 * Math.sin((Math.PI * u) / 4) * Math.cos((Math.PI * u) / 4) * (Math.PI / 4);
    // "Up" seen from the sensor turns the other way: up = (−cos θ, sin θ, 0) for a turn of θ about z.
    rows.push({ t, ax: -Math.cos(theta), ay: Math.sin(theta), az: 0, gx: 0, gy: 0, gz: thetaRateDps });
  }
  return rows;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-analyze-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('same samples, same angles', () => {
  it('a file of the samples the live pipeline saw gives exactly the live angles, in-process and through the CLI', async () => {
    // The simulator's device model over the in-process radio, through the hub's real link and pipeline.
    const device = new SwivelDevice({
      address: '5e:1f:00:00:00:31',
      seed: 31,
      config: { rateHz: 200, accRangeG: 4, gyroRangeDps: 1000 },
      // Start moving soon, so the two seconds hold a real swing and not only the still start posture.
      motion: seatedRotationMotion({ seed: 31, settleSeconds: 0.6 }),
    });
    const link = new SensorLink({ bindings: new RadioBindings(inProcessRadio([device])), timings: FAST });
    const batches$ = link.events$.pipe(decodeNotifications(), sampleBatches(), share());
    const batches: SampleBatch[] = [];
    const frames: AngleFrame[] = [];
    const subscriptions = [batches$.subscribe((batch) => batches.push(batch)), batches$.pipe(toAngleFrames()).subscribe((frame) => frames.push(frame))];
    link.start();
    try {
      await waitFor('2 s of live samples', () => batches.reduce((n, b) => n + b.readings.length, 0) >= 400, 15_000);
    } finally {
      await link.stop();
      subscriptions.forEach((s) => s.unsubscribe());
      device.close();
    }
    expect(frames.length).toBe(batches.length);

    const rows: Row[] = batches.flatMap((b) => b.readings.map((r, i) => ({ t: b.t0 + i * b.dt, ...r })));
    const liveAngles = frames.flatMap((f) => f.trace);
    expect(liveAngles).toHaveLength(rows.length);
    expect(Math.max(...liveAngles)).toBeGreaterThan(5); // the shin really moved
    const path = join(dir, 'live.csv');
    await writeFile(path, csv(rows));

    const read = await readImuCsv(path);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.timing.rateHz).toBeCloseTo(200, 3);
    const result = await analyzeSamples(read.samples, { exercise: 'seated-hip-ir', side: 'right', timing: read.timing });
    expect(Array.from(result.angles)).toEqual(liveAngles);
    expect(result.summary.maxAngle).toBe(Math.max(...liveAngles));

    const anglesPath = join(dir, 'live-angles.csv');
    const run = swivel(['analyze', path, '--exercise', 'seated-hip-ir', '--json', '--angles', anglesPath]);
    expect(await run.exited).toBe(0);
    expect(run.err()).toBe('');
    const lines = (await readFile(anglesPath, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('t,angle');
    const written = lines.slice(1).map((line) => line.split(',').map(Number));
    expect(written.map(([t]) => t)).toEqual(rows.map((r) => r.t));
    expect(written.map(([, angle]) => angle)).toEqual(liveAngles);
    expect(JSON.parse(run.out()).maxAngle).toBe(Math.max(...liveAngles));
  });
});

describe('units', () => {
  it('the same motion in m/s² and rad/s gives the same angles as in g and deg/s', async () => {
    const rows = knownSwing(100, 6, 30);
    const native = join(dir, 'swing-g-dps.csv');
    const si = join(dir, 'swing-si.csv');
    await writeFile(native, csv(rows));
    await writeFile(si, csv(rows, 9.80665, Math.PI / 180));
    const a = await readImuCsv(native);
    const b = await readImuCsv(si, { acc: 'mps2', gyro: 'rads' });
    if (!a.ok || !b.ok) throw new Error('both files should read');
    const options = { exercise: 'rom-seated', side: null } as const;
    const angles = Array.from((await analyzeSamples(a.samples, options)).angles);
    const siAngles = Array.from((await analyzeSamples(b.samples, options)).angles);
    expect(siAngles).toHaveLength(angles.length);
    const worst = Math.max(...angles.map((angle, i) => Math.abs(angle - siAngles[i]!)));
    expect(worst).toBeLessThan(1e-9);
    // And the angle is the motion's: a 30° swing peaks near 30°.
    expect(Math.max(...angles)).toBeGreaterThan(28);
    expect(Math.max(...angles)).toBeLessThan(32);
  });
});

describe('analyzeSamples', () => {
  it('summarises with the exact keys, times on the file clock, and one angle per sample', async () => {
    const rows = knownSwing(50, 4, 20);
    // Cut 0.4 s out of the middle: one gap of 0.4 s (interval 0.42 s against a median of 0.02 s).
    const gapped = rows.filter((r) => r.t < 101.5 + 1e-9 || r.t > 101.9 + 1e-9);
    const result = await analyzeSamples(imuSamplesFrom(gapped), { exercise: 'swivel-chair', side: 'left' });
    expect(Object.keys(result.summary)).toEqual(['exercise', 'side', 'samples', 'gapSeconds', 'repCount', 'reps', 'holds', 'holdTotal', 'maxAngle']);
    expect(result.summary).toMatchObject({ exercise: 'swivel-chair', side: 'left', samples: gapped.length, gapSeconds: 0.4, repCount: 0, reps: [], holds: [], holdTotal: 0 });
    expect(result.angles).toHaveLength(gapped.length);
    expect(result.timing.gapCount).toBe(1);
    expect(result.timing.duration).toBeCloseTo(3.98, 9);
    expect(result.summary.maxAngle).toBe(Math.max(...result.angles));
  });
});
