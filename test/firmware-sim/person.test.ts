import { describe, expect, it } from 'vitest';
import { EXERCISE_IDS, exerciseSpec, type ExerciseId } from '../../firmware-sim/person/exercises.ts';
import { createPerson } from '../../firmware-sim/person/person.ts';
import { qAngleBetween, rotate } from '../../firmware-sim/math3d.ts';
import { SensorModel } from '../../firmware-sim/sensor.ts';

describe('person model', () => {
  it('knows exactly the programme’s exercise ids', () => {
    const programme =
      'rom-prone rom-seated release-deep-glutes release-piriformis release-obturator-internus release-glute-max release-glute-med-min ' +
      'figure4-sitting figure4-supine posterior-capsule-stretch ir-stretch-supine ir-stretch-wall band-distraction-neutral ' +
      'band-distraction-flexion lateral-band-distraction hip-click femoral-head-centration swivel-chair straight-leg-rolls ' +
      'sitting-knee-drop seated-hip-ir side-lie hip-shift-wall foot-lift-9090 step-across staggered-stance-hinge';
    expect([...EXERCISE_IDS]).toEqual(programme.split(' '));
  });

  it('every exercise starts still in its start posture, then moves about its axis', () => {
    for (const id of EXERCISE_IDS) {
      const person = createPerson({ exercise: id, seed: 11 });
      for (let t = 0; t < 1.9; t += 0.1) {
        expect(person.angleAt(t)).toBe(0);
        person.shinAt(t).forEach((v, j) => expect(v).toBeCloseTo(person.startShin[j]!, 12));
      }
      let max = 0;
      for (let t = 2; t < 40; t += 0.05) max = Math.max(max, person.angleAt(t));
      const [lo] = exerciseSpec(id).rangeDeg;
      expect(max, id).toBeGreaterThan(Math.min(lo, 2) * 0.3);
    }
  });

  it('is deterministic from the seed, and different people move differently', () => {
    const a = createPerson({ exercise: 'side-lie', seed: 5 });
    const b = createPerson({ exercise: 'side-lie', seed: 5 });
    const c = createPerson({ exercise: 'side-lie', seed: 6 });
    const at = (p: typeof a) => Array.from({ length: 600 }, (_, i) => p.angleAt(i * 0.1));
    expect(at(a)).toEqual(at(b));
    expect(at(a)).not.toEqual(at(c));
    expect(a.reps(60)).toEqual(b.reps(60));
  });

  it('seated-hip-ir: full reps peak within the configured range, partial reps fall short, end holds are 3–5 s', () => {
    let partials = 0;
    let full = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const person = createPerson({ exercise: 'seated-hip-ir', seed });
      const reps = person.reps(240);
      expect(reps.length).toBeGreaterThan(15);
      for (const rep of reps) {
        expect(rep.kind).toBe('rep');
        expect(rep.end).toBeGreaterThan(rep.start);
        expect(rep.endHoldStart).toBeGreaterThanOrEqual(rep.start);
        expect(rep.endHoldEnd).toBeLessThanOrEqual(rep.end);
        expect(rep.endHoldSeconds).toBeGreaterThanOrEqual(3);
        expect(rep.endHoldSeconds).toBeLessThanOrEqual(5);
        expect(rep.peakTime).toBeGreaterThanOrEqual(rep.start);
        expect(rep.peakTime).toBeLessThanOrEqual(rep.end);
        if (rep.partial) {
          partials++;
          expect(rep.peakDeg).toBeLessThan(28);
        } else {
          full++;
          // Sway rides on top of the planned peak: at most about a degree.
          expect(rep.peakDeg).toBeGreaterThan(28 - 1.2);
          expect(rep.peakDeg).toBeLessThan(40 + 1.2);
        }
      }
      // First rep starts after the ~2 s of stillness.
      expect(reps[0]!.start).toBeCloseTo(2, 6);
    }
    expect(full).toBeGreaterThan(150);
    expect(partials).toBeGreaterThan(0);
  });

  it('holds and efforts: stretches hold about 60 s; femoral head centration is 5 × 10 s with little motion', () => {
    const stretch = createPerson({ exercise: 'figure4-sitting', seed: 3 }).reps(200);
    expect(stretch[0]).toMatchObject({ kind: 'hold', partial: false });
    expect(stretch[0]!.endHoldSeconds).toBeGreaterThanOrEqual(55);
    expect(stretch[0]!.endHoldSeconds).toBeLessThanOrEqual(65);
    const efforts = createPerson({ exercise: 'femoral-head-centration', seed: 3 }).reps(300).filter((r) => r.set === 1);
    expect(efforts).toHaveLength(5);
    for (const effort of efforts) {
      expect(effort.kind).toBe('effort');
      expect(effort.endHoldSeconds).toBeGreaterThan(9);
      expect(effort.endHoldSeconds).toBeLessThan(11);
      expect(Math.abs(effort.peakDeg)).toBeLessThan(5);
    }
  });

  it('a hold with a break: slips out part way through, comes back, and still holds the planned time in position', () => {
    for (let seed = 1; seed <= 8; seed++) {
      for (const exercise of ['figure4-supine', 'release-piriformis'] as const) {
        const plain = createPerson({ exercise, seed });
        const person = createPerson({ exercise, seed, holdBreak: true });
        const [hold] = person.reps(300);
        const [plainHold] = plain.reps(300);
        expect(hold!.inPosition).toHaveLength(2);
        const [first, second] = hold!.inPosition;
        // The same person, the same hold: only the break differs.
        expect(hold!.targetDeg).toBe(plainHold!.targetDeg);
        expect(hold!.endHoldSeconds).toBeCloseTo(plainHold!.endHoldSeconds, 9);
        expect(first!.end - first!.start + second!.end - second!.start).toBeCloseTo(hold!.endHoldSeconds, 9);
        expect(hold!.endHoldStart).toBe(first!.start);
        expect(hold!.endHoldEnd).toBe(second!.end);
        // Until the hold, the very same movement (in the hold, the creep and a fidget fall elsewhere).
        for (let t = 0; t < first!.start; t += 0.25) expect(person.angleAt(t)).toBe(plain.angleAt(t));
        // Out of position for a few seconds, back under half of the position.
        const away = second!.start - first!.end;
        expect(away).toBeGreaterThan(2.5);
        expect(away).toBeLessThan(9);
        const lowest = Math.min(...Array.from({ length: 100 }, (_, i) => person.angleAt(first!.end + (away * i) / 99)));
        expect(lowest).toBeLessThan(0.5 * hold!.targetDeg);
        expect(person.angleAt(second!.start + 1)).toBeGreaterThan(0.8 * hold!.targetDeg);
      }
    }
    // Reps and efforts have one span: their end hold.
    const [rep] = createPerson({ exercise: 'seated-hip-ir', seed: 2, holdBreak: true }).reps(30);
    expect(rep!.inPosition).toEqual([{ start: rep!.endHoldStart, end: rep!.endHoldEnd }]);
  });

  it('the right leg is the mirror image of the left: same truth angle, mirrored orientation', () => {
    const left = createPerson({ exercise: 'swivel-chair', seed: 8, side: 'left' });
    const right = createPerson({ exercise: 'swivel-chair', seed: 8, side: 'right' });
    for (let t = 0; t < 30; t += 0.37) {
      expect(right.angleAt(t)).toBe(left.angleAt(t));
      const [w, x, y, z] = left.shinAt(t);
      const r = right.shinAt(t);
      expect(r[0]).toBeCloseTo(w, 12);
      expect(r[1]).toBeCloseTo(-x, 12);
      expect(r[2]).toBeCloseTo(y, 12);
      expect(r[3]).toBeCloseTo(-z, 12);
    }
  });

  it('moves the shin the way each exercise really does', () => {
    /** Where the shin points (knee → ankle, earth frame) at the start and at the first rep's peak. */
    const swing = (exercise: ExerciseId) => {
      const person = createPerson({ exercise, seed: 1 });
      const rep = person.reps(300)[0]!;
      return { start: rotate(person.startShin, [1, 0, 0]), peak: rotate(person.shinAt(rep.peakTime), [1, 0, 0]), axis: person.axis };
    };
    const seated = swing('seated-hip-ir');
    expect(seated.start[2]).toBeCloseTo(-1, 9); // hanging
    expect(seated.peak[1]).toBeGreaterThan(0.4); // foot out to the (left leg's) side
    expect(seated.axis[2]).toBe(0); // horizontal thigh axis
    const prone = swing('rom-prone');
    expect(prone.start[2]).toBeCloseTo(1, 9); // vertical, foot up
    expect(prone.peak[2]).toBeLessThan(0.9); // drops from vertical
    const chair = swing('swivel-chair');
    expect(chair.start[2]).toBeCloseTo(0, 9); // horizontal
    expect(chair.peak[2]).toBeCloseTo(0, 1); // pure yaw: stays level
    expect(Math.abs(chair.axis[2])).toBe(1);
    const rolls = swing('straight-leg-rolls');
    expect(rolls.peak[0]).toBeCloseTo(1, 2); // turns about its own long axis
    const side = swing('side-lie');
    expect(side.start[2]).toBeCloseTo(0, 9);
    expect(side.peak[2]).toBeGreaterThan(0.2); // the foot lifts
    const ninety = swing('foot-lift-9090');
    expect(ninety.peak[2]).toBeGreaterThan(0.05);
  });
});

