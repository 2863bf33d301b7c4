/**
 * The same samples always give the same reps, holds and angles: the signal path's results for
 * simulated sets (as notification bytes) and recorded files, against the record taken before the
 * batch rewrite of decode → fusion → angle (issue 11). A change here is a change of results: take a
 * new record (test/support/capture-same-results.ts) only when that is the point of the change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SCORING_VERSION } from '../../hub/pipeline/scoring-version.ts';
import { SAME_RESULTS_CASES, SAME_RESULTS_DIR, runCase, type CaseRecord } from '../support/same-results.ts';

const ANGLE_DEG = 1e-6;
const QUATERNION = 1e-9;
const SECONDS = 1e-6;

const records: CaseRecord[] = JSON.parse(gunzipSync(readFileSync(join(SAME_RESULTS_DIR, 'record.json.gz'))).toString('utf8'));
const recordedScoringVersion = (JSON.parse(readFileSync(join(SAME_RESULTS_DIR, 'scoring-version.json'), 'utf8')) as { scoringVersion: number }).scoringVersion;

/** Index and size of the largest difference, so a failure says where the results part. */
function largestDifference(actual: readonly number[], expected: readonly number[]) {
  let at = -1;
  let size = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= size)) [at, size] = [i, Number.isNaN(d) ? Infinity : d];
  }
  return { at, size };
}

/** The same structure, strings and booleans equal, numbers within `tolerance`. */
function expectClose(actual: unknown, expected: unknown, tolerance: number, path = '') {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    if (Number.isFinite(expected)) expect(Math.abs((actual as number) - expected), `${path}: ${actual} against ${expected}`).toBeLessThanOrEqual(tolerance);
    else expect(actual, path).toBe(expected);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, tolerance, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, e] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[key], e, tolerance, `${path}.${key}`);
  } else {
    expect(actual, path).toBe(expected);
  }
}

it('was recorded for the scoring version the code says it has', () => {
  // Raising SCORING_VERSION without new results, or new results without raising it, both mislead history.
  expect(recordedScoringVersion, 'record again with test/support/capture-same-results.ts').toBe(SCORING_VERSION);
});

describe('the same samples give the same results', () => {
  it('has a record for every case', () => {
    expect(records.map((r) => r.name)).toEqual(SAME_RESULTS_CASES.map((c) => c.name));
  });

  for (const c of SAME_RESULTS_CASES) {
    it(`${c.name}: every angle, orientation, health, epoch and rep event`, async () => {
      const expected = records.find((r) => r.name === c.name)!;
      const actual = await runCase(c);
      expect({ samples: actual.samples, frames: actual.frames }).toEqual({ samples: expected.samples, frames: expected.frames });
      expect(largestDifference(actual.angles, expected.angles).size).toBeLessThanOrEqual(ANGLE_DEG);
      expect(largestDifference(actual.orientations, expected.orientations).size).toBeLessThanOrEqual(QUATERNION);
      expect(largestDifference(actual.stillSeconds, expected.stillSeconds).size).toBeLessThanOrEqual(SECONDS);
      expect(actual.health).toEqual(expected.health);
      expect(actual.epochs).toEqual(expected.epochs);
      expectClose(actual.reps, expected.reps, ANGLE_DEG, 'reps');
    }, 60_000);
  }
});
