/**
 * The hub's SQLite database (better-sqlite3, WAL) in its data directory, and the migrations that
 * bring any older file up to the current schema. Each migration runs once, in its own transaction,
 * and is remembered in `migrations`; a file from a newer Swivel is refused rather than damaged.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'swivel.db';

/**
 * The per-user data folder on this platform: on Linux and other Unixes `$XDG_DATA_HOME/swivel`, else
 * `~/.local/share/swivel`; on macOS `~/Library/Application Support/swivel`; on Windows
 * `%LOCALAPPDATA%\swivel`. The same whatever folder a command runs in.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'swivel');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'swivel');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and is to be ignored.
  const xdg = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(xdg, 'swivel');
}

/** Where a command keeps its data, and anything the person should know about that choice. */
export interface DataDirChoice {
  dir: string;
  /** Said once on stderr: an earlier version's ./data is in use, and how to move it. */
  notice: string | null;
}

/**
 * --data, else SWIVEL_DATA, else the user's data folder. Earlier versions kept data in ./data of the
 * folder the hub was started in: if that holds sessions and the user's data folder does not, it is
 * used as it is (nothing is left behind or silently split in two) and the notice says how to move it.
 */
export function chooseDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): DataDirChoice {
  if (option !== undefined) return { dir: resolve(cwd, option), notice: null };
  if (env.SWIVEL_DATA) return { dir: resolve(cwd, env.SWIVEL_DATA), notice: null };
  const user = userDataDir(env);
  const legacy = join(cwd, 'data');
  if (existsSync(join(legacy, DATABASE_FILE)) && !existsSync(join(user, DATABASE_FILE)) && resolve(legacy) !== resolve(user)) {
    return {
      dir: legacy,
      notice: `using the sessions in ${legacy}, where earlier versions of Swivel kept them. To find them from any folder, stop the hub and move them to your data folder: ${
        existsSync(user) ? `move the files in ${legacy} into ${user}` : `mkdir -p "${dirname(user)}" && mv "${legacy}" "${user}"`
      }`,
    };
  }
  return { dir: user, notice: null };
}

/** A storage problem said in one line for a person: which directory, and what is wrong with it. */
export class StorageError extends Error {}

/** Explains an error from the file system or SQLite in words that name the directory. */
export function describeStorageError(dataDir: string, error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DBMOVED':
    case 'SQLITE_CANTOPEN':
      return `cannot write to the data directory ${dataDir}: it is read-only or not permitted (${message ?? code})`;
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return `the disk holding the data directory ${dataDir} is full (${message ?? code})`;
    case 'SQLITE_BUSY':
      return `the database in ${dataDir} is locked by another process (${message ?? code})`;
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return `the database file ${join(dataDir, DATABASE_FILE)} is damaged or is not a Swivel database (${message ?? code}); it is kept exactly as it is: move it elsewhere (or put a backup in its place) and start again to record into a new one`;
    default:
      return `the data directory ${dataDir} cannot be used: ${message ?? String(error)}`;
  }
}

