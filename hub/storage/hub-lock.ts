/**
 * Which hub owns a data directory, and whether the hub that recorded a session still runs.
 *
 * Both answers come from locks the operating system holds for a process and drops the moment it
 * dies, SIGKILL included: a small SQLite file kept in an open `BEGIN EXCLUSIVE` transaction (SQLite
 * takes a POSIX advisory lock on it, and keeps that lock right between connections of one process).
 * Nothing is inferred from a pid, so a pid reused by another program after a crash cannot make a dead
 * hub look alive, and there is no heartbeat to go stale while a busy hub is merely slow.
 *
 * - `swivel.lock`: the directory's lock. A second hub on the same directory cannot take it and is
 *   refused with a sentence naming the hub that has it.
 * - `hubs/<token>.lock`: each hub's own lock, under a random token that the hub writes into every
 *   session it records. A reader (the CLI, the API, a new hub) shows a session as `recording` only
 *   while the lock named in its row is held; otherwise its hub is gone and it is `interrupted`, at once.
 *   `hubs/<token>.json` says which process that is (pid, start time, host), for messages only.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, describeStorageError, type SqliteDatabase } from './database.ts';

export const DIRECTORY_LOCK_FILE = 'swivel.lock';
export const HUB_LOCKS_DIR = 'hubs';

/** How long a starting hub waits for the directory's lock: a reader checking it holds it for microseconds. */
const ACQUIRE_WAIT_MS = 1500;

/** Another hub records in this directory: the sentence says which, and what to do. */
export class DataDirectoryInUseError extends StorageError {}

/** What a hub writes next to its lock, so that a refusal can say who has the directory. */
interface HubIdentity {
  pid: number;
  startedAt: number;
  host: string;
}

/** A held lock file: the connection whose open transaction is the lock. */
function holdLock(path: string, waitMs: number): SqliteDatabase | null {
  const db = new Database(path, { timeout: waitMs });
  try {
    // No journal file: the transaction never writes, it only holds the file's lock.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
}

/** Is the lock file at `path` held by a running process (this one included)? */
function lockHeld(path: string): boolean {
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 0 });
  } catch {
    return false; // no lock file: its hub ended cleanly and removed it
  }
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'SQLITE_BUSY';
  } finally {
    db.close();
  }
}

const hubLockPath = (dataDir: string, token: string) => join(dataDir, HUB_LOCKS_DIR, `${token}.lock`);
const hubIdentityPath = (dataDir: string, token: string) => join(dataDir, HUB_LOCKS_DIR, `${token}.json`);

/** Is the hub that holds this token's lock still running? */
export function hubAlive(dataDir: string, token: string): boolean {
  // A token is ours alone to write; anything else in a row is not a file name to probe.
  if (!/^[0-9a-f]{32}$/.test(token)) return false;
  return lockHeld(hubLockPath(dataDir, token));
}

/** The data directory, held by this hub until `release()` (or until the process dies). */
export class HubLock {
  constructor(
    readonly dataDir: string,
    /** Written into every session this hub records (`sessions.hub_lock`). */
    readonly token: string,
    private readonly held: SqliteDatabase[],
  ) {}

  release(): void {
    for (const db of this.held.splice(0)) db.close();
    rmSync(hubLockPath(this.dataDir, this.token), { force: true });
    rmSync(hubIdentityPath(this.dataDir, this.token), { force: true });
  }
}

/**
 * Takes the data directory for this hub, or throws DataDirectoryInUseError when another running hub
 * has it (StorageError when the directory cannot be written at all).
 */
export function lockDataDirectory(dataDir: string, now = Date.now()): HubLock {
  let directory: SqliteDatabase | null;
  try {
    mkdirSync(join(dataDir, HUB_LOCKS_DIR), { recursive: true });
    directory = holdLock(join(dataDir, DIRECTORY_LOCK_FILE), ACQUIRE_WAIT_MS);
  } catch (error) {
    throw new StorageError(describeStorageError(dataDir, error), { cause: error });
  }
  if (!directory) throw new DataDirectoryInUseError(inUseSentence(dataDir));
  try {
    // The directory is ours: every other hub's lock file is left by a hub that is gone.
    for (const name of readdirSync(join(dataDir, HUB_LOCKS_DIR))) {
      const token = name.replace(/\.(lock|json)$/, '');
      if (!hubAlive(dataDir, token)) rmSync(join(dataDir, HUB_LOCKS_DIR, name), { force: true });
    }
    const token = randomBytes(16).toString('hex');
    const identity: HubIdentity = { pid: process.pid, startedAt: now, host: hostname() };
    writeFileSync(hubIdentityPath(dataDir, token), `${JSON.stringify(identity)}\n`);
    const own = holdLock(hubLockPath(dataDir, token), 0);
    if (!own) throw new Error(`the new lock file ${hubLockPath(dataDir, token)} is held by another process`);
    return new HubLock(dataDir, token, [own, directory]);
  } catch (error) {
    directory.close();
    throw new StorageError(describeStorageError(dataDir, error), { cause: error });
  }
}

/** "another Swivel hub (pid 123 on host, running since …) is using …": who holds the directory, as far as its files say. */
function inUseSentence(dataDir: string): string {
  const who = runningHubs(dataDir)
    .map((hub) => `pid ${hub.pid}${hub.host === hostname() ? '' : ` on ${hub.host}`}, running since ${new Date(hub.startedAt).toISOString()}`)
    .join('; ');
  return `another Swivel hub${who ? ` (${who})` : ''} is already using the data directory ${dataDir}; stop it first, or give this one another directory with --data DIR`;
}

function runningHubs(dataDir: string): HubIdentity[] {
  const dir = join(dataDir, HUB_LOCKS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && hubAlive(dataDir, name.slice(0, -5)))
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(join(dir, name), 'utf8')) as HubIdentity];
      } catch {
        return [];
      }
    });
}
