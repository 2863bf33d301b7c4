import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Observable } from 'rxjs';
import type { LinkEvent } from '../pipeline/events.ts';
import type { AngleFrame } from '../pipeline/operators.ts';
import { MAX_CLIENT_MESSAGE_BYTES, type RecordingMessage, type SensorSnapshot, type SensorSource, type SensorStats } from '../protocol/messages.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../protocol/session.ts';
import type { Programme } from '../protocol/programme.ts';
import { apiPlugin } from './api.ts';
import { dashboardPlugin } from './dashboard.ts';
import { livePlugin, type LiveOptions } from './live.ts';
import { LatencyWindow } from './latency-window.ts';
import { replayPlugin } from './replay.ts';
import { sessionsPlugin, type SessionsOptions } from './sessions.ts';

/** What the server needs from the hub's sensor side (SensorHub provides it). */
export interface LiveSource {
  readonly source: SensorSource;
  readonly sourceReason: string;
  readonly displayFrames$: Observable<AngleFrame>;
  readonly link$: Observable<LinkEvent>;
  readonly stats$: Observable<{ sensorId: string; stats: SensorStats }>;
  /** A sensor's settings (its shin) changed. */
  readonly sensorChanges$: Observable<string>;
  snapshot(): SensorSnapshot[];
  disconnectSensor(): Promise<void>;
  connectSensor(): void;
  setShin(sensorId: string, shin: 'left' | 'right' | null): boolean;
}

/** What the server needs from the guided session (SessionService provides it). */
export interface SessionControl {
  readonly view: SessionView;
  readonly view$: Observable<SessionView>;
  readonly events$: Observable<{ event: SessionEvent; at: number }>;
  /** Throws SessionCommandError, whose message is for the person, when the command makes no sense now. */
  command(command: SessionCommand): void;
}

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
  recordings?: SessionsOptions & { notices$?: Observable<RecordingMessage> };
}

/** Builds the hub's HTTP and WebSocket server without listening: tests inject or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  const startedAt = Date.now();
  const viewers = { count: 0 };
  const frameLatency = new LatencyWindow(1000);
  // At the root, so both WebSocket routes (live and replay) are served by it.
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  await app.register(livePlugin, { live: deps.live, session: deps.session, version: deps.version, viewers, frameLatency, log: deps.log ?? (() => {}), notices$: deps.recordings?.notices$, ...deps.liveOptions });
  // Without recordings the routes still exist and answer 503 with the reason, not a bare 404.
  const recordings = deps.recordings ?? { recordings: null, unavailableReason: 'this hub was started without a data directory, so it records nothing' };
  await app.register(sessionsPlugin, { ...recordings, prefix: '/api' });
  await app.register(replayPlugin, { recordings: recordings.recordings, unavailableReason: recordings.unavailableReason, version: deps.version, log: deps.log ?? (() => {}) });
  await app.register(apiPlugin, { live: deps.live, session: deps.session, programme: deps.programme, version: deps.version, startedAt, viewers, frameLatency, prefix: '/api' });
  await app.register(dashboardPlugin, { webRoot: deps.webRoot });
  return app;
}
