/**
 * bench/storage: the recorder and the database under load, on one core.
 *
 *   npm run bench:storage
 *
 * 1. Re-analysing a one-hour, 100 Hz recording from the database (target under 2 s): every batch
 *    read back, through toAngleFrames and the set's scoring (seated-hip-ir reps), as
 *    `swivel sessions replay --speed max` does. Both as the live recorder stores it (4 samples per
 *    notification) and as an imported CSV is stored (one sample per batch, like `swivel analyze`).
 * 2. Recording throughput with 4 sensors at 200 Hz: ten minutes of batches through the real
 *    Recorder (flush every 500 ms of sensor time, one transaction each). Busy fraction = time spent
 *    recording / time recorded; below 1 means the recorder keeps up, and nothing is left pending
 *    after any flush (no backlog).
 * 3. Database size per hour of recording.
 *
 * Medians over several runs.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehaviorSubject, NEVER, Subject } from 'rxjs';
import { imuSamplesFrom } from '../hub/analyze/imu-csv.ts';
import { imuOf, type ImuReading } from '../hub/protocol/gatt.ts';
import { loadDefaultProgramme } from '../hub/programme/load-programme.ts';
import { Recorder } from '../hub/recording/recorder.ts';
import { replaySession } from '../hub/recording/replay.ts';
import type { SamplesEvent } from '../hub/sensor-hub.ts';
import { initialSession } from '../hub/session/engine.ts';
import type { ScoringRun } from '../hub/session/session-service.ts';
import type { SessionCommand } from '../hub/protocol/session.ts';
import type { Programme } from '../hub/protocol/programme.ts';
import { SessionReplay } from '../hub/recording/replay-stream.ts';
import type { ServerMessage } from '../hub/protocol/messages.ts';
import { DATABASE_FILE, openDatabase } from '../hub/storage/database.ts';
import { SessionStore } from '../hub/storage/session-store.ts';

const RUNS = 3;
const programme = await loadDefaultProgramme();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fixed = (value: number, digits = 2) => value.toFixed(digits);

// A shin still for 2 s (a start posture the session engine can take), then turning 35° about a
// horizontal axis every 8 s, with a little noise (as bench/throughput).
function reading(time: number): ImuReading {
  const t = Math.max(0, time - 2);
  const theta = ((35 * (1 - Math.cos((2 * Math.PI * t) / 8))) / 2) * (Math.PI / 180);
  const rate = ((35 * Math.PI) / 8) * Math.sin((2 * Math.PI * t) / 8);
  const n = () => (Math.random() - 0.5) * 0.01;
  return { ax: -Math.cos(theta) + n(), ay: Math.sin(theta) + n(), az: n(), gx: 0.3 + n(), gy: -0.2 + n(), gz: (time < 2 ? 0 : rate) + 0.45 + n() };
}

/** Drives a real Recorder with synthetic sensors; returns the time spent recording and what it wrote. */
function recordSynthetic(store: SessionStore, dataDir: string, options: { sensors: number; rateHz: number; seconds: number; perPacket: number; flushEveryS: number }) {
  const batches$ = new Subject<SamplesEvent>();
  const resets$ = new Subject<number>();
  const scoringRuns$ = new Subject<ScoringRun | null>();
  const commands$ = new Subject<{ command: SessionCommand; at: number }>();
  const idle = initialSession(programme).view;
  const view$ = new BehaviorSubject(idle);
  let now = 1.7e12;
  const recorder = new Recorder({
    store,
    sensors: { batches$, angleResets$: resets$, link$: NEVER },
    session: { view$, events$: NEVER, commands$, scoringRuns$, restEnds$: NEVER },
    programme,
    dataDir,
    flushEveryMs: 1e9,
    log: () => {},
    now: () => now,
  });
  recorder.start();
  const start = performance.now();
  // The session starts: a reset, calibration, then one long set of reps.
  resets$.next(1);
  view$.next({ ...idle, status: 'calibrating', startedAt: now });
  scoringRuns$.next({ run: 1, exerciseId: 'seated-hip-ir', side: 'left', set: 1 });
  // The command that started it, so a streamed replay's session engine starts the same set.
  commands$.next({ command: { action: 'start', exerciseId: 'seated-hip-ir', side: 'left' }, at: now });
  const id = recorder.sessionId!;
  const packets = Math.ceil((options.rateHz * options.seconds) / options.perPacket);
  const dt = 1 / options.rateHz;
  let nextFlush = options.flushEveryS;
  let maxFlushMs = 0;
  for (let p = 0; p < packets; p++) {
    const t0 = p * options.perPacket * dt;
    now = 1.7e12 + t0 * 1000;
    for (let s = 0; s < options.sensors; s++) {
      const readings = Array.from({ length: options.perPacket }, (_, k) => reading(t0 + k * dt + s));
      batches$.next({ kind: 'samples', sensorId: `sensor-${s + 1}`, lost: 0, batch: { sensorId: `sensor-${s + 1}`, seq: p & 0xffff, t0, dt, count: readings.length, imu: imuOf(readings), receivedAt: 0 } });
    }
    if (t0 >= nextFlush) {
      nextFlush += options.flushEveryS;
      const flushStart = performance.now();
      recorder.flush();
      maxFlushMs = Math.max(maxFlushMs, performance.now() - flushStart);
    }
  }
  recorder.stop();
  return { id, busyMs: performance.now() - start, maxFlushMs };
}

