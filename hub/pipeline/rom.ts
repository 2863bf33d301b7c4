/**
 * Range-of-motion tests: each trial is one rep out to end range, and its result is the rep's peak
 * angle. Per side: every trial, the best and the mean, and where the best lies against the normal
 * range. Once both sides are measured: the left/right asymmetry, in degrees and as a percentage of
 * the better side (the usual limb symmetry measure, so 10 % means the weaker side reaches 90 % of the
 * stronger).
 */
import type { Rep } from './reps.ts';

export type RomSide = 'left' | 'right';

/** Degrees, inclusive (the programme's normal range: about 45° prone, 30–45° seated). */
export interface NormalRange {
  min: number;
  max: number;
}

export interface RomTrial {
  side: RomSide;
  /** Angle at the end of the trial (the rep's peak), degrees. */
  angle: number;
  /** When the end position was reached, seconds. */
  t: number;
}

export const romTrial = (side: RomSide, rep: Rep): RomTrial => ({ side, angle: rep.peakAngle, t: rep.peakAt });

export interface RomSideResult {
  trials: number[];
  best: number;
  mean: number;
  /** The best trial against the normal range. */
  comparedWithNormal: 'below' | 'within' | 'above';
}

export interface RomAsymmetry {
  /** Better side's best minus the other's, degrees (never negative). */
  deg: number;
  /** `deg` as a percentage of the better side's best. */
  percent: number;
  /** The side that reaches less; null when both reach the same. */
  lesser: RomSide | null;
}

export interface RomSummary {
  normal: NormalRange;
  left: RomSideResult | null;
  right: RomSideResult | null;
  asymmetry: RomAsymmetry | null;
}

export interface RomState {
  left: number[];
  right: number[];
}

export const initialRom = (): RomState => ({ left: [], right: [] });

export const stepRom = (state: RomState, trial: RomTrial): RomState => ({ ...state, [trial.side]: [...state[trial.side], trial.angle] });

function sideResult(trials: number[], normal: NormalRange): RomSideResult | null {
  if (trials.length === 0) return null;
  const best = Math.max(...trials);
  return {
    trials,
    best,
    mean: trials.reduce((a, b) => a + b, 0) / trials.length,
    comparedWithNormal: best < normal.min ? 'below' : best > normal.max ? 'above' : 'within',
  };
}

export function summariseRom(state: RomState, normal: NormalRange): RomSummary {
  const left = sideResult(state.left, normal);
  const right = sideResult(state.right, normal);
  let asymmetry: RomAsymmetry | null = null;
  if (left && right) {
    const deg = Math.abs(left.best - right.best);
    const better = Math.max(left.best, right.best);
    asymmetry = {
      deg,
      percent: better > 0 ? (100 * deg) / better : 0,
      lesser: left.best === right.best ? null : left.best < right.best ? 'left' : 'right',
    };
  }
  return { normal, left, right, asymmetry };
}
