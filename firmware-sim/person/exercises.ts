import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import { cross, unit, type Vec3 } from '../math3d.ts';

/**
 * Every exercise of the hip internal-rotation programme as the simulated person performs it: the start
 * posture (where the shin points), the joint the leg turns about, the axis of the movement, and what a
 * set looks like.
 *
 * Conventions (all for the LEFT leg; the right leg is the mirror image, see person.ts):
 * - Earth frame: z up. x and y are chosen per posture and say nothing about compass heading.
 * - Shin frame: x runs down the shin from the knee towards the ankle, z points out of the front of the
 *   shin, y = z × x (on the left leg, the outer side of the shin).
 * - `shin` and `front` are the shin's x and z axes in the earth frame in the start posture.
 * - The movement is a rotation of the whole leg below the pivot about `axis` (earth frame, through the
 *   pivot). A positive angle is the exercise direction. The truth angle is that rotation in degrees.
 *
 * | id | start posture (shin) | pivot | axis of movement (positive direction) | set |
 * |---|---|---|---|---|
 * | rom-prone | prone, knee bent 90°: shin vertical, foot up | knee | horizontal thigh axis; foot drops outwards | 3 reps to end range, 2–3 s hold |
 * | rom-seated | tall chair: shin hanging | knee | horizontal thigh axis; foot out to the side | 3 reps to end range, 2–3 s hold |
 * | release-* (5) | figure 4 on the floor, ball under the buttock: shin horizontal across the body | ankle (on the other knee) | horizontal front-back axis; knee sinks as weight goes onto the ball | one 1–2 min hold, sway, shifts |
 * | figure4-sitting | chair, ankle on the other knee: shin horizontal across the body | ankle | horizontal front-back axis; knee pulled up towards the opposite shoulder | 60 s hold |
 * | figure4-supine | on the back, ankle on the other knee: shin horizontal across the body | hip | side-to-side axis through the hips; pulled towards the chest | 60 s hold |
 * | posterior-capsule-stretch | four-point kneel: shin horizontal on the floor, front of shin down | knee | vertical; foot out as the pelvis goes back and out | 60 s hold |
 * | ir-stretch-supine | on the back, knee slightly bent: shin sloping down to the heel | hip | hip–heel line (horizontal); knee falls inwards | 60 s hold |
 * | ir-stretch-wall | on the back, feet on the wall, hips and knees 90°: shin horizontal | hip | hip–foot line (sloping); knee falls inwards | 60 s hold |
 * | band-distraction-neutral | on the back, leg straight on the floor | hip | the leg's own long axis; relaxed leg rolls outwards | one 1–2 min hold |
 * | band-distraction-flexion | on the back, hip 90°, knee relaxed: shin near horizontal | hip | side-to-side axis; hip drawn into flexion | one 1–2 min hold |
 * | lateral-band-distraction | as above | hip | head-to-foot horizontal axis; band draws the knee outwards | one 1–2 min hold |
 * | hip-click | chair edge, feet on the floor: shin vertical | ankle | horizontal front-back axis; knees squeezed together | 8 short squeezes |
 * | femoral-head-centration | on the back, foot on the wall: shin horizontal | ankle (on the wall) | side-to-side axis; knee lifts a little as the heel drives | 5 × 10 s efforts, little motion |
 * | swivel-chair | standing, knee on the chair seat pointing down: shin horizontal, front of shin down | knee | vertical (pure yaw); foot swings out | 20 reps |
 * | straight-leg-rolls | sitting on the floor, leg straight | hip | the leg's own long axis; rolls inwards | 20 quick reps |
 * | sitting-knee-drop | sitting on the floor, knees up, feet flat: shin sloping | ankle | horizontal front-back axis; knee drops inwards | 20 reps, other side in between |
 * | seated-hip-ir | tall chair: shin hanging | knee | horizontal thigh axis; foot out to the side | 20 reps, 3–5 s end hold |
 * | side-lie | on the side, hips and knees bent: shin horizontal | knee | horizontal thigh axis; foot lifts | 20 reps, 3–5 s end hold |
 * | hip-shift-wall | on the back, feet on the wall, hips and knees 90° | ankle (on the wall) | side-to-side axis; knee rises as the pelvis lifts and shifts | one 30 s hold |
 * | foot-lift-9090 | 90/90 sitting, back leg: shin horizontal on the floor | knee | horizontal thigh axis (thigh out to the side); foot lifts | 10 reps, 1–2 s end hold |
 * | step-across | staggered stance, front leg: shin vertical | ankle | horizontal front-back axis; knee gives a little inwards | 20 reps, little motion |
 * | staggered-stance-hinge | staggered stance, front knee soft: shin sloping | ankle | side-to-side axis; knee travels forwards | 20 reps |
 */
