import { DEG, cross, norm, qAxisAngle, qFromAxes, qmul, rotate, qconj, scale, unit, type Quat, type Vec3 } from '../math3d.ts';
import { deriveSeed, seededRandom, type Random } from '../random.ts';
import { exerciseSpec, type ExerciseId, type ExerciseSpec, type SetKind } from './exercises.ts';

/**
 * A simulated person doing one exercise of the programme, deterministic from a seed.
 *
 * The angle plan is a chain of segments (settle, out, end hold, back, rest, …) with cosine easing, so
 * the shin's rate and acceleration stay bounded like a real limb's. On top of it: slow postural sway
 * about the exercise axis and about a second axis square to it, occasional fidgets during rests and
 * holds, and a small tremor during isometric efforts. The person is perfectly still (no sway) for the
 * settle period at the start, then the sway fades in.
 *
 * `habits` adds what real people do and the plain person does not (see `PersonHabits`): a rest
 * position that wanders between reps, fast sets and small sets, the leg held out between sets, long
 * pauses, tremor in every still phase, a start that is not quite still, a pause on the way out, a
 * strap that slips. Without it the person is the old, plain envelope, unchanged.
 *
 * The leg below the pivot turns as one rigid body about a fixed earth axis, so the shin orientation is
 *   shin(t) = R(axis, θ(t)) · R(b, σ(t)) · shin₀
 * with θ the truth angle (exercise axis) and σ the off-axis sway (b ⊥ axis). Because b ⊥ axis, θ is
 * exactly the twist of shin(t)·shin₀⁻¹ about the exercise axis.
 */
export type Side = 'left' | 'right';

export interface PersonOptions {
  exercise?: ExerciseId;
  /** Seed for the person (body sizes, range, tempo) and the rep-to-rep variation. */
  seed?: number;
  side?: Side;
  /** Still in the start posture before anything moves, seconds. */
  settleSeconds?: number;
  /**
   * During every hold, slip out of position once (back most of the way to the start posture for a few
   * seconds) and return; the time in position is still the planned hold, so the hold lasts longer.
   * Default false.
   */
  holdBreak?: boolean;
  /** What real people do on top of the plan (true: all of them). Default: none, the plain envelope. */
  habits?: boolean | Partial<PersonHabits>;
}

/**
 * Habits of real people doing rep sets, as seen on real shin-IMU recordings (the pt-reps sets): each
 * can be switched on alone. Reps of the `reps` kind only, except `tremor`, `unsteadyStart` and
 * `strapSlip`, which any set has.
 */
export interface PersonHabits {
  /** Between reps the leg rests 5–25° (at most 40 % of the rep) away from the start posture, wandering rep to rep; now and then below it. Exercises whose range starts under 15° have no room for it. */
  restWander: boolean;
  /** Sets of 6–10 reps in turn correct, fast (about 1–1.5 s a rep, no hold, barely a rest) and small (a third to a half of the range). */
  setStyles: boolean;
  /** Between sets, the leg is held out (a third to two thirds of the range) for 20–40 s, then put down. */
  heldOutBreaks: boolean;
  /** Now and then a long pause at rest within a set, 8–14 s. */
  longPauses: boolean;
  /** A faint 8–11 Hz tremor of 0.005–0.015° (0.25–1 °/s), always; and sway also at the start (at a third of its size). */
  tremor: boolean;
  unsteadyStart: boolean;
  /** Now and then a stop of 0.4–1.5 s part way out, then on to the end position. */
  midRepPause: boolean;
  /** Once, 20–60 s in, the strap slips: the sensor turns 2–5° on the shin within a third of a second, and stays so. */
  strapSlip: boolean;
}

export const ALL_HABITS: PersonHabits = {
  restWander: true,
  setStyles: true,
  heldOutBreaks: true,
  longPauses: true,
  tremor: true,
  unsteadyStart: true,
  midRepPause: true,
  strapSlip: true,
};
const NO_HABITS: PersonHabits = {
  restWander: false,
  setStyles: false,
  heldOutBreaks: false,
  longPauses: false,
  tremor: false,
  unsteadyStart: false,
  midRepPause: false,
  strapSlip: false,
};
const habitsOf = (h: PersonOptions['habits']): PersonHabits => (h === true ? ALL_HABITS : h ? { ...NO_HABITS, ...h } : NO_HABITS);

