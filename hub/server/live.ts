import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import { Subscription, groupBy, mergeMap, throttleTime, asyncScheduler, type Observable } from 'rxjs';
import type { WebSocket } from 'ws';
import { ClientMessage, PingMessage, type HubNoticeMessage, type RecordingMessage, type ServerMessage } from '../protocol/messages.ts';
import { SessionCommand } from '../protocol/session.ts';
import { SessionCommandError } from '../session/engine.ts';
import type { LiveSource, SessionControl } from './sources.ts';
import type { LatencyWindow } from './latency-window.ts';
import type { AccessControl } from './access.ts';
import { explainLibraryCloses, parseViewerMessage } from './viewer-message.ts';

export interface LiveOptions {
  /** A viewer must answer a WebSocket ping within this long or it is closed. */
  heartbeatMs: number;
  /** A viewer with more than this queued and unsent is not reading: it is closed, not buffered for. */
  maxBufferedBytes: number;
  /** Statistics go out at most this often per sensor. */
  statsEveryMs: number;
  /** The session goes out at most this often (the newest state always follows the last change). */
  sessionEveryMs: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { heartbeatMs: 10_000, maxBufferedBytes: 1 << 20, statsEveryMs: 1000, sessionEveryMs: 100 };

interface Viewer {
  socket: WebSocket;
  answeredPing: boolean;
}

const clientMessage = Compile(ClientMessage);
const sessionCommand = Compile(SessionCommand);
const pingMessage = Compile(PingMessage);

/** WebSocket close codes we use: 1009 too big (closed by `ws`, with a reason from viewer-message.ts), 4000 not reading. */
const CLOSE_NOT_READING = 4000;

/**
 * `/ws`: every viewer gets the whole current state on joining, then angle frames, link changes and
 * statistics. Each message is serialised once for all viewers. A viewer that stops reading is
 * dropped (its queue capped, its pings unanswered) so one stalled tablet cannot grow the hub's memory.
 */
export const livePlugin: FastifyPluginAsync<
  {
    access: AccessControl;
    live: LiveSource;
    session: SessionControl;
    version: string;
    viewers: { count: number };
    frameLatency: LatencyWindow;
    log: (line: string) => void;
    /** The recorder's news (recording, saved, failed) and the hub's own (a simulator restarted) for every viewer. */
    notices$?: Observable<RecordingMessage | HubNoticeMessage>;
  } & Partial<LiveOptions>
> = async (
  app,
  { access, live, session, version, viewers: viewerCount, frameLatency, log, notices$, ...overrides },
) => {
  const options = { ...DEFAULT_LIVE_OPTIONS, ...overrides };
  const viewers = new Set<Viewer>();

  const drop = (viewer: Viewer, why: string) => {
    log(`swivel: closing a viewer: ${why}`);
    viewers.delete(viewer);
    viewerCount.count = viewers.size;
    viewer.socket.close(CLOSE_NOT_READING, why);
    // close() waits for the viewer's goodbye, which a stalled viewer never sends.
    setTimeout(() => viewer.socket.terminate(), 1000).unref();
  };

  const sendTo = (viewer: Viewer, text: string) => {
    if (viewer.socket.readyState !== viewer.socket.OPEN) return;
    if (viewer.socket.bufferedAmount > options.maxBufferedBytes) {
      drop(viewer, `it stopped reading (${viewer.socket.bufferedAmount} bytes queued)`);
      return;
    }
    viewer.socket.send(text);
  };

  const broadcast = (message: ServerMessage) => {
    if (viewers.size === 0) return;
    const text = JSON.stringify(message);
    for (const viewer of viewers) sendTo(viewer, text);
  };

  const subscription = new Subscription();
  subscription.add(
    live.displayFrames$.subscribe((frame) => {
      if (viewers.size === 0) return;
      broadcast({
        type: 'angle',
        sensorId: frame.sensorId,
        seq: frame.seq,
        t: frame.t,
        angle: frame.angle,
        trace: frame.trace,
        orientation: [...frame.orientation],
        health: frame.health,
      });
      frameLatency.record(performance.now() - frame.receivedAt);
    }),
  );
  subscription.add(
    live.link$.subscribe((link) => broadcast({ type: 'link', sensorId: link.sensorId, state: link.state, detail: link.detail, info: link.info })),
  );
  subscription.add(
    live.stats$
      .pipe(
        groupBy((entry) => entry.sensorId),
        mergeMap((entries) => entries.pipe(throttleTime(options.statsEveryMs, asyncScheduler, { leading: true, trailing: true }))),
      )
      .subscribe(({ sensorId, stats }) => broadcast({ type: 'stats', sensorId, stats })),
  );

  subscription.add(
    session.view$
      .pipe(throttleTime(options.sessionEveryMs, asyncScheduler, { leading: true, trailing: true }))
      .subscribe((view) => broadcast({ type: 'session', session: view })),
  );
  subscription.add(
    live.sensorChanges$.subscribe((sensorId) => {
      const sensor = live.snapshot().find((s) => s.sensorId === sensorId);
      if (sensor) broadcast({ type: 'sensor', sensor });
    }),
  );
  subscription.add(session.events$.subscribe(({ event, at }) => broadcast({ type: 'event', event, at })));
  if (notices$) subscription.add(notices$.subscribe((notice) => broadcast(notice)));

  const heartbeat = setInterval(() => {
    for (const viewer of viewers) {
      if (!viewer.answeredPing) {
        drop(viewer, 'it did not answer a ping');
        continue;
      }
      viewer.answeredPing = false;
      viewer.socket.ping();
    }
  }, options.heartbeatMs);

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    subscription.unsubscribe();
  });

  app.route({ method: 'GET', url: '/ws', handler: notAWebSocketRequest, wsHandler: (socket, request) => {
    explainLibraryCloses(socket);
    if (!access.admitSocket(socket, request)) return;
    const role = request.access.role!;
    const steers = role === 'coach';
    const viewer: Viewer = { socket, answeredPing: true };
    viewers.add(viewer);
    viewerCount.count = viewers.size;
    socket.on('pong', () => (viewer.answeredPing = true));
    socket.on('close', () => {
      viewers.delete(viewer);
      viewerCount.count = viewers.size;
    });
    socket.on('error', (error) => log(`swivel: viewer socket error: ${error.message}`));
    socket.on('message', (data, isBinary) => {
      const reply = (message: ServerMessage) => sendTo(viewer, JSON.stringify(message));
      const parsed = parseViewerMessage(data, isBinary);
      if (!parsed.ok) return reply({ type: 'error', message: parsed.message });
      const value = parsed.value;
      if (!clientMessage.Check(value)) return reply({ type: 'error', message: explainBadMessage(value) });
      switch (value.type) {
        case 'ping':
          return reply({ type: 'pong', at: value.at });
        case 'session':
          if (!steers) {
            return reply({ type: 'error', message: `cannot ${value.command.action}: this device ("${request.access.pairing?.name}") is paired as a viewer, which can watch the session but not steer it` });
          }
          try {
            session.command(value.command);
          } catch (error) {
            if (error instanceof SessionCommandError) return reply({ type: 'error', message: `cannot ${value.command.action}: ${error.message}` });
            log(`swivel: session command ${JSON.stringify(value.command)} failed: ${(error as Error).stack ?? String(error)}`);
            return reply({ type: 'error', message: `the hub could not ${value.command.action} (an internal error, logged on the hub)` });
          }
          return;
      }
    });
    sendTo(
      viewer,
      JSON.stringify({ type: 'hello', version, role, sensorSource: live.source, sensorSourceReason: live.sourceReason, sensors: live.snapshot(), session: session.view } satisfies ServerMessage),
    );
  } });
};

