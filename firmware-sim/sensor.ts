import type { ImuReading } from '../hub/protocol/gatt.ts';
import {
  DEFAULT_IMU_ERRORS,
  driftBias,
  idealImu,
  imuErrors,
  measure,
  mounting as makeMounting,
  packetTimestampUs,
  randomMounting,
  sampleTrueTime,
  sensorClock,
  sensorTime,
  type IdealImu,
  type ImuErrorOptions,
  type ImuErrors,
  type Mounting,
  type SensorClock,
} from './imu.ts';
import { DEG, qAxisAngle, qExp, qFromAxes, qLog, qconj, qmul } from './math3d.ts';
import type { ShinMotion } from './motion.ts';
import type { ExerciseId } from './person/exercises.ts';
import { createPerson, type Kinematics, type Person, type PersonOptions, type Side, type TruthRep } from './person/person.ts';
import { deriveSeed, seededRandom, type Random } from './random.ts';

/** `placement` 0–23 exactly, `'random'` (placement, twist, tilt and place on the shin from the seed), or a full mounting. */
export type MountingChoice = number | 'random' | Mounting;

export interface SensorModelOptions {
  /** Seed for the sensor: its errors, clock, noise, and a random mounting. */
  seed?: number;
  /** The exercise the person does (default seated-hip-ir). */
  exercise?: ExerciseId;
  /** Seed for the person (default: the sensor seed). */
  personSeed?: number;
  side?: Side;
  settleSeconds?: number;
  /** Every hold has a break out of position (see PersonOptions.holdBreak). */
  holdBreak?: boolean;
  /** What real people do on top of the plan (see PersonOptions.habits). Default: none. */
  habits?: PersonOptions['habits'];
  /** Default 0, the standard placement. */
  mounting?: MountingChoice;
  errors?: ImuErrorOptions;
  /** The sensor's clock; `false` for a perfect clock with no jitter. Default: ±100 ppm from the seed, 20 µs jitter. */
  clock?: SensorClock | false;
  /** Instead of a person: a legacy one-angle motion (seated, shin hanging, about the thigh axis). */
  motion?: (t: number) => ShinMotion;
}

/** One rep, hold or effort the simulated person did, as the truth has it, on the sensor's true clock. */
export interface TimedTruthRep {
  exercise: ExerciseId;
  side: Side;
  kind: TruthRep['kind'];
  partial: boolean;
  /** When it ended (fully back at the start posture), true seconds since power-on. */
  end: number;
}

export interface SimulatedSample {
  /** When the sample was taken, seconds of true time since power-on. */
  trueTime: number;
  ideal: IdealImu;
  reading: ImuReading;
}

/** The shin hanging from the knee, turned about the horizontal thigh axis by the motion's angle (left leg). */
export function kinematicsFromMotion(motion: (t: number) => ShinMotion): Kinematics {
  const start = qFromAxes([0, 0, -1], [0, 1, 0], [1, 0, 0]);
  return { shinAt: (t) => qmul(qAxisAngle([1, 0, 0], motion(t).angleDeg * DEG), start), pivotToKnee: [0, 0, 0] };
}

export function chooseMounting(choice: MountingChoice, seed: number): Mounting {
  if (choice === 'random') return randomMounting(seededRandom(deriveSeed(seed, 'mounting')));
  if (typeof choice === 'number') return makeMounting(choice);
  return choice;
}

/**
 * One simulated sensor on one simulated person: sample k at a given rate → its reading. Samples must be
 * asked for in time order (the bias drift is a random walk); everything is deterministic from the seeds.
 */
export class SensorModel {
  kinematics: Kinematics;
  /** The person and, for a live switch of exercise, when their timeline began (true time). */
  person: Person | null;
  personStartsAt = 0;
  /** Every person timeline so far, each until the next began (true time): the truth across exercise switches. */
  private readonly timelines: { person: Person; startsAt: number; endsAt: number }[] = [];
  private readonly personSeed: number;
  private readonly holdBreak: boolean;
  private readonly habits: PersonOptions['habits'];
  readonly mounting: Mounting;
  readonly errors: ImuErrors;
  readonly clock: SensorClock;
  private readonly noise: Random;
  private readonly jitter: Random;
  private readonly motion: ((t: number) => ShinMotion) | null;

