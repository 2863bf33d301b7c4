import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorHub } from '../../hub/sensor-hub.ts';
import { SessionService } from '../../hub/session/session-service.ts';
import { followSessionWithSimulatedPerson } from '../../hub/session/simulated-person.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import { buildApp } from '../../hub/server/app.ts';
import type { LiveOptions } from '../../hub/server/live.ts';
import type { AccessControl } from '../../hub/server/access.ts';
import { Recorder } from '../../hub/recording/recorder.ts';
import { Recordings } from '../../hub/recording/recordings.ts';
import { openDatabase } from '../../hub/storage/database.ts';
import { SessionStore } from '../../hub/storage/session-store.ts';
import { SwivelDevice } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import type { Programme } from '../../hub/protocol/programme.ts';

export interface InProcessHubOptions {
  liveOptions?: Partial<LiveOptions>;
  webRoot?: string | null;
  seed?: number;
  exercise?: ExerciseId;
  /** Record sessions in a fresh data directory (removed on close), writing every `flushEveryMs`. */
  record?: { flushEveryMs?: number };
  /** The programme the session follows (default: the shipped one). */
  programme?: Programme;
  /** The simulated person's pace, a multiple of real time (default 1). */
  speed?: number;
  /**
   * Whether the simulated person follows the session (default true), as with `swivel serve`. False:
   * they go on with `exercise` whatever the dashboard starts, like a person in the wrong position.
   */
  followSession?: boolean;
  /** The address to listen on (default 127.0.0.1; 0.0.0.0 to be reached from this machine's LAN address). */
  host?: string;
  /** Who may reach the hub (default: pairings in memory, codes lasting 10 minutes). */
  access?: AccessControl;
  /**
   * Two Bluetooth sensors, one on each shin (as `swivel serve --sensors 2`): a second simulated device
   * on the right shin, the first on the left, and each set scores the sensor on its side.
   */
  bleSensors?: 2;
}

/**
 * The real hub (sensor hub, session, server, and a recorder if asked), listening on port 0, with an
 * in-process simulated device. Everything starts in the order startHub uses: the recorder listens
 * before the first sample, so its pre-roll reaches back to the sensor's first sample and a replay
 * can be exact.
 */
export async function inProcessHub(options: InProcessHubOptions = {}) {
  const twoShins = options.bleSensors === 2;
  const device = new SwivelDevice({
    address: '5e:1f:00:00:00:31',
    seed: options.seed ?? 31,
    ...(options.exercise ? { exercise: options.exercise } : {}),
    ...(options.speed ? { speed: options.speed } : {}),
    ...(twoShins ? { shin: 'left', side: 'left' } : {}),
  });
  const devices = twoShins
    ? [
        device,
        new SwivelDevice({
          address: '5e:1f:00:00:00:32',
          seed: (options.seed ?? 31) + 1,
          shin: 'right',
          side: 'right',
          ...(options.exercise ? { exercise: options.exercise } : {}),
          ...(options.speed ? { speed: options.speed } : {}),
        }),
      ]
    : [device];
  const log: string[] = [];
  const hub = new SensorHub({
    ...(twoShins ? { bleSensors: 2 } : {}),
    bindings: new RadioBindings(inProcessRadio(devices)),
    source: 'sim',
    sourceReason: 'using the simulated sensor (test)',
    timings: { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 200 },
    log: (line) => log.push(line),
  });
  const programme = options.programme ?? (await loadDefaultProgramme());
  // Two sensors: the session scores the followed one, as startHub wires it (hub/main.ts).
  const session = twoShins
    ? new SessionService({ programme, frames$: hub.sessionFrames$, link$: hub.sessionLink$, resetAngle: (epoch) => hub.resetAngle(epoch) })
    : new SessionService({ programme, frames$: hub.frames$, link$: hub.link$, resetAngle: (epoch) => hub.resetAngle(epoch) });
  if (twoShins) {
    session.view$.subscribe((view) => {
      const side = view.current?.side;
      if (side) queueMicrotask(() => hub.followSide(side));
    });
  }
  const storage = options.record ? (() => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swivel-recording-'));
    const db = openDatabase(dataDir);
    const store = new SessionStore(db);
    const recorder = new Recorder({ store, sensors: hub, session, programme, dataDir, flushEveryMs: options.record.flushEveryMs ?? 200, log: (line) => log.push(line) });
    return { dataDir, db, store, recorder, recordings: new Recordings(store, programme) };
  })() : null;
  const app: FastifyInstance = await buildApp({
    live: hub,
    session,
    programme,
    version: 'test',
    webRoot: options.webRoot ?? null,
    liveOptions: options.liveOptions,
    log: (line) => log.push(line),
    ...(options.access ? { access: options.access } : {}),
    ...(storage ? { recordings: { recordings: storage.recordings, notices$: storage.recorder.notices$ } } : {}),
  });
  storage?.recorder.start();
  session.start();
  if (options.followSession ?? true) followSessionWithSimulatedPerson(session.view$, (instruction) => hub.instructSimulatedPerson(instruction));
  hub.start();
  await app.listen({ port: 0, host: options.host ?? '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    app,
    hub,
    session,
    device,
    /** Every simulated device (two with `bleSensors: 2`: left shin, then right). */
    devices,
    log,
    port,
    programme,
    storage,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/ws`,
    async close() {
      session.stop();
      storage?.recorder.stop();
      await hub.stop();
      await app.close();
      for (const each of devices) each.close();
      if (storage) {
        storage.db.close();
        rmSync(storage.dataDir, { recursive: true, force: true });
      }
    },
  };
}
