/**
 * The simulator process a hub starts when no sensor is on the air: started, watched, and started
 * again after a wait that doubles with each crash in a row, so a simulator that dies at once does not
 * spin the machine while one that crashed once is back within a second. Each change is said to the
 * log and to viewers (a `hub` message), as the sensor going away alone would look like a lost link.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Subject, type Observable } from 'rxjs';
import type { HubNoticeMessage } from './protocol/messages.ts';
import { NODE_FLAGS, PROJECT_ROOT } from './project.ts';

export interface RestartBackoff {
  /** Wait before the first restart after a crash, ms. */
  firstMs: number;
  /** The longest wait, ms. */
  maxMs: number;
  /** A simulator that ran this long is healthy again: the next crash waits `firstMs` again, ms. */
  healthyAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { firstMs: 500, maxMs: 15_000, healthyAfterMs: 30_000 };

export interface SimulatorSupervisorDeps {
  radioDir: string;
  /** Extra arguments for bin/swivel-sim.mjs (exercise, person …). */
  args: string[];
  log: (line: string) => void;
  backoff?: Partial<RestartBackoff>;
}

/** The wait before restart number `crashesInARow` (1 for the first crash after a healthy run), ms. */
export function restartDelayMs(crashesInARow: number, backoff: RestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, crashesInARow - 1));
}

export class SimulatorSupervisor {
  private readonly deps: SimulatorSupervisorDeps;
  private readonly backoff: RestartBackoff;
  private readonly notices = new Subject<HubNoticeMessage>();
  private child: ChildProcess | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private crashesInARow = 0;
  private stopping = false;

  /** Every crash, restart and failure to restart, for viewers. */
  readonly notices$: Observable<HubNoticeMessage> = this.notices.asObservable();

  constructor(deps: SimulatorSupervisorDeps) {
    this.deps = deps;
    this.backoff = { ...DEFAULT_RESTART_BACKOFF, ...deps.backoff };
  }

  /** The running simulator's pid, null between a crash and its restart. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the simulator and resolves once it is on the air; a first start that fails rejects. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    await this.launch();
  }

  /** Stops the simulator (SIGTERM, then waits for it) and any restart still to come. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    this.notices.complete();
  }

  private async launch(): Promise<void> {
    const script = join(PROJECT_ROOT, 'bin', 'swivel-sim.mjs');
    const child = spawn(process.execPath, [...NODE_FLAGS, script, '--radio', this.deps.radioDir, '--parent', String(process.pid), ...this.deps.args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    const ready = await new Promise<{ name: string; exercise?: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const event = JSON.parse(line) as { event: string; name: string; exercise?: string };
          if (event.event === 'ready') resolve(event);
        } catch {
          // not a status line
        }
      });
      child.once('exit', (code, signal) => reject(new Error(`the simulator exited before it was ready (${signal ?? `code ${code}`})`)));
      child.once('error', reject);
    });
    const startedAt = Date.now();
    this.deps.log(`swivel: started simulated sensor ${ready.name} doing ${ready.exercise ?? 'its default exercise'} (pid ${child.pid}, radio ${this.deps.radioDir})`);
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      this.child = null;
      if (Date.now() - startedAt >= this.backoff.healthyAfterMs) this.crashesInARow = 0;
      this.crashesInARow++;
      this.scheduleRestart(signal ?? `code ${code}`);
    });
  }

  private scheduleRestart(how: string): void {
    const delay = restartDelayMs(this.crashesInARow, this.backoff);
    const seconds = (delay / 1000).toFixed(1);
    this.say('restarting', `The simulated sensor stopped (${how}); the hub restarts it in ${seconds} s (restart ${this.crashesInARow} in a row).`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.launch().then(
        () => this.say('running', `The simulated sensor is running again after ${this.crashesInARow === 1 ? 'a crash' : `${this.crashesInARow} crashes in a row`}; the hub reconnects to it.`),
        (error: unknown) => {
          if (this.stopping) return;
          this.child = null;
          this.crashesInARow++;
          this.say('failed', `The simulated sensor could not be restarted: ${(error as Error).message}.`);
          this.scheduleRestart('it failed to start');
        },
      );
    }, delay);
  }

  private say(status: HubNoticeMessage['status'], message: string): void {
    this.deps.log(`swivel: ${message}`);
    this.notices.next({ type: 'hub', topic: 'simulator', status, message });
  }
}
