import { Subscription, pairwise, startWith, type Observable } from 'rxjs';
import type { SimPersonInstruction } from '../protocol/gatt.ts';
import type { SessionView } from '../protocol/session.ts';

/**
 * With the simulated sensor, the simulated person follows the session as a real person follows the
 * dashboard: when a set starts (or the person is asked to take the start posture again), they are
 * told the exercise and side, get into its start position, stay still, and begin. Without this the
 * simulator goes on with whatever it was doing, and a set started mid-rep would take its start
 * posture wherever the person happened to pause, an end hold perhaps. A real sensor ignores it.
 */
export function followSessionWithSimulatedPerson(views: Observable<SessionView>, instruct: (instruction: SimPersonInstruction) => void): Subscription {
  return views.pipe(startWith(null), pairwise()).subscribe(([before, after]) => {
    const set = after?.current;
    if (!set) return;
    const newSet = set.startedAt !== before?.current?.startedAt;
    const recalibrating = after.status === 'calibrating' && before?.status === 'active';
    if (newSet || recalibrating) instruct({ exercise: set.exerciseId, side: set.side });
  });
}
