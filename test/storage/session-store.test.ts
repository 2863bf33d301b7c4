import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, StorageError, openDatabase, type SqliteDatabase } from '../../hub/storage/database.ts';
import { decodeChunk, encodeChunk, type StoredBatch } from '../../hub/storage/sample-chunks.ts';
import { STALE_AFTER_MS, SessionStore } from '../../hub/storage/session-store.ts';

const batch = (i: number, sensorIndex = 0): StoredBatch => ({
  sensorIndex,
  seq: (65530 + i) & 0xffff,
  t0: 1000 + i * 0.04,
  dt: 0.01,
  hubAt: 1.7e12 + i * 40,
  lost: i % 3,
  // Values a float32 could not hold exactly: the codec must keep every bit.
  readings: Array.from({ length: 4 }, (_, k) => ({ ax: 0.1 * i + k / 3, ay: -1 / 7, az: 1 + 1e-12 * k, gx: Math.PI * i, gy: -2000 + k, gz: 1 / 3 })),
});

describe('sample chunks', () => {
  it('round-trip every value bit for bit, sequence wrap and loss counts included', () => {
    const batches = [batch(0), batch(1, 1), batch(2), { ...batch(3), readings: [] }];
    expect(decodeChunk(encodeChunk(batches))).toEqual(batches);
  });

  it('refuse a truncated chunk rather than inventing samples', () => {
    const bytes = encodeChunk([batch(0)]);
    expect(() => decodeChunk(bytes.subarray(0, bytes.length - 8))).toThrow(/ends inside a batch of 4 samples/);
    expect(() => decodeChunk(bytes.subarray(0, 20))).toThrow(/ends inside a batch header/);
  });
});

describe('the database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swivel-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created in WAL mode with every migration recorded once, and reopens without migrating again', () => {
    const db = openDatabase(join(dir, 'data'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = () => db.prepare('SELECT version FROM migrations ORDER BY version').all();
    expect(versions()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
    const again = openDatabase(join(dir, 'data'));
    expect(again.prepare('SELECT count(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length });
    again.close();
  });

  it('refuses a database from a newer Swivel, saying so', () => {
    const db = openDatabase(dir);
    db.prepare('INSERT INTO migrations (version, description, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'from the future', 0);
    db.close();
    expect(() => openDatabase(dir)).toThrow(new StorageError(`the database in ${dir} has schema version ${SCHEMA_VERSION + 1}, newer than this Swivel understands (${SCHEMA_VERSION}); upgrade Swivel`));
  });

  it('says which directory cannot be used when the database cannot be opened', () => {
    // A directory where the database file should be: SQLite cannot open it, whoever runs the test.
    mkdirSync(join(dir, 'swivel.db'));
    expect(() => openDatabase(dir)).toThrow(`cannot write to the data directory ${dir}: it is read-only or not permitted`);
  });
});

describe('the session store', () => {
  let dir: string;
  let db: SqliteDatabase;
  let store: SessionStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swivel-store-'));
    db = openDatabase(dir);
    store = new SessionStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const live = (startedAt: number) => store.createLiveSession({ programmeId: 'p', programmeTitle: 'P', startedAt, prerollBatches: 1, prerollFromStart: true });

  it('keeps flushes in order, counts samples after the pre-roll, and ends complete', () => {
    const id = live(5000);
    store.append(id, {
      sensors: [{ index: 0, sensorId: 'sensor-1' }],
      chunk: { firstPosition: 0, batches: [batch(0), batch(1)], samples: 8 },
      timeline: [{ kind: 'reset', epoch: 1, position: 1, at: 5000 }],
      sessionSamples: 4,
      exercises: ['rom-seated'],
      summary: null,
      heartbeatAt: 5400,
    });
    store.append(id, {
      sensors: [],
      chunk: { firstPosition: 2, batches: [batch(2)], samples: 4 },
      timeline: [{ kind: 'command', command: { action: 'stop' }, position: 3, at: 5900 }],
      sessionSamples: 4,
      exercises: ['rom-seated'],
      summary: null,
      heartbeatAt: 5900,
      end: { status: 'complete', endedAt: 6000 },
    });
    expect([...store.batches(id)].map(({ position, batch: b }) => [position, b.seq])).toEqual([
      [0, batch(0).seq],
      [1, batch(1).seq],
      [2, batch(2).seq],
    ]);
    expect(store.timeline(id)).toEqual([
      { kind: 'reset', epoch: 1, position: 1, at: 5000 },
      { kind: 'command', command: { action: 'stop' }, position: 3, at: 5900 },
    ]);
    const detail = store.detail(id, 7000)!;
    expect(detail).toMatchObject({ status: 'complete', startedAt: 5000, endedAt: 6000, durationSeconds: 1, samples: 8, exercises: ['rom-seated'] });
    // The pre-roll batch (position 0) is not the session's.
    expect(detail.sensors).toEqual([{ sensorId: 'sensor-1', samples: 8, lostPackets: batch(1).lost + batch(2).lost }]);
  });

  it('calls a recording whose hub stopped writing interrupted, and keeps it so', () => {
    const id = live(10_000);
    expect(store.get(id, 10_000 + STALE_AFTER_MS)!.status).toBe('recording');
    expect(store.get(id, 10_001 + STALE_AFTER_MS)).toMatchObject({ status: 'interrupted', endedAt: 10_000 });
    expect(store.markInterrupted(10_001 + STALE_AFTER_MS)).toBe(1);
    expect(store.get(id, 0)!.status).toBe('interrupted');
  });

  it('lists newest first, a page at a time, renames, annotates and deletes with everything it holds', () => {
    const ids = [live(3000), live(1000), live(2000)];
    expect(store.list(0, 2, 3000).sessions.map((s) => s.id)).toEqual([ids[0], ids[2]]);
    expect(store.list(2, 2, 3000)).toMatchObject({ total: 3, sessions: [{ id: ids[1] }] });
    expect(store.patch(ids[1]!, { name: 'Monday', notes: 'left felt tight' })).toMatchObject({ name: 'Monday', notes: 'left felt tight' });
    expect(store.patch(ids[1]!, { notes: null })).toMatchObject({ name: 'Monday', notes: null });
    expect(store.patch(999, { name: 'x' })).toBeNull();
    store.append(ids[1]!, { sensors: [{ index: 0, sensorId: 's' }], chunk: { firstPosition: 0, batches: [batch(0)], samples: 4 }, timeline: [], sessionSamples: 4, exercises: [], summary: null, heartbeatAt: 1000 });
    expect(store.delete(ids[1]!)).toBe(true);
    expect(store.delete(ids[1]!)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM sample_chunks').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM session_sensors').get()).toEqual({ n: 0 });
  });
});
