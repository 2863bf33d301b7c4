import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeLeftInTest, untilTestTimeout, waitFor } from './wait.ts';

describe('waiting in tests', () => {
  it('knows how long the running test may still run', () => {
    const left = timeLeftInTest(1_000)!;
    expect(left).toBeGreaterThan(25_000);
    expect(left).toBeLessThanOrEqual(29_000);
    expect(untilTestTimeout(5_000)).toBeGreaterThan(25_000);
    expect(untilTestTimeout(40_000)).toBe(40_000);
  });

  it('awaits an async check until it holds, rather than taking the promise for a yes', async () => {
    let polls = 0;
    const value = await waitFor('the third poll', async () => (++polls >= 3 ? `poll ${polls}` : false));
    expect(value).toBe('poll 3');
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  // On the fake clock, so the test does not itself run to its timeout: it gives up a second before
  // the test's 3 s would run out, and says so.
  it('says what it waited for, and what it saw last, when the test runs out of time', async () => {
    vi.useFakeTimers();
    let seen = 0;
    const waiting = waitFor(() => `a value over 100 (last seen ${seen})`, () => (++seen > 1e9 ? seen : false), 50);
    const outcome = expect(waiting).rejects.toThrow(/timed out after [12]\.\d s waiting for a value over 100 \(last seen \d+\)/);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(seen).toBeGreaterThan(10);
    await vi.advanceTimersByTimeAsync(1_500);
    await outcome;
  }, 3_000);
});
