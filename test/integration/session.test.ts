import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../hub/protocol/session.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A guided session end to end with real parts: the simulated person doing seated range-of-motion
 * trials, noble over our bindings, the hub's pipeline and session engine, and WebSocket viewers
 * steering it with commands.
 */
describe('guided session over WebSocket', () => {
  let hub: Awaited<ReturnType<typeof inProcessHub>>;
  beforeAll(async () => {
    hub = await inProcessHub({ exercise: 'rom-seated', seed: 7 });
  });
  afterAll(() => hub?.close());

  it('starts from a command, calibrates from stillness, counts trials, and keeps every viewer in step', async () => {
    const tablet = await connectViewer(hub.ws);
    const hello = tablet.of('hello')[0]!;
    expect(hello.session).toMatchObject({ status: 'idle', programme: { id: 'hip-internal-rotation', exercises: 26 } });

    tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-seated', side: 'left' } }));
    const latest = (): SessionView | undefined => tablet.of('session').at(-1)?.session;
    await waitFor('calibrating', () => latest()?.status === 'calibrating');
    expect(latest()?.current).toMatchObject({ exerciseId: 'rom-seated', side: 'left', repTarget: 3, reps: 0 });
    await waitFor('active: the start posture taken', () => latest()?.status === 'active', 15_000);
    await waitFor('a trial counted', () => (latest()?.current?.reps ?? 0) >= 1, 25_000);
    const trial = latest()!.current!.lastRep!;
    expect(trial.peakAngle).toBeGreaterThan(20);
    // The same rep also came as a live event, with its figures, for a tone on the tablet.
    const repEvent = tablet.of('event').find((m) => m.event.kind === 'rep');
    expect(repEvent?.event).toMatchObject({ kind: 'rep', count: 1, rep: { peakAngle: latest()!.current!.reps === 1 ? trial.peakAngle : expect.any(Number) } });
    expect(latest()!.rom[0]).toMatchObject({ exerciseId: 'rom-seated', normal: { min: 30, max: 45 }, right: null });

    // A physio's laptop joining now sees the same session at once.
    const laptop = await connectViewer(hub.ws);
    expect(laptop.of('hello')[0]!.session.current).toMatchObject({ exerciseId: 'rom-seated', reps: latest()!.current!.reps });

    // Commands that make no sense get an answer a person can read, and change nothing.
    laptop.socket.send(JSON.stringify({ type: 'session', command: { action: 'count' } }));
    laptop.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'moonwalk' } }));
    await waitFor('two errors', () => laptop.of('error').length >= 2);
    expect(laptop.of('error')[0]!.message).toBe('cannot count: taps count reps only during a manual-count exercise');
    expect(laptop.of('error')[1]!.message).toMatch(/^the hub did not understand the session command "start" at command\/exerciseId/);

    laptop.socket.send(JSON.stringify({ type: 'session', command: { action: 'skip' } }));
    await waitFor('skipped to the next exercise on both screens', () =>
      [tablet, laptop].every((v) => v.of('session').at(-1)?.session.current?.exerciseId === 'release-deep-glutes'),
    );
    const done = latest()!.results.find((r) => r.exerciseId === 'rom-seated')!;
    expect(done.completed).toBe(false);
    expect(done.trials.length).toBe(done.reps);
    expect(tablet.invalid).toEqual([]);
    tablet.close();
    laptop.close();
  }, 60_000);

  it('tells the simulated person which exercise a set is, so a set started mid-exercise calibrates in its own start position', async () => {
    // The simulated person is doing seated hip IR when the physio starts the prone range check: told
    // by the hub, they turn over into the prone start position, stay still, and do the trials.
    // Without the instruction the start posture would be the seated one (or an end hold), and the
    // trials would read nonsense angles.
    const other = await inProcessHub({ exercise: 'seated-hip-ir', seed: 1 });
    try {
      const viewer = await connectViewer(other.ws);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      viewer.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-prone', side: 'left' } }));
      const trials = () => viewer.of('event').flatMap((m) => (m.event.kind === 'rep' ? [m.event.rep.peakAngle] : []));
      await waitFor('the person told', () => other.device.exercise === 'rom-prone');
      await waitFor('two prone trials', () => trials().length >= 2, 40_000);
      // rom-prone trials reach 30–50° in the simulator.
      for (const peak of trials()) {
        expect(peak).toBeGreaterThan(28);
        expect(peak).toBeLessThan(52);
      }
      viewer.close();
    } finally {
      await other.close();
    }
  }, 90_000); // the person turns over and does two trials at real speed: about 25 s on a busy run
});
