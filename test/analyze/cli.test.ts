import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/run-bin.ts';

const HEADER = 't,ax,ay,az,gx,gy,gz';

const swivel = (args: string[]) => runBin('swivel', args);

/** 3 s at 100 Hz from t = 50 with 0.5 s missing after the first second; the shin tilts by up to ~20°. */
function fixtureRows(): string[] {
  const rows: string[] = [];
  for (let i = 0; i < 300; i++) {
    if (i > 100 && i <= 150) continue;
    const t = 50 + i / 100;
    const theta = (Math.min(1, Math.max(0, (t - 50.6) / 2)) * 20 * Math.PI) / 180;
    rows.push(`${t},${-Math.cos(theta)},${Math.sin(theta)},0,0,0,${i > 60 && i < 260 ? 10 : 0}`);
  }
  return rows;
}

let dir = '';
let good = '';
let rowCount = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-analyze-cli-'));
  const rows = fixtureRows();
  rowCount = rows.length;
  good = join(dir, 'good.csv');
  await writeFile(good, `${HEADER}\r\n${rows.join('\r\n')}\r\n\r\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Every test here starts `swivel` processes, each loading TypeScript on start (1–3 s on a quiet
// machine, several times that on a busy one): a minute each, as in test/cli.
describe('swivel analyze', { timeout: 60_000 }, () => {
  it('prints its help, and the program help lists it', async () => {
    const help = swivel(['analyze', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.out()).toContain('Usage: swivel analyze FILE.csv --exercise ID [options]');
    expect(help.out()).toContain('seated-hip-ir');
    expect(help.out()).toContain('--acc-unit g|mps2');
    const main = swivel(['--help']);
    expect(await main.exited).toBe(0);
    expect(main.out()).toMatch(/\n\s+analyze\s+run a recorded IMU file/);
  });

  it('--json prints one object with exactly the summary keys, and --angles writes a row per sample', async () => {
    const anglesPath = join(dir, 'angles.csv');
    const run = swivel(['analyze', good, '--exercise', 'seated-hip-ir', '--side', 'left', '--json', '--angles', anglesPath]);
    expect(await run.exited).toBe(0);
    expect(run.err()).toBe('');
    const out = run.out();
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    const summary = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(['exercise', 'side', 'samples', 'gapSeconds', 'repCount', 'reps', 'partialCount', 'partials', 'holds', 'holdTotal', 'maxAngle']);
    expect(summary).toMatchObject({ exercise: 'seated-hip-ir', side: 'left', samples: rowCount, gapSeconds: 0.5, repCount: 0, reps: [], partialCount: 0, partials: [], holds: [], holdTotal: 0 });
    expect(typeof summary.maxAngle).toBe('number');
    expect(summary.maxAngle).toBeGreaterThan(5);

    const lines = (await readFile(anglesPath, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('t,angle');
    expect(lines).toHaveLength(rowCount + 1);
    const rows = lines.slice(1).map((line) => line.split(',').map(Number));
    expect(rows.map(([t]) => t)).toEqual(fixtureRows().map((row) => Number(row.split(',')[0])));
    expect(Math.max(...rows.map(([, angle]) => angle!))).toBe(summary.maxAngle);
  });

  it('--orientation writes the fused orientation of every sample, and needs no exercise when alone', async () => {
    const orientationPath = join(dir, 'orientation.csv');
    const run = swivel(['analyze', good, '--orientation', orientationPath]);
    expect(await run.exited).toBe(0);
    expect(run.out()).toBe(`${good}: orientation of ${rowCount} samples written to ${orientationPath}\n`);
    const lines = (await readFile(orientationPath, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('t,qw,qx,qy,qz');
    expect(lines).toHaveLength(rowCount + 1);
    const rows = lines.slice(1).map((line) => line.split(',').map(Number));
    for (const [, w, x, y, z] of rows) expect(Math.abs(Math.hypot(w!, x!, y!, z!) - 1)).toBeLessThan(1e-9);
    // At rest at the start the sensor's x axis points down (the fixture's accelerometer reads -1 g
    // on x): the orientation must turn sensor x onto earth -z.
    const [, w, x, y, z] = rows[0]!;
    const xInEarthZ = 2 * (x! * z! - w! * y!);
    expect(xInEarthZ).toBeCloseTo(-1, 6);

    const withoutExercise = swivel(['analyze', good, '--json']);
    expect(await withoutExercise.exited).toBe(2);
    expect(withoutExercise.err()).toContain('--exercise is required (unless only --orientation is asked for)');
  });

  it('reads standard input for "-", to the same figures as the file', async () => {
    const fromFile = swivel(['analyze', good, '--exercise', 'rom-seated', '--json']);
    const fromStdin = runBin('swivel', ['analyze', '-', '--exercise', 'rom-seated', '--json'], { stdin: await readFile(good, 'utf8') });
    expect(await fromFile.exited).toBe(0);
    expect(await fromStdin.exited, fromStdin.err()).toBe(0);
    expect(JSON.parse(fromStdin.out())).toEqual(JSON.parse(fromFile.out()));
    expect(fromStdin.err()).toBe(''); // no progress line outside a terminal
  });

  it('reads a long file on a second thread to the very figures of reading it here (standard input)', async () => {
    // Over 4 MB: the file is read on a worker while the pipeline runs on what is read so far.
    const rows = [HEADER];
    for (let i = 0; i < 80_000; i++) {
      const t = 20 + i / 200;
      const theta = ((25 * (1 - Math.cos((2 * Math.PI * Math.max(0, t - 22)) / 6))) / 2) * (Math.PI / 180);
      const rate = t < 22 ? 0 : ((25 * Math.PI) / 6) * Math.sin((2 * Math.PI * (t - 22)) / 6);
      rows.push(`${t.toFixed(6)},${(-Math.cos(theta)).toFixed(8)},${Math.sin(theta).toFixed(8)},0.0012,0.3,-0.2,${(rate + 0.45).toFixed(6)}`);
    }
    const long = join(dir, 'long.csv');
    const text = `${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(4 << 20);
    await writeFile(long, text);
    const fromFile = swivel(['analyze', long, '--exercise', 'seated-hip-ir', '--json']);
    const fromStdin = runBin('swivel', ['analyze', '-', '--exercise', 'seated-hip-ir', '--json'], { stdin: text });
    expect(await fromFile.exited, fromFile.err()).toBe(0);
    expect(await fromStdin.exited, fromStdin.err()).toBe(0);
    const summary = JSON.parse(fromFile.out());
    expect(summary.samples).toBe(80_000);
    expect(summary.repCount).toBeGreaterThan(20);
    expect(summary).toEqual(JSON.parse(fromStdin.out()));
  });

  it('prints side null when --side is not given, and a short summary without --json', async () => {
    const json = swivel(['analyze', good, '--exercise', 'rom-seated', '--json']);
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ exercise: 'rom-seated', side: null });

    const human = swivel(['analyze', good, '--exercise', 'rom-seated', '--side', 'right']);
    expect(await human.exited).toBe(0);
    expect(human.err()).toBe('');
    expect(human.out()).toContain(`${good}: rom-seated, right side`);
    expect(human.out()).toContain(`samples    ${rowCount} over 2.99 s at 100 Hz`);
    expect(human.out()).toContain('gaps       1 (0.500 s missing)');
    expect(human.out()).toMatch(/max angle {2}\d+\.\d°/);
  });

  it('reports a malformed file in one line with the line number, exit code 1 (3 for a missing file), no stack trace', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, `${HEADER}\n0,0,0,-1,0,0,0\n0.01,0,0,-1,0,0,0\n0.02,0,0,-1,oops,0,0\n`);
    const run = swivel(['analyze', bad, '--exercise', 'seated-hip-ir', '--json']);
    expect(await run.exited).toBe(1);
    expect(run.out()).toBe('');
    expect(run.err()).toBe(`swivel: ${bad}: line 4: gx is not a number: "oops"\n`);

    const missing = join(dir, 'missing.csv');
    const gone = swivel(['analyze', missing, '--exercise', 'seated-hip-ir']);
    expect(await gone.exited).toBe(3);
    expect(gone.err()).toBe(`swivel: ${missing}: cannot read the file: no such file\n`);
  });

  it('rejects its own bad options with exit code 2 and a one-line reason', async () => {
    const cases: [string[], string][] = [
      [[good, '--exercise', 'squats'], '--exercise must be one of rom-prone, rom-seated, '],
      [[good], '--exercise is required (unless only --orientation is asked for): one of rom-prone, '],
      [[good, '--exercise', 'rom-prone', '--side', 'both'], '--side must be left or right, got "both"'],
      [['--exercise', 'rom-prone'], 'analyze needs the FILE.csv to read: swivel analyze FILE.csv --exercise ID'],
      [[good, '--exercise', 'rom-prone', '--gyro-unit', 'rpm'], '--gyro-unit must be dps or rads, got "rpm"'],
    ];
    for (const [args, message] of cases) {
      const run = swivel(['analyze', ...args]);
      expect(await run.exited).toBe(2);
      const [reason, hint, ...rest] = run.err().split('\n');
      expect(reason).toContain(`swivel: ${message}`);
      expect(hint).toBe('Try "swivel --help".');
      expect(rest).toEqual(['']);
      expect(run.out()).toBe('');
    }
  });
});
