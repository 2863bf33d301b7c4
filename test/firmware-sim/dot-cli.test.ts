import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/run-bin.ts';
import { startSimulator } from '../support/simulator-process.ts';

describe('npm run sim -- --device dot', () => {
  it('puts a Movella DOT on the air, named as every DOT is', async () => {
    const radio = await mkdtemp(join(tmpdir(), 'swivel-sim-radio-'));
    const simulator = await startSimulator(radio, ['--device', 'dot', '--address', 'd4:22:cd:00:00:31', '--rate', '30']);
    try {
      expect(simulator.name).toBe('Movella DOT');
    } finally {
      await simulator.kill();
      await rm(radio, { recursive: true, force: true });
    }
  });

  it('refuses a rate a DOT cannot stream at, with a one-line message and exit code 2', async () => {
    const run = runBin('swivel-sim', ['--device', 'dot', '--rate', '120']);
    expect(await run.exited).toBe(2);
    expect(run.err()).toMatch(/--rate must be one of 1, 4, 10, 12, 15, 20, 30, 60 for a dot sensor, got 120/);
    expect(run.err()).toMatch(/^swivel-sim: .+\nTry --help\.\n$/);
  });
});
