import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { Exercise, Programme } from '../../hub/protocol/programme.ts';
import { deriveExercise, setRing, targetBand, type ExerciseContext } from '../../web/src/view-model/exercise.ts';
import { aSession, aSet } from './fixtures.ts';

let programme: Programme;
const exercise = (id: string): Exercise => programme.exercises.find((e) => e.id === id)!;
beforeAll(async () => {
  programme = await loadDefaultProgramme();
});

const context = (overrides: Partial<ExerciseContext> = {}): ExerciseContext => ({
  peaks: [],
  sensorConnected: true,
  sensorShin: null,
  rangeMin: -10,
  rangeMax: 60,
  ...overrides,
});
const rep = (peakAngle: number) => ({ start: 0, end: 1, peakAngle, hold: 3, holdMet: true });

describe('the exercise screen of a set', () => {
  it('names the exercise, its side, set, place in the programme and stage, with the steps', () => {
    const set = aSet();
    const v = deriveExercise(aSession({ status: 'active', current: set, exerciseIndex: 20 }), set, programme, context());
    expect(v).toMatchObject({ name: exercise('seated-hip-ir').name, side: 'Left', otherSide: 'Right', setText: 'Set 1 of 1', kind: 'reps', unit: 'reps', canCalibrate: true, canSwitchSide: true });
    expect(v.whereText).toMatch(/^Exercise 21 of 26 \u00b7 \S/);
    expect(v.steps.length).toBeGreaterThan(0);
    expect(v.ring).toBeNull();
  });

  it('fills the calibration ring with the hub\u2019s own count of still time, and says "moving" at zero', () => {
    const set = aSet();
    const still = deriveExercise(aSession({ status: 'calibrating', current: set, calibration: { stillSeconds: 0.25, neededSeconds: 1 } }), set, programme, context());
    expect(still).toMatchObject({ calibrating: true, stillFraction: 0.25, moving: false });
    const moving = deriveExercise(aSession({ status: 'calibrating', current: set, calibration: { stillSeconds: 0, neededSeconds: 1 } }), set, programme, context());
    expect(moving.moving).toBe(true);
    const over = deriveExercise(aSession({ status: 'calibrating', current: set, calibration: { stillSeconds: 3, neededSeconds: 1 } }), set, programme, context());
    expect(over.stillFraction).toBe(1);
  });

  it('waits for the sensor when the link is down (sets that use it only), and says how long it was away', () => {
    const set = aSet({ gapSeconds: 4.4 });
    const v = deriveExercise(aSession({ status: 'active', current: set }), set, programme, context({ sensorConnected: false }));
    expect(v.waiting).toBe(true);
    expect(v.gapText).toBe('4 s without the sensor this set');
    const taps = aSet({ exerciseId: 'step-across', kind: 'manual' });
    const manual = deriveExercise(aSession({ status: 'active', current: taps }), taps, programme, context({ sensorConnected: false }));
    expect(manual).toMatchObject({ waiting: false, unit: 'taps', canCalibrate: false });
  });

  it('warns when the sensor is on the other shin, and passes the hub\u2019s start-position warning on', () => {
    const set = aSet({ postureWarning: 'The shin hangs down' });
    const v = deriveExercise(aSession({ status: 'active', current: set }), set, programme, context({ sensorShin: 'right' }));
    expect(v.shinWarning).toBe('The sensor is on the right shin, and this set is for the left: move the sensor, or switch side.');
    expect(v.postureWarning).toBe('The shin hangs down');
    const same = deriveExercise(aSession({ status: 'active', current: set }), set, programme, context({ sensorShin: 'left' }));
    expect(same.shinWarning).toBeNull();
  });
});

