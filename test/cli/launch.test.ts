import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module with no types (it must run before anything is built)
import { build, buildKey } from '../../bin/launch.mjs';
import { runBin } from '../support/run-bin.ts';

describe('the commands run from a build, not the compiler', { timeout: 60_000 }, () => {
  it('builds once per state of the sources, under a key that a new build would change', async () => {
    const key = buildKey() as string;
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(buildKey()).toBe(key);
    const folder = (await build(key)) as string;
    expect(folder.endsWith(join('dist', 'cli', key))).toBe(true);
    for (const file of ['swivel.mjs', 'swivel-sim.mjs', 'done']) expect(existsSync(join(folder, file)), file).toBe(true);
  });

  it('gives what the sources give', async () => {
    const run = runBin('swivel', ['programme', 'check', '--json', join(import.meta.dirname, '..', '..', 'hub', 'programme', 'hip-internal-rotation.json')]);
    expect(await run.exited, run.err()).toBe(0);
    expect(run.err()).toBe(''); // no "running from the TypeScript sources" fallback
    expect(JSON.parse(run.out())).toMatchObject({ ok: true, exercises: 26 });
  });
});
