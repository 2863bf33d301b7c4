/**
 * bench/soak: a hub (`swivel serve --sensors 2`, a real process) recording guided sessions for N
 * minutes with two simulated sensors at 200 Hz, one on each shin (each set scores the sensor on its
 * side; the other leg rests), 20 viewers of which two never read their socket, and a fault every 30 s
 * in turn: the link lost for 3 s, 20 corrupt packets, 30 dropped packets, the simulator killed with
 * SIGKILL and started again; four faults on one sensor, then four on the other. It reports hub
 * crashes, whether each fault was marked (a lost link seen by viewers and in the recording; corrupt
 * and dropped packets counted exactly), the samples recorded against the samples the hub received
 * from both sensors while sessions ran, the reps counted against the simulated persons' truth
 * (phantom and lost reps, set by set, from the simulator on the set's side), and the hub's heap and
 * RSS after warm-up (the first fifth of the run, at least 30 s).
 *
 *   npm run bench:soak                   # 10 minutes
 *   npm run bench:soak -- --minutes 2
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { openDatabase } from '../hub/storage/database.ts';
import { SessionStore } from '../hub/storage/session-store.ts';
import type { ServerMessage } from '../hub/protocol/messages.ts';
import type { SessionView } from '../hub/protocol/session.ts';
import { hubMemory, mb, numberOption, rssOf, serveHub, sleep, startSimulator, until, type Simulator, type SimulatorTruthRep } from './support/processes.ts';

const MINUTES = numberOption('minutes', 10);
const FAULT_EVERY_MS = 30_000;
const VIEWERS = 20;
const STALLED = 2;
/** The two simulated sensors: one on each shin, each resting while the other leg works. */
const SENSORS = [
  { shin: 'left', address: '5e:1f:00:00:00:61', args: ['--exercise', 'seated-hip-ir', '--rate', '200', '--address', '5e:1f:00:00:00:61', '--shin', 'left', '--side', 'left', '--seed', '61'] },
  { shin: 'right', address: '5e:1f:00:00:00:62', args: ['--exercise', 'seated-hip-ir', '--rate', '200', '--address', '5e:1f:00:00:00:62', '--shin', 'right', '--side', 'right', '--seed', '62'] },
] as const;
const deviceIdOf = (address: string) => address.replace(/:/g, '');
const FAULTS = ['lose-link', 'corrupt', 'drop', 'kill'] as const;
type Fault = (typeof FAULTS)[number];

interface Stats {
  packets: number;
  samples: number;
  lostPackets: number;
  malformedPackets: number;
  linkLosses: number;
}

/**
 * A viewer that completes the WebSocket handshake and then never reads a byte: its socket is paused
 * at the TCP level, so the kernel's buffers fill and the hub's queue for it grows, as with a tablet
 * whose browser froze.
 */
async function stalledViewer(port: number): Promise<{ socket: Socket; stalled: true; messages: number; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  const viewer = { socket, stalled: true as const, messages: 0, closed: false };
  socket.on('close', () => (viewer.closed = true));
  socket.on('error', () => {});
  socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (chunk) => {
      socket.pause();
      if (chunk.toString().startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`the hub refused a viewer: ${chunk.toString().split('\r\n')[0]}`));
    });
  });
  return viewer;
}

/** A set as viewer 0 saw it: hub clock times (the same machine's clock as the simulator's truth). */
interface SeenSet {
  exerciseId: string;
  kind: string;
  side: string;
  startedAt: number;
  /** When a view first showed the set over (rest, finished, or another set), ms since the epoch. */
  endedAt: number | null;
  reps: number;
  /** Set results the session had when this set started: the next one is this set's. */
  resultsBefore: number;
}

/** A rep the hub counts ends when the leg is back; the truth's end can come a moment after the hub moved on. */
const SET_END_GRACE_MS = 1500;
/** A fault reaches this far past its start (a lost link is back, a killed simulator restarted, within it). */
const FAULT_REACH_MS = 10_000;

