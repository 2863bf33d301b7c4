import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { Programme } from '../../hub/protocol/programme.ts';
import type { ReplayState } from '../../hub/protocol/replay.ts';
import { bannerKind, chooseScreen, deriveDashboard, hubLabel, NOTICE_MS, type DashboardInput } from '../../web/src/view-model/dashboard.ts';
import { deriveRest } from '../../web/src/view-model/rest.ts';
import { followEvent, followView } from '../../web/src/view-model/set-feedback.ts';
import { deriveSensor, STALE_AFTER_MS } from '../../web/src/view-model/sensor.ts';
import { NO_FEEDBACK } from '../../web/src/view-model/set-feedback.ts';
import { aHub, aSensor, aSession, aSet } from './fixtures.ts';

let programme: Programme;
beforeAll(async () => {
  programme = await loadDefaultProgramme();
});

const input = (overrides: Partial<DashboardInput> = {}): DashboardInput => ({
  hub: aHub(),
  asked: 'session',
  feedback: NO_FEEDBACK,
  wake: 'held',
  now: 10_000,
  wallNow: 1_700_000_000_000,
  rangeMin: -10,
  rangeMax: 60,
  ...overrides,
});

describe('the screen shown', () => {
  it('follows the session: programme while idle, the exercise while calibrating or counting, rest, summary', () => {
    expect(chooseScreen('session', null)).toBe('programme');
    expect(chooseScreen('session', aSession())).toBe('programme');
    expect(chooseScreen('session', aSession({ status: 'calibrating', current: aSet() }))).toBe('exercise');
    expect(chooseScreen('session', aSession({ status: 'active', current: aSet() }))).toBe('exercise');
    expect(chooseScreen('session', aSession({ status: 'rest' }))).toBe('rest');
    expect(chooseScreen('session', aSession({ status: 'finished' }))).toBe('summary');
  });

  it('is the one the person asked for: the programme or the history, whatever the session does', () => {
    const active = aSession({ status: 'active', current: aSet() });
    expect(chooseScreen('programme', active)).toBe('programme');
    expect(chooseScreen('history', active)).toBe('history');
    expect(chooseScreen('history', null)).toBe('history');
  });
});

describe('the hub in the header', () => {
  it('names the version and the simulator, a replay, or says the hub is offline', () => {
    expect(hubLabel(aHub())).toBe('Hub 0.1.0 \u00b7 simulator');
    expect(hubLabel(aHub({ sensorSource: 'ble' }))).toBe('Hub 0.1.0');
    expect(hubLabel(aHub({ replay: {} as ReplayState }))).toBe('Replay');
    expect(hubLabel(aHub({ status: 'down' }))).toBe('Hub offline');
  });

  it('shows a banner only while not live: connecting, then unreachable, or lost once it was live; none once refused', () => {
    expect(bannerKind(aHub())).toBeNull();
    expect(bannerKind(aHub({ status: 'connecting', everLive: false }))).toBe('connecting');
    expect(bannerKind(aHub({ status: 'down', everLive: false, failures: 2 }))).toBe('unreachable');
    expect(bannerKind(aHub({ status: 'down', everLive: true, failures: 1 }))).toBe('lost');
    expect(bannerKind(aHub({ status: 'down', refused: 'no such session' }))).toBeNull();
  });
});

