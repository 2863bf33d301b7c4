import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../hub/storage/database.ts';
import { DataDirectoryInUseError, lockDataDirectory } from '../../hub/storage/hub-lock.ts';
import { SessionStore } from '../../hub/storage/session-store.ts';
import { runBin } from '../support/run-bin.ts';
import { startSimulator, type SimulatorProcess } from '../support/simulator-process.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The data directory's lock (hub/storage/hub-lock.ts), with real hub processes: a session is
 * `recording` exactly while its hub runs, so a hub killed with SIGKILL leaves an interrupted session
 * for every reader at once, and a second hub on the same directory is refused with a sentence.
 */
describe('the data directory lock', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Its own folders, a simulator on its own radio, and `swivel serve` on port 0 using it. */
  async function serveWithSimulator(address: string) {
    const root = mkdtempSync(join(tmpdir(), 'swivel-lock-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const radioDir = join(root, 'radio');
    const dataDir = join(root, 'data');
    const simulator: SimulatorProcess = await startSimulator(radioDir, ['--address', address, '--exercise', 'rom-seated']);
    cleanups.push(() => simulator.kill('SIGKILL'));
    const serve = (data = dataDir) => {
      const hub = runBin('swivel', ['serve', '--port', '0', '--host', '127.0.0.1', '--sensor', 'sim', '--no-spawn-sim', '--radio', radioDir, '--data', data]);
      cleanups.push(() => {
        if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
      });
      return hub;
    };
    return { root, radioDir, dataDir, serve };
  }

  const urlOf = (hub: ReturnType<typeof runBin>) =>
    waitFor(() => `the dashboard URL (hub said: ${hub.out()}${hub.err()})`, () => hub.out().match(/Swivel dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);

  const listWithCli = async (dataDir: string) => {
    const list = runBin('swivel', ['sessions', 'list', '--json', '--data', dataDir]);
    expect(await list.exited, list.err()).toBe(0);
    return JSON.parse(list.out()) as { id: number; status: string; endedAt: number | null }[];
  };

  it('shows the session of a hub killed with SIGKILL as interrupted at once: the CLI, the API and a new hub', async () => {
    const { dataDir, serve } = await serveWithSimulator('5e:1f:00:00:00:41');
    const hub = serve();
    const url = await urlOf(hub);
    const viewer = await connectViewer(`${url.replace('http', 'ws')}ws`);
    cleanups.push(() => viewer.close());
    viewer.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-seated', side: 'left' } }));
    const started = await waitFor('the recording to start', () => viewer.of('recording').find((m) => m.status === 'recording'));
    const id = started.sessionId!;

    // While its hub runs, every reader says recording: the lock is seen from another process too.
    expect((await listWithCli(dataDir)).find((s) => s.id === id)?.status).toBe('recording');
    const live = (await (await fetch(`${url}api/sessions`)).json()) as { sessions: { id: number; status: string }[] };
    expect(live.sessions.find((s) => s.id === id)?.status).toBe('recording');

    hub.child.kill('SIGKILL');
    await hub.exited;

    // No heartbeat to go stale and no next hub needed: the very next read knows.
    const listed = (await listWithCli(dataDir)).find((s) => s.id === id)!;
    expect(listed.status).toBe('interrupted');
    expect(listed.endedAt).not.toBeNull();
    const db = openDatabase(dataDir, { readonly: true });
    try {
      expect(new SessionStore(db).get(id)?.status).toBe('interrupted');
    } finally {
      db.close();
    }

    const next = serve();
    const nextUrl = await urlOf(next);
    const after = (await (await fetch(`${nextUrl}api/sessions/${id}`)).json()) as { status: string };
    expect(after.status).toBe('interrupted');
    expect(next.out()).toContain('1 recording was interrupted');
  }, 120_000);

  it('refuses a second hub on the same data directory with a sentence, and leaves the first one running', async () => {
    const { dataDir, serve } = await serveWithSimulator('5e:1f:00:00:00:42');
    const first = serve();
    const url = await urlOf(first);
    const second = serve();
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(
      new RegExp(`^swivel: another Swivel hub \\(pid ${first.child.pid}, running since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\) is already using the data directory ${dataDir}; stop it first, or give this one another directory with --data DIR\\n$`),
    );
    expect((await fetch(`${url}api/health`)).ok).toBe(true);
    // Once the first has stopped, the directory is free again.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = serve();
    await urlOf(third);
  }, 120_000);
});

describe('a session and the lock of its hub', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is recording while the lock is held and interrupted once it is not, whatever process has its pid', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swivel-lock-unit-'));
    dirs.push(dataDir);
    const lock = lockDataDirectory(dataDir);
    const writer = openDatabase(dataDir);
    const id = new SessionStore(writer, { hubLock: lock.token }).createLiveSession({ programmeId: 'p', programmeTitle: 'P', startedAt: Date.now(), prerollBatches: 0, prerollFromStart: false });
    const reader = openDatabase(dataDir);
    try {
      // Another connection, as the CLI or a replay would read it; an hour without a write changes nothing.
      expect(new SessionStore(reader).get(id, Date.now() + 3_600_000)?.status).toBe('recording');
      expect(() => lockDataDirectory(dataDir)).toThrow(DataDirectoryInUseError);
      // Probing and failing closed other handles on the same files: the locks are still held (POSIX
      // drops a process's lock when any of its handles on the file closes; SQLite must keep them).
      expect(new SessionStore(reader).get(id)?.status).toBe('recording');
      expect(() => lockDataDirectory(dataDir)).toThrow(DataDirectoryInUseError);
      lock.release();
      // The recorder's pid (this very process) is alive: as after a pid is reused, it must not matter.
      expect(new SessionStore(reader).get(id)?.status).toBe('interrupted');
      const next = lockDataDirectory(dataDir);
      expect(new SessionStore(reader, { hubLock: next.token }).markInterrupted()).toBe(1);
      next.release();
    } finally {
      reader.close();
      writer.close();
    }
  });
});
