/**
 * `swivel record` and `swivel sessions …`: hub/cli.ts parses the options and loads this module only
 * when one of them runs. The work is Recordings' (the same code as /api/sessions).
 */
import { NotFoundError } from '../exit-codes.ts';
import { formatLocalTime, isoWithOffset } from '../local-time.ts';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImuCsv } from '../analyze/imu-csv.ts';
import type { SensorMode } from '../ble/choose-bindings.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Programme, Side } from '../protocol/programme.ts';
import type { RecordedSessionItem } from '../protocol/recordings.ts';
import type { SessionEvent, SessionView } from '../protocol/session.ts';
import { DATABASE_FILE, StorageError, openDatabase, type SqliteDatabase } from '../storage/database.ts';
import { SessionStore } from '../storage/session-store.ts';
import { Recordings, sensorFileName } from './recordings.ts';
import { summaryCsv } from './summary-export.ts';
import Database from 'better-sqlite3';
import type { ReplaySpeed } from './replay.ts';
import type { Recorder } from './recorder.ts';
import type { SessionService } from '../session/session-service.ts';

export const SESSIONS_HELP = `Usage: swivel sessions <action> [options]      (every action takes --data DIR)

Recorded sessions (docs/storage.md). "swivel backup FILE" copies them all, safely while the hub runs. The data directory is --data DIR, else $SWIVEL_DATA, else your data folder
(on Linux $XDG_DATA_HOME/swivel or ~/.local/share/swivel). Times are local, with the zone.

  list [--json] [--limit N]           newest first; --json prints an array of
                                      {id, startedAt, endedAt, status, exercises, samples, durationSeconds}
  show ID [--json]                    a session's summary, sets and events
  export ID --out DIR [--json]        one CSV per sensor (the "swivel analyze" input format) and events.json
  export --summary [--out FILE]       one CSV row per set across all sessions, for a spreadsheet: date, time,
                                      exercise, side, reps, partial reps, hold, largest angle, the targets
                                      (to standard output without --out)
  import FILE.csv --exercise ID [--side left|right] [--name TEXT] [--started-at "2026-11-18 09:30"] [--json]
                                      a CSV in the "swivel analyze" format as a new session
  replay ID [--speed N|max] [--json]  re-scores the recorded samples through the live pipeline; --json prints
                                      one "swivel analyze --json" object per set, in an array
  rename ID [--name TEXT] [--notes TEXT]
  delete ID
`;

export const RECORD_HELP = `Usage: swivel record --exercise ID [options]

Records one exercise as a session without the dashboard (say on a small board by the exercise mat),
printing the counts as they happen. It ends when the exercise is done (both sides, or the side
given), after --duration, or on Ctrl+C; the session is kept in the data directory either way.

  --exercise ID            the exercise (see "swivel analyze --help" for the ids)
  --side left|right        only this side (default: every side the programme has, in its order)
  --sensor auto|sim|ble    as for "swivel serve" (default auto); the simulator does this exercise
  --duration S             stop after S seconds
  --json                   progress on stderr; at the end one JSON object on stdout:
                           {session, ended, reps, results: [each set's figures]}
  --data DIR               the data directory (default $SWIVEL_DATA, else your data folder)
  --radio DIR              radio directory of simulated sensors
  --no-spawn-sim           do not start a simulator; use one started with "npm run sim"
  --sim-person N           which simulated person (a seed)
  --programme FILE         the programme (default: the shipped one)
  -h, --help               this text
`;

/** Opens the data directory; read-only actions can read a directory they cannot write. */
function open(dataDir: string, write: boolean): { db: SqliteDatabase; store: SessionStore } | null {
  if (!write && !existsSync(join(dataDir, DATABASE_FILE))) return null;
  try {
    const db = openDatabase(dataDir);
    return { db, store: new SessionStore(db) };
  } catch (error) {
    if (write || !(error instanceof StorageError)) throw error;
    const db = openDatabase(dataDir, { readonly: true });
    return { db, store: new SessionStore(db) };
  }
}

async function withRecordings<T>(dataDir: string, programme: Programme, write: boolean, empty: () => T, run: (recordings: Recordings) => Promise<T> | T): Promise<T> {
  const opened = open(dataDir, write);
  if (!opened) return empty();
  try {
    return await run(new Recordings(opened.store, programme));
  } finally {
    opened.db.close();
  }
}

const noSessions = (dataDir: string) => () => {
  throw new NotFoundError(`no sessions are recorded in ${dataDir} (no ${DATABASE_FILE} there); use --data DIR or SWIVEL_DATA to point at another data directory`);
};

