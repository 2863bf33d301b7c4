import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { trackChild } from './processes.ts';
import { timeLeftInTest } from './wait.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface SimulatorProcess {
  child: ChildProcess;
  name: string;
  port: number;
  /** Sends a control command (drop N, corrupt N, lose-link MS, …) and waits for the simulator's ok. */
  command(line: string): Promise<void>;
  /** Asks for the simulator's own counters. */
  stats(): Promise<{ connected: boolean; notificationsSent: number; notificationsLost: number; malformedSent: number }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `npm run sim` as its own process, exactly as a person would, and waits until it is on the air. */
export async function startSimulator(radioDir: string, args: string[] = []): Promise<SimulatorProcess> {
  const child = trackChild(spawn(process.execPath, [join(ROOT, 'bin', 'swivel-sim.mjs'), '--radio', radioDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const waiting: ((event: Record<string, unknown>) => boolean)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    const index = waiting.findIndex((accept) => accept(event));
    if (index >= 0) waiting.splice(index, 1);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const next = (kind: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      // As long as the test may still run (a busy machine starts processes slowly); in a hook, most of its 30 s.
      const waitMs = Math.max(10_000, timeLeftInTest() ?? 25_000);
      const timer = setTimeout(() => reject(new Error(`simulator did not answer "${kind}" within ${waitMs / 1000} s (stderr: ${stderr})`)), waitMs);
      waiting.push((event) => {
        if (event.event !== kind) return false;
        clearTimeout(timer);
        resolve(event);
        return true;
      });
    });
  const ready = await next('ready');
  return {
    child,
    name: ready.name as string,
    port: ready.port as number,
    async command(line) {
      const ok = next('ok');
      child.stdin!.write(`${line}\n`);
      await ok;
    },
    async stats() {
      const stats = next('stats');
      child.stdin!.write('stats\n');
      return (await stats) as never;
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
