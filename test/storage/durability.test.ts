import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../hub/storage/database.ts';
import { SessionStore } from '../../hub/storage/session-store.ts';
import { runBin } from '../support/run-bin.ts';
import { startSimulator, type SimulatorProcess } from '../support/simulator-process.ts';
import { waitFor } from '../support/wait.ts';

/**
 * `swivel record` killed with SIGKILL mid-session: after the restart the session is listed as
 * interrupted and holds every sample but at most the last second's, and it replays.
 */
describe('a hub killed with SIGKILL while recording', () => {
  const root = mkdtempSync(join(tmpdir(), 'swivel-durability-'));
  const dataDir = join(root, 'data');
  let simulator: SimulatorProcess | null = null;
  afterAll(async () => {
    await simulator?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps all but the last second, lists the session as interrupted, and replays it', async () => {
    simulator = await startSimulator(join(root, 'radio'), ['--exercise', 'seated-hip-ir', '--rate', '100']);
    const hub = runBin('swivel', ['record', '--exercise', 'seated-hip-ir', '--side', 'left', '--sensor', 'sim', '--no-spawn-sim', '--radio', join(root, 'radio'), '--data', dataDir]);
    await waitFor('the set counting', () => hub.out().includes('counting'), 20_000);
    // A few seconds in, mid-set (not on a flush boundary by design of the timing, just wherever it is).
    await new Promise((resolve) => setTimeout(resolve, 2700));
    hub.child.kill('SIGKILL');
    await hub.exited;
    // The sensor saw the link drop when the hub died: it has sent everything the hub received.
    let stats = await simulator.stats();
    for (let tries = 0; stats.connected && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = await simulator.stats();
    }
    expect(stats.connected).toBe(false);
    const sent = stats.notificationsSent;

    const list = runBin('swivel', ['sessions', 'list', '--json', '--data', dataDir]);
    expect(await list.exited).toBe(0);
    const sessions = JSON.parse(list.out()) as { id: number; status: string; samples: number; endedAt: number | null; startedAt: number; durationSeconds: number }[];
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session!.status).toBe('interrupted');
    expect(session!.endedAt).not.toBeNull();

    // Every stored sample, pre-roll included, against what the sensor sent.
    const db = openDatabase(dataDir, { readonly: true });
    const store = new SessionStore(db);
    let stored = 0;
    let batches = 0;
    let rateHz = 0;
    for (const { batch } of store.batches(session!.id)) {
      stored += batch.readings.length;
      batches++;
      rateHz = 1 / batch.dt;
    }
    db.close();
    const perNotification = stored / batches;
    const sentSamples = sent * perNotification;
    expect(stored).toBeLessThanOrEqual(sentSamples);
    expect(sentSamples - stored).toBeLessThanOrEqual(rateHz * 1);
    expect(session!.samples).toBeGreaterThan(rateHz * 2);

    // Replayable up to there.
    const replay = runBin('swivel', ['sessions', 'replay', String(session!.id), '--json', '--data', dataDir]);
    expect(await replay.exited).toBe(0);
    const sets = JSON.parse(replay.out()) as { exercise: string; samples: number }[];
    expect(sets.map((s) => s.exercise)).toEqual(['seated-hip-ir']);
    expect(sets[0]!.samples).toBeGreaterThan(0);
  }, 60_000);
});