describe('the sensor as the screens show it', () => {
  it('is current while frames arrive, and says "No data" once they stop', () => {
    const fresh = deriveSensor(true, true, aSensor({ angleAt: 9_000 }), 10_000);
    expect(fresh).toMatchObject({ angle: 12.5, stale: false, caption: '', tone: 'ok', connected: true, sensorId: 'swivel-0001', linkState: 'connected' });
    const old = deriveSensor(true, true, aSensor({ angleAt: 10_000 - STALE_AFTER_MS - 1500 }), 10_000);
    expect(old).toMatchObject({ stale: true, caption: 'No data for 3 s', tone: 'warn' });
  });

  it('says what the link is doing in a word, and the hub being away in a sentence', () => {
    expect(deriveSensor(true, true, aSensor({ state: 'reconnecting' }), 10_000)).toMatchObject({ caption: 'Reconnecting\u2026', tone: 'warn', connected: false });
    expect(deriveSensor(true, true, aSensor({ state: 'lost' }), 10_000)).toMatchObject({ caption: 'Sensor lost', tone: 'bad' });
    expect(deriveSensor(true, true, null, 10_000)).toMatchObject({ caption: 'No sensor', linkState: 'none', sensorId: null });
    const away = deriveSensor(false, true, aSensor(), 10_000);
    expect(away).toMatchObject({ caption: 'Hub offline', tone: 'bad', linkState: 'unknown', sensorId: null, connected: false });
    expect(away.detail).toBe('The hub is unreachable. Last known state: connected.');
    expect(deriveSensor(false, false, null, 0)).toMatchObject({ caption: 'Waiting for hub', detail: 'Waiting for the hub to answer.' });
  });

  it('asks to hold still while the angle is provisional, and warns of rough motion', () => {
    expect(deriveSensor(true, true, aSensor({ angleHealth: 'calibrating' }), 10_000)).toMatchObject({ caption: 'Hold still to calibrate', stale: true });
    expect(deriveSensor(true, true, aSensor({ angleHealth: 'disturbed' }), 10_000)).toMatchObject({ caption: 'Motion too rough', tone: 'warn' });
  });
});

describe('what the dashboard shows, derived at once', () => {
  it('shows a hub error for a while, and a refusal for good', () => {
    const notice = { message: 'taps count reps only during a manual-count exercise', at: 9_000 };
    expect(deriveDashboard(input({ hub: aHub({ notice }) })).noticeText).toBe(notice.message);
    expect(deriveDashboard(input({ hub: aHub({ notice }), now: 9_000 + NOTICE_MS + 1 })).noticeText).toBeNull();
    expect(deriveDashboard(input({ hub: aHub({ status: 'down', refused: 'no session 9' }) })).noticeText).toBe('no session 9');
  });

  it('offers steering only to a coach, and tells a viewer why it has none; nothing until the hub has said', () => {
    const coach = deriveDashboard(input({ hub: aHub({ role: 'coach' }) }));
    expect(coach).toMatchObject({ steers: true, watchOnlyText: null });
    const viewer = deriveDashboard(input({ hub: aHub({ role: 'viewer', session: aSession({ status: 'active', current: aSet() }) }) }));
    expect(viewer).toMatchObject({ steers: false, watchOnlyText: 'View only \u2014 paired as a viewer' });
    // Before the first hello the hub has not said who this device is: nothing to press that it might refuse.
    expect(deriveDashboard(input({ hub: aHub({ role: null, status: 'connecting', everLive: false }) }))).toMatchObject({ steers: false, watchOnlyText: null });
  });

  it('counts the seconds to the next attempt while the hub is down', () => {
    const wallNow = 1_700_000_000_000;
    expect(deriveDashboard(input({ hub: aHub({ status: 'down', retryAt: wallNow + 2_100 }), wallNow })).retryIn).toBe(3);
  });

  it('says the screen may dim only while a set runs live', () => {
    const running = aHub({ session: aSession({ status: 'active', current: aSet() }) });
    expect(deriveDashboard(input({ hub: running, wake: 'refused' })).wakeText).toBe('Screen may dim: the browser would not keep it on');
    expect(deriveDashboard(input({ hub: running, wake: 'held' })).wakeText).toBeNull();
    expect(deriveDashboard(input({ wake: 'unavailable' })).wakeText).toBeNull();
    expect(deriveDashboard(input({ hub: { ...running, replay: {} as ReplayState }, wake: 'refused' })).wakeText).toBeNull();
  });

  it('marks the sides done, keeping the same list while the results are the same', () => {
    const result = { exerciseId: 'rom-prone' as const, side: 'left' as const, set: 1, reps: 3, partials: 0, missedHolds: 0, holdSeconds: null, efforts: null, maxAngle: 44, trials: [40, 44, 42], gapSeconds: 0, durationSeconds: 30, completed: true };
    const session = aSession({ status: 'rest', results: [result, { ...result, side: 'right', completed: false }], startedAt: 1, rest: { remainingSeconds: 20, totalSeconds: 30 } });
    const first = deriveDashboard(input({ hub: aHub({ session }) }));
    expect(first.done).toEqual(['rom-prone:left']);
    expect(first.totalSeconds).toBe(60);
    expect(deriveDashboard(input({ hub: aHub({ session }) }), first).done).toBe(first.done);
  });

  it('derives only the screen on show: the exercise during a set, the rest between sets', () => {
    const set = aSet();
    const active = deriveDashboard(input({ hub: aHub({ session: aSession({ status: 'active', current: set, exerciseIndex: 2 }), programme }) }));
    expect(active.screen).toBe('exercise');
    expect(active.exercise?.name).toBe(programme.exercises.find((e) => e.id === 'seated-hip-ir')!.name);
    expect(active.rest).toBeNull();
    expect(active.progressText).toBe('Exercise 3 of 26');
    expect(active.currentExercise).toBe('seated-hip-ir');
    const asked = deriveDashboard(input({ hub: aHub({ session: aSession({ status: 'active', current: set }) }), asked: 'programme' }));
    expect(asked).toMatchObject({ screen: 'programme', exercise: null, running: true });
  });

  it('shows the cue word until it expires, and the newest announcement', () => {
    const session = aSession({ status: 'active', current: aSet() });
    const feedback = followEvent(followView(NO_FEEDBACK, session), { kind: 'end-hold-reached', t: 3 }, 10_000, session.current);
    expect(deriveDashboard(input({ feedback, now: 10_500 })).flash?.text).toBe('Hold reached \u2713');
    expect(deriveDashboard(input({ feedback, now: 14_000 })).flash).toBeNull();
    expect(deriveDashboard(input({ feedback, now: 14_000 })).announcement?.text).toBe('Hold reached');
  });
});

