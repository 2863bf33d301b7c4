import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import type { Programme } from '../../hub/protocol/programme.ts';
import { inProcessHub } from '../support/in-process-hub.ts';

/** The in-process hub with a recorder on a fresh data directory, its storage parts at hand. */
export async function recordingHub(options: { exercise: ExerciseId; seed: number; flushEveryMs?: number; programme?: Programme; speed?: number }) {
  const hub = await inProcessHub({ exercise: options.exercise, seed: options.seed, record: { flushEveryMs: options.flushEveryMs ?? 200 }, programme: options.programme, speed: options.speed });
  const { recorder, db, store, recordings, dataDir } = hub.storage!;
  return { ...hub, recorder, db, store, recordings, dataDir };
}
