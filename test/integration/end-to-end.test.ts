import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../hub/main.ts';
import { startSimulator, type SimulatorProcess } from '../support/simulator-process.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * The whole path with real parts: the simulator as its own process on a loopback "radio", noble
 * objects over our bindings, the hub's pipeline and server on port 0, and a WebSocket client.
 */
describe('simulator process → noble → hub → WebSocket', () => {
  let radioDir: string;
  let simulator: SimulatorProcess;
  let hub: RunningHub;
  const log: string[] = [];

  beforeAll(async () => {
    radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
    simulator = await startSimulator(radioDir, ['--address', '5e:1f:00:00:00:21', '--rate', '200']);
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      sensor: 'sim',
      radioDir,
      spawnSimulator: false,
      webRoot: join(radioDir, 'no-dashboard'),
      timings: { backoffStartMs: 100, backoffMaxMs: 500 },
      log: (line) => log.push(line),
    });
  });

  afterAll(async () => {
    await hub?.close();
    await simulator?.kill();
    await rm(radioDir, { recursive: true, force: true });
  });

  it('carries samples end to end as angle frames, with the state in the first message', async () => {
    const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    await waitFor('30 angle frames', () => viewer.of('angle').length >= 30);
    expect(viewer.messages[0]!.type).toBe('hello');
    expect(viewer.invalid).toEqual([]);
    const frames = viewer.of('angle');
    // 200 Hz sensor, ~50 notifications a second: every sample's angle is in some frame's trace.
    const traced = frames.reduce((n, f) => n + f.trace.length, 0);
    expect(traced).toBeGreaterThan(frames.length);
    expect(frames.every((f) => Number.isFinite(f.angle) && Math.abs(f.angle) <= 180)).toBe(true);
    expect(frames.every((f) => Math.abs(Math.hypot(...f.orientation) - 1) < 1e-9)).toBe(true);
    expect(new Set(frames.map((f) => f.seq)).size).toBe(frames.length);
    viewer.close();
  });

  it('counts injected packet loss exactly', async () => {
    const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    await waitFor('stats', () => viewer.of('stats').length > 0);
    const before = viewer.of('stats').at(-1)!.stats.lostPackets;
    await simulator.command('drop 9');
    await waitFor('the loss to reach the viewer', () => viewer.of('stats').at(-1)!.stats.lostPackets > before, 5000);
    // Let a few more stats through: the count must settle at exactly 9 more, not drift.
    const seen = viewer.of('stats').length;
    await waitFor('two more stats messages', () => viewer.of('stats').length >= seen + 2, 5000);
    expect(viewer.of('stats').at(-1)!.stats.lostPackets - before).toBe(9);
    expect((await simulator.stats()).notificationsLost).toBe(9);
    viewer.close();
  });

  it('shows lost → reconnecting → connected when the simulator is killed and started again', async () => {
    const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    await waitFor('angle frames', () => viewer.of('angle').length > 5);
    await simulator.kill('SIGKILL');
    await waitFor('lost', () => viewer.of('link').some((m) => m.state === 'lost'));
    await waitFor('reconnecting', () => viewer.of('link').some((m) => m.state === 'reconnecting'));
    // Viewers learn of the link loss in the statistics too, while the sensor is still away.
    await waitFor('a stats message counting the link loss', () => viewer.of('stats').at(-1)?.stats.linkLosses === 1, 3000);
    const health = await fetch(`${hub.url}api/health`);
    expect(health.status).toBe(200); // the hub is alive and answering while the sensor is gone

    simulator = await startSimulator(radioDir, ['--address', '5e:1f:00:00:00:21', '--rate', '200']);
    await waitFor('connected again', () => viewer.of('link').at(-1)?.state === 'connected', 15_000);
    const states = viewer.of('link').map((m) => m.state).filter((s, i, all) => s !== all[i - 1]);
    expect(states.slice(states.indexOf('lost'))).toEqual(['lost', 'reconnecting', 'connected']);
    const framesBefore = viewer.of('angle').length;
    await waitFor('angle frames after reconnecting', () => viewer.of('angle').length > framesBefore + 10);
    const sensors = (await (await fetch(`${hub.url}api/sensors`)).json()) as { sensors: { state: string; stats: { linkLosses: number } }[] };
    expect(sensors.sensors[0]).toMatchObject({ state: 'connected', stats: { linkLosses: 1 } });
    viewer.close();
  });
});
