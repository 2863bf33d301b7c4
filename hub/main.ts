import { merge } from 'rxjs';
import { chooseBindings, simulatorRadio, type SensorMode } from './ble/choose-bindings.ts';
import { socketRadio } from './ble/socket-radio.ts';
import { defaultRadioDir, type SimDeviceKind } from './protocol/radio.ts';
import type { SampleRateHz } from './protocol/gatt.ts';
import type { ExerciseId } from './protocol/exercises.ts';
import { buildApp } from './server/app.ts';
import { AccessControl, PairingCodes, isLoopbackAddress } from './server/access.ts';
import { lanAddresses } from './server/pairing.ts';
import { PairingStore } from './storage/pairing-store.ts';
import { ShinStore } from './storage/shin-store.ts';
import type { LiveOptions } from './server/live.ts';
import { SensorHub, shinMemoryInMemory } from './sensor-hub.ts';
import { peripheralIdOf } from './ble/radio-bindings.ts';
import { SessionService } from './session/session-service.ts';
import { followSessionWithSimulatedPerson } from './session/simulated-person.ts';
import { loadDefaultProgramme } from './programme/load-programme.ts';
import type { Programme } from './protocol/programme.ts';
import type { SensorLinkTimings } from './ble/sensor-link.ts';
import { Recorder } from './recording/recorder.ts';
import { Recordings } from './recording/recordings.ts';
import { StorageError, openDatabase, type SqliteDatabase } from './storage/database.ts';
import { DataDirectoryInUseError, lockDataDirectory, type HubLock } from './storage/hub-lock.ts';
import { SessionStore } from './storage/session-store.ts';
import { SimulatorSupervisor, type RestartBackoff } from './simulator-supervisor.ts';
import { DEFAULT_WEB_ROOT, PROJECT_ROOT, VERSION } from './project.ts';

export { DEFAULT_WEB_ROOT, PROJECT_ROOT, VERSION };

export interface HubOptions {
  port: number;
  host: string;
  sensor: SensorMode;
  /** Radio directory of the simulated sensors (default: SWIVEL_RADIO_DIR or /tmp/swivel-radio). */
  radioDir?: string;
  /** Start a simulator process when the simulated sensor is used and none is on the air (default true). */
  spawnSimulator?: boolean;
  /** What a spawned simulator's person does (default: its own default, seated-hip-ir). */
  simulatorExercise?: ExerciseId;
  /** Which simulated person (a seed). */
  simulatorPerson?: number;
  /** Which kind of sensor a spawned simulator is (default: its own default, swivel). */
  simulatorDevice?: SimDeviceKind;
  /**
   * Bluetooth sensors to connect at once (default 1). With 2, one on each shin, each set scores the
   * sensor on its side; with the simulated sensor, the hub starts one simulator per shin.
   */
  bleSensors?: 1 | 2;
  webRoot?: string;
  /** Sample rate to set on the sensor when it connects (default: the sensor's own). */
  sensorRateHz?: SampleRateHz;
  log?: (line: string) => void;
  timings?: Partial<SensorLinkTimings>;
  liveOptions?: Partial<LiveOptions>;
  /** The programme sessions follow (default: the shipped hip internal-rotation programme). */
  programme?: Programme;
  /**
   * Where sessions are recorded (see docs/storage.md); null or absent records nothing (tests,
   * benchmarks). A directory that cannot be written is said in the log and to viewers, and the hub
   * runs without recording.
   */
  dataDir?: string | null;
  /** How often the recorder writes, ms (default 500). */
  flushEveryMs?: number;
  /** Waits before restarting a simulator the hub started and that crashed (simulator-supervisor.ts). */
  simulatorRestart?: Partial<RestartBackoff>;
  /** Serve HTTPS with a self-signed certificate kept in the data directory (made on first run). */
  https?: boolean;
  /** How long a pairing code lasts, ms (default 10 minutes). */
  pairingCodeLifetimeMs?: number;
}

/** With two sensors, the simulators a hub starts: their addresses and shins. */
const SIMULATED_SHINS = [
  ['5e:1f:00:00:00:01', 'left'],
  ['5e:1f:00:00:00:02', 'right'],
] as const;

/** A pairing code the hub made at start, for the first tablet. */
export interface StartPairing {
  code: string;
  expiresAt: number;
  /** /pair?code=… on each LAN address. */
  links: string[];
}

export interface RunningHub {
  /** http://host:port of the dashboard as seen from this machine. */
  url: string;
  port: number;
  /** Every URL a person could open, the LAN ones for a tablet included. */
  urls: string[];
  sensorSource: 'sim' | 'ble';
  sensorSourceReason: string;
  hub: SensorHub;
  session: SessionService;
  /** Null when recording is off (no data directory given). */
  recorder: Recorder | null;
  access: AccessControl;
  /** A coach pairing code for the first device, or null when the hub listens on loopback only. */
  pairing: StartPairing | null;
  /** The simulator this hub started and restarts when it crashes; null when it started none. */
  simulator: SimulatorSupervisor | null;
  /** Every simulator this hub started (one per shin with two sensors). */
  simulators: SimulatorSupervisor[];
  close(): Promise<void>;
}

