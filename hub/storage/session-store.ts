/**
 * Recorded sessions in SQLite: what the recorder writes (in one transaction per flush), and what
 * the API, the command line and replay read. Everything that touches SQL is here.
 */
import { dirname } from 'node:path';
import type { ImuSamples } from '../analyze/imu-csv.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Side } from '../protocol/programme.ts';
import type { RecordedSessionDetail, RecordedSessionItem, RecordingStatus, SessionPatch } from '../protocol/recordings.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../protocol/session.ts';
import type { LinkState } from '../protocol/messages.ts';
import type { SqliteDatabase } from './database.ts';
import { hubAlive } from './hub-lock.ts';
import { decodeChunk, encodeChunk, type StoredBatch } from './sample-chunks.ts';


/** Chunks read from the database at a time while replaying (each is about half a second of samples). */
const CHUNKS_PER_READ = 64;
/**
 * A recording without a hub lock (written by an older Swivel, or a store used without the hub) whose
 * recorder has not written for this long is interrupted, even if a process with its pid lives.
 */
export const STALE_AFTER_MS = 5000;

/** What the timeline holds, by kind; `position` is where in the sample stream it happened. */
export type TimelineBody =
  | { kind: 'reset'; epoch: number }
  | { kind: 'command'; command: SessionCommand }
  | { kind: 'link'; sensorId: string; state: LinkState; detail: string }
  | { kind: 'scoring'; run: number | null; exerciseId?: ExerciseId; side?: Side; set?: number }
  | { kind: 'event'; event: SessionEvent }
  /** The clock ended a rest (not a command): replay ends it at the same place. */
  | { kind: 'rest-over' }
  /** From here on the session scores this sensor (two sensors: the one on the set's shin); replay follows it too. */
  | { kind: 'follow'; sensorId: string };
export type TimelineEntry = TimelineBody & { position: number; at: number };

/** One flush of the recorder: everything since the previous one. */
export interface RecordingAppend {
  /** New sensors first seen in this flush (index → id). */
  sensors: { index: number; sensorId: string }[];
  chunk: { firstPosition: number; batches: StoredBatch[]; samples: number } | null;
  timeline: TimelineEntry[];
  /** Samples after the session start in this chunk (pre-roll excluded). */
  sessionSamples: number;
  exercises: string[];
  summary: SessionView | null;
  heartbeatAt: number;
  /** Set on the last flush. */
  end?: { status: 'complete'; endedAt: number };
}

interface SessionRow {
  id: number;
  source: 'live' | 'import';
  status: RecordingStatus;
  name: string | null;
  notes: string | null;
  programme_id: string;
  programme_title: string;
  exercises: string;
  exercise_id: string | null;
  side: Side | null;
  started_at: number;
  ended_at: number | null;
  heartbeat_at: number;
  recorder_pid: number | null;
  hub_lock: string | null;
  preroll_batches: number;
  preroll_from_start: number;
  batches: number;
  samples: number;
  summary: string | null;
}

/** Is that process still running on this machine? */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SessionStoreOptions {
  /**
   * The token of the hub lock this process holds (hub-lock.ts), written into the sessions it records
   * so that every reader can tell whether their hub still runs. Absent: readers fall back to the pid
   * and the heartbeat (a store used without the hub, as in tests).
   */
  hubLock?: string;
}

export class SessionStore {
  private readonly db: SqliteDatabase;
  private readonly statements;
  private ordinals = new Map<number, number>();
  private readonly hubLock: string | null;
  /** The data directory, where the hub locks are; null for a database in memory. */
  private readonly dataDir: string | null;

