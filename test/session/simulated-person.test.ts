import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { SimPersonInstruction } from '../../hub/protocol/gatt.ts';
import type { SessionView, SetView } from '../../hub/protocol/session.ts';
import { followSessionWithSimulatedPerson } from '../../hub/session/simulated-person.ts';

const set = (exerciseId: SetView['exerciseId'], side: SetView['side'], startedAt: number) => ({ exerciseId, side, startedAt }) as SetView;
const view = (status: SessionView['status'], current: SetView | null) => ({ status, current }) as SessionView;

describe('followSessionWithSimulatedPerson', () => {
  it('instructs the person at each new set and at each recalibration, and at nothing else', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, flush }) => {
      const a = set('rom-prone', 'left', 1);
      const b = set('rom-prone', 'right', 2);
      const views = cold('abcdefg', {
        a: view('idle', null),
        b: view('calibrating', a),
        c: view('active', { ...a, reps: 1 } as SetView),
        d: view('calibrating', a), // recalibrate
        e: view('rest', null),
        f: view('calibrating', b),
        g: view('active', b),
      });
      const told: SimPersonInstruction[] = [];
      followSessionWithSimulatedPerson(views, (instruction) => told.push(instruction));
      flush();
      expect(told).toEqual([
        { exercise: 'rom-prone', side: 'left' },
        { exercise: 'rom-prone', side: 'left' },
        { exercise: 'rom-prone', side: 'right' },
      ]);
    });
  });
});
