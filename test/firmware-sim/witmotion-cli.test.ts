import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/run-bin.ts';
import { startSimulator } from '../support/simulator-process.ts';

describe('npm run sim -- --device', () => {
  it('puts a WitMotion module on the air with --device witmotion', async () => {
    const radio = await mkdtemp(join(tmpdir(), 'swivel-sim-radio-'));
    const simulator = await startSimulator(radio, ['--device', 'witmotion', '--address', 'c4:ee:00:00:00:31', '--rate', '50']);
    try {
      expect(simulator.name).toBe('WT901BLE0031');
    } finally {
      await simulator.kill();
      await rm(radio, { recursive: true, force: true });
    }
  });

  it('refuses an unknown device, and a rate the device does not have, with a one-line message and exit code 2', async () => {
    for (const [args, message] of [
      [['--device', 'toaster'], /--device must be one of swivel, witmotion(, \w+)*, got "toaster"/],
      [['--device', 'witmotion', '--rate', '104'], /--rate must be one of 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200 for a witmotion sensor, got 104/],
      [['--rate', '10'], /--rate must be one of 25, 50, 60, 100, 104, 200, 400, 800 for a swivel sensor, got 10/],
    ] as const) {
      const run = runBin('swivel-sim', [...args]);
      expect(await run.exited, args.join(' ')).toBe(2);
      expect(run.err()).toMatch(message);
      expect(run.err()).toMatch(/^swivel-sim: .+\nTry --help\.\n$/);
    }
  });
});