describe('a person told to start another exercise', () => {
  it('turns smoothly into the new start position, stays still there, then does the new exercise', () => {
    const model = new SensorModel({ seed: 5, exercise: 'seated-hip-ir', clock: false });
    const rate = 100;
    for (let i = 0; i < 500; i++) model.sample(i, rate); // 5 s of seated hip IR
    model.startExercise('rom-prone', 'left', 5);
    const shin = (t: number) => model.kinematics.shinAt(t);
    // Seated (shin hanging) to prone (shin up): about half a turn, spread over the 3 s transition.
    expect(qAngleBetween(shin(5), shin(8))).toBeGreaterThan(Math.PI / 2);
    let largestStep = 0;
    for (let t = 5; t < 8; t += 0.01) largestStep = Math.max(largestStep, qAngleBetween(shin(t), shin(t + 0.01)));
    expect(largestStep).toBeLessThan(0.03); // under 3 rad/s: a person turning over, not a jump
    // Then still in the prone start position, then trials of the prone range check.
    expect(qAngleBetween(shin(8.2), shin(9.5))).toBeLessThan(0.02);
    expect(model.person?.spec.id).toBe('rom-prone');
    const peak = Math.max(...Array.from({ length: 2000 }, (_, k) => model.angleAt(8 + k * 0.01)));
    expect(peak).toBeGreaterThan(25);
    // Samples keep coming in order across the switch.
    for (let i = 500; i < 1500; i++) expect(Number.isFinite(model.sample(i, rate).reading.gx)).toBe(true);
  });
});

