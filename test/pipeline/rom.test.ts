import { concat, from, lastValueFrom, map, mergeMap, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { finishReps, initialReps, stepReps, type RepEvent } from '../../hub/pipeline/reps.ts';
import { initialRom, stepRom, summariseRom, type RomSide } from '../../hub/pipeline/rom.ts';
import { romResults, romTrials } from '../../hub/pipeline/timing-operators.ts';

const SEATED = { min: 30, max: 45 };
const PRONE = { min: 40, max: 50 };

/** Rep events of a range-of-motion test: `peaks` trials out and back, each held 2 s at the end, at 100 Hz. */
function trialEvents(peaks: number[]): RepEvent[] {
  let state = initialReps();
  const events: RepEvent[] = [];
  const step = (angle: number, t: number) => {
    state = stepReps(state, angle, t);
    events.push(...state.events);
  };
  let t = 0;
  for (const peak of [0, ...peaks]) {
    // Rest 2 s, out in 1.5 s, hold 2 s, back in 1.5 s.
    const phases: [number, (u: number) => number][] = [
      [2, () => 0],
      [1.5, (u) => (peak * (1 - Math.cos(Math.PI * u))) / 2],
      [2, () => peak],
      [1.5, (u) => (peak * (1 + Math.cos(Math.PI * u))) / 2],
    ];
    for (const [seconds, angle] of phases) {
      for (let i = 0; i < seconds * 100; i++) step(angle(i / (seconds * 100)), (t += 0.01));
    }
  }
  for (let i = 0; i < 200; i++) step(0, (t += 0.01));
  // The end of the test: reps still waiting for the set's range are decided.
  return [...events, ...finishReps(state).events];
}

describe('range-of-motion results', () => {
  it('gives the best and mean trial per side, against the normal range', () => {
    let state = initialRom();
    for (const angle of [38, 42, 40]) state = stepRom(state, { side: 'left', angle, t: 0 });
    const summary = summariseRom(state, SEATED);
    expect(summary.left).toEqual({ trials: [38, 42, 40], best: 42, mean: 40, comparedWithNormal: 'within' });
    expect(summary.right).toBeNull();
    // One side alone: no asymmetry yet.
    expect(summary.asymmetry).toBeNull();
    expect(summariseRom(state, PRONE).left!.comparedWithNormal).toBe('within');
    expect(summariseRom(state, { min: 45, max: 50 }).left!.comparedWithNormal).toBe('below');
    expect(summariseRom(state, { min: 20, max: 35 }).left!.comparedWithNormal).toBe('above');
  });

  it('gives the left/right asymmetry in degrees and percent once both sides are measured', () => {
    let state = initialRom();
    for (const angle of [40, 44]) state = stepRom(state, { side: 'left', angle, t: 0 });
    for (const angle of [30, 33]) state = stepRom(state, { side: 'right', angle, t: 0 });
    const { asymmetry, right } = summariseRom(state, SEATED);
    expect(right).toMatchObject({ best: 33, mean: 31.5, comparedWithNormal: 'within' });
    expect(asymmetry!.deg).toBeCloseTo(11, 9);
    expect(asymmetry!.percent).toBeCloseTo(25, 9); // 11° of the better side's 44°
    expect(asymmetry!.lesser).toBe('right');
    const even = summariseRom(stepRom(stepRom(initialRom(), { side: 'left', angle: 35, t: 0 }), { side: 'right', angle: 35, t: 0 }), SEATED);
    expect(even.asymmetry).toEqual({ deg: 0, percent: 0, lesser: null });
  });

  it('takes each counted rep of the rep counter as a trial, its peak as the result; partial reps are no trials', async () => {
    const tagged = (side: RomSide, peaks: number[]) => from(trialEvents(peaks)).pipe(romTrials(side));
    const summaries = await lastValueFrom(concat(tagged('left', [44, 46, 45]), tagged('right', [36, 12, 38])).pipe(romResults(PRONE), toArray()));
    // 3 trials on the left; on the right the 12° movement is a partial, so 2 trials.
    expect(summaries).toHaveLength(5);
    const last = summaries.at(-1)!;
    expect(last.left!.trials.map(Math.round)).toEqual([44, 46, 45]);
    expect(last.right!.trials.map(Math.round)).toEqual([36, 38]);
    expect(last.left!.best).toBeCloseTo(46, 6);
    expect(last.right!.comparedWithNormal).toBe('below');
    expect(last.asymmetry!.deg).toBeCloseTo(8, 6);
    expect(last.asymmetry!.lesser).toBe('right');
    // Before the right side was measured, there was no asymmetry.
    expect(summaries[2]!.asymmetry).toBeNull();
  });

  it('keeps separate results for each subscription', async () => {
    const trials = of({ side: 'left' as const, angle: 40, t: 0 }, { side: 'right' as const, angle: 30, t: 1 });
    const results = trials.pipe(romResults(SEATED), map((s) => s.asymmetry?.deg ?? null));
    const once = await lastValueFrom(results.pipe(toArray()));
    const twice = await lastValueFrom(from([1, 2]).pipe(mergeMap(() => results), toArray()));
    expect(once).toEqual([null, 10]);
    expect(twice).toEqual([null, 10, null, 10]);
  });
});