/** Follows the sets of the session from its views: one entry per set started (a recalibration keeps its set). */
function followSets(sets: SeenSet[], view: SessionView, at: number): void {
  const open = sets.at(-1);
  if (open && view.current?.startedAt === open.startedAt) open.reps = Math.max(open.reps, view.current.reps);
  const current = view.status === 'calibrating' || view.status === 'active' ? view.current : null;
  if (open && open.endedAt === null && current?.startedAt !== open.startedAt) {
    open.endedAt = at;
    // Views are sent at most every 100 ms, so the last count may come only with the set's result.
    const result = view.results.length > open.resultsBefore ? view.results.at(-1) : undefined;
    if (result && result.exerciseId === open.exerciseId && result.side === open.side) open.reps = result.reps;
  }
  if (current && open?.startedAt !== current.startedAt) {
    sets.push({ exerciseId: current.exerciseId, kind: current.kind, side: current.side, startedAt: current.startedAt, endedAt: null, reps: current.reps, resultsBefore: view.results.length });
  }
}

/**
 * The hub's rep count set by set against the person's truth: the full reps (not partials) that ended
 * while the set ran, whatever the person was doing (after a simulator restart they start over with
 * their first exercise until the next set tells them otherwise). Sets of the `reps` kind only (ROM
 * trials are reps). A lost rep that can be put down to a fault (a truth rep of that set ended while
 * the link was down or the simulator restarting) is counted apart: the hub cannot count what it
 * never received, and marks the gap instead.
 */
