import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/run-bin.ts';
import { startSimulator } from '../support/simulator-process.ts';

describe('npm run sim -- --device polar', () => {
  it('puts a Polar Verity Sense on the air', async () => {
    const radio = await mkdtemp(join(tmpdir(), 'swivel-sim-radio-'));
    const simulator = await startSimulator(radio, ['--device', 'polar', '--address', 'a0:9e:1a:00:00:31', '--sdk-mode', '--rate', '104']);
    try {
      expect(simulator.name).toBe('Polar Sense 0031');
    } finally {
      await simulator.kill();
      await rm(radio, { recursive: true, force: true });
    }
  });

  it('refuses a rate a Verity Sense does not have, and --sdk-mode on another sensor, with a one-line message and exit code 2', async () => {
    for (const [args, message] of [
      [['--device', 'polar', '--rate', '100'], /--rate must be one of 52 for a polar sensor, got 100/],
      [['--device', 'polar', '--sdk-mode', '--rate', '100'], /--rate must be one of 26, 52, 104, 208, 416 for a polar sensor, got 100/],
      [['--device', 'witmotion', '--sdk-mode'], /--sdk-mode is for a polar sensor, not a witmotion one/],
    ] as const) {
      const run = runBin('swivel-sim', [...args]);
      expect(await run.exited, args.join(' ')).toBe(2);
      expect(run.err()).toMatch(message);
      expect(run.err()).toMatch(/^swivel-sim: .+\nTry --help\.\n$/);
    }
  });
});
