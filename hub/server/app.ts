import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Observable } from 'rxjs';
import { MAX_CLIENT_MESSAGE_BYTES, type HubNoticeMessage, type RecordingMessage } from '../protocol/messages.ts';
import type { Programme } from '../protocol/programme.ts';
import { apiPlugin } from './api.ts';
import { AccessControl, PairingCodes, guardRoutes, isLoopbackAddress } from './access.ts';
import { dashboardPlugin, inlineScriptHashes } from './dashboard.ts';
import { pairingPlugin } from './pairing.ts';
import { PairingStore } from '../storage/pairing-store.ts';
import { livePlugin, type LiveOptions } from './live.ts';
import { phoneSensorPlugin } from './phone-sensor.ts';
import type { PhoneSensors } from '../phone/phone-sensors.ts';
import { LatencyWindow } from './latency-window.ts';
import { replayPlugin } from './replay.ts';
import { sessionsPlugin, type SessionsOptions } from './sessions.ts';
import type { LiveSource, SessionControl } from './sources.ts';

export type { LiveSource, SessionControl } from './sources.ts';

export interface AppDeps {
  live: LiveSource;
  session: SessionControl;
  /** The programme the session follows (served to the dashboard). */
  programme: Programme;
  version: string;
  /** Folder of the built dashboard (dist/web); null or missing serves a page saying how to build it. */
  webRoot: string | null;
  liveOptions?: Partial<LiveOptions>;
  log?: (line: string) => void;
  /** Recorded sessions (/api/sessions, /ws/replay) and the recorder's news for viewers; absent: those routes answer 503 with the reason. */
  recordings?: SessionsOptions & { notices$?: Observable<RecordingMessage | HubNoticeMessage> };
  /** Who may reach the hub (paired devices, codes); absent: pairings kept in memory until the hub stops. */
  access?: AccessControl;
  /** Serve HTTPS with this key and certificate (PEM); the certificate is offered at /swivel-certificate.crt for a tablet to trust. */
  tls?: { key: string; cert: string };
  /** Phones as sensors (/ws/sensor); absent: that route does not exist. */
  phones?: PhoneSensors;
}

/** Requests per minute from one device on the network (loopback is not limited): a dashboard makes a few dozen. */
const REQUESTS_PER_MINUTE = 600;
/** Largest JSON body any route takes (an import's CSV has a limit of its own, in sessions.ts). */
const JSON_BODY_LIMIT = 64 * 1024;

/** An access control for a hub without a data directory: pairings live in memory. */
export function inMemoryAccess(log: (line: string) => void = () => {}): AccessControl {
  return new AccessControl({ pairings: PairingStore.inMemory().store, codes: new PairingCodes(10 * 60_000, Date.now), sweepEveryMs: 5000, log });
}

/** Builds the hub's HTTP and WebSocket server without listening: tests inject or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: JSON_BODY_LIMIT, ...(deps.tls ? { https: deps.tls } : {}) }).withTypeProvider<TypeBoxTypeProvider>();
  const log = deps.log ?? (() => {});
  const access = deps.access ?? inMemoryAccess(log);
  access.start();
  app.addHook('onClose', async () => access.stop());
  await app.register(cookie);
  // The dashboard's own files and a WebSocket to its own host; its one inline script (the theme
  // before first paint) is allowed by its hash, so no other inline script can run.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(deps.webRoot)],
        scriptSrcAttr: ["'none'"],
        // Lit's styles are constructed sheets; the pairing page and the not-built page have a <style>.
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    // A self-signed certificate must stay possible to click through, and plain HTTP to go back to.
    strictTransportSecurity: false,
    // With no-referrer, Chromium sends "Origin: null" on the pairing form's POST, which the origin check refuses.
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(rateLimit, {
    max: REQUESTS_PER_MINUTE,
    timeWindow: '1 minute',
    allowList: (request) => isLoopbackAddress(request.socket.remoteAddress),
    // Thrown by the plugin, then answered by fastify's error handler as { statusCode, error, message }.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`too many requests from this device (at most ${context.max} a minute here); try again in ${context.after}`), { statusCode: context.statusCode }),
  });
  guardRoutes(app, access);
  const startedAt = Date.now();
  const viewers = { count: 0 };
  const frameLatency = new LatencyWindow(1000);
  // At the root, so both WebSocket routes (live and replay) are served by it.
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  await app.register(pairingPlugin, { access, secure: deps.tls !== undefined, certificatePem: deps.tls?.cert ?? null });
  if (deps.phones) await app.register(phoneSensorPlugin, { access, phones: deps.phones, log });
  await app.register(livePlugin, { access, live: deps.live, session: deps.session, version: deps.version, viewers, frameLatency, log, notices$: deps.recordings?.notices$, ...deps.liveOptions });
  // Without recordings the routes still exist and answer 503 with the reason, not a bare 404.
  const recordings = deps.recordings ?? { recordings: null, unavailableReason: 'this hub was started without a data directory, so it records nothing' };
  await app.register(sessionsPlugin, { ...recordings, prefix: '/api' });
  await app.register(replayPlugin, { access, recordings: recordings.recordings, unavailableReason: recordings.unavailableReason, version: deps.version, log });
  await app.register(apiPlugin, { live: deps.live, session: deps.session, programme: deps.programme, version: deps.version, startedAt, viewers, frameLatency, prefix: '/api' });
  await app.register(dashboardPlugin, { webRoot: deps.webRoot });
  return app;
}