const dbBytes = (dataDir: string) => {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(join(dataDir, DATABASE_FILE + suffix)).size;
    } catch {
      // not there
    }
  }
  return bytes;
};

const fresh = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'swivel-bench-storage-'));
  const db = openDatabase(dataDir);
  return { dataDir, db, store: new SessionStore(db) };
};

// 1. Re-analysis of one hour at 100 Hz.
{
  const { dataDir, db, store } = fresh();
  const live = recordSynthetic(store, dataDir, { sensors: 1, rateHz: 100, seconds: 3600, perPacket: 4, flushEveryS: 0.5 });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const liveBytes = dbBytes(dataDir);
  const rows = Array.from({ length: 360_000 }, (_, i) => ({ t: i / 100, ...reading(i / 100) }));
  const imported = store.importSamples({ exerciseId: 'seated-hip-ir', side: 'left', name: 'bench', programmeId: programme.id, programmeTitle: programme.title, samples: imuSamplesFrom(rows), dt: 0.01, importedAt: Date.now() });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const importBytes = dbBytes(dataDir) - liveBytes;
  for (const [what, id] of [['live recording (4 samples per batch)', live.id], ['imported CSV (1 sample per batch)', imported]] as const) {
    const times: number[] = [];
    let reps = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const sets = await replaySession(store, id, { programme });
      times.push((performance.now() - start) / 1000);
      reps = sets.reduce((total, set) => total + set.summary.repCount, 0);
    }
    console.log(`re-analyse 1 h at 100 Hz, ${what}: median ${fixed(median(times))} s (runs ${times.map((t) => fixed(t)).join(', ')}; target < 2 s; ${reps} reps)`);
  }
  console.log(`database size per hour, 1 sensor at 100 Hz: ${fixed(liveBytes / 1e6, 1)} MB recorded live, ${fixed(importBytes / 1e6, 1)} MB imported`);

  // The same hour streamed to a viewer (the dashboard's replay): the whole live path, session engine
  // included. A seek from the start to the end works through all of it without sending; Max sends
  // as it goes (to a viewer that reads at once). The set's target is raised above the hour's reps so
  // that it is scored to the end, as a real hour of sets would be.
  const longSet: Programme = { ...programme, exercises: programme.exercises.map((e) => (e.id === 'seated-hip-ir' && e.kind === 'reps' ? { ...e, targets: { ...e.targets, reps: 1000 } } : e)) };
  const streamed = (until: (message: ServerMessage) => boolean, after: (replay: SessionReplay) => void) =>
    new Promise<{ seconds: number; messages: number; reps: number }>((resolve) => {
      let messages = 0;
      let reps = 0;
      const start = performance.now();
      const replay = new SessionReplay({
        store,
        programme: longSet,
        sessionId: live.id,
        version: 'bench',
        send: (message) => {
          messages++;
          if (message.type === 'session') reps = message.session.current?.reps ?? reps;
          if (until(message)) {
            resolve({ seconds: (performance.now() - start) / 1000, messages, reps });
            void replay.stop();
          }
        },
      });
      replay.start();
      after(replay);
    });
  const finished = (message: ServerMessage) => message.type === 'replay' && message.replay.finished;
  const seeks: number[] = [];
  const maxes: number[] = [];
  let seekReps = 0;
  let maxReps = 0;
  let maxMessages = 0;
  for (let run = 0; run < RUNS; run++) {
    const seek = await streamed((m) => m.type === 'replay' && m.replay.seekCount === 1 && m.replay.positionSeconds >= 3594, (replay) => replay.command({ action: 'seek', seconds: 3595 }));
    seeks.push(seek.seconds);
    seekReps = seek.reps;
    const max = await streamed(finished, (replay) => replay.command({ action: 'speed', speed: 'max' }));
    maxes.push(max.seconds);
    maxMessages = max.messages;
    maxReps = max.reps;
  }
  console.log(`streamed replay of the hour (dashboard): seek from the start to 59:55 median ${fixed(median(seeks))} s (runs ${seeks.map((t) => fixed(t)).join(', ')}; ${seekReps} reps counted by then); played at Max to a viewer median ${fixed(median(maxes))} s (runs ${maxes.map((t) => fixed(t)).join(', ')}; ${maxReps} reps; ${maxMessages} messages)`);
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
}

// 2. Recording throughput, 4 sensors at 200 Hz, and 3. size per hour at that load.
{
  const SECONDS = 600;
  const busy: number[] = [];
  const flushes: number[] = [];
  let bytesPerHour = 0;
  for (let run = 0; run < RUNS; run++) {
    const { dataDir, db, store } = fresh();
    const result = recordSynthetic(store, dataDir, { sensors: 4, rateHz: 200, seconds: SECONDS, perPacket: 4, flushEveryS: 0.5 });
    busy.push(result.busyMs / (SECONDS * 1000));
    flushes.push(result.maxFlushMs);
    db.pragma('wal_checkpoint(TRUNCATE)');
    bytesPerHour = (dbBytes(dataDir) * 3600) / SECONDS;
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `recording 4 sensors at 200 Hz (${SECONDS} s of samples, flush every 500 ms): busy ${fixed(median(busy) * 100, 1)}% of real time (runs ${busy.map((b) => fixed(b * 100, 1)).join(', ')}%), longest flush median ${fixed(median(flushes), 1)} ms; nothing pending after a flush, so no backlog`,
  );
  console.log(`database size per hour, 4 sensors at 200 Hz: ${fixed(bytesPerHour / 1e6, 0)} MB`);
}
