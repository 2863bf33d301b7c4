/**
 * Real processes for the fault benchmarks: `swivel serve` / `swivel record` and `npm run sim`, started
 * as a person would, each killed when this process exits (whatever happened).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NODE_FLAGS } from '../../hub/project.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** `--name N` from the command line, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a number above 0, got "${process.argv[index + 1] ?? ''}"`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it gives a truthy value; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

export interface BinProcess {
  child: ChildProcess;
  out(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** bin/swivel.mjs or bin/swivel-sim.mjs with these arguments; stdout kept, stderr kept too. */
export function runBin(bin: 'swivel' | 'swivel-sim', args: string[]): BinProcess {
  // Started as a shell starts them (bin/swivel.mjs's first line, the npm scripts): with the same Node flags.
  const child = spawn(process.execPath, [...NODE_FLAGS, join(ROOT, 'bin', `${bin}.mjs`), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out: () => out, exited };
}

/** `swivel serve` on port 0 of loopback; resolves with its port once its dashboard URL is printed. */
export async function serveHub(args: string[]): Promise<BinProcess & { port: number }> {
  const hub = runBin('swivel', ['serve', '--port', '0', '--host', '127.0.0.1', ...args]);
  const port = await until(`the hub's URL (it said: ${hub.out()})`, () => Number(hub.out().match(/Swivel dashboard: http:\/\/127\.0\.0\.1:(\d+)\//)?.[1]) || null);
  return { ...hub, port };
}

/** One rep, hold or effort the simulated person did, as the simulator's truth has it. */
export interface SimulatorTruthRep {
  exercise: string;
  side: 'left' | 'right';
  kind: 'rep' | 'hold' | 'effort';
  partial: boolean;
  /** When it ended, ms since the epoch. */
  endedAt: number;
}

export interface Simulator extends BinProcess {
  command(line: string): Promise<void>;
  stats(): Promise<{ connected: boolean; notificationsSent: number; notificationsLost: number; malformedSent: number; samples: number }>;
  /** What the person did in this simulator's lifetime (its `truth` command). */
  truth(): Promise<SimulatorTruthRep[]>;
}

/** `npm run sim` on a radio directory, once it is on the air; `command` and `stats` use its standard input. */
export async function startSimulator(radioDir: string, args: string[]): Promise<Simulator> {
  const sim = runBin('swivel-sim', ['--radio', radioDir, ...args]);
  const waiting: { kind: string; resolve: (event: Record<string, unknown>) => void }[] = [];
  createInterface({ input: sim.child.stdout! }).on('line', (line) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    const index = waiting.findIndex((w) => w.kind === event.event);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(event);
  });
  const next = (kind: string) =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve) => waiting.push({ kind, resolve })),
      sim.exited.then(() => {
        throw new Error(`the simulator exited while waiting for "${kind}": ${sim.out()}`);
      }),
    ]);
  await next('ready');
  return {
    ...sim,
    async command(line) {
      const ok = next('ok');
      sim.child.stdin!.write(`${line}\n`);
      await ok;
    },
    async stats() {
      const stats = next('stats');
      sim.child.stdin!.write('stats\n');
      return (await stats) as never;
    },
    async truth() {
      const truth = next('truth');
      sim.child.stdin!.write('truth\n');
      return ((await truth) as { reps: SimulatorTruthRep[] }).reps;
    },
  };
}

/** Resident set size of a process, bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The hub's own memory figures (/api/health). */
export async function hubMemory(port: number): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { memory: { rssBytes: number; heapUsedBytes: number } };
  return health.memory;
}