const SESSION_ACTIONS = 'start, next, previous, skip, switch-side, calibrate, count or stop';

/** A message that failed validation, explained in a sentence a person (or a dashboard author) can act on. */
function explainBadMessage(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type === 'session') {
    const command = (value as { command?: unknown }).command;
    const first = sessionCommand.Errors(command)[0];
    const action = typeof command === 'object' && command !== null ? (command as { action?: unknown }).action : undefined;
    if (typeof action !== 'string') return `a session message needs a command with an action (${SESSION_ACTIONS}), e.g. {"type":"session","command":{"action":"next"}}`;
    const where = first?.instancePath ? ` at command${first.instancePath}` : '';
    return `the hub did not understand the session command "${action}"${where}: ${first?.message ?? 'unknown shape'}; actions are ${SESSION_ACTIONS}, and start may name an exerciseId and a side (left or right)`;
  }
  if (type === 'ping') {
    const first = pingMessage.Errors(value)[0];
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    return `the hub did not understand that ping${where}: ${first?.message ?? 'unknown shape'}; expected {"type":"ping","at":<number>}`;
  }
  return `the hub did not understand that message: expected {"type":"ping","at":<number>} or {"type":"session","command":{"action":...}}`;
}

/**
 * A plain HTTP request to a WebSocket path (no Upgrade header): answered with a sentence rather than
 * an empty 404, so whoever typed the address in a browser learns what it is.
 */
export function notAWebSocketRequest(_request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(426)
    .header('upgrade', 'websocket')
    .send({ statusCode: 426, error: 'Upgrade Required', message: 'this is one of the hub\'s WebSockets: open it with a WebSocket client (the dashboard does), not as a web page' });
}