const when = (ms: number | null) => (ms === null ? '—' : formatLocalTime(ms));
const isoOrNull = (ms: number | null) => (ms === null ? null : isoWithOffset(ms));
/** A session in `--json` output: times in ISO 8601 with the local offset. */
const itemJson = ({ id, startedAt, endedAt, status, exercises, samples, durationSeconds }: RecordedSessionItem) => ({ id, startedAt: isoWithOffset(startedAt), endedAt: isoOrNull(endedAt), status, exercises, samples, durationSeconds });

export async function listSessions(options: { dataDir: string; programme: Programme; json: boolean; limit: number }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const sessions = await withRecordings(options.dataDir, options.programme, false, () => [] as RecordedSessionItem[], (r) => r.list(0, options.limit).sessions);
  if (options.json) {
    out.write(`${JSON.stringify(sessions.map(itemJson))}\n`);
    return;
  }
  if (sessions.length === 0) {
    out.write(`no sessions recorded in ${options.dataDir}\n`);
    return;
  }
  for (const s of sessions) {
    const name = s.name ? ` "${s.name}"` : '';
    out.write(`${String(s.id).padStart(5)}  ${when(s.startedAt)}  ${s.status.padEnd(11)}  ${s.durationSeconds.toFixed(0).padStart(5)} s  ${String(s.samples).padStart(8)} samples  ${s.exercises.join(', ') || '—'}${name}\n`);
  }
}