export { EXERCISE_IDS, isExerciseId, type ExerciseId } from '../../hub/protocol/exercises.ts';

/** The joint the leg turns about: the rotation axis passes through it. */
export type Pivot = 'knee' | 'ankle' | 'hip';

export interface Posture {
  /** The shin's long axis (knee → ankle) in the earth frame, left leg. */
  shin: Vec3;
  /** Out of the front of the shin, earth frame, left leg. */
  front: Vec3;
  pivot: Pivot;
  /** For a hip pivot: the thigh (hip → knee), earth frame, left leg. */
  thigh?: Vec3;
}

/**
 * - `reps`: out to a peak, hold the end position, back, rest.
 * - `hold`: ease into a position, stay there (stretches, releases), ease out.
 * - `effort`: isometric efforts with very little shin motion, then relax.
 */
export type SetKind = 'reps' | 'hold' | 'effort';

type Range = readonly [number, number];

export interface ExerciseSpec {
  id: ExerciseId;
  posture: Posture;
  /** Earth frame, through the pivot; a positive rotation is the exercise direction. */
  axis: Vec3;
  kind: SetKind;
  /** Reps, holds or efforts per set. */
  count: number;
  /** Peak angle of a full rep or the angle of a hold, degrees. */
  rangeDeg: Range;
  /** Time to move out (and, a little faster or slower, back), seconds. */
  moveSeconds: Range;
  /** Time at the end position, seconds. */
  endHoldSeconds: Range;
  /** Rest in the start posture between reps, seconds. */
  restSeconds: Range;
  /** Chance that a rep stops short. */
  partialChance: number;
}

const HANGING = { shin: [0, 0, -1], front: [1, 0, 0], pivot: 'knee' } satisfies Posture;
const PRONE_KNEE_BENT = { shin: [0, 0, 1], front: [-1, 0, 0], pivot: 'knee' } satisfies Posture;
const FIGURE4_ON_FLOOR = { shin: [0, -1, 0], front: [1, 0, 0], pivot: 'ankle' } satisfies Posture;
const FIGURE4_SUPINE = { shin: [0, -1, 0], front: [0, 0, 1], pivot: 'hip', thigh: [0, 0.7, 0.7] } satisfies Posture;
const FOUR_POINT_KNEEL = { shin: [-1, 0, 0], front: [0, 0, -1], pivot: 'knee' } satisfies Posture;
const SUPINE_KNEE_SOFT = { shin: [1, 0, -0.35], front: [0.35, 0, 1], pivot: 'hip', thigh: [1, 0, 0.35] } satisfies Posture;
const SUPINE_FEET_ON_WALL_HIP = { shin: [1, 0, 0], front: [0, 0, 1], pivot: 'hip', thigh: [0, 0, 1] } satisfies Posture;
const SUPINE_FEET_ON_WALL_ANKLE = { shin: [1, 0, 0], front: [0, 0, 1], pivot: 'ankle' } satisfies Posture;
const SUPINE_STRAIGHT = { shin: [1, 0, 0], front: [0, 0, 1], pivot: 'hip', thigh: [1, 0, 0] } satisfies Posture;
const SUPINE_HIP_FLEXED = { shin: [1, 0, -0.3], front: [0.3, 0, 1], pivot: 'hip', thigh: [0, 0, 1] } satisfies Posture;
const SEATED_FEET_DOWN = { shin: [0, 0, -1], front: [1, 0, 0], pivot: 'ankle' } satisfies Posture;
const KNEELING_ON_CHAIR = { shin: [-1, 0, 0], front: [0, 0, -1], pivot: 'knee' } satisfies Posture;
const LONG_SITTING = { shin: [1, 0, 0], front: [0, 0, 1], pivot: 'hip', thigh: [1, 0, 0] } satisfies Posture;
const FLOOR_KNEES_UP = { shin: [0.3, 0, -1], front: [1, 0, 0.3], pivot: 'ankle' } satisfies Posture;
const SIDE_LYING = { shin: [0, 1, 0], front: [1, 0, 0], pivot: 'knee' } satisfies Posture;
const NINETY_NINETY_BACK_LEG = { shin: [-1, 0, 0], front: [0, 1, 0], pivot: 'knee' } satisfies Posture;
const STANDING = { shin: [0, 0, -1], front: [1, 0, 0], pivot: 'ankle' } satisfies Posture;
const STANDING_KNEE_SOFT = { shin: [-0.2, 0, -1], front: [1, 0, -0.2], pivot: 'ankle' } satisfies Posture;

