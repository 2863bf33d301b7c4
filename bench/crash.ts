/**
 * bench/crash: a hub recording a session (`swivel record`, a real process) killed with SIGKILL at a
 * random moment mid-set, again and again on one data directory. After each kill, before any hub
 * starts again, the session must already read as interrupted (the hub's lock is gone), be readable
 * in full, and hold every sample up to at most one second before the kill (recorded arrival times
 * against the kill time, one clock: the same machine).
 *
 *   npm run bench:crash                   # 20 kills
 *   npm run bench:crash -- --kills 5 --seed 3
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../hub/storage/database.ts';
import { SessionStore } from '../hub/storage/session-store.ts';
import { seededRandom } from '../firmware-sim/random.ts';
import { numberOption, runBin, sleep, startSimulator, until } from './support/processes.ts';

const KILLS = numberOption('kills', 20);
const random = seededRandom(numberOption('seed', 1));
const rand = () => random.next();

interface Outcome {
  run: number;
  id: number;
  status: string;
  samples: number;
  /** Kill time minus the arrival time of the last recorded batch, ms. */
  lossMs: number;
  readable: boolean;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'swivel-crash-'));
  const radioDir = join(root, 'radio');
  const dataDir = join(root, 'data');
  const simulator = await startSimulator(radioDir, ['--exercise', 'seated-hip-ir', '--rate', '100', '--address', '5e:1f:00:00:00:51']);
  const outcomes: Outcome[] = [];
  try {
    for (let run = 1; run <= KILLS; run++) {
      const hub = runBin('swivel', ['record', '--exercise', 'seated-hip-ir', '--side', 'left', '--sensor', 'sim', '--no-spawn-sim', '--radio', radioDir, '--data', dataDir]);
      await until(`run ${run}: the set counting (the hub said: ${hub.out()})`, () => hub.out().includes('counting'));
      // Anywhere in the next 6 s: between flushes, in a flush, mid-rep, whatever the moment is.
      await sleep(rand() * 6000);
      const killedAt = Date.now();
      hub.child.kill('SIGKILL');
      await hub.exited;

      // Read at once, as `swivel sessions list` would: no hub runs now.
      const db = openDatabase(dataDir, { readonly: true });
      try {
        const store = new SessionStore(db);
        const newest = store.list(0, 1).sessions[0]!;
        let lastArrival = 0;
        let samples = 0;
        for (const { batch } of store.batches(newest.id)) {
          lastArrival = Math.max(lastArrival, batch.hubAt);
          samples += batch.readings.length;
        }
        const detail = store.detail(newest.id);
        const outcome: Outcome = { run, id: newest.id, status: newest.status, samples: newest.samples, lossMs: killedAt - lastArrival, readable: detail !== null && samples > 0 };
        outcomes.push(outcome);
        console.log(`kill ${String(run).padStart(2)}: session ${outcome.id} ${outcome.status}, ${outcome.samples} samples, last recorded sample arrived ${outcome.lossMs} ms before the kill${outcome.readable ? '' : ', NOT READABLE'}`);
      } finally {
        db.close();
      }
    }
  } finally {
    simulator.child.kill('SIGTERM');
    await simulator.exited;
  }

  // Every session again at the end, through the command line a person would use.
  const list = runBin('swivel', ['sessions', 'list', '--json', '--data', dataDir]);
  await list.exited;
  const listed = JSON.parse(list.out()) as { id: number; status: string }[];
  const interrupted = listed.filter((s) => s.status === 'interrupted').length;
  const losses = outcomes.map((o) => o.lossMs).sort((a, b) => a - b);
  const worst = losses.at(-1)!;
  console.log(
    `\n${KILLS} kills: ${outcomes.filter((o) => o.status === 'interrupted').length} sessions interrupted at once after their kill; ` +
      `${interrupted} of ${listed.length} listed as interrupted by "swivel sessions list" at the end; ` +
      `${outcomes.filter((o) => o.readable).length} readable; lost before the kill: median ${losses[Math.floor(losses.length / 2)]} ms, worst ${worst} ms (limit 1000 ms)`,
  );
  await rm(root, { recursive: true, force: true });
  const ok = outcomes.every((o) => o.status === 'interrupted' && o.readable && o.lossMs <= 1000) && interrupted === KILLS && listed.length === KILLS;
  if (!ok) {
    console.log('FAILED: see above');
    process.exitCode = 1;
  }
}

await main();
