/**
 * Recorded sessions as the API and the command line use them: list, show, rename, delete, export,
 * import and re-score. One implementation, so `swivel sessions …` and `/api/sessions` always agree.
 */
import { NotFoundError } from '../exit-codes.ts';
import { createHash } from 'node:crypto';
import { ImuCsvParser, IMU_CSV_HEADER, type ImuCsvResult } from '../analyze/imu-csv.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Programme, Side } from '../protocol/programme.ts';
import type { RecordedSessionDetail, RecordedSessionItem, RescoreResponse, SessionPatch } from '../protocol/recordings.ts';
import type { SessionStore } from '../storage/session-store.ts';
import { replaySession, type ReplaySpeed } from './replay.ts';
import { SCORING_VERSION } from '../pipeline/scoring-version.ts';

/** A session that does not exist: the API answers 404, the command line exits 2. */
export class UnknownSessionError extends NotFoundError {
  constructor(readonly id: number) {
    super(`no session ${id}; "swivel sessions list" (or GET /api/sessions) shows the recorded ones`);
  }
}

/** A request that cannot be carried out as asked (a bad file, an exercise the programme lacks): 400 / exit 2. */
export class RecordingRequestError extends Error {}

/** A file name that is safe on every system, from a sensor id. */
export const sensorFileName = (sensorId: string) => `samples-${sensorId.replace(/[^A-Za-z0-9_.-]+/g, '_')}.csv`;

/** An import: the exercise and side it is of, a name, the file's name for messages, and when it was recorded (ms since the epoch; default now). */
export interface ImportOptions {
  exerciseId: ExerciseId;
  side: Side | null;
  name: string | null;
  fileName: string;
  startedAt?: number;
}

export class Recordings {
  constructor(
    readonly store: SessionStore,
    readonly programme: Programme,
    /** The scoring code's version (hub/pipeline/scoring-version.ts); another only to test an update. */
    readonly scoringVersion: number = SCORING_VERSION,
  ) {}

  list(offset = 0, limit = 50): { sessions: RecordedSessionItem[]; total: number } {
    return this.store.list(offset, limit);
  }

  show(id: number): RecordedSessionDetail {
    return this.store.detail(id) ?? this.unknown(id);
  }

  rename(id: number, patch: SessionPatch): RecordedSessionItem {
    return this.store.patch(id, patch) ?? this.unknown(id);
  }

  delete(id: number): void {
    if (!this.store.delete(id)) this.unknown(id);
  }

  sensors(id: number): string[] {
    if (!this.store.get(id)) this.unknown(id);
    return this.store.sensorIds(id);
  }

  /**
   * One sensor's samples since the session started, as a `swivel analyze` CSV (g, deg/s, t on the
   * sensor's clock), in pieces of about a megabyte. Full precision, so an import replays the same.
   */
  *sensorCsv(id: number, sensorId: string): Generator<string> {
    const info = this.store.replayInfo(id) ?? this.unknown(id);
    const index = this.store.sensorIds(id).indexOf(sensorId);
    if (index < 0) throw new RecordingRequestError(`session ${id} has no sensor "${sensorId}"; it has ${this.store.sensorIds(id).join(', ') || 'none'}`);
    let text = `${IMU_CSV_HEADER}\n`;
    for (const { position, batch } of this.store.batches(id)) {
      if (position < info.prerollBatches || batch.sensorIndex !== index) continue;
      for (let i = 0; i < batch.readings.length; i++) {
        const r = batch.readings[i]!;
        text += `${batch.t0 + i * batch.dt},${r.ax},${r.ay},${r.az},${r.gx},${r.gy},${r.gz}\n`;
      }
      if (text.length > 1 << 20) {
        yield text;
        text = '';
      }
    }
    yield text;
  }

  /** The session's events, commands, links and results as one JSON document. */
  eventsJson(id: number): string {
    return `${JSON.stringify(this.show(id), null, 2)}\n`;
  }

  /** A CSV in the `swivel analyze` format (its text) as a new session. */
  importCsv(text: string, options: ImportOptions): RecordedSessionItem {
    const parser = new ImuCsvParser();
    let start = 0;
    while (start <= text.length && !parser.failed) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      if (end < text.length || line !== '') parser.push(line);
      start = end + 1;
    }
    return this.importParsed(parser.finish(), options);
  }

  importParsed(parsed: ImuCsvResult, options: ImportOptions): RecordedSessionItem {
    if (!parsed.ok) throw new RecordingRequestError(`${options.fileName}: ${parsed.error.message}`);
    if (!this.programme.exercises.some((e) => e.id === options.exerciseId)) {
      throw new RecordingRequestError(`the programme "${this.programme.id}" has no exercise "${options.exerciseId}"`);
    }
    const id = this.store.importSamples({
      exerciseId: options.exerciseId,
      side: options.side,
      name: options.name ?? options.fileName,
      programmeId: this.programme.id,
      programmeTitle: this.programme.title,
      samples: parsed.samples,
      dt: parsed.timing.medianInterval,
      importedAt: options.startedAt ?? Date.now(),
    });
    return this.store.get(id)!;
  }

  /**
   * Every set re-scored from the recorded samples, in the `swivel analyze --json` shape. As fast as
   * it goes, the result is kept for this programme once the session has ended (the same samples and
   * options always give the same figures), so the history screen re-scores an import only once.
   */
  async rescore(id: number, speed: ReplaySpeed = 'max', signal?: AbortSignal): Promise<RescoreResponse> {
    if (!this.store.get(id)) this.unknown(id);
    if (speed === 'max') {
      const kept = this.store.keptRescore(id, this.programmeKey);
      if (kept !== null) return JSON.parse(kept) as RescoreResponse;
    }
    const sets = await replaySession(this.store, id, { programme: this.programme, speed, signal });
    const response: RescoreResponse = { id, sets: sets.map((set) => set.summary) };
    if (signal?.aborted) return response;
    // Figures kept by an older scoring are stale for good: dropped, and the answer says they changed.
    const replaced = this.store.dropRescoresExcept(id, this.scoringPrefix);
    this.store.keepRescore(id, this.programmeKey, JSON.stringify(response));
    return replaced > 0 ? { ...response, scoringUpdated: true } : response;
  }

  private get scoringPrefix(): string {
    return `s${this.scoringVersion}:`;
  }

  /**
   * What a kept re-scoring was made with: the scoring code's version, and the programme (its targets
   * and options decide the figures too).
   */
  private get programmeKey(): string {
    return (this.key ??= `${this.scoringPrefix}${createHash('sha256').update(JSON.stringify(this.programme)).digest('hex').slice(0, 32)}`);
  }

  private key: string | null = null;

  private unknown(id: number): never {
    throw new UnknownSessionError(id);
  }
}
