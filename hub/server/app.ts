import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Observable } from 'rxjs';
import { MAX_CLIENT_MESSAGE_BYTES, type HubNoticeMessage, type RecordingMessage } from '../protocol/messages.ts';
import type { Programme } from '../protocol/programme.ts';
import { apiPlugin } from './api.ts';
import { dashboardPlugin } from './dashboard.ts';
import { livePlugin, type LiveOptions } from './live.ts';
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
