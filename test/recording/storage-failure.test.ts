import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';
import { runBin } from '../support/run-bin.ts';
import { recordingHub } from './recording-hub.ts';

describe('when the data directory cannot be written', () => {
  let hub: Awaited<ReturnType<typeof recordingHub>>;
  beforeAll(async () => {
    hub = await recordingHub({ exercise: 'rom-seated', seed: 7, flushEveryMs: 100 });
  });
  afterAll(() => hub?.close());

  it('a full disk mid-session is said to viewers and the log, and counting goes on', async () => {
    const tablet = await connectViewer(hub.ws);
    tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-seated', side: 'left' } }));
    await waitFor('recording', () => tablet.of('recording').some((m) => m.status === 'recording'));
    // SQLite's own limit on the file's size: the next writes fail with SQLITE_FULL, as on a full disk.
    const pages = hub.db.pragma('page_count', { simple: true }) as number;
    hub.db.pragma(`max_page_count = ${pages}`);
    const failed = await waitFor('the failure said', () => tablet.of('recording').find((m) => m.status === 'failed'), 20_000);
    expect(failed.message).toMatch(/^recording of session \d+ stopped: the disk holding the data directory .* is full .*; live counting goes on$/);
    expect(hub.log).toContain(`swivel: ${failed.message}`);
    await waitFor('a trial counted all the same', () => tablet.of('event').some((m) => m.event.kind === 'rep'), 40_000);
    await waitFor('the set showing it', () => (tablet.of('session').at(-1)?.session.current?.reps ?? 0) >= 1);
    // Said once: the session goes on unrecorded rather than failing again at every change.
    expect(tablet.of('recording').filter((m) => m.status !== 'saved').map((m) => m.status)).toEqual(['recording', 'failed']);
    expect(hub.log.filter((line) => line.includes('stopped: the disk'))).toHaveLength(1);
    // What was written before the failure stays readable.
    expect(hub.store.get(failed.sessionId!)).not.toBeNull();
    tablet.close();
  }, 60_000);
});

describe('a read-only data directory at start', () => {
  const root = mkdtempSync(join(tmpdir(), 'swivel-readonly-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes swivel record refuse with one line, naming the directory', async () => {
    // Root may write anywhere, so the database's place is taken by a directory: SQLite cannot open it either way.
    mkdirSync(join(root, 'swivel.db'));
    const record = runBin('swivel', ['record', '--exercise', 'rom-seated', '--sensor', 'sim', '--data', root, '--radio', join(root, 'radio')]);
    expect(await record.exited).toBe(1);
    expect(record.err()).toMatch(new RegExp(`^swivel: cannot write to the data directory ${root}: it is read-only or not permitted \\(.*\\)\\n$`));
  });
});