  constructor(db: SqliteDatabase, options: SessionStoreOptions = {}) {
    this.db = db;
    this.hubLock = options.hubLock ?? null;
    this.dataDir = db.memory ? null : dirname(db.name);
    this.statements = {
      get: db.prepare<[number], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions'),
      page: db.prepare<[number, number], SessionRow>('SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?'),
      chunks: db.prepare<[number, number, number], { first_position: number; data: Buffer }>(
        'SELECT first_position, data FROM sample_chunks WHERE session_id = ? AND first_position >= ? ORDER BY first_position LIMIT ?',
      ),
      sensors: db.prepare<[number], { sensor_index: number; sensor_id: string }>('SELECT sensor_index, sensor_id FROM session_sensors WHERE session_id = ? ORDER BY sensor_index'),
      timeline: db.prepare<[number], { position: number; at: number; kind: string; body: string }>('SELECT position, at, kind, body FROM timeline WHERE session_id = ? ORDER BY ordinal'),
      lastOrdinal: db.prepare<[number], { n: number | null }>('SELECT max(ordinal) AS n FROM timeline WHERE session_id = ?'),
      insertSensor: db.prepare('INSERT INTO session_sensors (session_id, sensor_index, sensor_id) VALUES (?, ?, ?)'),
      insertChunk: db.prepare('INSERT INTO sample_chunks (session_id, first_position, batch_count, sample_count, data) VALUES (?, ?, ?, ?, ?)'),
      insertTimeline: db.prepare('INSERT INTO timeline (session_id, ordinal, position, at, kind, body) VALUES (?, ?, ?, ?, ?, ?)'),
      progress: db.prepare(
        'UPDATE sessions SET batches = batches + ?, samples = samples + ?, exercises = ?, summary = coalesce(?, summary), heartbeat_at = ? WHERE id = ?',
      ),
      end: db.prepare("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'recording'"),
    };
  }

