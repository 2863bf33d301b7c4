import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../firmware-sim/record.ts';
import { openDatabase } from '../../hub/storage/database.ts';
import { ROOT, runBin } from '../support/run-bin.ts';

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

  it('says what is wrong in one line, with exit code 3 for what is not there and 2 for a usage mistake', async () => {
    const data = freshData();
    openDatabase(data).close(); // a data directory with no sessions in it
    const cases: [string[], string, number][] = [
      [['sessions', 'show', '42', '--data', data], 'swivel: no session 42; "swivel sessions list" (or GET /api/sessions) shows the recorded ones\n', 3],
      [['sessions', 'replay', '1', '--speed', 'fast', '--data', data], 'swivel: --speed must be a number above 0 (1, 2, 5, 10 …) or max, got "fast"\nTry "swivel --help".\n', 2],
      [['sessions', 'show', 'one', '--data', data], 'swivel: a session ID is a whole number from 1, got "one"\nTry "swivel --help".\n', 2],
      [['sessions', 'import', join(dir, 'missing.csv'), '--exercise', 'rom-seated', '--data', data], `swivel: ${join(dir, 'missing.csv')}: cannot read the file: no such file\n`, 3],
      [['sessions', 'frob', '--data', data], 'swivel: unknown sessions action "frob" (actions: list, show, export, import, replay, rename, delete)\nTry "swivel --help".\n', 2],
      [['sessions', 'list', '--data', join(dir, 'nowhere'), '--out', dir], 'swivel: sessions list does not take --out\nTry "swivel --help".\n', 2],
      [['sessions', 'show', '1', '--data', join(dir, 'nowhere')], `swivel: no sessions are recorded in ${join(dir, 'nowhere')} (no swivel.db there); use --data DIR or SWIVEL_DATA to point at another data directory\n`, 3],
    ];
    const results = await Promise.all(cases.map(([args]) => swivel(args)));
    results.forEach((result, i) => expect(result, cases[i]![0].join(' ')).toMatchObject({ code: cases[i]![2], err: cases[i]![1] }));
  }, 60_000);

  it('renames and deletes', async () => {
    const data = freshData();
    expect((await swivel(['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--data', data])).code).toBe(0);
    expect((await swivel(['sessions', 'rename', '1', '--name', 'Monday', '--notes', 'left side tight', '--data', data])).out).toBe('session 1: name "Monday", notes "left side tight"\n');
    expect((await swivel(['sessions', 'delete', '1', '--data', data])).out).toBe('session 1 deleted\n');
    expect((await swivel(['sessions', 'list', '--json', '--data', data])).out).toBe('[]\n');
  });
});

