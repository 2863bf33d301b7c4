import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, share, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSamples, fileSampleBatches } from '../../hub/analyze/analyze.ts';
import { formatSummary } from '../../hub/analyze/command.ts';
import { imuSamplesFrom, readImuCsv } from '../../hub/analyze/imu-csv.ts';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorLink } from '../../hub/ble/sensor-link.ts';
import { decodeNotifications, sampleBatches, toAngleFrames, type AngleFrame } from '../../hub/pipeline/operators.ts';
import { holdTimer } from '../../hub/pipeline/timing-operators.ts';
import type { SampleBatch } from '../../hub/pipeline/samples.ts';
import { readingsOf, type ImuReading } from '../../hub/protocol/gatt.ts';
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

/**
 * The shin turning about the sensor's z axis through `theta` (degrees, a function of time from the
 * first row), sampled at `rateHz` from t = 100.
 */
function motionRows(rateHz: number, seconds: number, theta: (u: number) => number): Row[] {
  const rows: Row[] = [];
  const h = 1e-4;
  for (let i = 0; i < rateHz * seconds; i++) {
    const u = i / rateHz;
    const rad = (theta(u) * Math.PI) / 180;
    const rateDps = (theta(u + h) - theta(u - h)) / (2 * h);
    rows.push({ t: 100 + u, ax: -Math.cos(rad), ay: Math.sin(rad), az: 0, gx: 0, gy: 0, gz: rateDps });
  }
  return rows;
}

/** Eased moves between (time, angle) points, like a limb: the angle at time u. */
const eased = (points: [number, number][]) => (u: number) => {
  const k = points.findIndex(([pu]) => pu >= u);
  if (k <= 0) return points[k === 0 ? 0 : points.length - 1]![1];
  const [u0, a0] = points[k - 1]!;
  const [u1, a1] = points[k]!;
  return a0 + ((a1 - a0) * (1 - Math.cos((Math.PI * (u - u0)) / (u1 - u0)))) / 2;
};

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
      await waitFor('2 s of live samples', () => batches.reduce((n, b) => n + b.count, 0) >= 400, 15_000);
    } finally {
      await link.stop();
      subscriptions.forEach((s) => s.unsubscribe());
      device.close();
    }
    expect(frames.length).toBe(batches.length);

    const rows: Row[] = batches.flatMap((b) => readingsOf(b.imu).map((r, i) => ({ t: b.t0 + i * b.dt, ...r })));
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
    expect(Object.keys(result.summary)).toEqual(['exercise', 'side', 'samples', 'gapSeconds', 'repCount', 'reps', 'partialCount', 'partials', 'holds', 'holdTotal', 'maxAngle']);
    expect(result.summary).toMatchObject({ exercise: 'swivel-chair', side: 'left', samples: gapped.length, gapSeconds: 0.4, repCount: 0, reps: [], partialCount: 0, partials: [], holds: [], holdTotal: 0 });
    expect(result.angles).toHaveLength(gapped.length);
    expect(result.timing.gapCount).toBe(1);
    expect(result.timing.duration).toBeCloseTo(3.98, 9);
    expect(result.summary.maxAngle).toBe(Math.max(...result.angles));
  });
});

describe('holds', () => {
  // Still for 2 s, into a 25° stretch by 4 s, slipping out to 4° at 20–21 s, back at 25.5 s, held
  // until 45 s, out by 47 s: 16 s + 19.5 s in position.
  const stretch = eased([[0, 0], [2, 0], [4, 25], [20, 25], [21, 4], [24, 4], [25.5, 25], [45, 25], [47, 0], [50, 0]]);
  const rows = motionRows(100, 50, stretch);

  it('fills holds and holdTotal for a hold exercise: the spans in position, slip excluded', async () => {
    const { summary } = await analyzeSamples(imuSamplesFrom(rows), { exercise: 'figure4-sitting', side: 'left' });
    expect(summary.repCount).toBe(0);
    expect(summary.holds).toHaveLength(2);
    const [first, second] = summary.holds;
    for (const [actual, expected] of [[first!.start, 104], [first!.end, 120], [second!.start, 125.5], [second!.end, 145]] as const) {
      expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(0.3);
    }
    expect(summary.holdTotal).toBeCloseTo(summary.holds.reduce((sum, h) => sum + h.end - h.start, 0), 9);
    expect(Math.abs(summary.holdTotal - 35.5)).toBeLessThan(0.5);
    expect(Math.abs(summary.maxAngle - 25)).toBeLessThan(0.5);
  });

  it('are exactly what the live hold timer gives on the same frames', async () => {
    const samples = imuSamplesFrom(rows);
    const { summary } = await analyzeSamples(samples, { exercise: 'figure4-sitting', side: null });
    const reports = await lastValueFrom(fileSampleBatches(samples, 0.01).pipe(toAngleFrames(), holdTimer(), toArray()));
    const live = reports.flatMap((r) => r.events.flatMap((e) => (e.kind === 'paused' && e.span.end > e.span.start ? [e.span] : [])));
    expect(summary.holds).toEqual(live);
    // And what the timer showed at the end is the total.
    expect(summary.holdTotal).toBeCloseTo(reports.at(-1)!.status.heldSeconds, 9);
  });

  it('times nothing for exercises that are not holds, and says how long a hold was held', async () => {
    const samples = imuSamplesFrom(rows);
    const reps = await analyzeSamples(samples, { exercise: 'seated-hip-ir', side: null });
    expect(reps.summary).toMatchObject({ holds: [], holdTotal: 0 });
    const hold = await analyzeSamples(samples, { exercise: 'figure4-sitting', side: null });
    const command = { file: 'f.csv', exercise: 'figure4-sitting', side: null, json: false, anglesPath: null, orientationPath: null, units: { acc: 'g', gyro: 'dps' } } as const;
    expect(formatSummary(command, hold)).toMatch(new RegExp(`held +${hold.summary.holdTotal.toFixed(1)} s in position \\(2 spans\\)`));
    expect(formatSummary({ ...command, exercise: 'seated-hip-ir' }, reps)).not.toMatch(/held/);
  });
});

describe('range-of-motion tests', () => {
  it('maxAngle is the best trial: the largest peak of the counted reps', async () => {
    const trials = eased([[0, 0], [2, 0], [4, 38], [6.5, 38], [8.5, 0], [11, 0], [13, 42], [15.5, 42], [17.5, 0], [20, 0], [22, 40], [24.5, 40], [26.5, 0], [30, 0]]);
    const { summary } = await analyzeSamples(imuSamplesFrom(motionRows(100, 30, trials)), { exercise: 'rom-seated', side: 'left' });
    expect(summary.repCount).toBe(3);
    expect(summary.maxAngle).toBe(Math.max(...summary.reps.map((r) => r.peakAngle)));
    expect(Math.abs(summary.maxAngle - 42)).toBeLessThan(0.5);
  });
});
