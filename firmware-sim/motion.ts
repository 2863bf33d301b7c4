import { seededRandom } from './random.ts';

/**
 * The original one-angle motion: seated hip internal rotation only. The shin hangs from the knee; each
 * rep swings the foot outwards (the shin rotating about the thigh's long axis), holds the end position
 * for a few seconds, and comes back. Range, tempo, holds and rests vary a little from rep to rep, with
 * slow postural sway on top.
 *
 * The device now uses the person model (person/person.ts) unless it is given a motion like this one
 * (`SwivelDevice({ motion })`); tests that want a quick, simple swing still use it.
 */
export interface ShinMotion {
  /** Exercise angle, degrees from the hanging start posture. */
  angleDeg: number;
  /** Its rate, deg/s. */
  rateDps: number;
  /** Its acceleration, deg/s². */
  accelDps2: number;
}

interface Phase {
  start: number;
  duration: number;
  from: number;
  to: number;
}

export interface SeatedRotationOptions {
  seed: number;
  /** Still in the start posture before the first rep, seconds. */
  settleSeconds?: number;
}

export function seatedRotationMotion({ seed, settleSeconds = 2 }: SeatedRotationOptions): (t: number) => ShinMotion {
  const random = seededRandom(seed);
  const phases: Phase[] = [{ start: 0, duration: settleSeconds, from: 0, to: 0 }];
  const extendTo = (t: number) => {
    while (phases[phases.length - 1]!.start + phases[phases.length - 1]!.duration <= t) {
      const last = phases[phases.length - 1]!;
      let start = last.start + last.duration;
      const peak = random.uniform(28, 40);
      const push = (duration: number, from: number, to: number) => {
        phases.push({ start, duration, from, to });
        start += duration;
      };
      push(random.uniform(1.0, 1.5), 0, peak); // foot out
      push(random.uniform(3, 5), peak, peak); // end hold
      push(random.uniform(1.0, 1.5), peak, 0); // back
      push(random.uniform(1.5, 3), 0, 0); // rest
    }
  };
  let cursor = 0;
  return (t: number) => {
    extendTo(t);
    // Time only moves forward in a simulator, so a moving cursor keeps lookups O(1).
    if (phases[cursor]!.start > t) cursor = 0;
    while (phases[cursor]!.start + phases[cursor]!.duration <= t) cursor++;
    const p = phases[cursor]!;
    // Cosine easing gives smooth velocity and bounded acceleration, like a person's movement.
    const u = Math.max(0, Math.min(1, (t - p.start) / p.duration));
    const span = p.to - p.from;
    const w = Math.PI / p.duration;
    const swayHz = 0.17;
    const sway = 0.6 * Math.sin(2 * Math.PI * swayHz * t);
    const swayRate = 0.6 * 2 * Math.PI * swayHz * Math.cos(2 * Math.PI * swayHz * t);
    return {
      angleDeg: p.from + (span * (1 - Math.cos(Math.PI * u))) / 2 + sway,
      rateDps: ((span * w) / 2) * Math.sin(Math.PI * u) + swayRate,
      accelDps2: ((span * w * w) / 2) * Math.cos(Math.PI * u),
    };
  };
}
