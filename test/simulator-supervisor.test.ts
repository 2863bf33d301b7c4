import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../hub/main.ts';
import { restartDelayMs } from '../hub/simulator-supervisor.ts';
import { connectViewer } from './support/viewer.ts';
import { waitFor } from './support/wait.ts';

describe('the wait before restarting a crashed simulator', () => {
  it('doubles with each crash in a row up to its ceiling', () => {
    const backoff = { firstMs: 500, maxMs: 4000, healthyAfterMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => restartDelayMs(n, backoff))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
});

/**
 * A simulator the hub started, killed with SIGKILL: the hub starts it again after the backoff, tells
 * every viewer (a `hub` message the dashboard shows), and the sensor link comes back by itself.
 */
describe('a simulator the hub started that crashes', () => {
  const root = mkdtempSync(join(tmpdir(), 'swivel-supervisor-'));
  const log: string[] = [];
  let hub: RunningHub | null = null;
  const spawned = new Set<number>();
  afterAll(async () => {
    await hub?.close();
    // Whatever happened above: no simulator outlives the test.
    for (const pid of spawned) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('is restarted with a growing wait, and viewers are told', async () => {
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      sensor: 'sim',
      radioDir: join(root, 'radio'),
      webRoot: join(root, 'no-dashboard'),
      simulatorRestart: { firstMs: 200, maxMs: 5000, healthyAfterMs: 600_000 },
      timings: { backoffStartMs: 100, backoffMaxMs: 500 },
      log: (line) => log.push(line),
    });
    const simulator = hub.simulator!;
    const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    const connected = () => hub!.hub.snapshot()[0]?.state === 'connected';
    await waitFor('the sensor connected', connected);

    const crash = async (nth: number, waitText: string) => {
      const pid = simulator.pid!;
      spawned.add(pid);
      process.kill(pid, 'SIGKILL');
      const notice = await waitFor(`restart notice ${nth}`, () => viewer.of('hub').filter((m) => m.status === 'restarting')[nth - 1]);
      expect(notice.message).toBe(`The simulated sensor stopped (SIGKILL); the hub restarts it in ${waitText} s (restart ${nth} in a row).`);
      await waitFor(`running notice ${nth}`, () => viewer.of('hub').filter((m) => m.status === 'running')[nth - 1]);
      const restarted = simulator.pid!;
      spawned.add(restarted);
      expect(restarted).not.toBe(pid);
      await waitFor(() => `the sensor reconnected after crash ${nth} (link: ${JSON.stringify(hub!.hub.snapshot()[0])})`, connected);
    };
    await crash(1, '0.2');
    await crash(2, '0.4');
    await crash(3, '0.8');
    expect(viewer.invalid).toEqual([]);
    expect(log).toContain('swivel: The simulated sensor stopped (SIGKILL); the hub restarts it in 0.2 s (restart 1 in a row).');
    viewer.close();
  }, 120_000);
});