describe("the person's truth across exercise switches", () => {
  it("keeps each exercise's reps up to the switch, on the true clock, and the new exercise's after it", () => {
    const model = new SensorModel({ seed: 5, exercise: 'seated-hip-ir', clock: false });
    const seated = createPerson({ exercise: 'seated-hip-ir', seed: 5 });
    const switchAt = 40;
    model.startExercise('rom-prone', 'right', switchAt);
    const truth = model.truthUntil(200);
    // Before the switch: exactly the seated person's reps that ended by then.
    const before = truth.filter((rep) => rep.exercise === 'seated-hip-ir');
    expect(before.map((rep) => rep.end)).toEqual(seated.reps(switchAt).map((rep) => rep.end));
    expect(before.length).toBeGreaterThan(0);
    // After it: the prone trials, on the right, timed from when the person got there (3 s later).
    const prone = truth.filter((rep) => rep.exercise === 'rom-prone');
    const proneAlone = createPerson({ exercise: 'rom-prone', seed: 5, side: 'right' }).reps(200 - switchAt - 3);
    expect(prone.map((rep) => rep.end)).toEqual(proneAlone.map((rep) => switchAt + 3 + rep.end));
    expect(prone.every((rep) => rep.side === 'right' && rep.end > switchAt)).toBe(true);
    expect(prone.length).toBeGreaterThan(0);
    // Nothing after the time asked about.
    expect(model.truthUntil(switchAt + 1).filter((rep) => rep.exercise === 'rom-prone')).toEqual([]);
  });
});

