import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../firmware-sim/record.ts';
import { openDatabase } from '../../hub/storage/database.ts';
import { runBin } from '../support/run-bin.ts';

const swivel = async (args: string[]) => {
  const run = runBin('swivel', args);
  const code = await run.exited;
  return { code, out: run.out(), err: run.err() };
};

/** `swivel sessions …` as a person runs it; each test on a data directory of its own, so they can run in any order. */
// Every test here starts `swivel` processes, each loading TypeScript on start (1–3 s on a quiet
// machine, several times that on a busy one): a minute each, not the default half.
describe('swivel sessions', { timeout: 60_000 }, () => {
  let dir = '';
  let csv = '';
  let rows = 0;
  let dataDirs = 0;
  const freshData = () => join(dir, `data-${++dataDirs}`);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swivel-sessions-cli-'));
    csv = join(dir, 'hold.csv');
    const text = record({ exercise: 'figure4-sitting', seed: 4, seconds: 30 }).csv;
    rows = text.trim().split('\n').length - 1;
    await writeFile(csv, text);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists nothing before anything is recorded', async () => {
    const data = freshData();
    expect(await swivel(['sessions', 'list', '--json', '--data', data])).toEqual({ code: 0, out: '[]\n', err: '' });
  });

  /** `swivel sessions import` of the recording into a fresh data directory: session 1. */
  async function importedSession(): Promise<string> {
    const data = freshData();
    const imported = await swivel(['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--side', 'left', '--data', data]);
    expect(imported.code).toBe(0);
    expect(imported.out).toBe(`${csv}: imported as session 1 (${rows} samples, 30.0 s of figure4-sitting)\n`);
    return data;
  }
  const analyzeJson = async (file: string) => {
    const run = await swivel(['analyze', file, '--exercise', 'figure4-sitting', '--side', 'left', '--json']);
    expect(run.code).toBe(0);
    return JSON.parse(run.out) as { holdTotal: number };
  };

  it('imports a file, then lists and shows it', async () => {
    const data = await importedSession();
    const list = await swivel(['sessions', 'list', '--json', '--data', data]);
    const sessions = JSON.parse(list.out);
    expect(sessions).toHaveLength(1);
    expect(Object.keys(sessions[0]).sort()).toEqual(['durationSeconds', 'endedAt', 'exercises', 'id', 'samples', 'startedAt', 'status'].sort());
    expect(sessions[0]).toMatchObject({ id: 1, status: 'complete', exercises: ['figure4-sitting'], samples: rows });

    const show = await swivel(['sessions', 'show', '1', '--data', data]);
    expect(show.out).toContain('session 1 "' + csv + '": complete, imported');
  });

  it('replays an imported session to the figures swivel analyze gives for the file', async () => {
    const data = await importedSession();
    const [replay, analyzed] = await Promise.all([swivel(['sessions', 'replay', '1', '--json', '--data', data]), analyzeJson(csv)]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.out)).toEqual([analyzed]);
    expect(analyzed.holdTotal).toBeGreaterThan(0);
  });

  it('exports a session in the analyze format, which reads as the original file does', async () => {
    const data = await importedSession();
    const out = join(dir, `export-${dataDirs}`);
    expect((await swivel(['sessions', 'export', '1', '--out', out, '--data', data])).code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['events.json', 'samples-file.csv']);
    expect(JSON.parse(await readFile(join(out, 'events.json'), 'utf8'))).toMatchObject({ id: 1, exerciseId: 'figure4-sitting', side: 'left' });
    const [original, exported] = await Promise.all([analyzeJson(csv), analyzeJson(join(out, 'samples-file.csv'))]);
    expect(exported).toEqual(original);
  });

  it('says what is wrong in one line with exit code 2', async () => {
    const data = freshData();
    openDatabase(data).close(); // a data directory with no sessions in it
    const cases: [string[], string][] = [
      [['sessions', 'show', '42', '--data', data], 'swivel: no session 42; "swivel sessions list" (or GET /api/sessions) shows the recorded ones\n'],
      [['sessions', 'replay', '1', '--speed', 'fast', '--data', data], 'swivel: --speed must be a number above 0 (1, 2, 5, 10 …) or max, got "fast"\nTry "swivel --help".\n'],
      [['sessions', 'show', 'one', '--data', data], 'swivel: a session ID is a whole number from 1, got "one"\nTry "swivel --help".\n'],
      [['sessions', 'import', join(dir, 'missing.csv'), '--exercise', 'rom-seated', '--data', data], `swivel: ${join(dir, 'missing.csv')}: cannot read the file: no such file\n`],
      [['sessions', 'frob', '--data', data], 'swivel: unknown sessions action "frob" (actions: list, show, export, import, replay, rename, delete)\nTry "swivel --help".\n'],
      [['sessions', 'list', '--data', join(dir, 'nowhere'), '--out', dir], 'swivel: sessions list does not take --out\nTry "swivel --help".\n'],
      [['sessions', 'show', '1', '--data', join(dir, 'nowhere')], `swivel: no sessions are recorded in ${join(dir, 'nowhere')} (no swivel.db there); use --data DIR or SWIVEL_DATA to point at another data directory\n`],
    ];
    const results = await Promise.all(cases.map(([args]) => swivel(args)));
    results.forEach((result, i) => expect(result, cases[i]![0].join(' ')).toMatchObject({ code: 2, err: cases[i]![1] }));
  }, 60_000);

  it('renames and deletes', async () => {
    const data = freshData();
    expect((await swivel(['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--data', data])).code).toBe(0);
    expect((await swivel(['sessions', 'rename', '1', '--name', 'Monday', '--notes', 'left side tight', '--data', data])).out).toBe('session 1: name "Monday", notes "left side tight"\n');
    expect((await swivel(['sessions', 'delete', '1', '--data', data])).out).toBe('session 1 deleted\n');
    expect((await swivel(['sessions', 'list', '--json', '--data', data])).out).toBe('[]\n');
  });
});
