import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/run-bin.ts';

// `swivel record` starts a hub and its own simulator, and runs for the --duration asked on the real clock.
describe('swivel record --json', { timeout: 90_000 }, () => {
  let dir = '';
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'swivel-record-json-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps stdout for one JSON result and says what happens on stderr', async () => {
    const run = runBin('swivel', ['record', '--exercise', 'seated-hip-ir', '--side', 'left', '--sensor', 'sim', '--duration', '6', '--json', '--data', join(dir, 'data'), '--radio', join(dir, 'radio')]);
    expect(await run.exited, run.err()).toBe(0);
    const result = JSON.parse(run.out()) as { session: number; ended: string; reps: number; results: { exerciseId: string; side: string }[] };
    expect(result).toMatchObject({ session: 1, ended: '6 s are up' });
    expect(result.reps).toBe(result.results.reduce((total, r) => total + (r as unknown as { reps: number }).reps, 0));
    expect(result.results.every((r) => r.exerciseId === 'seated-hip-ir' && r.side === 'left')).toBe(true);
    expect(run.err()).toContain('recording session 1 in');
  });
});