/** Everyday habits: the user's data folder from any folder, local time both ways, help and version everywhere. */
describe('swivel sessions, as used day to day', { timeout: 60_000 }, () => {
  let dir = '';
  let csv = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swivel-everyday-'));
    csv = join(dir, 'hold.csv');
    await writeFile(csv, record({ exercise: 'figure4-sitting', seed: 5, seconds: 10 }).csv);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps sessions in the user data folder, found from any folder, in local time with the zone', async () => {
    const env = { XDG_DATA_HOME: join(dir, 'share'), TZ: 'Europe/Paris' };
    const imported = runBin('swivel', ['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--started-at', '2026-11-18 09:30'], { env, cwd: dir });
    expect(await imported.exited, imported.err()).toBe(0);
    expect(await readdir(join(dir, 'share', 'swivel'))).toContain('swivel.db');

    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const list = runBin('swivel', ['sessions', 'list'], { env, cwd: elsewhere });
    expect(await list.exited).toBe(0);
    expect(list.out()).toMatch(/^ {4}1 {2}2026-11-18 09:30:00 (CET|GMT\+1) {2}complete/);
    const json = runBin('swivel', ['sessions', 'list', '--json'], { env, cwd: elsewhere });
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.out())[0].startedAt).toBe('2026-11-18T09:30:00.000+01:00');
  });

  it('exports one row per set across sessions for a spreadsheet, and backs the database up to a new file', async () => {
    const data = join(dir, 'data-summary');
    const env = { TZ: 'Europe/Paris' };
    for (const at of ['2026-11-18 09:30', '2026-11-20 18:05']) {
      const run = runBin('swivel', ['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--side', 'right', '--started-at', at, '--data', data], { env });
      expect(await run.exited, run.err()).toBe(0);
    }
    const summary = runBin('swivel', ['sessions', 'export', '--summary', '--data', data], { env });
    expect(await summary.exited, summary.err()).toBe(0);
    const [header, ...rows] = summary.out().trim().split('\n');
    expect(header).toBe('session,date,time,utc_offset,source,exercise,side,set,reps,partial_reps,hold_s,max_angle_deg,completed,target_reps,target_hold_min_s,target_hold_max_s,normal_min_deg,normal_max_deg');
    expect(rows).toHaveLength(2);
    // The hold's figures are the re-scored ones, and the programme's 60–120 s target stands beside them.
    const analysed = JSON.parse((await swivel(['analyze', csv, '--exercise', 'figure4-sitting', '--side', 'right', '--json'])).out) as { holdTotal: number; maxAngle: number; repCount: number };
    expect(rows[0]).toBe(`1,2026-11-18,09:30,+01:00,import,figure4-sitting,right,1,${analysed.repCount},0,${analysed.holdTotal.toFixed(1)},${analysed.maxAngle.toFixed(1)},,,60,60,,`);
    expect(rows[1]).toMatch(/^2,2026-11-20,18:05,\+01:00,import,figure4-sitting,right,1,/);

    const copy = join(dir, 'copy.db');
    const backup = runBin('swivel', ['backup', copy, '--data', data]);
    expect(await backup.exited, backup.err()).toBe(0);
    expect(backup.out()).toBe(`backed up 2 sessions from ${data} to ${copy}\n`);
    const again = runBin('swivel', ['backup', copy, '--data', data]);
    expect(await again.exited).toBe(1);
    expect(again.err()).toBe(`swivel: ${copy} already exists; give the backup a new name, so that no copy is overwritten\n`);
    const restored = join(dir, 'restored');
    await mkdir(restored);
    await writeFile(join(restored, 'swivel.db'), await readFile(copy));
    const list = runBin('swivel', ['sessions', 'list', '--json', '--data', restored]);
    expect(await list.exited).toBe(0);
    expect(JSON.parse(list.out())).toHaveLength(2);
  });

  it('prints JSON for import, export, backup and programme check when asked', async () => {
    const data = join(dir, 'data-json');
    const env = { TZ: 'Europe/Paris' };
    const imported = runBin('swivel', ['sessions', 'import', csv, '--exercise', 'figure4-sitting', '--started-at', '2026-11-18 09:30', '--json', '--data', data], { env });
    expect(await imported.exited, imported.err()).toBe(0);
    expect(JSON.parse(imported.out())).toMatchObject({ id: 1, startedAt: '2026-11-18T09:30:00.000+01:00', status: 'complete', exercises: ['figure4-sitting'] });
    const out = join(dir, 'export-json');
    const exported = runBin('swivel', ['sessions', 'export', '1', '--out', out, '--json', '--data', data]);
    expect(await exported.exited, exported.err()).toBe(0);
    expect(JSON.parse(exported.out())).toEqual({ id: 1, files: [join(out, 'samples-file.csv'), join(out, 'events.json')] });
    const backup = runBin('swivel', ['backup', join(dir, 'json.db'), '--json', '--data', data]);
    expect(await backup.exited, backup.err()).toBe(0);
    expect(JSON.parse(backup.out())).toEqual({ file: join(dir, 'json.db'), sessions: 1 });
    const checked = runBin('swivel', ['programme', 'check', join(ROOT, 'hub/programme/hip-internal-rotation.json'), '--json']);
    expect(await checked.exited, checked.err()).toBe(0);
    expect(JSON.parse(checked.out())).toMatchObject({ ok: true, id: 'hip-internal-rotation', exercises: 26 });
  });

  it('answers --help and --version after any command', async () => {
    const runs = [['programme', 'check', '--help'], ['sessions', 'list', '--help'], ['pairings', '--help'], ['sessions', 'list', '--version'], ['analyze', '--version']].map((args) => ({ args, run: runBin('swivel', args) }));
    for (const { args, run } of runs) {
      expect(await run.exited, args.join(' ')).toBe(0);
      if (args.includes('--version')) expect(run.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
      else expect(run.out(), args.join(' ')).toMatch(/^Usage: swivel /);
    }
  });
});
