import type { FastifyInstance } from 'fastify';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorHub } from '../../hub/sensor-hub.ts';
import { SessionService } from '../../hub/session/session-service.ts';
import { followSessionWithSimulatedPerson } from '../../hub/session/simulated-person.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import { buildApp } from '../../hub/server/app.ts';
import type { LiveOptions } from '../../hub/server/live.ts';
import { SwivelDevice } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';

/** The real hub app and sensor hub, listening on port 0, with an in-process simulated device. */
export async function inProcessHub(options: { liveOptions?: Partial<LiveOptions>; webRoot?: string | null; seed?: number; exercise?: ExerciseId } = {}) {
  const device = new SwivelDevice({ address: '5e:1f:00:00:00:31', seed: options.seed ?? 31, ...(options.exercise ? { exercise: options.exercise } : {}) });
  const log: string[] = [];
  const hub = new SensorHub({
    bindings: new RadioBindings(inProcessRadio([device])),
    source: 'sim',
    sourceReason: 'using the simulated sensor (test)',
    timings: { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 200 },
    log: (line) => log.push(line),
  });
  const programme = await loadDefaultProgramme();
  const session = new SessionService({ programme, frames$: hub.frames$, link$: hub.link$, resetAngle: (epoch) => hub.resetAngle(epoch) });
  const app: FastifyInstance = await buildApp({ live: hub, session, programme, version: 'test', webRoot: options.webRoot ?? null, liveOptions: options.liveOptions, log: (line) => log.push(line) });
  session.start();
  followSessionWithSimulatedPerson(session.view$, (instruction) => hub.instructSimulatedPerson(instruction));
  hub.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    app,
    hub,
    session,
    device,
    log,
    port,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/ws`,
    async close() {
      session.stop();
      await hub.stop();
      await app.close();
      device.close();
    },
  };
}
