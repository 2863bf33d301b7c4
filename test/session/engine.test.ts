import { describe, expect, it } from 'vitest';
import { emptyProgress, initialSession, planSets, stepSession, SessionCommandError, type SessionInput, type SessionState, type SetProgress } from '../../hub/session/engine.ts';
import type { Exercise, Programme } from '../../hub/protocol/programme.ts';
import type { SessionCommand } from '../../hub/protocol/session.ts';
import type { Vec3 } from '../../hub/pipeline/quaternion.ts';

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalise = (a: Vec3): Vec3 => scale(a, 1 / Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]));

const common = { stage: 'test', sides: ['left', 'right'] as ('left' | 'right')[], instructions: { steps: ['do it'], feel: 'fine' }, sensor: { placement: 'shin', follows: 'it', canFollow: true }, progressions: [] };
const exercises: Exercise[] = [
  { ...common, id: 'rom-seated', name: 'Seated ROM', kind: 'reps', targets: { reps: 2, maxAngle: { normalDeg: { min: 30, max: 45 } } } },
  { ...common, id: 'seated-hip-ir', name: 'Seated IR', kind: 'reps', sides: ['left'], sets: 2, targets: { reps: 3, endHoldSeconds: { min: 3, max: 5 } } },
  { ...common, id: 'figure4-sitting', name: 'Figure 4', kind: 'hold', sides: ['right'], targets: { holdSeconds: { min: 60, max: 60 } } },
  { ...common, id: 'step-across', name: 'Step across', kind: 'manual', sides: ['left'], sensor: { ...common.sensor, canFollow: false }, targets: { reps: 2 } },
  { ...common, id: 'hip-click', name: 'Hip click', kind: 'instruction', sides: ['left'], sensor: { ...common.sensor, canFollow: false }, targets: {} },
];
const programme: Programme = { version: 1, id: 'test', title: 'Test', description: 'A test programme', stages: [{ id: 'test', title: 'Test', purpose: 'tests' }], restSeconds: 10, exercises };

/** Applies inputs in order at the given times (ms), returning every state. */
function run(inputs: ([number, SessionCommand] | [number, Omit<SessionInput, 'now'>])[], from: SessionState = initialSession(programme)) {
  let state = from;
  const states: SessionState[] = [];
  for (const [now, input] of inputs) {
    state = stepSession(state, 'action' in input ? { kind: 'command', command: input, now } : ({ ...input, now } as SessionInput));
    states.push(state);
  }
  return { state, states };
}

const reps = (n: number, peak = 40): SetProgress => ({ ...emptyProgress(), reps: n, trials: Array.from({ length: n }, (_, i) => peak + i), maxAngle: peak + n - 1 });
/** A progress report for the engine's current scoring run. */
const progress = (state: SessionState, p: SetProgress) => ({ kind: 'progress' as const, run: state.scoring!.run, progress: p });
/** The start posture taken; these exercises say nothing of their start, so gravity can be anything. */
const calibrated = (state: SessionState, gravity: Vec3 = [0, 0, 1]) => ({ kind: 'calibrated' as const, epoch: state.angleEpoch, gravity });

describe('planSets', () => {
  it('walks exercises in order, each side in order, each set on a side', () => {
    expect(planSets(programme).map((p) => `${p.exercise.id}/${p.side}/${p.set}`)).toEqual([
      'rom-seated/left/1',
      'rom-seated/right/1',
      'seated-hip-ir/left/1',
      'seated-hip-ir/left/2',
      'figure4-sitting/right/1',
      'step-across/left/1',
      'hip-click/left/1',
    ]);
  });
});