  constructor(options: SensorModelOptions = {}) {
    const seed = options.seed ?? 1;
    this.personSeed = options.personSeed ?? seed;
    this.holdBreak = options.holdBreak ?? false;
    this.habits = options.habits;
    this.motion = options.motion ?? null;
    if (options.motion) {
      this.person = null;
      this.kinematics = kinematicsFromMotion(options.motion);
    } else {
      this.person = createPerson({
        exercise: options.exercise ?? 'seated-hip-ir',
        seed: options.personSeed ?? seed,
        ...(options.side ? { side: options.side } : {}),
        ...(options.settleSeconds !== undefined ? { settleSeconds: options.settleSeconds } : {}),
        ...(options.holdBreak ? { holdBreak: true } : {}),
        ...(options.habits ? { habits: options.habits } : {}),
      });
      this.kinematics = this.person;
      this.timelines.push({ person: this.person, startsAt: 0, endsAt: Infinity });
    }
    this.mounting = chooseMounting(options.mounting ?? 0, seed);
    this.errors = imuErrors(seededRandom(deriveSeed(seed, 'imu-constants')), options.errors ?? DEFAULT_IMU_ERRORS);
    this.clock = options.clock === false ? { ppm: 0, jitterUs: 0 } : (options.clock ?? sensorClock(seededRandom(deriveSeed(seed, 'clock'))));
    this.noise = seededRandom(deriveSeed(seed, 'imu-noise'));
    this.jitter = seededRandom(deriveSeed(seed, 'jitter'));
  }

  /**
   * The person starts another exercise at true time `at`, as a real person does when the dashboard
   * moves on: over `transitionSeconds` they get into the new start position (a smooth turn of the
   * shin), then stay still there for a moment and begin. Samples before `at` are unchanged.
   */
  startExercise(exercise: ExerciseId, side: Side, at: number, transitionSeconds = 3): void {
    const from = this.kinematics;
    const person = createPerson({ exercise, seed: this.personSeed, side, ...(this.holdBreak ? { holdBreak: true } : {}), ...(this.habits ? { habits: this.habits } : {}) });
    const begins = at + transitionSeconds;
    const leaving = from.shinAt(at);
    const arriving = person.shinAt(0);
    const turn = qLog(qmul(qconj(leaving), arriving));
    const ease = (u: number) => (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, u)))) / 2;
    this.person = person;
    this.personStartsAt = begins;
    // The person drops what they were doing when told: a rep of the old exercise not ended by then never ends.
    const previous = this.timelines.at(-1);
    if (previous) previous.endsAt = at;
    this.timelines.push({ person, startsAt: begins, endsAt: Infinity });
    this.kinematics = {
      pivotToKnee: person.pivotToKnee,
      shinAt: (t) => {
        if (t < at) return from.shinAt(t);
        if (t < begins) {
          const u = ease((t - at) / transitionSeconds);
          return qmul(leaving, qExp([turn[0] * u, turn[1] * u, turn[2] * u]));
        }
        return person.shinAt(t - begins);
      },
    };
  }

  /**
   * The leg this sensor is on rests from true time `at` while the person exercises the other leg
   * (a sensor on each shin): it settles where it is and stays there. What it was doing ends at `at`.
   */
  rest(at: number): void {
    const from = this.kinematics;
    const still = from.shinAt(at);
    const previous = this.timelines.at(-1);
    if (previous) previous.endsAt = Math.min(previous.endsAt, at);
    this.kinematics = { pivotToKnee: from.pivotToKnee, shinAt: (t) => (t < at ? from.shinAt(t) : still) };
  }

  /**
   * The person's ground truth up to true time `until`: every rep, hold and effort that had ended by
   * then, in each exercise they were told to do in turn. Empty for a legacy motion.
   */
  truthUntil(until: number): TimedTruthRep[] {
    return this.timelines.flatMap(({ person, startsAt, endsAt }) =>
      until <= startsAt
        ? []
        : person.reps(Math.min(until, endsAt) - startsAt).map((rep) => ({ exercise: person.spec.id, side: person.side, kind: rep.kind, partial: rep.partial, end: startsAt + rep.end })),
    );
  }

  /** True time of sample `index` at `rateHz`. */
  trueTimeOf(index: number, rateHz: number): number {
    return sampleTrueTime(this.clock, index, rateHz);
  }

  /** Sample `index` at `rateHz` (index 0 at power-on, evenly spaced on the sensor's clock). */
  sample(index: number, rateHz: number): SimulatedSample {
    const trueTime = sampleTrueTime(this.clock, index, rateHz);
    const ideal = idealImu(this.kinematics, this.mounting, trueTime, 1 / rateHz);
    driftBias(this.errors, this.noise, trueTime);
    return { trueTime, ideal, reading: measure(ideal, this.errors, this.noise) };
  }

  /** How many samples the sensor has taken after `trueSeconds` of true time at `rateHz`. */
  samplesBy(trueSeconds: number, rateHz: number): number {
    return Math.floor(sensorTime(this.clock, trueSeconds) * rateHz);
  }

  /** The timestamp a packet whose first sample is `firstIndex` carries, µs (unwrapped). */
  timestampUs(firstIndex: number, rateHz: number): number {
    return packetTimestampUs(this.clock, this.jitter, firstIndex, rateHz);
  }

  /** Truth angle at a true time, degrees (a legacy motion's angle, or the person's). */
  angleAt(trueTime: number): number {
    return this.person ? this.person.angleAt(trueTime - this.personStartsAt) : this.motion!(trueTime).angleDeg;
  }
}