describe('person habits (real people)', () => {
  it('without habits the person is the plain one; with them, the same person rests off the start posture between reps', () => {
    const plain = createPerson({ exercise: 'seated-hip-ir', seed: 3 });
    const none = createPerson({ exercise: 'seated-hip-ir', seed: 3, habits: false });
    const at = (p: typeof plain) => Array.from({ length: 1200 }, (_, i) => p.angleAt(i * 0.1));
    expect(at(none)).toEqual(at(plain));
    const real = createPerson({ exercise: 'seated-hip-ir', seed: 3, habits: { restWander: true } });
    const reps = real.reps(120);
    // Between one rep's end and the next one's start the leg rests, 5–25° (at most 40 % of the rep) off.
    const rests = reps.slice(0, -1).map((rep, i) => real.angleAt((rep.end + reps[i + 1]!.start) / 2));
    for (const rest of rests) expect(Math.abs(rest)).toBeGreaterThan(2);
    for (const rest of rests) expect(Math.abs(rest)).toBeLessThan(0.45 * Math.max(...reps.map((r) => r.peakDeg)) + 3);
  });

  it('sets go correct, fast, small; the leg held out between sets is not a rep', () => {
    const person = createPerson({ exercise: 'side-lie', seed: 4, habits: { setStyles: true, heldOutBreaks: true } });
    const reps = person.reps(400);
    const sets = [1, 2, 3].map((set) => reps.filter((rep) => rep.set === set && !rep.partial));
    for (const set of sets) expect(set.length).toBeGreaterThanOrEqual(5);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // Fast: about 1–1.5 s a rep; small: a third to a half of the way.
    expect(mean(sets[1]!.map((rep) => rep.end - rep.start))).toBeLessThan(1.7);
    expect(mean(sets[2]!.map((rep) => rep.peakDeg))).toBeLessThan(0.6 * mean(sets[0]!.map((rep) => rep.peakDeg)));
    // Between sets 1 and 2 the leg is out (well off the start posture) for 20 s or more, and no rep is there.
    const gapStart = reps.filter((rep) => rep.set === 1).at(-1)!.end;
    const gapEnd = reps.filter((rep) => rep.set === 2)[0]!.start;
    let out = 0;
    for (let t = gapStart; t < gapEnd; t += 0.1) if (person.angleAt(t) > 5) out += 0.1;
    expect(out).toBeGreaterThan(20);
    expect(reps.filter((rep) => rep.start >= gapStart && rep.end <= gapEnd)).toEqual([]);
  });

  it('is never quite still with habits: tremor and sway from the first moment', () => {
    const person = createPerson({ exercise: 'seated-hip-ir', seed: 5, habits: { tremor: true, unsteadyStart: true } });
    const start = Array.from({ length: 100 }, (_, i) => person.angleAt(0.05 + i * 0.01));
    expect(Math.max(...start) - Math.min(...start)).toBeGreaterThan(0.02);
    expect(Math.max(...start.map(Math.abs))).toBeLessThan(1);
  });
});