/** What stays the same for one person across reps. */
export interface PersonTraits {
  shinLengthM: number;
  thighLengthM: number;
  /** Where in the exercise's range this person's reps land, 0 (low end) to 1 (high end). */
  rangePosition: number;
  /** Multiplies movement times. */
  tempo: number;
  /** Multiplies rest times. */
  restFactor: number;
  /** Amplitude of the slow postural sway, degrees. */
  swayDeg: number;
  /** Chance of a fidget in a rest or hold. */
  fidgetChance: number;
  partialChance: number;
}

/** A stretch of time, seconds. */
export interface TruthSpan {
  start: number;
  end: number;
}

/** Ground truth for one rep, hold or effort. Times in seconds since the start, on the true clock. */
export interface TruthRep {
  kind: 'rep' | 'hold' | 'effort';
  /** 1-based, counting across sets. */
  index: number;
  set: number;
  start: number;
  end: number;
  /** Largest truth angle between start and end, degrees. */
  peakDeg: number;
  peakTime: number;
  /** The angle the person aimed for, degrees. */
  targetDeg: number;
  /** From arriving at the end position to setting off back (a break out of position included). */
  endHoldStart: number;
  endHoldEnd: number;
  /** Time in position: the spans of `inPosition` added up. */
  endHoldSeconds: number;
  /**
   * When the person was at the end position: from arriving (the end of the movement out) to setting
   * off again (the start of a slip, or of the movement back). One span unless a hold had a break.
   */
  inPosition: TruthSpan[];
  partial: boolean;
}

/** Where the leg is: what the IMU model needs. */
export interface Kinematics {
  /** Shin → earth orientation at time t (seconds). */
  shinAt(t: number): Quat;
  /** From the pivot (the point on the rotation axis) to the knee, in shin coordinates; constant. */
  pivotToKnee: Vec3;
}

export interface Person extends Kinematics {
  spec: ExerciseSpec;
  side: Side;
  seed: number;
  traits: PersonTraits;
  /** Shin orientation in the start posture. */
  startShin: Quat;
  /** The exercise axis, earth frame (mirrored for the right side). */
  axis: Vec3;
  /** The truth angle at t, degrees: rotation from the start posture about the exercise axis. */
  angleAt(t: number): number;
  /** Every rep/hold/effort that has ended by time `until`, in order. */
  reps(until: number): TruthRep[];
}

interface Fidget {
  /** Centre time, seconds. */
  at: number;
  duration: number;
  amplitudeDeg: number;
  offAxis: boolean;
}

interface Segment {
  start: number;
  duration: number;
  from: number;
  to: number;
  tremorDeg: number;
  fidget: Fidget | null;
}

interface PendingRep extends Omit<TruthRep, 'peakDeg' | 'peakTime'> {
  peakDeg?: number;
  peakTime?: number;
}

/** Segments kept in memory (about 4 hours of seated-hip-ir); older ones are forgotten. */
const MAX_SEGMENTS = 20_000;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const between = (random: Random, [lo, hi]: readonly [number, number]) => random.uniform(lo, hi);
/** Raised cosine from 0 to 1 over u ∈ [0, 1]. */
const ease = (u: number) => (1 - Math.cos(Math.PI * clamp(u, 0, 1))) / 2;
/** A bump 0 → 1 → 0 over u ∈ [0, 1], smooth at both ends. */
const bump = (u: number) => (u <= 0 || u >= 1 ? 0 : (1 - Math.cos(2 * Math.PI * u)) / 2);

