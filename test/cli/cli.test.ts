import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBindings, probeAdapter } from '../../hub/ble/choose-bindings.ts';
import { socketRadio } from '../../hub/ble/socket-radio.ts';
import { waitFor } from '../support/wait.ts';
import { ROOT, runBin } from '../support/run-bin.ts';

const hasAdapter = existsSync('/sys/class/bluetooth') && readdirSync('/sys/class/bluetooth').some((n) => n.startsWith('hci'));

const swivel = (args: string[]) => runBin('swivel', args);

// Every test here starts `swivel` processes, each loading TypeScript on start (1–3 s on a quiet
// machine, several times that on a busy one): a minute each, not the default half.
describe('swivel command line', { timeout: 60_000 }, () => {
  it('prints help for the program and for serve', async () => {
    const main = swivel(['--help']);
    expect(await main.exited).toBe(0);
    expect(main.out()).toMatch(/Commands:\n\s+serve/);
    const serve = swivel(['serve', '--help']);
    expect(await serve.exited).toBe(0);
    expect(serve.out()).toContain('--sensor auto|sim|ble');
  });

  it('rejects bad options with a clear message and exit code 2, no stack trace', async () => {
    const badPort = swivel(['serve', '--port', 'eighty']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.err()).toBe('swivel: --port must be a whole number from 0 to 65535, got "eighty"\nTry "swivel --help".\n');
    const badSensor = swivel(['serve', '--sensor', 'bluetooth']);
    expect(await badSensor.exited).toBe(2);
    expect(badSensor.err()).toContain('--sensor must be auto, sim or ble, got "bluetooth"');
    const badRate = swivel(['serve', '--rate', '33']);
    expect(await badRate.exited).toBe(2);
    expect(badRate.err()).toContain('--rate must be one of 25, 50, 60, 100, 104, 200, 400, 800, got "33"');
    const badExercise = swivel(['serve', '--sim-exercise', 'squats']);
    expect(await badExercise.exited).toBe(2);
    expect(badExercise.err()).toContain('--sim-exercise must be one of rom-prone,');
    const unknown = swivel(['frobnicate']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
  });

  it.runIf(!hasAdapter)('explains that there is no adapter when --sensor ble is asked for on a machine without one', async () => {
    const run = swivel(['serve', '--sensor', 'ble', '--port', '0']);
    expect(await run.exited).toBe(1);
    expect(run.err()).toBe('swivel: --sensor ble: no Bluetooth adapter found (nothing in /sys/class/bluetooth)\nUse --sensor sim to run with the simulated sensor.\n');
  });

  it('checks a programme file, and refuses to serve with a broken one', async () => {
    const good = swivel(['programme', 'check', join(ROOT, 'hub/programme/hip-internal-rotation.json')]);
    expect(await good.exited).toBe(0);
    expect(good.out()).toMatch(/ok, "Hip internal rotation": 26 exercises/);
    const dir = await mkdtemp(join(tmpdir(), 'swivel-programme-'));
    try {
      const file = join(dir, 'mine.json');
      await writeFile(file, '{"version": 1, "id": "mine", "title": "Mine", "description": "x", "stages": [], "exercises": []');
      const bad = swivel(['programme', 'check', file]);
      expect(await bad.exited).toBe(1);
      expect(bad.err()).toMatch(/^swivel: the programme file cannot be used:\n.*mine\.json: line 1, column \d+: /);
      expect(bad.err()).not.toMatch(/\n\s+at /); // no stack trace
      const serve = swivel(['serve', '--port', '0', '--sensor', 'sim', '--no-spawn-sim', '--programme', file]);
      expect(await serve.exited).toBe(1);
      expect(serve.err()).toContain('mine.json: line 1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves with its own simulator, prints the URL, and shuts down cleanly on SIGINT', async () => {
    const radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
    const run = swivel(['serve', '--port', '0', '--host', '127.0.0.1', '--radio', radioDir, '--sim-exercise', 'swivel-chair', '--sim-person', '4']);
    const url = await waitFor('the dashboard URL', () => run.out().match(/Swivel dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1], 20_000);
    await waitFor('the sensor link', () => run.out().includes('connected to Swivel-'), 20_000);
    expect(run.out()).toMatch(/started simulated sensor Swivel-\w+ doing swivel-chair/);
    if (!hasAdapter) expect(run.out()).toContain('using the simulated sensor: no Bluetooth adapter found (nothing in /sys/class/bluetooth)');
    const sensors = (await (await fetch(`${url}api/sensors`)).json()) as { sensors: { state: string }[] };
    expect(sensors.sensors[0]!.state).toBe('connected');
    expect(await readdir(radioDir)).toHaveLength(1); // the simulator's beacon
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('SIGINT: disconnecting the sensor and closing viewers');
    expect(await readdir(radioDir)).toHaveLength(0); // the simulator stopped with the hub
    await rm(radioDir, { recursive: true, force: true });
  });
});

describe('choosing the bindings', () => {
  it('falls back to the simulator with a reason when no adapter works, never throwing', async () => {
    const probe = await probeAdapter();
    const choice = await chooseBindings('auto', () => socketRadio('/nonexistent'));
    if (probe.ok) {
      expect(choice.source).toBe('ble');
    } else {
      expect(choice.source).toBe('sim');
      expect(choice.reason).toBe(`using the simulated sensor: ${probe.reason}`);
    }
  });

  it('uses the simulator when asked, whatever the machine has', async () => {
    const choice = await chooseBindings('sim', () => socketRadio('/nonexistent'));
    expect(choice).toMatchObject({ source: 'sim', reason: 'using the simulated sensor (--sensor sim)' });
  });
});
