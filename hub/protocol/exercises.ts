/**
 * The exercises of the hip internal-rotation programme, by id: the vocabulary the hub, the simulator
 * and (later) programme files share. The id names what a session, a file analysis or the guided
 * programme is measuring; rep and hold rules per exercise come with the rep-counting issue.
 */
export const EXERCISE_IDS = [
  'rom-prone',
  'rom-seated',
  'release-deep-glutes',
  'release-piriformis',
  'release-obturator-internus',
  'release-glute-max',
  'release-glute-med-min',
  'figure4-sitting',
  'figure4-supine',
  'posterior-capsule-stretch',
  'ir-stretch-supine',
  'ir-stretch-wall',
  'band-distraction-neutral',
  'band-distraction-flexion',
  'lateral-band-distraction',
  'hip-click',
  'femoral-head-centration',
  'swivel-chair',
  'straight-leg-rolls',
  'sitting-knee-drop',
  'seated-hip-ir',
  'side-lie',
  'hip-shift-wall',
  'foot-lift-9090',
  'step-across',
  'staggered-stance-hinge',
] as const;

export type ExerciseId = (typeof EXERCISE_IDS)[number];

export const isExerciseId = (value: unknown): value is ExerciseId =>
  typeof value === 'string' && (EXERCISE_IDS as readonly string[]).includes(value);

/**
 * How an exercise is measured: reps counted, a position held, efforts timed, a manual count where a
 * shin sensor cannot follow the movement (in the step-across the front shin stays still while the
 * other foot steps), or an instruction only (the hip click is done by feel, not counted).
 */
export type ExerciseKind = 'reps' | 'hold' | 'effort' | 'manual' | 'instruction';

const REPS: readonly ExerciseId[] = [
  'rom-prone',
  'rom-seated',
  'swivel-chair',
  'straight-leg-rolls',
  'sitting-knee-drop',
  'seated-hip-ir',
  'side-lie',
  'foot-lift-9090',
  'staggered-stance-hinge',
];

export function exerciseKind(id: ExerciseId): ExerciseKind {
  if (id === 'hip-click') return 'instruction';
  if (id === 'step-across') return 'manual';
  if (id === 'femoral-head-centration') return 'effort';
  return REPS.includes(id) ? 'reps' : 'hold';
}