describe('the rest screen', () => {
  it('counts down, says what comes next and what was just done with its figures', () => {
    const result = { exerciseId: 'seated-hip-ir' as const, side: 'left' as const, set: 1, reps: 20, partials: 2, missedHolds: 0, holdSeconds: null, efforts: null, maxAngle: 38, trials: [], gapSeconds: 0, durationSeconds: 120, completed: true };
    const session = aSession({ status: 'rest', rest: { remainingSeconds: 22.4, totalSeconds: 30 }, next: { exerciseId: 'seated-hip-ir', side: 'right', set: 1 }, results: [result] });
    const v = deriveRest(session, programme)!;
    const name = programme.exercises.find((e) => e.id === 'seated-hip-ir')!.name;
    expect(v.ring).toMatchObject({ value: '23', caption: 'Rest', label: 'Rest: 23 seconds left', tone: 'busy' });
    expect(v.ring.fraction).toBeCloseTo(0.2533, 3);
    expect(v.nextText).toBe(`Next: ${name} \u2014 right side`);
    expect(v.lastText).toBe(`Just done: ${name}, left side \u2014 20 reps, 2 short`);
  });

  it('gives a hold its seconds, a range-of-motion test its best trial, and says when a set was not finished', () => {
    const base = { exerciseId: 'figure4-sitting' as const, side: 'right' as const, set: 1, reps: 0, partials: 0, missedHolds: 0, holdSeconds: 58.6, efforts: null, maxAngle: null, trials: [], gapSeconds: 0, durationSeconds: 70, completed: false };
    const rest = { remainingSeconds: 10, totalSeconds: 30 };
    expect(deriveRest(aSession({ status: 'rest', rest, results: [base] }), programme)!.lastText).toMatch(/held 59 s \(not finished\)$/);
    const rom = { ...base, exerciseId: 'rom-prone' as const, holdSeconds: null, reps: 3, maxAngle: 44.2, completed: true };
    expect(deriveRest(aSession({ status: 'rest', rest, results: [rom] }), programme)!.lastText).toMatch(/3 trials, best 44°$/);
    expect(deriveRest(aSession({ status: 'rest', rest }), programme)!.nextText).toBe('Next: the end of the session');
    expect(deriveRest(aSession({ status: 'active' }), programme)).toBeNull();
  });
});
