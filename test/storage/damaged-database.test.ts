import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../hub/main.ts';
import { DATABASE_FILE, openDatabase } from '../../hub/storage/database.ts';
import { SessionStore } from '../../hub/storage/session-store.ts';
import { runBin } from '../support/run-bin.ts';

/**
 * A damaged database file at start-up: the hub and the command line say so in a sentence that names
 * the file and what to do, and the file is kept byte for byte (whoever tries to rescue it needs it).
 */
describe('a damaged database file at start-up', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function dataDirWith(contents: (file: string) => Buffer): { dataDir: string; file: string; bytes: Buffer } {
    const root = mkdtempSync(join(tmpdir(), 'swivel-damaged-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const file = join(dataDir, DATABASE_FILE);
    const bytes = contents(file);
    writeFileSync(file, bytes);
    return { dataDir, file, bytes };
  }

  /** Not a database at all: 64 kB of noise. */
  const noise = () => randomBytes(64 * 1024);
  /** A real Swivel database whose first page (the schema) was overwritten past its header. */
  const brokenSchema = (file: string) => {
    const db = openDatabase(join(file, '..'));
    new SessionStore(db).createLiveSession({ programmeId: 'p', programmeTitle: 'P', startedAt: 1, prerollBatches: 0, prerollFromStart: false });
    db.pragma('journal_mode = DELETE');
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100, 4096);
    return bytes;
  };

  const sentence = (file: string) =>
    new RegExp(`the database file ${file} is damaged or is not a Swivel database \\(.+\\); it is kept exactly as it is: move it elsewhere \\(or put a backup in its place\\) and start again to record into a new one`);

  for (const [kind, contents] of [['noise', noise], ['a broken schema page', brokenSchema]] as const) {
    it(`says so for ${kind}: the hub runs without recording, the API and the CLI give the reason, and the file is untouched`, async () => {
      const { dataDir, file, bytes } = dataDirWith(contents);
      const log: string[] = [];
      const radioDir = join(dataDir, '..', 'radio');
      const hub: RunningHub = await startHub({ port: 0, host: '127.0.0.1', sensor: 'sim', spawnSimulator: false, radioDir, webRoot: join(radioDir, 'no-dashboard'), dataDir, log: (line) => log.push(line) });
      cleanups.push(() => hub.close());
      expect(log.find((line) => line.startsWith('swivel: sessions will not be recorded: '))).toMatch(sentence(file));
      const api = await fetch(`${hub.url}api/sessions`);
      expect(api.status).toBe(503);
      expect(((await api.json()) as { message: string }).message).toMatch(sentence(file));
      await hub.close();

      const list = runBin('swivel', ['sessions', 'list', '--data', dataDir]);
      expect(await list.exited).toBe(1);
      expect(list.err()).toMatch(sentence(file));
      expect(readFileSync(file).equals(bytes)).toBe(true);
    }, 60_000);
  }
});
