/**
 * Reading a CSV on a worker thread (hub/analyze/read-in-worker.ts) gives what reading it here gives:
 * the same samples, bit for bit, in pieces that add up to them, and the same errors. The worker runs
 * from the built command (a worker cannot load the TypeScript sources), as `swivel analyze` runs it.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMU_CSV_UNITS, readImuCsv, type ImuCsvResult, type ImuSamples } from '../../hub/analyze/imu-csv.ts';
import type * as ReadInWorker from '../../hub/analyze/read-in-worker.ts';

const COLUMNS = ['t', 'ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;

let dir = '';
let built: typeof ReadInWorker;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-read-in-worker-'));
  // @ts-expect-error: the launcher is plain JavaScript without types
  const { build } = (await import('../../bin/launch.mjs')) as { build: () => Promise<string> };
  const folder = await build();
  const file = readdirSync(folder).find((name) => /^read-in-worker-.*\.mjs$/.test(name));
  if (!file) throw new Error(`no read-in-worker chunk in ${folder}`);
  built = (await import(/* @vite-ignore */ pathToFileURL(join(folder, file)).href)) as typeof ReadInWorker;
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `count` rows at 200 Hz, a slow swing with plain decimals, a few in other forms the text path reads. */
function csv(count: number, lineEnd = '\n'): string {
  const rows = ['t,ax,ay,az,gx,gy,gz'];
  for (let i = 0; i < count; i++) {
    const a = Math.sin(i / 300);
    const ax = i % 5000 === 17 ? `${(-0.5 * a).toExponential()}` : String(-0.5 * a);
    rows.push(`${(10 + i / 200).toFixed(6)},${ax},${(0.5 * a).toFixed(9)},-0.866,${(12 * a).toFixed(4)},0.1,${i % 7000 === 3 ? ' 0.25 ' : '0.25'}`);
  }
  return rows.join(lineEnd) + lineEnd;
}

async function readBoth(content: string) {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  await writeFile(path, content);
  const pieces: ImuSamples[] = [];
  const inWorker = await built.readImuCsvInWorker(path, DEFAULT_IMU_CSV_UNITS, { onSamples: (piece) => pieces.push(piece) });
  const here = await readImuCsv(path);
  return { inWorker, here, pieces };
}

function expectSameSamples(actual: ImuSamples, expected: ImuSamples) {
  expect(actual.length).toBe(expected.length);
  for (const column of COLUMNS) {
    const a = actual[column];
    const e = expected[column];
    let differ = -1;
    for (let i = 0; i < e.length && differ < 0; i++) if (!Object.is(a[i], e[i])) differ = i;
    expect(differ, `${column} differs at ${differ}`).toBe(-1);
  }
}

function joined(pieces: ImuSamples[]): ImuSamples {
  const length = pieces.reduce((n, p) => n + p.length, 0);
  const out = { length } as { -readonly [K in keyof ImuSamples]: ImuSamples[K] };
  for (const column of COLUMNS) {
    out[column] = new Float64Array(length);
    let at = 0;
    for (const piece of pieces) {
      out[column].set(piece[column], at);
      at += piece.length;
    }
  }
  return out;
}

describe('reading on a worker thread', { timeout: 60_000 }, () => {
  it('runs built, and only built', () => {
    expect(built.canReadInWorker()).toBe(true);
  });

  it('gives the samples reading here gives, in pieces that add up to them, whatever the line endings', async () => {
    for (const lineEnd of ['\n', '\r\n']) {
      const { inWorker, here, pieces } = await readBoth(csv(60_000, lineEnd));
      if (!inWorker?.ok || !here.ok) throw new Error(`both should read: ${JSON.stringify([inWorker, here].map((r) => r && !r.ok && r.error))}`);
      expect(inWorker.timing).toEqual(here.timing);
      expectSameSamples(inWorker.samples, here.samples);
      // A 6 MB file in 1 MB reads: several pieces, as the reading went.
      expect(pieces.length).toBeGreaterThan(3);
      expectSameSamples(joined(pieces), here.samples);
    }
  });

  it('gives the same error for a file that goes wrong far down, and for a missing one', async () => {
    const rows = csv(40_000).split('\n');
    rows[35_000] = rows[35_000]!.replace(/,0\.1,/, ',abc,');
    const bad = await readBoth(rows.join('\n'));
    expect(bad.here.ok).toBe(false);
    expect(bad.inWorker).toEqual(bad.here);
    expect((bad.here as Extract<ImuCsvResult, { ok: false }>).error.line).toBe(35_001);

    const pieces: ImuSamples[] = [];
    const missing = await built.readImuCsvInWorker(join(dir, 'nothing-here.csv'), DEFAULT_IMU_CSV_UNITS, { onSamples: (piece) => pieces.push(piece) });
    expect(missing).toEqual(await readImuCsv(join(dir, 'nothing-here.csv')));
    expect(pieces).toEqual([]);
  });
});
