import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackChild } from '../support/processes.ts';
import { ROOT, runBin } from '../support/run-bin.ts';
import { startSimulator } from '../support/simulator-process.ts';
import { untilTestTimeout, waitFor } from '../support/wait.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Each test starts real simulator (and hub) processes: a minute each on a busy machine.
describe('the simulator as a process', { timeout: 60_000 }, () => {
  let dir = '';
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'swivel-sim-process-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('checks its standard-input commands: a typo gets an error, not "ok"', async () => {
    const sim = await startSimulator(join(dir, 'radio-commands'));
    try {
      const events: Record<string, unknown>[] = [];
      createInterface({ input: sim.child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
      for (const line of ['drop x', 'loss 2', 'corrupt 1.5', 'latency', 'frob 3', 'drop 3']) sim.child.stdin!.write(`${line}\n`);
      await waitFor('answers to all six commands', () => events.length >= 6, untilTestTimeout(20_000));
      expect(events.map((e) => [e.event, e.command])).toEqual([
        ['error', 'drop x'],
        ['error', 'loss 2'],
        ['error', 'corrupt 1.5'],
        ['error', 'latency'],
        ['error', 'frob 3'],
        ['ok', 'drop 3'],
      ]);
      expect(events[0]!.message).toBe('drop needs a whole number of notifications from 0 to 100000, got "x"');
      expect(events[1]!.message).toBe('loss needs a fraction from 0 to 1, got "2"');
    } finally {
      await sim.kill();
    }
  });

  it('stops when the hub that started it is killed, so no orphan is left on the air', async () => {
    // A stand-in for the hub: a process that starts the simulator as the hub does, then dies by SIGKILL.
    const parent = trackChild(
      spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(join(ROOT, 'bin', 'swivel-sim.mjs'))}, '--radio', ${JSON.stringify(join(dir, 'radio-orphan'))}, '--parent', String(process.pid)], { stdio: ['pipe', 'inherit', 'inherit'] }); console.log(c.pid);`], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    let out = '';
    parent.stdout!.on('data', (chunk) => (out += chunk));
    const simPid = await waitFor('the simulator pid', () => Number(out.trim()) || null, untilTestTimeout(10_000));
    await waitFor('the simulator on the air', async () => (await import('node:fs/promises')).readdir(join(dir, 'radio-orphan')).then((f) => f.length > 0, () => false), untilTestTimeout(20_000));
    parent.kill('SIGKILL');
    await waitFor('the simulator to stop after its parent died', () => !alive(simPid), untilTestTimeout(20_000));
  });

  it('is not reused by a hub asked for another exercise', async () => {
    const radio = join(dir, 'radio-reuse');
    const sim = await startSimulator(radio, ['--exercise', 'seated-hip-ir']);
    try {
      const hub = runBin('swivel', ['serve', '--port', '0', '--host', '127.0.0.1', '--sensor', 'sim', '--radio', radio, '--sim-exercise', 'swivel-chair', '--data', join(dir, 'data')]);
      expect(await hub.exited).toBe(1);
      expect(hub.err()).toBe(`swivel: a simulator is already running on the radio ${radio}, playing what it was started with, not --sim-exercise swivel-chair: stop it, or give this hub a radio of its own with --radio DIR\n`);
    } finally {
      await sim.kill();
    }
  });
});
