import { describe, expect, it } from 'vitest';
import type { RecordedSessionItem, RescoreResponse } from '../../hub/protocol/recordings.ts';
import { digestRescore } from '../../web/src/view-model/history-model.ts';

const item: RecordedSessionItem = {
  id: 3,
  startedAt: Date.parse('2026-11-18T09:30:00Z'),
  endedAt: Date.parse('2026-11-18T09:32:00Z'),
  status: 'complete',
  exercises: ['seated-hip-ir'],
  samples: 12_000,
  durationSeconds: 120,
  source: 'import',
  name: null,
  notes: null,
  programmeId: 'hip-internal-rotation',
};

const set = (repCount: number, partialCount: number): RescoreResponse['sets'][number] => ({
  exercise: 'seated-hip-ir',
  side: 'left',
  samples: 6000,
  gapSeconds: 0,
  repCount,
  reps: Array.from({ length: repCount }, (_, i) => ({ start: i * 4, end: i * 4 + 3, peakAngle: 30 + i, hold: 3.2, holdMet: true })),
  partialCount,
  partials: Array.from({ length: partialCount }, (_, i) => ({ start: 100 + i * 4, end: 102 + i * 4, peak: 12 })),
  holds: [],
  holdTotal: 0,
  maxAngle: 40,
});

describe('history figures', () => {
  it('carry the reps that fell short beside the counted ones, summed over the sets', () => {
    const session = digestRescore(item, { id: 3, sets: [set(10, 3), set(8, 1)] });
    expect(session.figures).toEqual([expect.objectContaining({ exerciseId: 'seated-hip-ir', side: 'left', sets: 2, reps: 18, partials: 4 })]);
  });

  it('say none short when every rep counted', () => {
    const session = digestRescore(item, { id: 3, sets: [set(20, 0)] });
    expect(session.figures[0]).toMatchObject({ reps: 20, partials: 0 });
  });
});
