/**
 * A programme file: the exercises of a rehab programme, in order, grouped in stages, each with its
 * instructions, targets, sides and sensor placement. The hub loads one at start-up
 * (hub/programme/load-programme.ts); the dashboard will import the static types. docs/programme.md
 * describes the format for people who write their own.
 *
 * The exercise ids are the ones the hub can measure (hub/protocol/exercises.ts), and each exercise's
 * `kind` must be the one `exerciseKind()` gives for its id: the kind says how the hub measures it and
 * which targets the exercise has.
 */
import { Type, type Static } from 'typebox';
import { EXERCISE_IDS, type ExerciseKind } from './exercises.ts';

/**
 * The programme format version this code writes, and every version it reads. Version 2 added the
 * sensor's `startShin`; a version 1 file reads as before.
 */
export const PROGRAMME_FORMAT_VERSION = 2;
export const PROGRAMME_FORMAT_VERSIONS = [1, 2] as const;

/** Ids of programmes and stages: lower-case words joined by hyphens. */
export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

const Slug = Type.String({ pattern: SLUG_PATTERN });
const Text = Type.String({ minLength: 1 });
const TextList = Type.Array(Text);

export const EXERCISE_KINDS = ['reps', 'hold', 'effort', 'manual', 'instruction'] as const satisfies readonly ExerciseKind[];

export const ExerciseIdSchema = Type.Enum(EXERCISE_IDS);

export const SIDES = ['left', 'right'] as const;
export const Side = Type.Enum(SIDES);
export type Side = Static<typeof Side>;

/** From `min` to `max` inclusive; a single value is written with min = max. */
export const Range = Type.Object({ min: Type.Number({ minimum: 0 }), max: Type.Number({ minimum: 0 }) }, { additionalProperties: false });
export type Range = Static<typeof Range>;

export const Stage = Type.Object(
  {
    id: Slug,
    title: Text,
    /** Why this stage is in the programme, in a sentence or two. */
    purpose: Text,
  },
  { additionalProperties: false },
);
export type Stage = Static<typeof Stage>;

export const Instructions = Type.Object(
  {
    /** What the person does, in order. */
    steps: Type.Array(Text, { minItems: 1 }),
    /** What they should feel when it is done well. */
    feel: Text,
  },
  { additionalProperties: false },
);
export type Instructions = Static<typeof Instructions>;

/**
 * Which way the shin points in the start position: the foot straight above the knee, straight below
 * it, or the shin level. Left out where the start is sloping or varies.
 */
export const START_SHIN_DIRECTIONS = ['foot-up', 'foot-down', 'level'] as const;
export const StartShin = Type.Enum(START_SHIN_DIRECTIONS);
export type StartShin = Static<typeof StartShin>;

export const SensorUse = Type.Object(
  {
    /** Where the sensor is strapped: which shin, which face of it. */
    placement: Text,
    /** The movement the sensor follows (start position and direction); or, when it cannot, why. */
    follows: Text,
    /** False where a shin sensor cannot follow the exercise: a manual count or an instruction. */
    canFollow: Type.Boolean(),
    /**
     * Version 2: the shin's direction in the start position. The hub checks each start position
     * against it (hub/session/shin-axis.ts), so a person in the wrong position is told.
     */
    startShin: Type.Optional(StartShin),
  },
  { additionalProperties: false },
);
export type SensorUse = Static<typeof SensorUse>;

/** Counted movements. With `maxAngle` it is a range-of-motion test: each rep is a trial to end range. */
export const RepTargets = Type.Object(
  {
    reps: Type.Integer({ minimum: 1 }),
    /** Time to stay at the end position of each rep, seconds. */
    endHoldSeconds: Type.Optional(Range),
    /** A range-of-motion test: the largest angle is the result, compared with the normal range (degrees). */
    maxAngle: Type.Optional(Type.Object({ normalDeg: Range }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type RepTargets = Static<typeof RepTargets>;

/** One position held for a while (releases, stretches, distractions). */
export const HoldTargets = Type.Object({ holdSeconds: Range }, { additionalProperties: false });
export type HoldTargets = Static<typeof HoldTargets>;

/** Efforts against something that does not move, each followed by relaxing. */
export const EffortTargets = Type.Object(
  { efforts: Type.Integer({ minimum: 1 }), effortSeconds: Range, relaxSeconds: Range },
  { additionalProperties: false },
);
export type EffortTargets = Static<typeof EffortTargets>;

/** Reps the person counts by tapping the screen, because the shin sensor cannot follow them. */
export const ManualTargets = Type.Object({ reps: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type ManualTargets = Static<typeof ManualTargets>;

/** Nothing counted or timed: the person reads and does it. */
export const InstructionTargets = Type.Object({}, { additionalProperties: false });
export type InstructionTargets = Static<typeof InstructionTargets>;

/** The targets each kind of exercise has. */
export const TARGETS_BY_KIND = {
  reps: RepTargets,
  hold: HoldTargets,
  effort: EffortTargets,
  manual: ManualTargets,
  instruction: InstructionTargets,
} as const satisfies Record<ExerciseKind, unknown>;

/** The fields every exercise has, whatever its kind (besides id, kind and targets). */
export const EXERCISE_FIELDS = {
  name: Text,
  /** The id of one of the programme's stages. */
  stage: Slug,
  /** The sides it is done on, in this order. */
  sides: Type.Array(Side, { minItems: 1, maxItems: 2, uniqueItems: true }),
  /** True when the sides take turns rep by rep rather than one whole set per side. */
  alternateSides: Type.Optional(Type.Boolean()),
  /** Sets per side (default 1), with a rest between them. */
  sets: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  instructions: Instructions,
  sensor: SensorUse,
  /** Ways to make it harder once it is easy, in order; may be empty. */
  progressions: TextList,
};

const exercise = <K extends ExerciseKind, T extends (typeof TARGETS_BY_KIND)[K]>(kind: K, targets: T) =>
  Type.Object({ id: ExerciseIdSchema, kind: Type.Literal(kind), ...EXERCISE_FIELDS, targets }, { additionalProperties: false });

export const RepsExercise = exercise('reps', RepTargets);
export const HoldExercise = exercise('hold', HoldTargets);
export const EffortExercise = exercise('effort', EffortTargets);
export const ManualExercise = exercise('manual', ManualTargets);
export const InstructionExercise = exercise('instruction', InstructionTargets);
export const Exercise = Type.Union([RepsExercise, HoldExercise, EffortExercise, ManualExercise, InstructionExercise]);
export type Exercise = Static<typeof Exercise>;

/** The fields of a programme besides its exercises. */
export const PROGRAMME_FIELDS = {
  /** Any version this code reads (see PROGRAMME_FORMAT_VERSIONS). */
  version: Type.Union([Type.Literal(1), Type.Literal(2)]),
  id: Slug,
  title: Text,
  description: Text,
  stages: Type.Array(Stage, { minItems: 1 }),
  /** Rest between sets, sides and exercises, seconds (default 30); the person can cut it short. */
  restSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
};

export const DEFAULT_REST_SECONDS = 30;

export const Programme = Type.Object({ ...PROGRAMME_FIELDS, exercises: Type.Array(Exercise, { minItems: 1 }) }, { additionalProperties: false });
export type Programme = Static<typeof Programme>;