describe('stepSession', () => {
  it('waits for the start posture, counts to the target, rests, then starts the next side', () => {
    let { state } = run([[0, { action: 'start' }]]);
    expect(state.view.status).toBe('calibrating');
    expect(state.view.current).toMatchObject({ exerciseId: 'rom-seated', side: 'left', set: 1, reps: 0, repTarget: 2 });
    expect(state.scoring).toBeNull();
    // A calibration from before this set's reset does not count.
    expect(stepSession(state, { ...calibrated(state), epoch: state.angleEpoch - 1, now: 500 })).toBe(state);
    // Progress towards the start posture, in tenths of a second, for the screen.
    expect(state.view.calibration).toEqual({ stillSeconds: 0, neededSeconds: 1 });
    state = stepSession(state, { kind: 'stillness', epoch: state.angleEpoch, seconds: 0.46, now: 600 });
    expect(state.view.calibration).toEqual({ stillSeconds: 0.4, neededSeconds: 1 });
    expect(stepSession(state, { kind: 'stillness', epoch: state.angleEpoch, seconds: 0.49, now: 650 })).toBe(state);
    state = stepSession(state, { ...calibrated(state), now: 1000 });
    expect(state.view.status).toBe('active');
    expect(state.view.calibration).toBeNull();
    state = stepSession(state, { ...progress(state, reps(1)), now: 5000 });
    expect(state.view.current?.reps).toBe(1);
    state = stepSession(state, { ...progress(state, reps(2)), now: 9000 });
    expect(state.view.status).toBe('rest');
    expect(state.view.rest).toEqual({ remainingSeconds: 10, totalSeconds: 10 });
    expect(state.view.next).toEqual({ exerciseId: 'rom-seated', side: 'right', set: 1 });
    expect(state.view.results).toEqual([expect.objectContaining({ exerciseId: 'rom-seated', side: 'left', reps: 2, completed: true, trials: [40, 41], durationSeconds: 9 })]);
    state = stepSession(state, { kind: 'tick', now: 12_500 });
    expect(state.view.rest?.remainingSeconds).toBe(6.5);
    state = stepSession(state, { kind: 'tick', now: 19_000 });
    expect(state.view.status).toBe('calibrating');
    expect(state.view.current).toMatchObject({ exerciseId: 'rom-seated', side: 'right', reps: 0 });
  });

  it('gives range-of-motion results per side against the normal range, and the asymmetry once both are measured', () => {
    let { state } = run([[0, { action: 'start' }]]);
    state = stepSession(state, { ...calibrated(state), now: 1 });
    state = stepSession(state, { ...progress(state, { ...emptyProgress(), reps: 2, trials: [36, 40], maxAngle: 40 }), now: 2 });
    expect(state.view.rom).toEqual([expect.objectContaining({ exerciseId: 'rom-seated', left: expect.objectContaining({ best: 40, mean: 38, comparedWithNormal: 'within' }), right: null, asymmetry: null })]);
    state = stepSession(state, { kind: 'command', command: { action: 'next' }, now: 3 });
    state = stepSession(state, { ...calibrated(state), now: 4 });
    state = stepSession(state, { ...progress(state, { ...emptyProgress(), reps: 1, trials: [28], maxAngle: 28 }), now: 5 });
    // Shown while the set is under way, before it ends.
    const rom = state.view.rom[0]!;
    expect(rom.right).toMatchObject({ best: 28, comparedWithNormal: 'below' });
    expect(rom.asymmetry).toEqual({ deg: 12, percent: 30, lesser: 'right' });
  });

  it('keeps sets and sides apart: next, previous, skip and switch-side', () => {
    let { state } = run([[0, { action: 'start', exerciseId: 'seated-hip-ir' }]]);
    expect(state.view.current).toMatchObject({ exerciseId: 'seated-hip-ir', side: 'left', set: 1, sets: 2, endHoldTargetSeconds: 3 });
    state = stepSession(state, { kind: 'command', command: { action: 'next' }, now: 1 });
    expect(state.view.current).toMatchObject({ exerciseId: 'seated-hip-ir', set: 2 });
    state = stepSession(state, { kind: 'command', command: { action: 'previous' }, now: 2 });
    expect(state.view.current).toMatchObject({ exerciseId: 'seated-hip-ir', set: 1 });
    state = stepSession(state, { kind: 'command', command: { action: 'skip' }, now: 3 });
    expect(state.view.current).toMatchObject({ exerciseId: 'figure4-sitting', side: 'right', kind: 'hold' });
    expect(() => stepSession(state, { kind: 'command', command: { action: 'switch-side' }, now: 4 })).toThrow(/one side only/);
    ({ state } = run([[5, { action: 'start', exerciseId: 'rom-seated', side: 'right' }]], state));
    state = stepSession(state, { kind: 'command', command: { action: 'switch-side' }, now: 6 });
    expect(state.view.current).toMatchObject({ exerciseId: 'rom-seated', side: 'left' });
    // Sets left before anything happened leave no results behind.
    expect(state.view.results).toEqual([]);
  });

  it('counts taps for a manual exercise, and waits for next on an instruction', () => {
    let { state } = run([[0, { action: 'start', exerciseId: 'step-across' }]]);
    expect(state.view.status).toBe('active'); // nothing to calibrate
    expect(() => stepSession(state, { kind: 'command', command: { action: 'calibrate' }, now: 1 })).toThrow(SessionCommandError);
    ({ state } = run([[1, { action: 'count' }], [2, { action: 'count' }]], state));
    expect(state.view.status).toBe('rest');
    expect(state.view.results.at(-1)).toMatchObject({ exerciseId: 'step-across', reps: 2, completed: true });
    ({ state } = run([[3, { action: 'next' }]], state));
    expect(state.view.current).toMatchObject({ exerciseId: 'hip-click', kind: 'instruction', repTarget: null });
    expect(() => stepSession(state, { kind: 'command', command: { action: 'count' }, now: 4 })).toThrow(/manual-count/);
    ({ state } = run([[5, { action: 'next' }]], state));
    expect(state.view.status).toBe('finished');
    expect(() => stepSession(state, { kind: 'command', command: { action: 'next' }, now: 6 })).toThrow(/start one first/);
  });

  it('finishes a hold when the time in position reaches the target', () => {
    let { state } = run([[0, { action: 'start', exerciseId: 'figure4-sitting' }]]);
    state = stepSession(state, { ...calibrated(state), now: 1 });
    const hold = (heldSeconds: number) => ({ ...emptyProgress(), hold: { inPosition: true, heldSeconds, targetSeconds: 60, remainingSeconds: 60 - heldSeconds, position: 20 } });
    state = stepSession(state, { ...progress(state, hold(59.9)), now: 70_000 });
    expect(state.view.status).toBe('active');
    state = stepSession(state, { ...progress(state, hold(60)), now: 70_100 });
    expect(state.view.status).toBe('rest');
    expect(state.view.results.at(-1)).toMatchObject({ exerciseId: 'figure4-sitting', holdSeconds: 60, completed: true });
  });

  it('keeps the reps counted when the sensor drops mid-set, marks the gap, and ignores reports from a set already left', () => {
    let { state } = run([[0, { action: 'start', exerciseId: 'seated-hip-ir' }]]);
    state = stepSession(state, { ...calibrated(state), now: 1000 });
    state = stepSession(state, { ...progress(state, reps(2)), now: 10_000 });
    state = stepSession(state, { kind: 'link', connected: false, now: 11_000 });
    expect(state.view.current).toMatchObject({ reps: 2, waitingForSensor: true });
    state = stepSession(state, { kind: 'link', connected: true, now: 14_500 });
    expect(state.view.current).toMatchObject({ reps: 2, waitingForSensor: false, gapSeconds: 3.5 });
    const oldRun = state.scoring!.run;
    state = stepSession(state, { kind: 'command', command: { action: 'next' }, now: 15_000 });
    expect(state.view.results.at(-1)).toMatchObject({ reps: 2, gapSeconds: 3.5, completed: false });
    expect(stepSession(state, { kind: 'progress', run: oldRun, progress: reps(3), now: 15_100 })).toBe(state);
  });

  it('re-calibrating mid-set keeps what was counted', () => {
    let { state } = run([[0, { action: 'start', exerciseId: 'seated-hip-ir' }]]);
    state = stepSession(state, { ...calibrated(state), now: 1 });
    state = stepSession(state, { ...progress(state, reps(2)), now: 2 });
    const epoch = state.angleEpoch;
    state = stepSession(state, { kind: 'command', command: { action: 'calibrate' }, now: 3 });
    expect(state.view.status).toBe('calibrating');
    expect(state.angleEpoch).toBe(epoch + 1);
    state = stepSession(state, { ...calibrated(state), now: 4 });
    state = stepSession(state, { ...progress(state, reps(1)), now: 5 });
    expect(state.view.status).toBe('rest'); // 3 of 3
    expect(state.view.results.at(-1)).toMatchObject({ exerciseId: 'seated-hip-ir', reps: 3, completed: true });
  });

  it('explains commands that make no sense', () => {
    const state = initialSession(programme);
    expect(() => stepSession(state, { kind: 'command', command: { action: 'start', exerciseId: 'swivel-chair' }, now: 0 })).toThrow('swivel-chair is not in this programme');
    expect(() => stepSession(state, { kind: 'command', command: { action: 'start', exerciseId: 'step-across', side: 'right' }, now: 0 })).toThrow('step-across is not done on the right side in this programme');
    expect(() => stepSession(state, { kind: 'command', command: { action: 'skip' }, now: 0 })).toThrow('there is no session under way to skip: start one first');
  });
});