export function personTraits(seed: number, spec: ExerciseSpec): PersonTraits {
  const random = seededRandom(deriveSeed(seed, 'traits'));
  return {
    shinLengthM: random.uniform(0.36, 0.44),
    thighLengthM: random.uniform(0.4, 0.5),
    rangePosition: random.uniform(0.2, 0.8),
    tempo: random.uniform(0.8, 1.25),
    restFactor: random.uniform(0.8, 1.4),
    swayDeg: random.uniform(0.2, 0.6),
    fidgetChance: random.uniform(0.1, 0.35),
    partialChance: spec.partialChance * random.uniform(0.5, 1.5),
  };
}

/** The mirror image (left ↔ right, through the earth's x–z plane) of a shin orientation. */
const mirrorQuat = (q: Quat): Quat => [q[0], -q[1], q[2], -q[3]];
const mirrorVec = (v: Vec3): Vec3 => [v[0], -v[1], v[2]];

export function createPerson(options: PersonOptions = {}): Person {
  const { exercise = 'seated-hip-ir', seed = 1, side = 'left', settleSeconds = 2, holdBreak = false } = options;
  const spec = exerciseSpec(exercise);
  const traits = personTraits(seed, spec);
  const plan = seededRandom(deriveSeed(seed, `plan:${exercise}`));
  const habits = habitsOf(options.habits);
  // The habits draw from their own stream: with none of them, the plan is exactly the plain person's.
  const habitRandom = seededRandom(deriveSeed(seed, `habits:${exercise}`));
  const repHabits = spec.kind === 'reps';
  const tremor = habits.tremor ? { deg: habitRandom.uniform(0.005, 0.015), hz: habitRandom.uniform(8, 11), phase: habitRandom.uniform(0, 2 * Math.PI) } : null;
  const slip = habits.strapSlip
    ? { at: habitRandom.uniform(20, 60), deg: habitRandom.uniform(2, 5), axis: unit([habitRandom.uniform(-1, 1), habitRandom.uniform(-1, 1), habitRandom.uniform(-1, 1)] as Vec3) }
    : null;
  const swayRandom = seededRandom(deriveSeed(seed, 'sway'));
  // Its own stream, so that a person with breaks moves and rests exactly as without: only the holds differ.
  const breakRandom = seededRandom(deriveSeed(seed, `break:${exercise}`));

  const { posture } = spec;
  const shin0 = posture.shin;
  const front0 = posture.front;
  const startLeft = qFromAxes(shin0, cross(front0, shin0), front0);
  // Second axis for sway and off-axis fidgets: square to the exercise axis, preferably the way the shin
  // would swing sideways.
  const swingDir = cross(spec.axis, shin0);
  const offAxis = norm(swingDir) > 0.2 ? unit(swingDir) : unit(cross(spec.axis, front0));
  const kneeFromPivotEarth: Vec3 =
    posture.pivot === 'knee' ? [0, 0, 0] : posture.pivot === 'ankle' ? scale(shin0, -traits.shinLengthM) : scale(posture.thigh ?? shin0, traits.thighLengthM);
  const pivotToKneeLeft = rotate(qconj(startLeft), kneeFromPivotEarth);

  // Sway: two slow sines per axis, person-specific, faded in after the settle period.
  const sines = (amp: number) =>
    [0, 1].map(() => ({ amp: amp * swayRandom.uniform(0.4, 0.7), hz: swayRandom.uniform(0.07, 0.3), phase: swayRandom.uniform(0, 2 * Math.PI) }));
  const mainSway = sines(traits.swayDeg);
  const offSway = sines(traits.swayDeg * 0.8);
  const swayAt = (waves: typeof mainSway, t: number) => {
    // A start that is not quite still: a third of the sway from the first moment.
    const envelope = habits.unsteadyStart ? 1 / 3 + (2 / 3) * ease((t - settleSeconds) / 2) : ease((t - settleSeconds) / 2);
    if (envelope === 0) return 0;
    let s = 0;
    for (const w of waves) s += w.amp * (Math.sin(2 * Math.PI * w.hz * t + w.phase) - Math.sin(w.phase));
    return envelope * s;
  };

  const segments: Segment[] = [{ start: 0, duration: settleSeconds, from: 0, to: 0, tremorDeg: 0, fidget: null }];
  const pending: PendingRep[] = [];
  let setNumber = 1;
  let inSet = 0;
  let repIndex = 0;
  let planned = settleSeconds;

  const push = (duration: number, from: number, to: number, extra: Partial<Segment> = {}) => {
    const segment: Segment = { start: planned, duration, from, to, tremorDeg: 0, fidget: null, ...extra };
    segments.push(segment);
    planned += duration;
    return segment;
  };
  const maybeFidget = (segment: Segment, chance: number) => {
    if (segment.duration < 1.5 || plan.next() >= chance) return;
    const duration = Math.min(1.4, segment.duration * 0.6) * plan.uniform(0.6, 1);
    segment.fidget = {
      at: segment.start + segment.duration * plan.uniform(0.35, 0.65),
      duration,
      amplitudeDeg: plan.uniform(1.5, 4) * (plan.next() < 0.5 ? -1 : 1),
      offAxis: plan.next() < 0.5,
    };
  };
  const [lo, hi] = spec.rangeDeg;
  const centre = lo + (hi - lo) * traits.rangePosition;
  /** With habits: where the leg rests now (degrees from the start posture), the set's style and its length. */
  let restAt = 0;
  let style: 'correct' | 'fast' | 'small' = 'correct';
  let setLength = spec.count;
  /** How far the small reps of a small set go, a share of the way to the end position: one for the set. */
  let smallShare = 0.4;
  const startSet = () => {
    if (!(habits.setStyles && repHabits)) return;
    style = (['correct', 'fast', 'small'] as const)[(setNumber - 1) % 3]!;
    setLength = Math.min(spec.count, Math.round(habitRandom.uniform(6, 10)));
    smallShare = habitRandom.uniform(0.33, 0.5);
    // Small reps need room: at least 5° each, a third of the way at most, or the set is a correct one.
    if (style === 'small' && (centre - Math.max(0, restAt)) * smallShare < 5) style = 'correct';
  };
  startSet();
  /**
   * Where the leg rests after a rep: once a set is under way, 5–25° off the start posture (at most
   * 40 % of the way to the end position; one set in five below the start posture), wandering a
   * degree or three from rep to rep (a tenth of the rep at most), as on the real recordings. A new
   * offset is drawn for each set.
   */
  let restOffset: number | null = null;
  const wanderRest = (full: number, reach: number, newSet = false) => {
    // An exercise whose whole range is a few degrees has no room for a rest that wanders.
    if (!(habits.restWander && repHabits && spec.rangeDeg[0] >= 15)) return 0;
    if (restOffset === null || newSet) {
      const below = habitRandom.next() < 0.2;
      const size = Math.min(habitRandom.uniform(5, 25), (below ? 0.25 : 0.4) * full);
      restOffset = below ? -size : size;
    }
    // The wander from rep to rep is a small part of the rep itself (a tenth, at most 3°).
    return restOffset + habitRandom.uniform(-1, 1) * Math.min(3, 0.1 * Math.abs(reach));
  };

  const planNext = () => {
    repIndex++;
    inSet++;
    const start = planned;
    let partial = spec.kind === 'reps' && plan.next() < traits.partialChance;
    let target = clamp(centre + (hi - lo) * plan.uniform(-0.2, 0.2), lo, hi);
    // A partial rep stops clearly short: under half the usual range, which is where the programme
    // draws the line between a rep and a partial. With a rest away from the start posture, short of
    // the way from there.
    const partialShare = partial ? plan.uniform(0.2, 0.45) : 1;
    const from = restAt;
    const full = target;
    if (partial) target = from + (target - from) * partialShare;
    let out = between(plan, spec.moveSeconds) * traits.tempo;
    let back = out * plan.uniform(0.9, 1.2);
    let holdFor = between(plan, spec.endHoldSeconds);
    if (style === 'small') {
      // A set of small reps: a third to a half of the way, much the same every time; they are this
      // set's reps, not partials.
      target = from + Math.max(5, (centre - from) * smallShare * habitRandom.uniform(0.92, 1.08));
      partial = false;
    } else if (style === 'fast') {
      out = habitRandom.uniform(0.45, 0.7);
      back = out * habitRandom.uniform(0.9, 1.2);
      holdFor = habitRandom.uniform(0, 0.3);
    }
    if (habits.midRepPause && repHabits && style !== 'fast' && habitRandom.next() < 0.15) {
      // A stop part way out, then on to the end position.
      const share = habitRandom.uniform(0.4, 0.7);
      const mid = from + (target - from) * share;
      push(out * share, from, mid);
      push(habitRandom.uniform(0.4, 1.5), mid, mid);
      push(out * (1 - share), mid, target);
    } else {
      push(out, from, target);
    }
    let inPosition: TruthSpan[];
    let settleAt = target;
    const spanOf = (segment: Segment): TruthSpan => ({ start: segment.start, end: segment.start + segment.duration });
    if (spec.kind === 'hold') {
      // A stretch creeps a little deeper as the tissue gives.
      const creep = plan.uniform(0, 2);
      settleAt = target + creep;
      if (holdBreak) {
        // Out of position part way through: most of the way back towards the start posture, a few
        // seconds there, then back to where the stretch had got to, and on with the creep.
        const after = holdFor * breakRandom.uniform(0.3, 0.7);
        const reached = target + creep * ease(after / holdFor);
        const away = reached * breakRandom.uniform(0.05, 0.35);
        const first = push(after, target, reached);
        push(breakRandom.uniform(0.6, 1.2) * traits.tempo, reached, away);
        push(breakRandom.uniform(2, 5), away, away);
        push(breakRandom.uniform(1, 2) * traits.tempo, away, reached);
        const second = push(holdFor - after, reached, settleAt);
        maybeFidget(first.duration >= second.duration ? first : second, traits.fidgetChance * 2);
        inPosition = [spanOf(first), spanOf(second)];
      } else {
        const hold = push(holdFor, target, settleAt);
        maybeFidget(hold, traits.fidgetChance * 2);
        inPosition = [spanOf(hold)];
      }
    } else if (spec.kind === 'effort') {
      inPosition = [spanOf(push(holdFor, target, target, { tremorDeg: plan.uniform(0.01, 0.03) }))];
    } else {
      inPosition = [spanOf(push(holdFor, target, target))];
    }
    const lastInSet = inSet >= setLength;
    restAt = wanderRest(full, target - from);
    push(back, settleAt, restAt);
    const end = planned;
    let rest = lastInSet ? plan.uniform(20, 40) : between(plan, spec.restSeconds) * traits.restFactor;
    if (style === 'fast' && !lastInSet) rest = habitRandom.uniform(0, 0.4);
    if (habits.longPauses && repHabits && !lastInSet && habitRandom.next() < 0.1) rest += habitRandom.uniform(8, 14);
    if (lastInSet && habits.heldOutBreaks && repHabits) {
      // The break between sets with the leg held out: a moment at rest, up a third to two thirds of
      // the way, held there, then put down where the next set starts from. Not a rep.
      const down = wanderRest(full, target - from, true);
      const low = Math.max(restAt, down);
      const held = low + (full - low) * habitRandom.uniform(1 / 3, 2 / 3);
      push(habitRandom.uniform(1, 3), restAt, restAt);
      push(habitRandom.uniform(1, 2), restAt, held);
      maybeFidget(push(rest, held, held), traits.fidgetChance);
      push(habitRandom.uniform(1, 2), held, down);
      push(habitRandom.uniform(2, 5), down, down);
      restAt = down;
    } else {
      maybeFidget(push(rest, restAt, restAt), traits.fidgetChance);
    }
    if (lastInSet) {
      setNumber++;
      inSet = 0;
      startSet();
    }
    const kind: TruthRep['kind'] = spec.kind === 'reps' ? 'rep' : (spec.kind satisfies Exclude<SetKind, 'reps'>);
    pending.push({
      kind,
      index: repIndex,
      set: lastInSet ? setNumber - 1 : setNumber,
      start,
      end,
      targetDeg: target,
      endHoldStart: inPosition[0]!.start,
      endHoldEnd: inPosition.at(-1)!.end,
      endHoldSeconds: inPosition.reduce((total, span) => total + (span.end - span.start), 0),
      inPosition,
      partial,
    });
  };

  const extendTo = (t: number) => {
    while (planned <= t) planNext();
    // A live simulator runs for hours and nobody asks about the distant past: keep memory bounded.
    if (segments.length > MAX_SEGMENTS) {
      segments.splice(0, segments.length - MAX_SEGMENTS / 2);
      const kept = segments[0]!.start;
      while (pending.length > 0 && pending[0]!.start < kept) pending.shift();
    }
  };

  const segmentAt = (t: number): Segment => {
    extendTo(t);
    let lo2 = 0;
    let hi2 = segments.length - 1;
    while (lo2 < hi2) {
      const mid = (lo2 + hi2 + 1) >> 1;
      if (segments[mid]!.start <= t) lo2 = mid;
      else hi2 = mid - 1;
    }
    return segments[lo2]!;
  };

  const anglesAt = (t: number): { theta: number; sigma: number } => {
    if (t <= 0) return { theta: 0, sigma: 0 };
    const s = segmentAt(t);
    const u = (t - s.start) / s.duration;
    let theta = s.from + (s.to - s.from) * ease(u) + swayAt(mainSway, t);
    let sigma = swayAt(offSway, t);
    if (tremor) {
      theta += tremor.deg * Math.sin(2 * Math.PI * tremor.hz * t + tremor.phase);
      sigma += tremor.deg * Math.sin(2 * Math.PI * tremor.hz * 1.07 * t);
    }
    if (s.tremorDeg > 0) theta += s.tremorDeg * Math.sin(2 * Math.PI * 8 * t) * Math.sin(Math.PI * clamp(u, 0, 1));
    const f = s.fidget;
    if (f) {
      const v = f.amplitudeDeg * bump((t - f.at + f.duration / 2) / f.duration);
      if (f.offAxis) sigma += v;
      else theta += v;
    }
    return { theta, sigma };
  };

  const mirror = side === 'right';
  const axis = mirror ? mirrorVec(spec.axis) : spec.axis;
  const startShin = mirror ? mirrorQuat(startLeft) : startLeft;
  const pivotToKnee = mirror ? mirrorVec(pivotToKneeLeft) : pivotToKneeLeft;

  const shinAt = (t: number): Quat => {
    const { theta, sigma } = anglesAt(t);
    let left = qmul(qmul(qAxisAngle(spec.axis, theta * DEG), qAxisAngle(offAxis, sigma * DEG)), startLeft);
    // A slipped strap turns the sensor on the shin (about an axis in the shin's frame); the leg, and
    // so the truth angle, does not move.
    if (slip && t > slip.at) left = qmul(left, qAxisAngle(slip.axis, slip.deg * ease((t - slip.at) / 0.3) * DEG));
    return mirror ? mirrorQuat(left) : left;
  };
  const angleAt = (t: number) => anglesAt(t).theta;

  const done: TruthRep[] = [];
  const reps = (until: number): TruthRep[] => {
    extendTo(until);
    while (pending.length > 0 && pending[0]!.end <= until) {
      const rep = pending.shift()!;
      // The peak as it really happened, sway and fidgets included, sampled at 1 kHz.
      let peakDeg = -Infinity;
      let peakTime = rep.start;
      for (let t = rep.start; t <= rep.end; t += 0.001) {
        const a = angleAt(t);
        if (a > peakDeg) {
          peakDeg = a;
          peakTime = t;
        }
      }
      done.push({ ...rep, peakDeg, peakTime });
    }
    return done.filter((rep) => rep.end <= until);
  };

  return { spec, side, seed, traits, startShin, axis, pivotToKnee, shinAt, angleAt, reps };
}
