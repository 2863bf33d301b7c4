import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../hub/protocol/session.ts';
import { replaySession, scoredEvents } from '../../hub/recording/replay.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';
import { recordingHub } from './recording-hub.ts';

/**
 * A live simulated session recorded through the real hub, then replayed from the database: the
 * same samples through the same operators must give the same events, figure for figure.
 */
describe('a recorded session replays event for event', () => {
  describe('range-of-motion trials (reps with figures)', () => {
    let hub: Awaited<ReturnType<typeof recordingHub>>;
    beforeAll(async () => {
      hub = await recordingHub({ exercise: 'rom-seated', seed: 7 });
    });
    afterAll(() => hub?.close());

    it('gives the same reps with the same figures, and the same set results', async () => {
      const tablet = await connectViewer(hub.ws);
      tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'rom-seated', side: 'left' } }));
      await waitFor('the recorder says it is recording', () => tablet.of('recording').some((m) => m.status === 'recording'));
      await waitFor('two trials counted', () => tablet.of('event').filter((m) => m.event.kind === 'rep').length >= 2, 40_000);
      tablet.socket.send(JSON.stringify({ type: 'session', command: { action: 'stop' } }));
      await waitFor('saved', () => tablet.of('recording').some((m) => m.status === 'saved'));
      const id = tablet.of('recording').find((m) => m.status === 'saved')!.sessionId!;
      const live: SessionEvent[] = scoredEvents(tablet.of('event').map((m) => m.event));
      tablet.close();

      const detail = hub.store.detail(id)!;
      expect(detail.status).toBe('complete');
      expect(scoredEvents(detail.events.map((e) => e.event))).toEqual(live);
      expect(detail.commands.map((c) => c.command.action)).toEqual(['start', 'stop']);
      expect(detail.resets.length).toBeGreaterThanOrEqual(1);

      const replayed = await replaySession(hub.store, id, { programme: hub.programme });
      expect(replayed.map((set) => [set.exerciseId, set.side, set.set])).toEqual([['rom-seated', 'left', 1]]);
      const repsLive = live.filter((e) => e.kind === 'rep');
      expect(repsLive.length).toBeGreaterThanOrEqual(2);
      expect(replayed[0]!.events).toEqual(live);
      // The set's result as the session kept it: the same trials.
      const result = detail.summary!.results.find((r) => r.exerciseId === 'rom-seated')!;
      expect(replayed[0]!.summary.reps.map((rep) => rep.peakAngle)).toEqual(result.trials);
      expect(replayed[0]!.summary.repCount).toBe(result.reps);
    }, 60_000);
  });

  describe('a hold (hold timer events on the hub clock)', () => {
    let hub: Awaited<ReturnType<typeof recordingHub>>;
    beforeAll(async () => {
      hub = await recordingHub({ exercise: 'hip-shift-wall', seed: 3 });
    });
    afterAll(() => hub?.close());

    it('gives the same hold events and the same time held', async () => {
      hub.session.command({ action: 'start', exerciseId: 'hip-shift-wall', side: 'right' });
      const live: SessionEvent[] = [];
      const subscription = hub.session.events$.subscribe(({ event }) => live.push(event));
      await waitFor('in position', () => live.some((e) => e.kind === 'hold-start'), 30_000);
      // Some seconds of holding, then leave the set early.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const id = hub.recorder.sessionId!;
      hub.session.command({ action: 'stop' });
      subscription.unsubscribe();
      await waitFor('saved', () => hub.store.get(id)?.status === 'complete');

      const [set] = await replaySession(hub.store, id, { programme: hub.programme });
      expect(set!.exerciseId).toBe('hip-shift-wall');
      expect(set!.events).toEqual(scoredEvents(live));
      const result = hub.store.detail(id)!.summary!.results[0]!;
      expect(result.holdSeconds).toBeGreaterThan(0);
      // The spans in position come out as `swivel analyze` reports them; the set held at least as long.
      expect(set!.summary.holdTotal).toBeGreaterThanOrEqual(result.holdSeconds! - 1e-9);
    }, 60_000);
  });
});
