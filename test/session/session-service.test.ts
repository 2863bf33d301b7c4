import { NEVER, Subject, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { LinkEvent } from '../../hub/pipeline/events.ts';
import type { AngleFrame } from '../../hub/pipeline/operators.ts';
import type { Exercise, Programme } from '../../hub/protocol/programme.ts';
import type { SessionEvent, SessionView } from '../../hub/protocol/session.ts';
import { SessionService } from '../../hub/session/session-service.ts';

const common = { stage: 'test', instructions: { steps: ['do it'], feel: 'fine' }, sensor: { placement: 'shin', follows: 'it', canFollow: true }, progressions: [] };
const exercises: Exercise[] = [
  { ...common, id: 'seated-hip-ir', name: 'Seated IR', kind: 'reps', sides: ['left', 'right'], targets: { reps: 3, endHoldSeconds: { min: 3, max: 5 } } },
  { ...common, id: 'femoral-head-centration', name: 'Heel drives', kind: 'effort', sides: ['left'], targets: { efforts: 2, effortSeconds: { min: 10, max: 10 }, relaxSeconds: { min: 5, max: 5 } } },
];
const programme: Programme = { version: 1, id: 'test', title: 'Test', description: 'A test programme', stages: [{ id: 'test', title: 'Test', purpose: 'tests' }], restSeconds: 10, exercises };

/** One tap per set, on each side, with 3 s of rest between: a rest without any sensor. */
const manual: Programme = {
  ...programme,
  restSeconds: 3,
  exercises: [{ ...common, id: 'step-across', name: 'Step across', kind: 'manual', sides: ['left', 'right'], sensor: { ...common.sensor, canFollow: false }, targets: { reps: 1 } }],
};

/** Seated hip IR as angles: 2 s still, then reps of 1 s out to 30°, 3.5 s held, 1 s back, 1.5 s rest. */
function angleAt(t: number): number {
  if (t < 2) return 0;
  const u = (t - 2) % 7;
  if (u < 1) return 15 * (1 - Math.cos(Math.PI * u));
  if (u < 4.5) return 30;
  if (u < 5.5) return 15 * (1 + Math.cos(Math.PI * (u - 4.5)));
  return 0;
}

/**
 * A hub's frames, 10 samples every 100 ms of virtual time (the sensor clock is the virtual clock),
 * stamped with the latest angle epoch; `calibrating` for the first second after each reset.
 */
function fakeSensor(scheduler: TestScheduler, seconds: number, silent: (t: number) => boolean = () => false) {
  const frames = new Subject<AngleFrame>();
  let epoch = 0;
  let resetAt = 0;
  for (let ms = 100; ms <= seconds * 1000; ms += 100) {
    scheduler.schedule(() => {
      const t = ms / 1000;
      if (silent(t)) return;
      const trace = Array.from({ length: 10 }, (_, i) => angleAt(t - (9 - i) * 0.01));
      const health = t - resetAt < 1 ? 'calibrating' : 'ok';
      // The fake person is still whenever the angle is flat (start posture, end holds).
      const stillSeconds = Math.max(0, t - resetAt);
      frames.next({ sensorId: 's', seq: ms / 100, t, angle: trace[9]!, trace, dt: 0.01, orientation: [1, 0, 0, 0], health, epoch, stillSeconds, receivedAt: 0 });
    }, ms);
  }
  return { frames, resetAngle: (next: number) => ((epoch = next), (resetAt = scheduler.now() / 1000)) };
}

function runService(seconds: number, script: (service: SessionService, scheduler: TestScheduler, link: Subject<LinkEvent>) => void, silent?: (t: number) => boolean) {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.maxFrames = Number.POSITIVE_INFINITY; // virtual time runs for the whole scenario
  const sensor = fakeSensor(scheduler, seconds, silent);
  const link = new Subject<LinkEvent>();
  const service = new SessionService({ programme, frames$: sensor.frames, link$: link, resetAngle: sensor.resetAngle, scheduler });
  const views: [number, SessionView][] = [];
  service.view$.subscribe((view) => views.push([scheduler.now(), view]));
  const events: [number, SessionEvent][] = [];
  service.events$.subscribe(({ event, at }) => events.push([at, event]));
  service.start();
  script(service, scheduler, link);
  scheduler.schedule(() => service.stop(), seconds * 1000 + 1);
  scheduler.flush();
  return Object.assign(views, { events });
}

/** When the status changed, and to what. */
const statuses = (views: [number, SessionView][]) =>
  views.filter(([, v], i) => i === 0 || v.status !== views[i - 1]![1].status).map(([ms, v]) => [ms, v.status] as const);

describe('SessionService', () => {
  it('calibrates, counts a set from the angle, rests with a countdown, and starts the next side', () => {
    const views = runService(40, (service, scheduler) => scheduler.schedule(() => service.command({ action: 'start' }), 500));
    const changes = statuses(views);
    expect(changes.map(([, s]) => s)).toEqual(['idle', 'calibrating', 'active', 'rest', 'calibrating', 'active']);
    const at = Object.fromEntries(changes.slice(1, 4).map(([ms, s]) => [s, ms]));
    expect(at.active).toBe(1500); // the first frame a full second after the reset at 500 ms
    // The first three reps are judged together when the third ends (back down at 2 + 2·7 + 5.5 = 21.5 s).
    expect(at.rest).toBeGreaterThan(20_500);
    expect(at.rest).toBeLessThan(22_000);
    // Meanwhile they show as provisional.
    const pending = views.filter(([ms]) => ms < at.rest!).map(([, v]) => v.current?.pendingReps ?? 0);
    expect(Math.max(...pending)).toBe(2);
    const rest = views.filter(([, v]) => v.status === 'rest').map(([, v]) => v.rest!.remainingSeconds);
    expect(rest[0]).toBe(10);
    expect(rest.at(-1)).toBeLessThanOrEqual(0.1);
    expect(changes[4]![0] - at.rest!).toBeGreaterThanOrEqual(10_000);
    expect(changes[4]![0] - at.rest!).toBeLessThan(10_200);
    const done = views.find(([, v]) => v.status === 'rest')![1].results[0]!;
    expect(done).toMatchObject({ exerciseId: 'seated-hip-ir', side: 'left', reps: 3, partials: 0, missedHolds: 0, completed: true });
    expect(done.maxAngle).toBeCloseTo(30, 5);
    // Live events: each rep's start, the three counted reps with their figures (held 3.5 s, target 3 s),
    // and the set completing, in that order.
    const kinds = views.events.filter(([ms]) => ms <= at.rest!).map(([, e]) => e.kind);
    expect(kinds.filter((k) => k === 'rep-start')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'end-hold-reached')).toHaveLength(3);
    expect(kinds.slice(-4)).toEqual(['rep', 'rep', 'rep', 'set-complete']);
    // Each rep's end hold counts up on screen while it is held, for a timer, and clears between reps.
    const endHolds = views.filter(([ms]) => ms < 9_000).map(([, v]) => v.current?.endHoldSeconds ?? null);
    expect(endHolds.some((h) => h !== null && h > 0.5 && h < 2.5)).toBe(true);
    expect(Math.max(...endHolds.map((h) => h ?? 0))).toBeGreaterThanOrEqual(3);
    expect(views.find(([ms]) => ms > 8_000 && ms < 9_000)?.[1].current?.endHoldSeconds ?? null).toBeNull(); // first rep back at 7.5 s
    const counted = views.events.flatMap(([, e]) => (e.kind === 'rep' ? [e] : []));
    expect(counted.map((e) => e.count)).toEqual([1, 2, 3]);
    expect(counted.every((e) => e.rep.holdMet === true && e.rep.peakAngle > 29.9)).toBe(true);
  });

  it('keeps counting through a sensor drop without a phantom rep, and marks the gap', () => {
    // Silent from 10 s to 13 s (during the second rep's hold), link lost meanwhile.
    const views = runService(
      30,
      (service, scheduler, link) => {
        scheduler.schedule(() => service.command({ action: 'start' }), 500);
        scheduler.schedule(() => link.next({ kind: 'link', sensorId: 's', state: 'lost', detail: 'gone', info: null } as LinkEvent), 10_000);
        scheduler.schedule(() => link.next({ kind: 'link', sensorId: 's', state: 'connected', detail: 'back', info: null } as LinkEvent), 13_000);
      },
      (t) => t > 10 && t < 13,
    );
    // The screen says so from the moment the link drops until it is back.
    const shown = (ms: number) => views.filter(([at]) => at <= ms).at(-1)![1].current!;
    expect(shown(9_999).waitingForSensor).toBe(false);
    expect(shown(10_000).waitingForSensor).toBe(true);
    expect(shown(12_999).waitingForSensor).toBe(true);
    expect(shown(13_000).waitingForSensor).toBe(false);
    const set = views.find(([, v]) => v.status === 'rest')![1].results[0]!;
    expect(set).toMatchObject({ reps: 3, partials: 0, gapSeconds: 3, completed: true });
  });

  it('times efforts and relaxation on the clock, then finishes the programme', () => {
    const views = runService(30, (service, scheduler) => scheduler.schedule(() => service.command({ action: 'start', exerciseId: 'femoral-head-centration' }), 1000));
    const efforts = views.map(([ms, v]) => [ms, v.current?.effort?.phase ?? null, v.current?.effort?.completed ?? null] as const);
    expect(efforts.find(([, phase]) => phase === 'relax')![0]).toBeGreaterThanOrEqual(11_000);
    expect(efforts.find(([, phase]) => phase === 'relax')![0]).toBeLessThan(11_300);
    const finished = views.find(([, v]) => v.status === 'finished')!;
    expect(finished[0]).toBeGreaterThanOrEqual(26_000); // 10 + 5 + 10 s after the start
    expect(finished[1].results.at(-1)).toMatchObject({ exerciseId: 'femoral-head-centration', efforts: 2, completed: true });
  });

  it('counts a rest down on the clock, then starts the next set (marbles)', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const service = new SessionService({ programme: manual, frames$: NEVER, link$: NEVER, resetAngle: () => {}, scheduler, tickMs: 1000 });
      service.start();
      cold('-a 8ms b', { a: { action: 'start' } as const, b: { action: 'count' } as const }).subscribe((command) => service.command(command));
      cold('5000ms a').subscribe(() => service.stop());
      const shown = service.view$.pipe(map((v) => (v.status === 'rest' ? `rest ${v.rest!.remainingSeconds}` : `${v.status} ${v.current?.side ?? '-'}`)));
      // The tap at 10 ms completes the set (1 of 1): 3 s of rest, shown to the tenth, from 10 ms to 3010 ms.
      expectObservable(shown, '^ 4500ms !').toBe('ab 8ms c 989ms d 999ms e 999ms f 999ms g', {
        a: 'idle -',
        b: 'active left',
        c: 'rest 3',
        d: 'rest 2.1',
        e: 'rest 1.1',
        f: 'rest 0.1',
        g: 'active right',
      });
    });
  });

  it('replaying, ticks only count a rest down; it ends where endRest() says, and live it is published when the clock ends it', () => {
    // Live: the clock ends the rest, and says when (the recorder keeps it).
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const live = new SessionService({ programme: manual, frames$: NEVER, link$: NEVER, resetAngle: () => {}, scheduler, tickMs: 1000 });
      live.start();
      cold('-a 8ms b', { a: { action: 'start' } as const, b: { action: 'count' } as const }).subscribe((command) => live.command(command));
      cold('5000ms a').subscribe(() => live.stop());
      // The rest from 10 ms is due at 3010 ms; the first tick after that is at 4000 ms.
      expectObservable(live.restEnds$, '^ 4500ms !').toBe('4000ms a', { a: 4000 });
    });

    // Replay: the owner's ticks run past the rest's end without ending it; endRest() ends it.
    const replay = new SessionService({ programme: manual, frames$: NEVER, link$: NEVER, resetAngle: () => {}, clock: 'replay' });
    replay.start();
    replay.command({ action: 'start' });
    replay.command({ action: 'count' });
    expect(replay.view.status).toBe('rest');
    const now = Date.now();
    replay.tick(now + 10_000);
    expect(replay.view.status).toBe('rest');
    expect(replay.view.rest!.remainingSeconds).toBeLessThanOrEqual(0.1);
    replay.endRest(now + 10_000);
    expect(replay.view.status).toBe('active');
    expect(replay.view.current!.side).toBe('right');
    replay.stop();
  });
});