  /** Starts a live recording; returns its id. */
  createLiveSession(session: { programmeId: string; programmeTitle: string; startedAt: number; prerollBatches: number; prerollFromStart: boolean }): number {
    const result = this.db
      .prepare(
        `INSERT INTO sessions (source, status, programme_id, programme_title, started_at, heartbeat_at, recorder_pid, hub_lock, preroll_batches, preroll_from_start)
         VALUES ('live', 'recording', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(session.programmeId, session.programmeTitle, session.startedAt, session.startedAt, process.pid, this.hubLock, session.prerollBatches, session.prerollFromStart ? 1 : 0);
    const id = Number(result.lastInsertRowid);
    this.ordinals.set(id, 0);
    return id;
  }

  /** One flush of a live recording, all or nothing. */
  append(id: number, append: RecordingAppend): void {
    this.db.transaction(() => {
      for (const sensor of append.sensors) this.statements.insertSensor.run(id, sensor.index, sensor.sensorId);
      if (append.chunk && append.chunk.batches.length > 0) {
        this.statements.insertChunk.run(id, append.chunk.firstPosition, append.chunk.batches.length, append.chunk.samples, encodeChunk(append.chunk.batches));
      }
      let ordinal = this.ordinals.get(id) ?? (this.statements.lastOrdinal.get(id)?.n ?? -1) + 1;
      for (const entry of append.timeline) {
        const { kind, position, at, ...body } = entry;
        this.statements.insertTimeline.run(id, ordinal++, position, at, kind, JSON.stringify(body));
      }
      this.ordinals.set(id, ordinal);
      this.statements.progress.run(append.chunk?.batches.length ?? 0, append.sessionSamples, JSON.stringify(append.exercises), append.summary ? JSON.stringify(append.summary) : null, append.heartbeatAt, id);
      if (append.end) this.statements.end.run(append.end.status, append.end.endedAt, id);
    })();
  }

  /** Recordings left by hubs that died are marked interrupted for good; returns how many. */
  markInterrupted(now = Date.now()): number {
    const rows = this.db.prepare<[], SessionRow>("SELECT * FROM sessions WHERE status = 'recording'").all();
    let marked = 0;
    for (const row of rows) {
      if (this.statusOf(row, now) !== 'interrupted') continue;
      this.db.prepare("UPDATE sessions SET status = 'interrupted', ended_at = heartbeat_at WHERE id = ? AND status = 'recording'").run(row.id);
      marked++;
    }
    return marked;
  }

  list(offset: number, limit: number, now = Date.now()): { sessions: RecordedSessionItem[]; total: number } {
    return { sessions: this.statements.page.all(limit, offset).map((row) => this.item(row, now)), total: this.statements.count.get()!.n };
  }

  get(id: number, now = Date.now()): RecordedSessionItem | null {
    const row = this.statements.get.get(id);
    return row ? this.item(row, now) : null;
  }

  detail(id: number, now = Date.now()): RecordedSessionDetail | null {
    const row = this.statements.get.get(id);
    if (!row) return null;
    const timeline = this.timeline(id);
    const sensorIds = this.sensorIds(id);
    const perSensor = sensorIds.map((sensorId) => ({ sensorId, samples: 0, lostPackets: 0 }));
    for (const { position, batch } of this.batches(id)) {
      if (position < row.preroll_batches) continue;
      const sensor = perSensor[batch.sensorIndex];
      if (!sensor) continue;
      sensor.samples += batch.readings.length;
      sensor.lostPackets += batch.lost;
    }
    const sets: RecordedSessionDetail['sets'] = [];
    for (const entry of timeline) {
      if (entry.kind !== 'scoring') continue;
      const open = sets.at(-1);
      if (open && open.endedAt === null) open.endedAt = entry.at;
      if (entry.run !== null && entry.exerciseId && entry.side && entry.set !== undefined) {
        sets.push({ run: entry.run, exerciseId: entry.exerciseId, side: entry.side, set: entry.set, at: entry.at, endedAt: null });
      }
    }
    return {
      ...this.item(row, now),
      programmeTitle: row.programme_title,
      exerciseId: row.exercise_id,
      side: row.side,
      sensors: perSensor,
      summary: row.summary ? (JSON.parse(row.summary) as SessionView) : null,
      sets,
      events: timeline.flatMap((e) => (e.kind === 'event' ? [{ at: e.at, event: e.event }] : [])),
      commands: timeline.flatMap((e) => (e.kind === 'command' ? [{ at: e.at, command: e.command }] : [])),
      links: timeline.flatMap((e) => (e.kind === 'link' ? [{ at: e.at, sensorId: e.sensorId, state: e.state, detail: e.detail }] : [])),
      resets: timeline.flatMap((e) => (e.kind === 'reset' ? [{ at: e.at, epoch: e.epoch }] : [])),
    };
  }

  /** What replay needs beyond the samples: where the session proper starts, and what it was. */
  replayInfo(id: number): { prerollBatches: number; prerollFromStart: boolean; source: 'live' | 'import'; exerciseId: string | null; side: Side | null } | null {
    const row = this.statements.get.get(id);
    return row ? { prerollBatches: row.preroll_batches, prerollFromStart: row.preroll_from_start === 1, source: row.source, exerciseId: row.exercise_id, side: row.side } : null;
  }

  /** A re-scoring kept for this programme (see keepRescore), as its JSON; null if there is none. */
  keptRescore(id: number, programmeKey: string): string | null {
    const row = this.db.prepare<[number, string], { result: string }>('SELECT result FROM rescores WHERE session_id = ? AND programme_key = ?').get(id, programmeKey);
    return row?.result ?? null;
  }

  /** Drops a session's kept re-scorings whose key does not start with `keyPrefix`; how many there were. */
  dropRescoresExcept(id: number, keyPrefix: string): number {
    return this.db.prepare('DELETE FROM rescores WHERE session_id = ? AND substr(programme_key, 1, ?) != ?').run(id, keyPrefix.length, keyPrefix).changes;
  }

  /** Keeps a re-scoring of a session that has ended (one still recording would change). */
  keepRescore(id: number, programmeKey: string, result: string): void {
    this.db.prepare("INSERT OR REPLACE INTO rescores (session_id, programme_key, result) SELECT id, ?, ? FROM sessions WHERE id = ? AND status != 'recording'").run(programmeKey, result, id);
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }

  patch(id: number, patch: SessionPatch): RecordedSessionItem | null {
    const sets: string[] = [];
    const values: (string | null)[] = [];
    if (patch.name !== undefined) {
      sets.push('name = ?');
      values.push(patch.name);
    }
    if (patch.notes !== undefined) {
      sets.push('notes = ?');
      values.push(patch.notes);
    }
    if (sets.length > 0) this.db.prepare(`UPDATE sessions SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    return this.get(id);
  }

  sensorIds(id: number): string[] {
    return this.statements.sensors.all(id).map((row) => row.sensor_id);
  }

  /** Every batch in stream order, pre-roll included (positions below replayInfo().prerollBatches). */
  *batches(id: number): Generator<{ position: number; batch: StoredBatch }> {
    // Read a page of chunks at a time rather than hold a statement open while the caller works: a
    // replay paced to real time yields for minutes, and an open iterator makes every other query on
    // the connection (the recorder's writes, another replay) fail with "statement is busy".
    let from = 0;
    for (;;) {
      const page = this.statements.chunks.all(id, from, CHUNKS_PER_READ);
      for (const chunk of page) {
        let position = chunk.first_position;
        for (const batch of decodeChunk(chunk.data)) yield { position: position++, batch };
        from = position;
      }
      if (page.length < CHUNKS_PER_READ) return;
    }
  }

  timeline(id: number): TimelineEntry[] {
    return this.statements.timeline.all(id).map((row) => ({ ...(JSON.parse(row.body) as object), kind: row.kind, position: row.position, at: row.at }) as TimelineEntry);
  }

  /**
   * A file of samples (the `swivel analyze` format) as a new, complete session: one batch per
   * sample on the file's clock, exactly as `swivel analyze` feeds the pipeline.
   */
  importSamples(session: { exerciseId: ExerciseId; side: Side | null; name: string | null; programmeId: string; programmeTitle: string; samples: ImuSamples; dt: number; importedAt: number; sensorId?: string }): number {
    const { samples } = session;
    const durationMs = samples.length > 1 ? (samples.t[samples.length - 1]! - samples.t[0]!) * 1000 : 0;
    return this.db.transaction(() => {
      const result = this.db
        .prepare(
          `INSERT INTO sessions (source, status, name, programme_id, programme_title, exercises, exercise_id, side, started_at, ended_at, heartbeat_at, batches, samples, preroll_from_start)
           VALUES ('import', 'complete', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(session.name, session.programmeId, session.programmeTitle, JSON.stringify([session.exerciseId]), session.exerciseId, session.side, session.importedAt, session.importedAt + durationMs, session.importedAt, samples.length, samples.length);
      const id = Number(result.lastInsertRowid);
      this.statements.insertSensor.run(id, 0, session.sensorId ?? 'file');
      const CHUNK = 4096;
      for (let first = 0; first < samples.length; first += CHUNK) {
        const batches: StoredBatch[] = [];
        for (let i = first; i < Math.min(samples.length, first + CHUNK); i++) {
          // Hub time stands still: a file has no arrival times, so no silence can pause a hold.
          batches.push({ sensorIndex: 0, seq: i & 0xffff, t0: samples.t[i]!, dt: session.dt, hubAt: session.importedAt, lost: 0, readings: [{ ax: samples.ax[i]!, ay: samples.ay[i]!, az: samples.az[i]!, gx: samples.gx[i]!, gy: samples.gy[i]!, gz: samples.gz[i]! }] });
        }
        this.statements.insertChunk.run(id, first, batches.length, batches.length, encodeChunk(batches));
      }
      return id;
    })();
  }

  private statusOf(row: SessionRow, now: number): RecordingStatus {
    if (row.status !== 'recording') return row.status;
    if (row.hub_lock !== null && this.dataDir !== null) {
      // Recording exactly while its hub holds its lock: no pid to be reused, no heartbeat to wait for.
      return row.hub_lock === this.hubLock || hubAlive(this.dataDir, row.hub_lock) ? 'recording' : 'interrupted';
    }
    const stale = now - row.heartbeat_at > STALE_AFTER_MS;
    const dead = row.recorder_pid !== null && row.recorder_pid !== process.pid && !processAlive(row.recorder_pid);
    return stale || dead ? 'interrupted' : 'recording';
  }

  private item(row: SessionRow, now: number): RecordedSessionItem {
    const status = this.statusOf(row, now);
    const endedAt = status === 'interrupted' ? (row.ended_at ?? row.heartbeat_at) : row.ended_at;
    return {
      id: row.id,
      startedAt: row.started_at,
      endedAt,
      status,
      exercises: JSON.parse(row.exercises) as string[],
      samples: row.samples,
      durationSeconds: ((endedAt ?? now) - row.started_at) / 1000,
      source: row.source,
      name: row.name,
      notes: row.notes,
      programmeId: row.programme_id,
    };
  }
}