/** One schema step: `version` is the schema version after it. */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions, their sensors, sample chunks and timeline',
    sql: `
      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        -- 'live' (recorded by a hub) or 'import' (a CSV)
        source TEXT NOT NULL CHECK (source IN ('live', 'import')),
        -- 'recording' while a hub writes it (see heartbeat_at), 'complete' once ended cleanly,
        -- 'interrupted' once found stale after a crash
        status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        name TEXT,
        notes TEXT,
        programme_id TEXT NOT NULL,
        programme_title TEXT NOT NULL,
        -- JSON: exercise ids in the order they were done
        exercises TEXT NOT NULL DEFAULT '[]',
        -- the exercise and side of an imported file (null for live sessions: see the timeline)
        exercise_id TEXT,
        side TEXT,
        -- hub clock, ms since the epoch
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        heartbeat_at INTEGER NOT NULL,
        recorder_pid INTEGER,
        -- batches recorded before the session started, so a replay's fusion starts from the same
        -- state as live; 1 in preroll_from_start when they go back to the sensor stream's start
        preroll_batches INTEGER NOT NULL DEFAULT 0,
        preroll_from_start INTEGER NOT NULL DEFAULT 0,
        batches INTEGER NOT NULL DEFAULT 0,
        samples INTEGER NOT NULL DEFAULT 0,
        -- JSON: the last SessionView (results, ROM)
        summary TEXT
      );
      CREATE INDEX sessions_by_start ON sessions (started_at DESC, id DESC);

      CREATE TABLE session_sensors (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        sensor_index INTEGER NOT NULL,
        sensor_id TEXT NOT NULL,
        PRIMARY KEY (session_id, sensor_index)
      ) WITHOUT ROWID;

      -- The samples, in the order the angle pipeline saw them: one row per flush, a BLOB of packed
      -- batches (see sample-chunks.ts). first_position is the stream index of the first batch.
      -- A rowid table: a flush's few kilobytes fit in its page, where an index b-tree (WITHOUT
      -- ROWID) would spill anything over about 1 kB into a mostly empty overflow page.
      CREATE TABLE sample_chunks (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        first_position INTEGER NOT NULL,
        batch_count INTEGER NOT NULL,
        sample_count INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE UNIQUE INDEX sample_chunks_in_order ON sample_chunks (session_id, first_position);

      -- Everything else, at its place in the sample stream: position = batches that had entered the
      -- angle pipeline when it happened. kind: reset, command, link, scoring, event, lost.
      CREATE TABLE timeline (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        position INTEGER NOT NULL,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (session_id, ordinal)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 're-scorings kept per programme',
    sql: `
      -- A session re-scored from its samples, kept for the programme it was scored with
      -- (programme_key: a hash of the programme's JSON, as its options decide the figures). An import
      -- has no live summary, so without this the history screen would re-score every imported hour
      -- on every visit.
      CREATE TABLE rescores (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        programme_key TEXT NOT NULL,
        result TEXT NOT NULL,
        PRIMARY KEY (session_id, programme_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'paired devices (hub/storage/pairing-store.ts)',
    sql: `
      -- A device allowed to reach the hub from another machine. Only a hash of its token is kept,
      -- so a copy of the database lets no one in. A revoked pairing is kept (revoked_at) so that
      -- the list says when it was revoked.
      CREATE TABLE pairings (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('coach', 'viewer')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        last_address TEXT,
        revoked_at INTEGER
      );
    `,
  },
  {
    version: 4,
    description: 'the lock of the hub recording each session',
    sql: `
      -- The token of the hub that records the session (hub-lock.ts): the session is 'recording' only
      -- while that hub holds the lock file hubs/<token>.lock in the data directory; once the lock is
      -- gone (the hub died, even by SIGKILL) every reader shows it as interrupted. Null in rows written
      -- before this column, and by recorders without a lock, which fall back to recorder_pid and the heartbeat.
      ALTER TABLE sessions ADD COLUMN hub_lock TEXT;
    `,
  },
  {
    version: 5,
    description: 'which shin each sensor is on (hub/storage/shin-store.ts)',
    sql: `
      -- A physical sensor (its Bluetooth id) and the shin the person last said it is strapped to, so
      -- that a left/right pair is set once, not at every start.
      CREATE TABLE sensor_shins (
        device_id TEXT PRIMARY KEY,
        shin TEXT NOT NULL CHECK (shin IN ('left', 'right')),
        set_at INTEGER NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/**
 * Opens (creating if needed) the database in `dataDir` and migrates it. Throws StorageError with a
 * sentence naming the directory when it cannot be created, opened or written.
 */
export function openDatabase(dataDir: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  let db: SqliteDatabase | null = null;
  try {
    if (!options.readonly) {
      mkdirSync(dataDir, { recursive: true });
      checkReadable(join(dataDir, DATABASE_FILE));
    }
    db = new Database(join(dataDir, DATABASE_FILE), { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      // Set before the first table (it only applies to a new file): a flush's chunk of a few
      // kilobytes packs several to a page instead of one per 4 kB page (bench/storage: −30 %).
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      // WAL with NORMAL: a commit survives a crash of the process (the point of kill -9), and costs
      // no fsync per transaction; only a power cut can lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    migrate(db, dataDir, options.readonly ?? false);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StorageError) throw error;
    throw new StorageError(describeStorageError(dataDir, error), { cause: error });
  }
}

/**
 * Reads an existing file's header and schema without write access first: opening a damaged file for
 * writing would switch its journal mode (a write to its header) before the damage showed, and the
 * file must be kept exactly as it is for whoever tries to rescue it.
 */
function checkReadable(path: string): void {
  // Anything but a file (a directory in its place) is left to the real open, which says what is wrong.
  if (!existsSync(path) || !statSync(path).isFile()) return;
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  try {
    probe.prepare('SELECT count(*) FROM sqlite_master').get();
    const hasMigrations = probe.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").get();
    if (hasMigrations) probe.prepare('SELECT max(version) FROM migrations').get();
  } finally {
    probe.close();
  }
}

function migrate(db: SqliteDatabase, dataDir: string, readonly: boolean): void {
  if (!readonly) db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS version FROM migrations').get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new StorageError(`the database in ${dataDir} has schema version ${current}, newer than this Swivel understands (${SCHEMA_VERSION}); upgrade Swivel`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    if (readonly) throw new StorageError(`the database in ${dataDir} needs upgrading to schema version ${SCHEMA_VERSION}; open it once with write access`);
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO migrations (version, description, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.description, Date.now());
    })();
  }
}