describe('checking each start position against the way the exercise starts', () => {
  const posture = (id: Exercise['id'], name: string, kind: 'reps' | 'hold', startShin?: 'foot-up' | 'foot-down' | 'level'): Exercise => {
    const sensor = { placement: 'shin', follows: 'it', canFollow: true, ...(startShin ? { startShin } : {}) };
    return kind === 'hold'
      ? { ...common, id, name, kind, sensor, targets: { holdSeconds: { min: 60, max: 60 } } }
      : { ...common, id, name, kind, sensor, targets: { reps: 3 } };
  };
  const postureProgramme: Programme = {
    ...programme,
    version: 2,
    exercises: [
      posture('rom-seated', 'Range check sitting', 'reps', 'foot-down'),
      posture('rom-prone', 'Range check lying face down', 'reps', 'foot-up'),
      posture('side-lie', 'Side-lying foot lifts', 'reps', 'level'),
      posture('seated-hip-ir', 'Seated lifts', 'reps', 'foot-down'),
      posture('sitting-knee-drop', 'Knee drops', 'reps'),
    ],
  };

  // The shin's long axis (knee → foot) in the sensor frame of a sensor strapped at an odd angle, and
  // gravity in that frame for the shin hanging, pointing up, level, or tipped from hanging by `deg`.
  const axis = normalise([0.2, -0.95, 0.25]);
  const across = normalise(cross(axis, [1, 0, 0]));
  const hanging = axis;
  const pointingUp = scale(axis, -1);
  const level = across;
  const tipped = (deg: number): Vec3 => normalise(add(scale(axis, Math.cos((deg * Math.PI) / 180)), scale(across, Math.sin((deg * Math.PI) / 180))));

  /** Starts `exerciseId` (or carries on in the set under way) and takes its start position with `gravity`. */
  function takeStart(state: SessionState, gravity: Vec3, exerciseId?: Exercise['id']): SessionState {
    let next = state;
    if (exerciseId) next = stepSession(next, { kind: 'command', command: { action: 'start', exerciseId, side: 'left' }, now: 0 });
    expect(next.view.status).toBe('calibrating');
    return stepSession(next, { ...calibrated(next, gravity), now: 1 });
  }
  const fresh = () => initialSession(postureProgramme);
  const warning = (state: SessionState) => state.view.current?.postureWarning ?? null;

  it.each<[string, [Exercise['id'], Vec3][], RegExp | null]>([
    ['no check before a foot-up or foot-down start: a level start teaches nothing', [['side-lie', hanging]], null],
    ['learned from a foot-down start, a foot-up start that reads hanging down', [['rom-seated', hanging], ['rom-prone', hanging]], /^Your shin reads as hanging down, but Range check lying face down starts with it pointing up\. Check your position, then tap Recalibrate\. If you moved the sensor on purpose, just carry on\.$/],
    ['learned from a foot-down start, a foot-up start that agrees', [['rom-seated', hanging], ['rom-prone', pointingUp]], null],
    ['learned from a foot-down start, a foot-up start that reads level', [['rom-seated', hanging], ['rom-prone', level]], /reads as level, but Range check lying face down starts with it pointing up/],
    ['a foot-up start sloping 50° from straight up is near enough', [['rom-seated', hanging], ['rom-prone', tipped(130)]], null],
    ['a foot-up start 70° from straight up reads level', [['rom-seated', hanging], ['rom-prone', tipped(110)]], /reads as level/],
    ['a foot-down start 130° from hanging reads pointing up', [['rom-prone', pointingUp], ['seated-hip-ir', tipped(130)]], /reads as pointing up, but Seated lifts starts with it hanging down/],
    ['learned from a foot-up start, a level start that agrees', [['rom-prone', pointingUp], ['side-lie', level]], null],
    ['a level start that reads hanging down', [['rom-seated', hanging], ['side-lie', tipped(20)]], /reads as hanging down, but Side-lying foot lifts starts with it level/],
    ['a level start that reads pointing up', [['rom-seated', hanging], ['side-lie', pointingUp]], /reads as pointing up, but Side-lying foot lifts starts with it level/],
    ['a level start sloping 40° is near enough', [['rom-seated', hanging], ['side-lie', tipped(50)]], null],
    ['an exercise whose start is not given is not checked', [['rom-seated', hanging], ['sitting-knee-drop', pointingUp]], null],
    ['the first foot-up or foot-down start is believed, even in the wrong position', [['rom-prone', hanging], ['seated-hip-ir', hanging]], /reads as pointing up, but Seated lifts/],
  ])('%s', (_name, starts, expected) => {
    let state = fresh();
    for (const [exerciseId, gravity] of starts) state = takeStart(state, gravity, exerciseId);
    // Whatever the check says, the set is under way: the person may have moved the sensor on purpose.
    expect(state.view.status).toBe('active');
    expect(state.scoring).not.toBeNull();
    if (expected === null) expect(warning(state)).toBeNull();
    else expect(warning(state)).toMatch(expected);
  });

  it('keeps the warning while the start position is taken again, and clears it when it agrees', () => {
    let state = takeStart(takeStart(fresh(), hanging, 'rom-seated'), hanging, 'rom-prone');
    expect(warning(state)).toMatch(/hanging down/);
    state = stepSession(state, { kind: 'command', command: { action: 'calibrate' }, now: 2 });
    expect(state.view.status).toBe('calibrating');
    expect(warning(state)).toMatch(/hanging down/);
    state = takeStart(state, pointingUp);
    expect(warning(state)).toBeNull();
  });

  it('trusts a second start position of the same set that still contradicts: the axis is learned again from it', () => {
    // The sensor is strapped on upside down after the seated check; lying face down, gravity now
    // reads along the old axis.
    let state = takeStart(takeStart(fresh(), hanging, 'rom-seated'), hanging, 'rom-prone');
    expect(warning(state)).not.toBeNull();
    state = stepSession(state, { kind: 'command', command: { action: 'calibrate' }, now: 2 });
    state = takeStart(state, hanging);
    expect(warning(state)).toBeNull();
    // From now on the upside-down sensor is the norm: sitting, the shin hangs along the new axis.
    state = takeStart(state, pointingUp, 'seated-hip-ir');
    expect(warning(state)).toBeNull();
    state = takeStart(state, hanging, 'rom-seated');
    expect(warning(state)).toMatch(/reads as pointing up, but Range check sitting starts with it hanging down/);
  });

  it('trusts a level start taken twice that still reads vertical: no axis, so no check, until a foot-up or foot-down start', () => {
    let state = takeStart(takeStart(fresh(), hanging, 'rom-seated'), hanging, 'side-lie');
    expect(warning(state)).toMatch(/reads as hanging down, but Side-lying foot lifts/);
    state = stepSession(state, { kind: 'command', command: { action: 'calibrate' }, now: 2 });
    state = takeStart(state, hanging);
    expect(warning(state)).toBeNull();
    state = takeStart(state, hanging, 'rom-prone'); // would contradict the old axis
    expect(warning(state)).toBeNull();
    state = takeStart(state, hanging, 'seated-hip-ir'); // learned from rom-prone: the shin points along −gravity
    expect(warning(state)).toMatch(/reads as pointing up/);
  });

  it('a person who carries on after a warning is believed at the next start that agrees with the moved sensor', () => {
    let state = takeStart(takeStart(fresh(), hanging, 'rom-seated'), hanging, 'rom-prone');
    expect(warning(state)).not.toBeNull();
    // No recalibration: on to the next exercise, sitting with the sensor as it now is.
    state = takeStart(state, pointingUp, 'seated-hip-ir');
    expect(warning(state)).toBeNull();
    state = takeStart(state, hanging, 'rom-prone');
    expect(warning(state)).toBeNull();
  });

  it('learns the shin afresh in each new session (the sensor may have been strapped on differently)', () => {
    let state = takeStart(fresh(), hanging, 'rom-seated');
    state = stepSession(state, { kind: 'command', command: { action: 'stop' }, now: 2 });
    state = takeStart(state, hanging, 'rom-prone');
    expect(warning(state)).toBeNull();
    state = takeStart(state, hanging, 'rom-seated'); // within the session the axis holds
    expect(warning(state)).toMatch(/reads as pointing up/);
  });

  it('clears the warning when the next set starts, before its own start position is checked', () => {
    let state = takeStart(takeStart(fresh(), hanging, 'rom-seated'), hanging, 'rom-prone');
    expect(warning(state)).not.toBeNull();
    state = stepSession(state, { kind: 'command', command: { action: 'next' }, now: 2 });
    expect(state.view.current).toMatchObject({ exerciseId: 'rom-prone', side: 'right', postureWarning: null });
    // A level start after a warning that was never resolved: checked against the axis as it was.
    state = takeStart(state, level, 'side-lie');
    expect(warning(state)).toBeNull();
  });
});