export async function showSession(options: { dataDir: string; programme: Programme; id: number; json: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const detail = await withRecordings(options.dataDir, options.programme, false, noSessions(options.dataDir), (r) => r.show(options.id));
  if (options.json) {
    out.write(`${JSON.stringify({ ...detail, startedAt: isoWithOffset(detail.startedAt), endedAt: isoOrNull(detail.endedAt) })}\n`);
    return;
  }
  const lines = [
    `session ${detail.id}${detail.name ? ` "${detail.name}"` : ''}: ${detail.status}, ${detail.source === 'import' ? 'imported' : 'recorded live'}`,
    `  started    ${when(detail.startedAt)}, ${detail.durationSeconds.toFixed(1)} s`,
    `  programme  ${detail.programmeTitle} (${detail.programmeId})`,
    `  sensors    ${detail.sensors.map((s) => `${s.sensorId}: ${s.samples} samples, ${s.lostPackets} notifications lost`).join('; ') || 'none'}`,
    `  events     ${detail.events.length} (${detail.events.filter((e) => e.event.kind === 'rep').length} reps), ${detail.commands.length} commands, ${detail.links.length} link changes`,
  ];
  if (detail.notes) lines.push(`  notes      ${detail.notes}`);
  for (const result of detail.summary?.results ?? []) {
    const hold = result.holdSeconds !== null ? `, held ${result.holdSeconds.toFixed(1)} s` : '';
    const max = result.maxAngle !== null ? `, max ${result.maxAngle.toFixed(1)}°` : '';
    lines.push(`  set        ${result.exerciseId} ${result.side} ${result.set}: ${result.reps} reps${hold}${max}${result.completed ? '' : ' (left early)'}`);
  }
  for (const rom of detail.summary?.rom ?? []) {
    const side = (s: typeof rom.left) => (s ? `${s.best.toFixed(1)}° (${s.comparedWithNormal})` : '—');
    lines.push(`  ROM        ${rom.exerciseId}: left ${side(rom.left)}, right ${side(rom.right)}${rom.asymmetry ? `, asymmetry ${rom.asymmetry.deg.toFixed(1)}°` : ''}`);
  }
  out.write(`${lines.join('\n')}\n`);
}

export async function exportSummary(options: { dataDir: string; programme: Programme; outFile: string | null }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const csv = await withRecordings(options.dataDir, options.programme, false, noSessions(options.dataDir), (r) => summaryCsv(r));
  if (options.outFile === null) return void out.write(csv);
  await writeFile(options.outFile, csv);
  out.write(`${csv.split('\n').length - 2} sets written to ${options.outFile}\n`);
}

export const BACKUP_HELP = `Usage: swivel backup FILE [--data DIR] [--json]

Copies the data directory's database (every session and pairing) to FILE, consistently, even while a
hub is recording into it (SQLite's online backup). FILE must not exist yet. To restore, stop the hub
and put the copy in place of swivel.db in the data directory.
`;

/** SQLite's online backup: a consistent copy while a hub may be writing (WAL). */
export async function backupDatabase(options: { dataDir: string; file: string; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (!existsSync(join(options.dataDir, DATABASE_FILE))) noSessions(options.dataDir)();
  if (existsSync(options.file)) throw new StorageError(`${options.file} already exists; give the backup a new name, so that no copy is overwritten`);
  const db = openDatabase(options.dataDir, { readonly: true });
  try {
    await db.backup(options.file);
  } catch (error) {
    throw new StorageError(`cannot write the backup to ${options.file}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  const sessions = new Database(options.file, { readonly: true });
  try {
    const { n } = sessions.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!;
    if (options.json) out.write(`${JSON.stringify({ file: options.file, sessions: n })}\n`);
    else out.write(`backed up ${n} session${n === 1 ? '' : 's'} from ${options.dataDir} to ${options.file}\n`);
  } finally {
    sessions.close();
  }
}

export async function exportSession(options: { dataDir: string; programme: Programme; id: number; outDir: string; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const written = await withRecordings(options.dataDir, options.programme, false, noSessions(options.dataDir), async (r) => {
    const sensors = r.sensors(options.id);
    await mkdir(options.outDir, { recursive: true });
    const paths: string[] = [];
    for (const sensorId of sensors) {
      const path = join(options.outDir, sensorFileName(sensorId));
      await writeFile(path, r.sensorCsv(options.id, sensorId));
      paths.push(path);
    }
    const events = join(options.outDir, 'events.json');
    await writeFile(events, r.eventsJson(options.id));
    return [...paths, events];
  });
  if (options.json) return void out.write(`${JSON.stringify({ id: options.id, files: written })}\n`);
  out.write(`session ${options.id} exported:\n${written.map((p) => `  ${p}\n`).join('')}`);
}

export async function importSession(
  options: { dataDir: string; programme: Programme; file: string; exerciseId: ExerciseId; side: Side | null; name: string | null; startedAt?: number; json?: boolean },
  out: NodeJS.WritableStream = process.stdout,
): Promise<RecordedSessionItem> {
  const parsed = await readImuCsv(options.file);
  // Checked before the data directory is opened, so a mistyped path creates nothing.
  if (!parsed.ok && parsed.error.kind === 'missing') throw new NotFoundError(`${options.file}: ${parsed.error.message}`);
  const item = await withRecordings(options.dataDir, options.programme, true, () => {
    throw new Error('unreachable');
  }, (r) => r.importParsed(parsed, { exerciseId: options.exerciseId, side: options.side, name: options.name, fileName: options.file, ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}) }));
  if (options.json) out.write(`${JSON.stringify(itemJson(item))}\n`);
  else out.write(`${options.file}: imported as session ${item.id} (${item.samples} samples, ${item.durationSeconds.toFixed(1)} s of ${options.exerciseId})\n`);
  return item;
}

export async function replayCommand(options: { dataDir: string; programme: Programme; id: number; speed: ReplaySpeed; json: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const result = await withRecordings(options.dataDir, options.programme, false, noSessions(options.dataDir), (r) => r.rescore(options.id, options.speed));
  if (result.scoringUpdated) process.stderr.write(`swivel: session ${options.id} was scored again: this version of Swivel scores differently from the one that kept its figures\n`);
  if (options.json) {
    out.write(`${JSON.stringify(result.sets)}\n`);
    return;
  }
  if (result.sets.length === 0) out.write(`session ${options.id}: no set was scored\n`);
  for (const set of result.sets) {
    const held = set.holds.length > 0 ? `, held ${set.holdTotal.toFixed(1)} s in ${set.holds.length} span${set.holds.length === 1 ? '' : 's'}` : '';
    out.write(`${set.exercise} ${set.side ?? ''}: ${set.repCount} reps, max ${set.maxAngle.toFixed(1)}°${held}, ${set.samples} samples\n`);
  }
}

export async function renameSession(options: { dataDir: string; programme: Programme; id: number; name?: string; notes?: string }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const patch = { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.notes !== undefined ? { notes: options.notes } : {}) };
  const item = await withRecordings(options.dataDir, options.programme, true, noSessions(options.dataDir), (r) => r.rename(options.id, patch));
  out.write(`session ${item.id}: name ${item.name === null ? '—' : `"${item.name}"`}${item.notes ? `, notes "${item.notes}"` : ''}\n`);
}

export async function deleteSession(options: { dataDir: string; programme: Programme; id: number }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  await withRecordings(options.dataDir, options.programme, true, noSessions(options.dataDir), (r) => r.delete(options.id));
  out.write(`session ${options.id} deleted\n`);
}

/** A line for each thing worth saying while recording. */
export function describeEvent(event: SessionEvent): string | null {
  switch (event.kind) {
    case 'rep':
      return `rep ${event.count}: peak ${event.rep.peakAngle.toFixed(1)}°, end hold ${event.rep.hold.toFixed(1)} s${event.rep.holdMet === false ? ' (short)' : ''}`;
    case 'partial':
      return `partial: peak ${event.rep.peakAngle.toFixed(1)}° (not counted)`;
    case 'rep-withdrawn':
      return `a rep was a partial after all: ${event.count} reps`;
    case 'hold-start':
      return `in position at ${event.position.toFixed(1)}°`;
    case 'hold-paused':
      return `hold paused (${event.reason})`;
    case 'hold-resumed':
      return 'hold resumed';
    case 'hold-target-reached':
      return 'hold target reached';
    case 'effort-start':
      return `effort ${event.cycle}`;
    case 'relax-start':
      return `relax ${event.cycle}`;
    case 'set-complete':
      return `set complete: ${event.exerciseId} ${event.side} ${event.set}`;
    default:
      return null;
  }
}

/** Does the session still do what `swivel record` was asked to record? */
export function stillRecording(view: SessionView, exerciseId: ExerciseId, side: Side | null): boolean {
  if (view.status === 'finished') return false;
  const at = view.status === 'rest' ? view.next : view.current;
  if (!at) return view.status === 'idle';
  return at.exerciseId === exerciseId && (side === null || at.side === side);
}

export interface RecordCommand {
  exerciseId: ExerciseId;
  side: Side | null;
  sensor: SensorMode;
  durationSeconds: number | null;
  dataDir: string;
  radioDir?: string;
  spawnSimulator: boolean;
  simulatorPerson?: number;
  programme: Programme;
  /** Progress to stderr, and one JSON object at the end on stdout: the session, why it ended, each set's figures. */
  json?: boolean;
}

/** What `swivel record` needs of a started hub: its session and recorder, and a way to stop it. */
export interface RecordingHub {
  session: SessionService;
  recorder: Recorder | null;
  close(): Promise<void>;
}

/** Starts the hub for `record` (hub/main.ts's startHub, passed in by the CLI so this module never reaches up to it). */
export type StartRecordingHub = (options: {
  port: number;
  host: string;
  sensor: SensorMode;
  radioDir?: string;
  spawnSimulator?: boolean;
  simulatorExercise?: ExerciseId;
  simulatorPerson?: number;
  programme?: Programme;
  dataDir?: string | null;
  log?: (line: string) => void;
}) => Promise<RecordingHub>;

/** Runs the hub without a screen, records one exercise, and prints what is counted. */
export async function runRecord(command: RecordCommand, startHub: StartRecordingHub, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  // With --json, stdout carries only the result; what happens along the way goes to stderr.
  const out = command.json ? process.stderr : stdout;
  // An unwritable data directory is the one thing `record` cannot do without: refuse before starting.
  openDatabase(command.dataDir).close();
  let finish: (why: string) => void = () => {};
  const finished = new Promise<string>((resolve) => (finish = resolve));
  const onSignal = (signal: string) => finish(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const running = await startHub({
    port: 0,
    host: '127.0.0.1',
    sensor: command.sensor,
    radioDir: command.radioDir,
    spawnSimulator: command.spawnSimulator,
    simulatorExercise: command.exerciseId,
    simulatorPerson: command.simulatorPerson,
    programme: command.programme,
    dataDir: command.dataDir,
    log: (line) => out.write(`${line}\n`),
  });
  const { session, recorder } = running;
  const events = session.events$.subscribe(({ event }) => {
    const line = describeEvent(event);
    if (line) out.write(`${line}\n`);
  });
  let lastStatus: SessionView['status'] | null = null;
  const views = session.view$.subscribe((view) => {
    if (view.status !== lastStatus) {
      lastStatus = view.status;
      const current = view.current ? `${view.current.exerciseId} ${view.current.side}, set ${view.current.set}` : '';
      if (view.status === 'calibrating') out.write(`${current}: hold still in the start position\n`);
      if (view.status === 'active') out.write(`${current}: counting\n`);
      if (view.status === 'rest' && view.rest) out.write(`rest ${view.rest.totalSeconds} s\n`);
    }
    if (!stillRecording(view, command.exerciseId, command.side)) finish('the exercise is done');
  });
  const timer = command.durationSeconds === null ? null : setTimeout(() => finish(`${command.durationSeconds} s are up`), command.durationSeconds * 1000);
  session.command({ action: 'start', exerciseId: command.exerciseId, ...(command.side ? { side: command.side } : {}) });
  const sessionId = recorder?.sessionId ?? null;
  if (sessionId !== null) out.write(`recording session ${sessionId} in ${command.dataDir}\n`);
  const why = await finished;
  if (timer) clearTimeout(timer);
  const view = session.view;
  if (view.status !== 'finished') session.command({ action: 'stop' });
  events.unsubscribe();
  views.unsubscribe();
  const failed = recorder?.lastNotice?.status === 'failed' ? recorder.lastNotice.message : null;
  await running.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const reps = session.view.results.reduce((total, result) => total + result.reps, 0);
  if (failed) throw new StorageError(failed);
  if (command.json) stdout.write(`${JSON.stringify({ session: sessionId, ended: why, reps, results: session.view.results })}\n`);
  else out.write(`${why}: session ${sessionId} saved (${reps} reps); "swivel sessions show ${sessionId}" shows it\n`);
}