/**
 * Takes the data directory (another hub using it is fatal: DataDirectoryInUseError) and opens it for
 * recording; any other problem (read-only, a damaged file, kept as it is) is logged and recording is off.
 */
export function openRecordings(dataDir: string, log: (line: string) => void): { db: SqliteDatabase | null; store: SessionStore | null; problem: string | null; lock: HubLock | null } {
  let lock: HubLock | null = null;
  try {
    lock = lockDataDirectory(dataDir);
    const db: SqliteDatabase = openDatabase(dataDir);
    return { db, store: new SessionStore(db, { hubLock: lock.token }), problem: null, lock };
  } catch (error) {
    if (error instanceof DataDirectoryInUseError || !(error instanceof StorageError)) {
      lock?.release();
      throw error;
    }
    log(`swivel: sessions will not be recorded: ${error.message}`);
    return { db: null, store: null, problem: error.message, lock };
  }
}

/** Starts the whole hub: sensor bindings (and a simulator if needed), pipeline, HTTP and WebSocket. */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const radioDir = options.radioDir ?? defaultRadioDir();
  const choice = await chooseBindings(options.sensor, simulatorRadio(radioDir));
  log(`swivel: ${choice.reason}`);

  // Taken first: a second hub on the same directory is refused before it starts anything.
  const storage = options.dataDir == null ? null : openRecordings(options.dataDir, log);

  const simulators: SimulatorSupervisor[] = [];
  const bleSensors = options.bleSensors ?? 1;
  try {
    if (choice.source === 'sim' && (options.spawnSimulator ?? true)) {
      if (await simulatorOnAir(radioDir)) {
        // One already on the air plays what it was started with: fine unless this hub was asked for something.
        const asked = [options.simulatorExercise && `--sim-exercise ${options.simulatorExercise}`, options.simulatorPerson !== undefined && `--sim-person ${options.simulatorPerson}`].filter(Boolean);
        if (asked.length > 0) {
          throw new Error(`a simulator is already running on the radio ${radioDir}, playing what it was started with, not ${asked.join(' ')}: stop it, or give this hub a radio of its own with --radio DIR`);
        }
        log(`swivel: a simulator is already running (radio ${radioDir}); using it as it is`);
      } else {
        const args = [
          ...(options.simulatorExercise ? ['--exercise', options.simulatorExercise] : []),
          ...(options.simulatorPerson !== undefined ? ['--person', String(options.simulatorPerson)] : []),
          ...(options.simulatorDevice ? ['--device', options.simulatorDevice] : []),
        ];
        // Two sensors: one simulator on each shin, each resting while the other leg exercises.
        const each: string[][] =
          bleSensors === 1
            ? [args]
            : [
                [...args, '--shin', 'left', '--side', 'left', '--address', SIMULATED_SHINS[0][0]],
                [...args, '--shin', 'right', '--side', 'right', '--address', SIMULATED_SHINS[1][0], '--seed', '2'],
              ];
        for (const extra of each) {
          const supervisor = new SimulatorSupervisor({ radioDir, args: extra, log, backoff: options.simulatorRestart });
          simulators.push(supervisor);
          await supervisor.start();
        }
      }
    }
  } catch (error) {
    await Promise.all(simulators.map((s) => s.stop()));
    storage?.lock?.release();
    throw error;
  }
  const simulator = simulators[0] ?? null;

  const programme = options.programme ?? (await loadDefaultProgramme());
  const shinMemory = storage?.db ? new ShinStore(storage.db) : shinMemoryInMemory();
  // The simulators this hub started are on known shins: said for them, unless the person said otherwise before.
  if (simulators.length === 2) {
    for (const [address, shin] of SIMULATED_SHINS) if (shinMemory.get(peripheralIdOf(address)) === null) shinMemory.set(peripheralIdOf(address), shin);
  }
  const hub = new SensorHub({
    bindings: choice.bindings,
    source: choice.source,
    sourceReason: choice.reason,
    timings: options.timings,
    rateHz: options.sensorRateHz,
    log,
    bleSensors,
    shinMemory,
  });
  const session = new SessionService({ programme, frames$: hub.sessionFrames$, link$: hub.sessionLink$, resetAngle: (epoch) => hub.resetAngle(epoch) });
  const recorder = storage
    ? new Recorder({ store: storage.store, storeProblem: storage.problem ?? undefined, sensors: hub, session, programme, dataDir: options.dataDir!, flushEveryMs: options.flushEveryMs, log })
    : null;
  const notices$ = merge(...(recorder ? [recorder.notices$] : []), ...simulators.map((s) => s.notices$));
  const recordings = storage
    ? { recordings: storage.store ? new Recordings(storage.store, programme) : null, unavailableReason: storage.problem ?? undefined, notices$ }
    : { recordings: null, unavailableReason: 'this hub was started without a data directory, so it records nothing', notices$ };
  // Pairings are kept with the sessions; without a database they last until the hub stops.
  const pairings = storage?.db ? new PairingStore(storage.db) : PairingStore.inMemory().store;
  if (!storage?.db && !isLoopbackAddress(options.host)) log('swivel: paired devices are kept in memory only (no usable data directory): they must pair again after a restart');
  const access = new AccessControl({ pairings, codes: new PairingCodes(options.pairingCodeLifetimeMs ?? 10 * 60_000, Date.now), sweepEveryMs: 5000, log });
  // Loaded only for HTTPS: the certificate maker (selfsigned) is some 10 MB an idle hub need not hold.
  const certificate = options.https ? await (await import('./server/certificate.ts')).loadOrCreateCertificate(options.dataDir ?? null) : null;
  if (certificate) {
    log(`swivel: HTTPS with the certificate in ${certificate.dir ?? 'memory (no data directory: a new one each start)'}; SHA-256 fingerprint ${certificate.fingerprint}`);
    if (certificate.missingAddresses.length > 0) {
      log(`swivel: the certificate does not name ${certificate.missingAddresses.join(', ')} (this machine's address changed since it was made); delete it from ${certificate.dir} to make a new one, then trust that one on the tablet`);
    }
  }
  const app = await buildApp({
    live: hub,
    session,
    programme,
    version: VERSION,
    webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    liveOptions: options.liveOptions,
    log,
    recordings,
    access,
    phones: hub.phones,
    ...(certificate ? { tls: { key: certificate.key, cert: certificate.cert } } : {}),
  });
  if (storage?.store) log(`swivel: recording sessions in ${options.dataDir}`);
  // The recorder listens before anything flows, so it sees every batch, reset and command.
  recorder?.start();
  session.start();
  // Each set scores the sensor on its shin. After the view is out (a microtask later): the session
  // hears of the newly followed sensor's link outside its own emission.
  session.view$.subscribe((view) => {
    const side = view.current?.side;
    if (side) queueMicrotask(() => hub.followSide(side));
  });
  // With the simulated sensor, the simulated person follows the session (a real sensor ignores this).
  followSessionWithSimulatedPerson(session.view$, (instruction) => hub.instructSimulatedPerson(instruction));
  hub.start();
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    session.stop();
    recorder?.stop();
    storage?.db?.close();
    storage?.lock?.release();
    await hub.stop();
    await Promise.all(simulators.map((s) => s.stop()));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${options.port} is already in use (is another hub running?); choose another with --port`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const scheme = certificate ? 'https' : 'http';
  const urls = dashboardUrls(options.host, port, scheme);
  // Another device can reach the hub only when it listens beyond loopback: then the first one needs a code.
  const startCode = isLoopbackAddress(options.host) || options.host === 'localhost' ? null : access.codes.issue('coach');
  const hosts = options.host === '0.0.0.0' || options.host === '::' ? lanAddresses() : [options.host];
  const pairing = startCode && { code: startCode.code, expiresAt: startCode.expiresAt, links: hosts.map((host) => `${scheme}://${host}:${port}/pair?code=${startCode.code}`) };

  let closing: Promise<void> | null = null;
  return {
    url: urls[0]!,
    port,
    urls,
    sensorSource: choice.source,
    sensorSourceReason: choice.reason,
    hub,
    session,
    recorder,
    access,
    pairing,
    simulator,
    simulators,
    close: () =>
      (closing ??= (async () => {
        session.stop();
        // The last write, while the database is open: the session under way is kept as complete.
        recorder?.stop();
        await hub.stop();
        await app.close();
        storage?.db?.close();
        storage?.lock?.release();
        await Promise.all(simulators.map((s) => s.stop()));
      })()),
  };
}

function dashboardUrls(host: string, port: number, scheme: 'http' | 'https'): string[] {
  const local = `${scheme}://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}/`;
  if (host !== '0.0.0.0' && host !== '::') return [local];
  return [local, ...lanAddresses().map((address) => `${scheme}://${address}:${port}/`)];
}

/** Is some simulator already answering on this radio directory? */
async function simulatorOnAir(radioDir: string): Promise<boolean> {
  const endpoints = await socketRadio(radioDir).endpoints();
  for (const endpoint of endpoints) {
    try {
      (await endpoint.open()).close();
      return true;
    } catch {
      // stale beacon of a simulator that is gone
    }
  }
  return false;
}