describe('the target band', () => {
  it('for reps runs from half the largest recent peak to 10 % above it, marking the last peak', () => {
    const set = aSet({ lastRep: rep(30) });
    expect(targetBand(set, exercise('seated-hip-ir'), [28, 40, 30])).toEqual({ bandMin: 20, bandMax: 44, mark: 30 });
    expect(targetBand(set, exercise('seated-hip-ir'), [])).toEqual({ bandMin: 15, bandMax: 33, mark: 30 });
    expect(targetBand(aSet(), exercise('seated-hip-ir'), [])).toEqual({ bandMin: null, bandMax: null, mark: null });
  });

  it('for a range-of-motion test is the normal range, marking the best trial, counted in trials', () => {
    const set = aSet({ exerciseId: 'rom-prone', repTarget: 3, endHoldTargetSeconds: null, maxAngle: 41 });
    expect(targetBand(set, exercise('rom-prone'), [])).toEqual({ bandMin: 45, bandMax: 45, mark: 41 });
    const v = deriveExercise(aSession({ status: 'active', current: set }), set, programme, context());
    expect(v.unit).toBe('trials');
  });

  it('for a hold is the position held with 10 % (at least 1°) either side, once holding has begun', () => {
    const hold = { inPosition: true, heldSeconds: 5, targetSeconds: 60, remainingSeconds: 55, position: 50 };
    const set = aSet({ exerciseId: 'figure4-sitting', kind: 'hold', repTarget: null, hold });
    expect(targetBand(set, exercise('figure4-sitting'), [])).toEqual({ bandMin: 45, bandMax: 55, mark: 50 });
    expect(targetBand(aSet({ kind: 'hold', hold: { ...hold, position: 4 } }), exercise('figure4-sitting'), [])).toEqual({ bandMin: 3, bandMax: 5, mark: 4 });
    expect(targetBand(aSet({ kind: 'hold', hold: { ...hold, heldSeconds: 0 } }), exercise('figure4-sitting'), []).mark).toBeNull();
  });

  it('widens the gauge to tens of degrees around the band and the mark', () => {
    const set = aSet({ lastRep: rep(70) });
    const v = deriveExercise(aSession({ status: 'active', current: set }), set, programme, context());
    expect(v).toMatchObject({ rangeMin: -10, rangeMax: 90 });
  });
});

describe('the rings', () => {
  it('a hold counts down while in position, pauses out of it, and is done at the target', () => {
    const hold = { inPosition: true, heldSeconds: 15, targetSeconds: 60, remainingSeconds: 44.2, position: 50 };
    expect(setRing(aSet({ kind: 'hold', hold }), exercise('figure4-sitting'))).toEqual({
      fraction: 0.25,
      value: '45',
      caption: 'Hold',
      label: 'Hold: 45 seconds left of 60',
      tone: 'ok',
      paused: false,
    });
    expect(setRing(aSet({ kind: 'hold', hold: { ...hold, inPosition: false } }), exercise('figure4-sitting'))).toMatchObject({ caption: 'Paused', tone: 'warn', paused: true });
    expect(setRing(aSet({ kind: 'hold', hold, targetReached: true }), exercise('figure4-sitting'))).toMatchObject({ value: '\u2713', caption: 'Done', label: 'Hold target of 60 seconds reached' });
  });

  it('a hold not yet begun shows its target', () => {
    expect(setRing(aSet({ kind: 'hold' }), exercise('figure4-sitting'))).toMatchObject({ value: '60', caption: 'Get into position', tone: 'off', paused: true });
  });

  it('an effort counts down each push and each relaxation', () => {
    const effort = { phase: 'effort' as const, cycle: 2, completed: 1, of: 5, phaseRemainingSeconds: 2.5 };
    expect(setRing(aSet({ kind: 'effort', effort }), exercise('femoral-head-centration'))).toEqual({
      fraction: 0.75,
      value: '3',
      caption: 'Push 2 of 5',
      label: 'Push 2 of 5: 3 seconds left. 1 of 5 efforts done.',
      tone: 'bad',
      paused: false,
    });
    expect(setRing(aSet({ kind: 'effort', effort: { ...effort, phase: 'relax', phaseRemainingSeconds: 4 } }), exercise('femoral-head-centration'))).toMatchObject({ caption: 'Relax', fraction: expect.closeTo(0.2, 9), tone: 'busy' });
  });

  it('reps have no ring', () => {
    expect(setRing(aSet(), exercise('seated-hip-ir'))).toBeNull();
  });
});