const FORWARD: Vec3 = [1, 0, 0];
const BACKWARD: Vec3 = [-1, 0, 0];
const LEFT: Vec3 = [0, 1, 0];
const RIGHT: Vec3 = [0, -1, 0];
const DOWN: Vec3 = [0, 0, -1];

type Row = Omit<ExerciseSpec, 'id' | 'partialChance'> & { partialChance?: number };

const release = (): Row => ({
  posture: FIGURE4_ON_FLOOR,
  axis: BACKWARD,
  kind: 'hold',
  count: 1,
  rangeDeg: [3, 8],
  moveSeconds: [2, 4],
  endHoldSeconds: [60, 120],
  restSeconds: [5, 10],
});

const TABLE: Record<ExerciseId, Row> = {
  'rom-prone': { posture: PRONE_KNEE_BENT, axis: BACKWARD, kind: 'reps', count: 3, rangeDeg: [30, 50], moveSeconds: [1.5, 2.5], endHoldSeconds: [2, 3], restSeconds: [2, 4] },
  'rom-seated': { posture: HANGING, axis: FORWARD, kind: 'reps', count: 3, rangeDeg: [25, 45], moveSeconds: [1.5, 2.5], endHoldSeconds: [2, 3], restSeconds: [2, 4] },
  'release-deep-glutes': release(),
  'release-piriformis': release(),
  'release-obturator-internus': release(),
  'release-glute-max': release(),
  'release-glute-med-min': release(),
  'figure4-sitting': { posture: FIGURE4_ON_FLOOR, axis: FORWARD, kind: 'hold', count: 1, rangeDeg: [8, 20], moveSeconds: [2, 4], endHoldSeconds: [55, 65], restSeconds: [5, 10] },
  'figure4-supine': { posture: FIGURE4_SUPINE, axis: RIGHT, kind: 'hold', count: 1, rangeDeg: [10, 25], moveSeconds: [2, 4], endHoldSeconds: [55, 65], restSeconds: [5, 10] },
  'posterior-capsule-stretch': { posture: FOUR_POINT_KNEEL, axis: DOWN, kind: 'hold', count: 1, rangeDeg: [15, 30], moveSeconds: [2, 4], endHoldSeconds: [55, 65], restSeconds: [5, 10] },
  'ir-stretch-supine': { posture: SUPINE_KNEE_SOFT, axis: FORWARD, kind: 'hold', count: 1, rangeDeg: [20, 40], moveSeconds: [2, 4], endHoldSeconds: [55, 65], restSeconds: [5, 10] },
  'ir-stretch-wall': { posture: SUPINE_FEET_ON_WALL_HIP, axis: [0.4, 0, 0.45], kind: 'hold', count: 1, rangeDeg: [20, 40], moveSeconds: [2, 4], endHoldSeconds: [55, 65], restSeconds: [5, 10] },
  'band-distraction-neutral': { posture: SUPINE_STRAIGHT, axis: BACKWARD, kind: 'hold', count: 1, rangeDeg: [2, 6], moveSeconds: [2, 4], endHoldSeconds: [60, 120], restSeconds: [5, 10] },
  'band-distraction-flexion': { posture: SUPINE_HIP_FLEXED, axis: RIGHT, kind: 'hold', count: 1, rangeDeg: [2, 8], moveSeconds: [2, 4], endHoldSeconds: [60, 120], restSeconds: [5, 10] },
  'lateral-band-distraction': { posture: SUPINE_HIP_FLEXED, axis: BACKWARD, kind: 'hold', count: 1, rangeDeg: [2, 8], moveSeconds: [2, 4], endHoldSeconds: [60, 120], restSeconds: [5, 10] },
  'hip-click': { posture: SEATED_FEET_DOWN, axis: FORWARD, kind: 'reps', count: 8, rangeDeg: [3, 8], moveSeconds: [0.4, 0.8], endHoldSeconds: [1, 3], restSeconds: [1.5, 3] },
  'femoral-head-centration': { posture: SUPINE_FEET_ON_WALL_ANKLE, axis: LEFT, kind: 'effort', count: 5, rangeDeg: [1, 3], moveSeconds: [0.5, 1], endHoldSeconds: [9.5, 10.5], restSeconds: [5, 10] },
  'swivel-chair': { posture: KNEELING_ON_CHAIR, axis: DOWN, kind: 'reps', count: 20, rangeDeg: [20, 40], moveSeconds: [0.8, 1.3], endHoldSeconds: [0.5, 1.5], restSeconds: [0.8, 1.5] },
  'straight-leg-rolls': { posture: LONG_SITTING, axis: FORWARD, kind: 'reps', count: 20, rangeDeg: [15, 35], moveSeconds: [0.6, 1.0], endHoldSeconds: [0.3, 1], restSeconds: [0.5, 1.2] },
  'sitting-knee-drop': { posture: FLOOR_KNEES_UP, axis: FORWARD, kind: 'reps', count: 20, rangeDeg: [25, 50], moveSeconds: [1, 1.6], endHoldSeconds: [0.5, 1.5], restSeconds: [3, 6] },
  'seated-hip-ir': { posture: HANGING, axis: FORWARD, kind: 'reps', count: 20, rangeDeg: [28, 40], moveSeconds: [1, 1.5], endHoldSeconds: [3, 5], restSeconds: [1.5, 3] },
  'side-lie': { posture: SIDE_LYING, axis: FORWARD, kind: 'reps', count: 20, rangeDeg: [15, 35], moveSeconds: [1, 1.6], endHoldSeconds: [3, 5], restSeconds: [1.5, 3] },
  'hip-shift-wall': { posture: SUPINE_FEET_ON_WALL_ANKLE, axis: LEFT, kind: 'hold', count: 1, rangeDeg: [2, 6], moveSeconds: [1.5, 3], endHoldSeconds: [28, 32], restSeconds: [5, 10] },
  'foot-lift-9090': { posture: NINETY_NINETY_BACK_LEG, axis: LEFT, kind: 'reps', count: 10, rangeDeg: [5, 20], moveSeconds: [1, 1.8], endHoldSeconds: [1, 2], restSeconds: [2, 4], partialChance: 0.15 },
  'step-across': { posture: STANDING, axis: FORWARD, kind: 'reps', count: 20, rangeDeg: [2, 6], moveSeconds: [0.6, 1], endHoldSeconds: [0.3, 0.8], restSeconds: [0.8, 1.5] },
  'staggered-stance-hinge': { posture: STANDING_KNEE_SOFT, axis: LEFT, kind: 'reps', count: 20, rangeDeg: [5, 12], moveSeconds: [1, 1.6], endHoldSeconds: [0.5, 1.5], restSeconds: [1, 2] },
};

/** The specification of one exercise (axes normalised, the front made exactly square to the shin). */
export function exerciseSpec(id: ExerciseId): ExerciseSpec {
  const row = TABLE[id];
  const shin = unit(row.posture.shin);
  // Gram–Schmidt, so a table entry written with round numbers is still an exact frame.
  const front = unit(cross(cross(shin, row.posture.front), shin));
  const posture: Posture = { ...row.posture, shin, front, ...(row.posture.thigh ? { thigh: unit(row.posture.thigh) } : {}) };
  return { id, ...row, posture, axis: unit(row.axis), partialChance: row.partialChance ?? 0.08 };
}
