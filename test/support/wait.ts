import { TestRunner } from 'vitest';

/** Time left before the running test's own timeout, less a margin to say what was awaited; null outside a test. */
export function timeLeftInTest(marginMs = 1_000): number | null {
  const test = TestRunner.getCurrentTest();
  const started = test?.result?.startTime;
  if (!test || started === undefined || !test.timeout) return null;
  return Math.max(0, started + test.timeout - marginMs - Date.now());
}

/**
 * Polls `check` (which may be async: a page query) until it gives a truthy value; the error says
 * what was awaited (`what` may be a function, to say what it saw last).
 *
 * Inside a test it waits as long as the test may still run: a busy machine makes things slow, not
 * wrong, so a wait gives up only when the test would time out anyway, and says what it was waiting
 * for. `timeoutMs` is the deadline outside a test (hooks) and the least a wait gets inside one.
 */
export async function waitFor<T>(what: string | (() => string), check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const waitMs = Math.max(timeoutMs, timeLeftInTest() ?? 0);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${(waitMs / 1000).toFixed(1)} s waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A timeout for `expect.poll` and Playwright's `waitFor`: as long as the running test may still run,
 * and at least `atLeastMs` (see `waitFor`).
 */
export const untilTestTimeout = (atLeastMs: number): number => Math.max(atLeastMs, timeLeftInTest() ?? 0);
