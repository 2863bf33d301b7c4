import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../hub/main.ts';
import type { SessionView } from '../../hub/protocol/session.ts';
import type { SensorSnapshot } from '../../hub/protocol/messages.ts';
import { replaySession } from '../../hub/recording/replay.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import { openDatabase } from '../../hub/storage/database.ts';
import { SessionStore } from '../../hub/storage/session-store.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * `swivel serve --sensors 2` with the simulator: two simulator processes, one on each shin, on the
 * simulated radio; two sensor links over real noble objects; a range check run on both sides without
 * moving a sensor. The hub's own wiring (which side the set is on → which sensor is scored) is what
 * is under test, with the person's other leg resting while one leg works.
 */
describe('swivel serve --sensors 2 (one simulated sensor on each shin)', () => {
  const dirs: string[] = [];
  const hubs: RunningHub[] = [];
  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function start(radioDir: string, dataDir: string) {
    const hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      sensor: 'sim',
      radioDir,
      dataDir,
      bleSensors: 2,
      webRoot: join(radioDir, 'no-dashboard'),
      timings: { backoffStartMs: 100, backoffMaxMs: 500 },
      log: () => {},
    });
    hubs.push(hub);
    return hub;
  }

  it('runs a left/right range check, each side scored from the sensor on that shin, and remembers the shins', async () => {
    const radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'swivel-data-'));
    dirs.push(radioDir, dataDir);
    const hub = await start(radioDir, dataDir);
    expect(hub.simulators).toHaveLength(2);
    const tablet = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    await waitFor('both sensors connected', () => hub.hub.snapshot().filter((s) => s.state === 'connected').length === 2, 30_000);
    // The simulators the hub started come with their shins said.
    const byName = (name: string) => hub.hub.snapshot().find((s) => s.info?.name === name)!;
    expect(byName('Swivel-0001').shin).toBe('left');
    expect(byName('Swivel-0002').shin).toBe('right');

    const latest = (): SessionView | undefined => tablet.of('session').at(-1)?.session;
    const counting = (): SensorSnapshot | undefined => hub.hub.snapshot().find((s) => s.counting);
    tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-seated', side: 'left' } }));
    await waitFor('the left sensor scored', () => counting()?.info?.name === 'Swivel-0001');
    // The screens were told, in a sensor message.
    await waitFor('a sensor message saying so', () => tablet.of('sensor').some((m) => m.sensor.counting && m.sensor.info?.name === 'Swivel-0001'));
    await waitFor('a left trial counted', () => latest()?.current?.side === 'left' && (latest()?.current?.reps ?? 0) >= 1, 40_000);
    const leftTrial = latest()!.current!.lastRep!;
    expect(leftTrial.peakAngle).toBeGreaterThan(20);
    // Meanwhile the right leg rests: its sensor's angle stays put.
    const rightAngles = tablet.of('angle').filter((m) => m.sensorId === byName('Swivel-0002').sensorId).slice(-60).map((m) => m.angle);
    expect(rightAngles.length).toBeGreaterThan(10);
    expect(Math.max(...rightAngles) - Math.min(...rightAngles)).toBeLessThan(5);

    tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'switch-side' } }));
    await waitFor('the right sensor scored', () => counting()?.info?.name === 'Swivel-0002');
    await waitFor('a right trial counted', () => latest()?.current?.side === 'right' && (latest()?.current?.reps ?? 0) >= 1, 40_000);
    expect(latest()!.current!.lastRep!.peakAngle).toBeGreaterThan(20);
    expect(latest()!.rom[0]).toMatchObject({ exerciseId: 'rom-seated', left: expect.any(Object), right: expect.any(Object) });
    expect(tablet.invalid).toEqual([]);

    // Both sensors are recorded, and a replay scores each set from the sensor scored live.
    tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'stop' } }));
    await waitFor('the session finished', () => latest()?.status === 'finished');
    await waitFor('the session saved', () => tablet.of('recording').some((m) => m.status === 'saved'), 15_000);
    const live = latest()!.results.filter((r) => r.exerciseId === 'rom-seated');
    expect(live.map((r) => r.side)).toEqual(['left', 'right']);
    const sessionId = tablet.of('recording').find((m) => m.status === 'saved')!.sessionId!;
    const db = openDatabase(dataDir, { readonly: true });
    try {
      const store = new SessionStore(db);
      expect(store.sensorIds(sessionId).sort()).toEqual(['sensor-1', 'sensor-2']);
      const replayed = await replaySession(store, sessionId, { programme: await loadDefaultProgramme() });
      const sets = replayed.filter((r) => r.exerciseId === 'rom-seated');
      expect(sets.map((r) => [r.side, r.summary.repCount])).toEqual(live.map((r) => [r.side, r.reps]));
      expect(sets.map((r) => r.summary.reps.map((rep) => rep.peakAngle))).toEqual(live.map((r) => r.trials));
    } finally {
      db.close();
    }
    tablet.close();

    // The person swaps which sensor is which on the panel; the next start keeps their word.
    const api = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${hub.port}/api${path}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await api(`/sensors/${byName('Swivel-0001').sensorId}`, { shin: 'right' })).status).toBe(200);
    expect((await api(`/sensors/${byName('Swivel-0002').sensorId}`, { shin: 'left' })).status).toBe(200);
    await hub.close();
    const again = await start(radioDir, dataDir);
    await waitFor('both sensors connected again', () => again.hub.snapshot().filter((s) => s.state === 'connected').length === 2, 30_000);
    const shinOf = (name: string) => again.hub.snapshot().find((s) => s.info?.name === name)?.shin;
    expect([shinOf('Swivel-0001'), shinOf('Swivel-0002')]).toEqual(['right', 'left']);
  }, 150_000);
});
