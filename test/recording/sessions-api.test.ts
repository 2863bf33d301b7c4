import type { FastifyInstance } from 'fastify';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../firmware-sim/record.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { Recordings } from '../../hub/recording/recordings.ts';
import { analyzeSamples } from '../../hub/analyze/analyze.ts';
import { ImuCsvParser } from '../../hub/analyze/imu-csv.ts';
import { RecordedSessionDetail, RecordedSessionItem, RescoreResponse, SessionExportManifest, SessionListResponse } from '../../hub/protocol/recordings.ts';

const parse = (csv: string) => {
  const parser = new ImuCsvParser();
  for (const line of csv.split('\n')) parser.push(line);
  const result = parser.finish();
  if (!result.ok) throw new Error(result.error.message);
  return result;
};

/** /api/sessions on a real database, in the real hub (its simulated sensor idles meanwhile). */
describe('/api/sessions', () => {
  let hub: Awaited<ReturnType<typeof inProcessHub>>;
  let app: FastifyInstance;
  const csv = record({ exercise: 'rom-seated', seed: 5, seconds: 40 }).csv;
  beforeAll(async () => {
    hub = await inProcessHub({ record: {} });
    app = hub.app;
  });
  afterAll(() => hub?.close());

  const importCsv = (body: string, query: string) => app.inject({ method: 'POST', url: `/api/sessions/import?${query}`, headers: { 'content-type': 'text/csv' }, payload: body });

  it('imports a CSV as a session that re-scores exactly as swivel analyze reads the file', async () => {
    const imported = await importCsv(csv, 'exercise=rom-seated&side=right&name=clinic');
    expect(imported.statusCode).toBe(201);
    const item = imported.json();
    expect(Compile(RecordedSessionItem).Check(item)).toBe(true);
    expect(item).toMatchObject({ status: 'complete', source: 'import', exercises: ['rom-seated'], name: 'clinic' });

    const rescored = await app.inject(`/api/sessions/${item.id}/rescore`);
    expect(rescored.statusCode).toBe(200);
    const body = rescored.json();
    expect(Compile(RescoreResponse).Check(body)).toBe(true);
    const { samples, timing } = parse(csv);
    const analysed = await analyzeSamples(samples, { exercise: 'rom-seated', side: 'right', timing });
    expect(body.sets).toEqual([analysed.summary]);
    expect(analysed.summary.repCount).toBeGreaterThan(0);
  });

  it('keeps a re-scoring per programme, so a second request reads it instead of scoring again', async () => {
    const item = (await importCsv(csv, 'exercise=rom-seated&side=left')).json();
    const first = (await app.inject(`/api/sessions/${item.id}/rescore`)).json();
    const { db, store, recordings } = hub.storage!;
    const kept = db.prepare('SELECT programme_key, result FROM rescores WHERE session_id = ?').all(item.id) as { programme_key: string; result: string }[];
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]!.result)).toEqual(first);
    // Mark the kept copy: the next answer must be it, not a fresh scoring.
    db.prepare('UPDATE rescores SET result = ? WHERE session_id = ?').run(JSON.stringify({ ...first, sets: [] }), item.id);
    expect((await app.inject(`/api/sessions/${item.id}/rescore`)).json()).toEqual({ ...first, sets: [] });
    // Another programme (other targets) scores afresh and keeps its own.
    const other = new Recordings(store, { ...recordings.programme, restSeconds: 12 });
    expect(await other.rescore(item.id)).toEqual(first);
    expect(db.prepare('SELECT count(*) AS n FROM rescores WHERE session_id = ?').get(item.id)).toEqual({ n: 2 });
    // An update that scores differently scores again once, says so, and drops what the old scoring kept.
    const updated = new Recordings(store, recordings.programme, recordings.scoringVersion + 1);
    expect(await updated.rescore(item.id)).toEqual({ ...first, scoringUpdated: true });
    expect(await updated.rescore(item.id)).toEqual(first);
    expect(db.prepare('SELECT count(*) AS n FROM rescores WHERE session_id = ?').get(item.id)).toEqual({ n: 1 });
    // Deleting the session deletes what was kept of it.
    await app.inject({ method: 'DELETE', url: `/api/sessions/${item.id}` });
    expect(db.prepare('SELECT count(*) AS n FROM rescores WHERE session_id = ?').get(item.id)).toEqual({ n: 0 });
  });

  it('gives every set of every session as one CSV for a spreadsheet', async () => {
    const item = (await importCsv(csv, 'exercise=rom-seated&side=left&startedAt=2026-11-19T10:00:00Z')).json();
    const response = await app.inject('/api/sessions/summary.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="swivel-sets-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = response.body.trim().split('\n');
    expect(header!.split(',').slice(0, 8)).toEqual(['session', 'date', 'time', 'utc_offset', 'source', 'exercise', 'side', 'set']);
    const mine = rows.filter((row) => row.startsWith(`${item.id},`));
    expect(mine).toHaveLength(1);
    // The programme's normal range for the seated range-of-motion test stands beside the figures.
    expect(mine[0]).toMatch(/,import,rom-seated,left,1,\d+,\d+,/);
    expect(mine[0]!.endsWith(',30,45')).toBe(true);
  });

  it('dates an import when asked, so history puts an old recording on its day, and explains a bad date', async () => {
    const dated = await importCsv(csv, 'exercise=rom-seated&side=left&startedAt=2026-11-18T09:30:00Z');
    expect(dated.statusCode).toBe(201);
    expect(dated.json().startedAt).toBe(Date.parse('2026-11-18T09:30:00Z'));
    const bad = await importCsv(csv, 'exercise=rom-seated&startedAt=last-tuesday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('startedAt must be a date and time like 2026-11-18T09:30:00Z, got "last-tuesday"');
  });

  it('exports the samples in the analyze format, which imports again to the same results', async () => {
    const { id } = (await importCsv(csv, 'exercise=rom-seated')).json();
    const manifest = (await app.inject(`/api/sessions/${id}/export`)).json();
    expect(Compile(SessionExportManifest).Check(manifest)).toBe(true);
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['samples-file.csv', 'events.json']);
    const exported = await app.inject(manifest.files[0].url);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.body.split('\n')[0]).toBe('t,ax,ay,az,gx,gy,gz');
    const again = (await importCsv(exported.body, 'exercise=rom-seated')).json();
    // Both at once, as two tablets opening the history would: neither waits on the other's reading.
    const [first, second] = (await Promise.all([app.inject(`/api/sessions/${id}/rescore`), app.inject(`/api/sessions/${again.id}/rescore`)])).map((r) => {
      expect(r.statusCode).toBe(200);
      return r.json();
    });
    expect(second.sets).toEqual(first.sets);
    const events = await app.inject(manifest.files[1].url);
    expect(Compile(RecordedSessionDetail).Check(events.json())).toBe(true);
  });

  it('lists newest first in pages, shows one, renames, annotates and deletes', async () => {
    // Three of its own, whatever other tests in this file have imported before it (they run in any order).
    for (const day of ['2026-11-20', '2026-11-22', '2026-11-21']) expect((await importCsv(csv, `exercise=rom-seated&startedAt=${day}T08:00:00Z`)).statusCode).toBe(201);
    const list = (await app.inject('/api/sessions?limit=2')).json();
    expect(Compile(SessionListResponse).Check(list)).toBe(true);
    expect(list.total).toBeGreaterThanOrEqual(3);
    expect(list.sessions).toHaveLength(2);
    const all = (await app.inject('/api/sessions')).json().sessions as { id: number; startedAt: number }[];
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.startedAt >= all[i]!.startedAt).toBe(true);
    const id = all[0]!.id;
    const patched = await app.inject({ method: 'PATCH', url: `/api/sessions/${id}`, payload: { name: 'Tuesday', notes: 'after the physio' } });
    expect(patched.json()).toMatchObject({ id, name: 'Tuesday', notes: 'after the physio' });
    const detail = (await app.inject(`/api/sessions/${id}`)).json();
    expect(Compile(RecordedSessionDetail).Check(detail)).toBe(true);
    expect(detail).toMatchObject({ name: 'Tuesday', exerciseId: 'rom-seated', sensors: [{ sensorId: 'file' }] });
    expect((await app.inject({ method: 'DELETE', url: `/api/sessions/${id}` })).statusCode).toBe(204);
    expect((await app.inject(`/api/sessions/${id}`)).statusCode).toBe(404);
  });

  it('answers unknown ids with 404 and bad requests with 400, each with a clear message', async () => {
    const missing = await app.inject('/api/sessions/9999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no session 9999; "swivel sessions list" (or GET /api/sessions) shows the recorded ones');
    for (const url of ['/api/sessions/9999/export', '/api/sessions/9999/rescore', '/api/sessions/9999/samples.csv']) expect((await app.inject(url)).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: '/api/sessions/9999', payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/sessions/9999' })).statusCode).toBe(404);

    const badId = await app.inject('/api/sessions/abc');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().message).toMatch(/^bad request: /);
    const emptyPatch = await app.inject({ method: 'PATCH', url: '/api/sessions/1', payload: {} });
    expect(emptyPatch.statusCode).toBe(400);
    const badExercise = await importCsv(csv, 'exercise=moonwalk');
    expect(badExercise.statusCode).toBe(400);
    expect(badExercise.json().message).toMatch(/^bad request: .*exercise/);
    const badFile = await importCsv('t,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0,0\n0.01,0,0,1,0,0\n', 'exercise=rom-seated');
    expect(badFile.statusCode).toBe(400);
    expect(badFile.json().message).toBe('the uploaded file: line 3: expected 7 values (t,ax,ay,az,gx,gy,gz), found 6');
    const { id } = (await importCsv(csv, 'exercise=rom-seated')).json();
    const badSensor = await app.inject(`/api/sessions/${id}/samples.csv?sensor=nope`);
    expect(badSensor.statusCode).toBe(400);
    expect(badSensor.json().message).toBe(`session ${id} has no sensor "nope"; it has file`);
  });
});