function compareReps(sets: SeenSet[], truth: SimulatorTruthRep[], faultTimes: number[], endedAt: number) {
  // Each simulator's person exercises its own leg only: the set's side says whose truth it is.
  const full = truth.filter((rep) => rep.kind === 'rep' && !rep.partial);
  const inFault = (at: number) => faultTimes.some((fault) => at >= fault && at <= fault + FAULT_REACH_MS);
  const total = { sets: 0, truth: 0, counted: 0, phantom: 0, lost: 0, lostInFaults: 0 };
  const rows: string[] = [];
  for (const set of sets.filter((s) => s.kind === 'reps')) {
    const end = set.endedAt ?? endedAt;
    const inSet = full.filter((rep) => rep.side === set.side && rep.endedAt >= set.startedAt && rep.endedAt <= end + SET_END_GRACE_MS);
    const phantom = Math.max(0, set.reps - inSet.length);
    const lost = Math.max(0, inSet.length - set.reps);
    const lostInFaults = Math.min(lost, inSet.filter((rep) => inFault(rep.endedAt)).length);
    total.sets++;
    total.truth += inSet.length;
    total.counted += set.reps;
    total.phantom += phantom;
    total.lost += lost;
    total.lostInFaults += lostInFaults;
    rows.push(`  ${set.exerciseId} ${set.side}: truth ${inSet.length}, counted ${set.reps}${inSet.some((rep) => inFault(rep.endedAt)) ? ' (a fault during its reps)' : ''}`);
  }
  return { ...total, rows };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'swivel-soak-'));
  const radioDir = join(root, 'radio');
  const dataDir = join(root, 'data');
  const simulators: Simulator[] = [];
  for (const sensor of SENSORS) simulators.push(await startSimulator(radioDir, [...sensor.args]));
  const simulatorSent = { samples: 0, notifications: 0 };
  /** The persons' truth from every simulator lifetime (each asked just before its kill, and at the end). */
  const truth: SimulatorTruthRep[] = [];
  const hub = await serveHub(['--sensor', 'sim', '--no-spawn-sim', '--sensors', '2', '--radio', radioDir, '--data', dataDir]);
  let hubCrashed = false;
  void hub.exited.then(({ code, signal }) => {
    if (!stopping) {
      hubCrashed = true;
      console.log(`HUB CRASHED (${signal ?? `code ${code}`}):\n${hub.out().slice(-2000)}`);
    }
  });
  let stopping = false;
  const base = `http://127.0.0.1:${hub.port}`;
  type Snapshot = { sensorId: string; state: string; stats: Stats; info: { id: string } | null };
  const snapshots = async () => ((await (await fetch(`${base}/api/sensors`)).json()) as { sensors: Snapshot[] }).sensors;
  /** The hub's sensor slot that has this simulator (it may be either link, and change after a restart). */
  const slotOf = async (i: number) => (await snapshots()).find((s) => s.info?.id === deviceIdOf(SENSORS[i]!.address));
  const connected = async (i: number) => (await slotOf(i))?.state === 'connected';
  // A link's figures are per slot: a sensor found again by the other link starts counting on that one.
  const sensorStats = async (i: number): Promise<Stats> => (await slotOf(i))!.stats;
  const totalSamples = async () => (await snapshots()).reduce((n, s) => n + s.stats.samples, 0);
  await until('both sensors connected', async () => (await connected(0)) && (await connected(1)));
  // Which shin each is on, as a person says on the sensor panel.
  for (const [i, sensor] of SENSORS.entries()) {
    await fetch(`${base}/api/sensors/${(await slotOf(i))!.sensorId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shin: sensor.shin }) });
  }

  // Twenty viewers: eighteen read everything, two stop reading at once (their socket is paused).
  const linkLostSeen: number[] = [];
  let lastView: Extract<ServerMessage, { type: 'session' }>['session'] | null = null;
  const sets: SeenSet[] = [];
  let repEvents = 0;
  let invalid = 0;
  const viewers = await Promise.all(
    Array.from({ length: VIEWERS }, async (_, i) => {
      if (i >= VIEWERS - STALLED) return stalledViewer(hub.port);
      const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.on('error', () => {});
      const viewer = { socket: socket as WebSocket | Socket, stalled: false, messages: 0, closed: false };
      socket.on('close', () => (viewer.closed = true));
      socket.on('message', (data) => {
        viewer.messages++;
        if (i !== 0) return;
        const message = JSON.parse(data.toString()) as ServerMessage;
        if (typeof message !== 'object' || !message || typeof message.type !== 'string') invalid++;
        else if (message.type === 'link' && message.state === 'lost') linkLostSeen.push(Date.now());
        else if (message.type === 'session') {
          lastView = message.session;
          followSets(sets, message.session, Date.now());
        } else if (message.type === 'hello') followSets(sets, message.session, Date.now());
        else if (message.type === 'event' && message.event.kind === 'rep') repEvents++;
      });
      return viewer;
    }),
  );
  const control = viewers[0]!.socket as WebSocket;
  const command = (action: string) => control.send(JSON.stringify({ type: 'session', command: { action } }));

  // Sessions back to back for the whole run: a finished one is followed by a new one at once.
  const samplesAtFirstStart = await totalSamples();
  command('start');
  let sessionsStarted = 1;
  const restarter = setInterval(() => {
    if ((lastView as { status?: string } | null)?.status === 'finished') {
      lastView = null;
      command('start');
      sessionsStarted++;
    }
  }, 200);

  const startedAt = Date.now();
  const endAt = startedAt + MINUTES * 60_000;
  const warmUpMs = Math.max(30_000, (MINUTES * 60_000) / 5);
  const memory: { at: number; heap: number; rss: number }[] = [];
  const sampler = setInterval(() => {
    void hubMemory(hub.port)
      .then(async (m) => memory.push({ at: Date.now() - startedAt, heap: m.heapUsedBytes, rss: await rssOf(hub.child.pid!) }))
      .catch(() => {});
  }, 5000);

  const faults: { fault: Fault; at: number; marked: boolean; detail: string }[] = [];
  let nextFault = 0;
  while (Date.now() + FAULT_EVERY_MS <= endAt && !hubCrashed) {
    await sleep(FAULT_EVERY_MS);
    const which = Math.floor(nextFault / FAULTS.length) % SENSORS.length;
    const fault = FAULTS[nextFault++ % FAULTS.length]!;
    const simulator = simulators[which]!;
    const at = Date.now();
    const before = await sensorStats(which);
    let marked = false;
    let detail = '';
    try {
      if (fault === 'lose-link' || fault === 'kill') {
        const seen = linkLostSeen.length;
        if (fault === 'lose-link') await simulator.command('lose-link 3000');
        else {
          const last = await simulator.stats();
          simulatorSent.samples += last.samples;
          simulatorSent.notifications += last.notificationsSent;
          truth.push(...(await simulator.truth()));
          simulator.child.kill('SIGKILL');
          await simulator.exited;
          await sleep(1000);
          simulators[which] = await startSimulator(radioDir, [...SENSORS[which]!.args]);
        }
        await until(`the lost link after ${fault} seen by a viewer`, () => linkLostSeen.length > seen, 20_000);
        await until('the sensor back', () => connected(which), 30_000);
        const after = await sensorStats(which);
        marked = after.linkLosses > before.linkLosses;
        detail = `link losses ${before.linkLosses} → ${after.linkLosses}`;
      } else {
        const n = fault === 'corrupt' ? 20 : 30;
        await simulator.command(`${fault} ${n}`);
        const key = fault === 'corrupt' ? 'malformedPackets' : 'lostPackets';
        const after = await until(`${n} ${key} counted`, async () => {
          const stats = await sensorStats(which);
          return stats[key] - before[key] >= n ? stats : null;
        }, 20_000).catch(() => null);
        const counted = (after ?? (await sensorStats(which)))[key] - before[key];
        marked = counted === n;
        detail = `${key} +${counted} for ${n} injected`;
      }
    } catch (error) {
      detail = (error as Error).message;
    }
    faults.push({ fault, at: at - startedAt, marked, detail });
    console.log(`${((at - startedAt) / 1000).toFixed(0).padStart(4)} s: ${SENSORS[which]!.shin.padEnd(5)} ${fault.padEnd(9)} ${marked ? 'marked' : 'NOT MARKED'} (${detail})`);
  }
  await sleep(Math.max(0, endAt - Date.now()));
  clearInterval(restarter);
  clearInterval(sampler);

  // Both sensors go out of range first, so that nothing arrives after the count below: then every
  // sample received must be in the recordings (the first session's pre-roll reaches back to the
  // sensors' first samples, and each later one's to the end of the one before).
  const cutAt = Date.now();
  for (const simulator of simulators) await simulator.command('lose-link 60000');
  await until('both links lost', async () => !(await connected(0)) && !(await connected(1)), 20_000);
  await sleep(500);
  const samplesAtEnd = await totalSamples();
  // End the session under way cleanly, then compare what was recorded with what arrived.
  command('stop');
  await until('the last session finished', () => (lastView as { status?: string } | null)?.status === 'finished', 20_000).catch(() => {});
  await sleep(1500); // the recorder's last flush
  for (const simulator of simulators) {
    const last = await simulator.stats();
    simulatorSent.samples += last.samples;
    simulatorSent.notifications += last.notificationsSent;
    truth.push(...(await simulator.truth()));
  }
  const reps = compareReps(sets, truth, [...faults.map((f) => startedAt + f.at), cutAt], Date.now());
  const viewerState = viewers.map((v) => ({ stalled: v.stalled, closed: v.closed, messages: v.messages }));
  const end = { ...(await hubMemory(hub.port)), rss: await rssOf(hub.child.pid!) };
  stopping = true;
  for (const viewer of viewers) (viewer.socket instanceof WebSocket ? viewer.socket.terminate() : viewer.socket.destroy());
  hub.child.kill('SIGTERM');
  await hub.exited;
  for (const simulator of simulators) {
    simulator.child.kill('SIGTERM');
    await simulator.exited;
  }

  const db = openDatabase(dataDir, { readonly: true });
  const store = new SessionStore(db);
  const sessions = store.list(0, 1000).sessions;
  let recordedSamples = 0;
  let sessionSamples = 0;
  let recordedLinkLosses = 0;
  let recordedLostPackets = 0;
  let countedReps = 0;
  const statuses = new Map<string, number>();
  for (const item of sessions) {
    const detail = store.detail(item.id)!;
    sessionSamples += item.samples;
    // Everything stored, the pre-roll before the session's start included.
    for (const { batch } of store.batches(item.id) as Iterable<{ batch: { readings: unknown[] } }>) recordedSamples += batch.readings.length;
    recordedLinkLosses += detail.links.filter((l) => l.state === 'lost').length;
    recordedLostPackets += detail.sensors.reduce((n, s) => n + s.lostPackets, 0);
    countedReps += detail.summary?.results.reduce((n, r) => n + r.reps, 0) ?? 0;
    statuses.set(item.status, (statuses.get(item.status) ?? 0) + 1);
  }
  db.close();
  await rm(root, { recursive: true, force: true });

  const deliveredInSessions = samplesAtEnd - samplesAtFirstStart;
  const afterWarmUp = memory.filter((m) => m.at >= warmUpMs);
  const range = (values: number[]) => `${mb(Math.min(...values))}–${mb(Math.max(...values))}`;
  console.log(`\nsoak: ${MINUTES} min, two sensors at 200 Hz (one on each shin), ${VIEWERS} viewers (${STALLED} stalled), ${faults.length} faults`);
  console.log(`hub crashes: ${hubCrashed ? 1 : 0}`);
  console.log(`faults marked: ${faults.filter((f) => f.marked).length} of ${faults.length} (${FAULTS.map((k) => `${k} ${faults.filter((f) => f.fault === k && f.marked).length}/${faults.filter((f) => f.fault === k).length}`).join(', ')})`);
  console.log(`sessions: ${sessionsStarted} started, ${sessions.length} recorded (${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}); link losses in the recordings: ${recordedLinkLosses}; lost packets in the recordings: ${recordedLostPackets}`);
  console.log(`samples: simulator sent ${simulatorSent.samples} (${simulatorSent.notifications} notifications, all lifetimes); hub received ${samplesAtEnd} (both links, ${deliveredInSessions} of them after the first start); recorded ${recordedSamples} (${sessionSamples} after the sessions' starts, the rest their pre-roll): ${recordedSamples === samplesAtEnd ? 'every sample received, none more' : `${recordedSamples - samplesAtEnd > 0 ? '+' : ''}${recordedSamples - samplesAtEnd} against those received`}`);
  console.log(`reps: ${countedReps} counted in the recorded sessions, ${repEvents} rep events seen by a viewer`);
  console.log(`reps against the simulator's truth: ${reps.sets} rep sets, truth ${reps.truth} full reps, counted ${reps.counted}: phantom ${reps.phantom}, lost ${reps.lost} (${reps.lostInFaults} of them ended during a fault)\n${reps.rows.join('\n')}`);
  console.log(`viewers: ${viewerState.filter((v) => !v.stalled && !v.closed).length} of ${VIEWERS - STALLED} reading still connected (median ${viewerState.filter((v) => !v.stalled).map((v) => v.messages).sort((a, b) => a - b)[Math.floor((VIEWERS - STALLED) / 2)]} messages each); stalled viewers dropped by the hub: ${(hub.out().match(/closing a viewer: [^\n]*/g) ?? []).length} of ${STALLED} (${[...new Set(hub.out().match(/closing a viewer: [^\n]*/g) ?? [])].join('; ') || 'none'}); schema-less messages: ${invalid}`);
  if (memory.length > 0) {
    // One figure a minute, so a reader can see whether memory levels off or keeps climbing.
    const byMinute = Array.from({ length: Math.ceil(MINUTES) }, (_, i) => memory.filter((m) => m.at >= i * 60_000 && m.at < (i + 1) * 60_000).at(-1)).filter((m) => m !== undefined);
    console.log(`memory at the end of each minute: heap ${byMinute.map((m) => (m.heap / 1048576).toFixed(0)).join(', ')} MB; RSS ${byMinute.map((m) => (m.rss / 1048576).toFixed(0)).join(', ')} MB`);
  }
  if (afterWarmUp.length > 1) {
    console.log(`memory after warm-up (${(warmUpMs / 1000).toFixed(0)} s, ${afterWarmUp.length} samples): heap ${range(afterWarmUp.map((m) => m.heap))} (first ${mb(afterWarmUp[0]!.heap)}, last ${mb(afterWarmUp.at(-1)!.heap)}); RSS ${range(afterWarmUp.map((m) => m.rss))} (first ${mb(afterWarmUp[0]!.rss)}, last ${mb(afterWarmUp.at(-1)!.rss)}); at the end heap ${mb(end.heapUsedBytes)}, RSS ${mb(end.rss)}`);
  }
  if (hubCrashed || faults.some((f) => !f.marked) || reps.phantom > 0 || reps.lost > reps.lostInFaults || recordedSamples !== samplesAtEnd) process.exitCode = 1;
}

await main();
