import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  AngleMessage,
  ClientMessage,
  HelloMessage,
  ReplayClientMessage,
  LinkMessage,
  LinkState,
  SensorSnapshot,
  ServerMessage,
  StatsMessage,
} from '../../../hub/protocol/messages.ts';
import type { Programme } from '../../../hub/protocol/programme.ts';
import type { ReplayCommand, ReplayState } from '../../../hub/protocol/replay.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../../../hub/protocol/session.ts';
import { TraceBuffer } from './trace-buffer.ts';
import type { SensorAction } from '../components/events.ts';

export type SensorStats = SensorSnapshot['stats'];
export type SensorInfo = NonNullable<SensorSnapshot['info']>;

/**
 * What the dashboard knows about one sensor. Mutated in place by the controller as messages arrive;
 * the host reads it during render (at most once per animation frame) and hands primitives to leaves.
 */
export interface SensorModel {
  /** The hub's sensorId, as in every angle, link and stats message. */
  id: string;
  /** Which shin the person said it is on (null: not said). */
  shin: 'left' | 'right' | null;
  info: SensorInfo | null;
  state: LinkState;
  detail: string;
  stats: SensorStats | null;
  angle: number | null;
  /** `performance.now()` when the newest angle frame arrived, or null. */
  angleAt: number | null;
  /** How far the newest angle can be trusted (calibrating: no start posture captured yet). */
  angleHealth: AngleMessage['health'] | null;
  trace: TraceBuffer;
  /**
   * The sensor's samples per second (smoothed), from the sensor clock of its frames, so network jitter
   * and a replay faster than life do not change it; sizes the trace's time window.
   */
  sampleRateHz: number | null;
  /** Sensor clock of the newest sample of the previous frame (null: start afresh, as after a seek). */
  lastT: number | null;
}

/**
 * The hub socket as the dashboard sees it:
 * - `connecting`: first attempt, nothing received yet;
 * - `live`: the hub's `hello` arrived on the current socket, data is current;
 * - `down`: the socket closed (or never opened); a retry is scheduled at `retryAt`.
 */
export type HubStatus = 'connecting' | 'live' | 'down';

/** Something the person should read: the hub refused a command, or one could not be sent. */
export interface HubNotice {
  /** Increases with every notice, so a view can tell a repeat of the same words from the old one. */
  id: number;
  message: string;
  /** `performance.now()` when it arrived. */
  at: number;
}

/**
 * Side effects that follow the session (tones, speech, the wake lock). Called as messages arrive,
 * outside rendering; each call is guarded, so a failing listener cannot break the connection.
 */
export interface SessionListener {
  /** Something just happened (a rep counted, a hold reached its target …). */
  sessionEvent?(event: SessionEvent, at: number): void;
  /** The session changed (also on `hello`); `previous` is null on the first view of a socket. */
  sessionView?(view: SessionView, previous: SessionView | null): void;
}

export interface HubConnectionOptions {
  /** WebSocket URL; defaults to `/ws` on the page's own host. */
  url?: string;
  /** First retry delay; doubles per failed attempt up to `maxRetryMs`. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** Ping interval; the hub answers with `pong`, which also measures the round trip. */
  pingIntervalMs?: number;
  /** A socket that has received nothing for this long (or has not opened in this long) is presumed dead and replaced. */
  silenceTimeoutMs?: number;
}

const TRACE_CAPACITY = 4096;
/** The hub closes a socket with this code when it will never accept it (see hub/server/replay.ts). */
const CLOSE_REFUSED = 4004;

/**
 * The hub socket for this page: `/ws` for the live session, or `/ws/replay/ID` when the page was
 * opened as `?replay=ID` (the history screen's Replay button).
 */
export function defaultHubUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const replay = replayIdFrom(loc.search);
  return `${scheme}//${loc.host}/ws${replay !== null ? `/replay/${encodeURIComponent(replay)}` : ''}`;
}

/** The session id in `?replay=ID`, or null on a live page. */
export function replayIdFrom(search: string): string | null {
  const id = new URLSearchParams(search).get('replay');
  return id === null || id === '' ? null : id;
}

/**
 * Owns the hub WebSocket for its host element: connects when the host connects, reconnects by
 * itself with capped exponential backoff (plus jitter, so a room full of tablets does not stampede a
 * restarted hub), and folds incoming messages into `sensors`. Messages are applied as they arrive
 * (memory stays bounded even while a hidden tab gets no animation frames), but the host is asked to
 * re-render at most once per animation frame, however many frames the hub sent in between.
 */
export class HubConnection implements ReactiveController {
  readonly url: string;
  status: HubStatus = 'connecting';
  /** True once any socket has delivered a `hello`; distinguishes "lost" from "never reached". */
  everLive = false;
  /** Consecutive failed attempts since the last `hello`. */
  failures = 0;
  /** `Date.now()` of the next scheduled attempt while `down`, else null. */
  retryAt: number | null = null;
  hubVersion: string | null = null;
  sensorSource: HelloMessage['sensorSource'] | null = null;
  sensorSourceReason: string | null = null;
  /** Newest ping round trip, ms. */
  roundTripMs: number | null = null;
  /** Newest `error` message from the hub (it rejected something we sent), or a command that could not be sent. */
  notice: HubNotice | null = null;
  /** The guided session as the hub last described it (null before the first `hello`). */
  session: SessionView | null = null;
  /**
   * The hub refused this socket for good (a replay of a session that does not exist): its reason.
   * Retrying would only be refused again, so the connection stays down and says why.
   */
  refused: string | null = null;
  /** On a replay's socket: where the replay is and how it plays; null on the live socket. */
  replay: ReplayState | null = null;
  /** The programme the hub's sessions follow, fetched from `/api/programme` after each `hello`. */
  programme: Programme | null = null;
  /** Known sensors in the order the hub listed them. */
  readonly sensors: SensorModel[] = [];
  /** `performance.now()` at the last render request; lets views age data without their own timers. */
  now = performance.now();

  private readonly initialRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly pingIntervalMs: number;
  private readonly silenceTimeoutMs: number;
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private frame: number | null = null;
  private lastMessageAt = 0;
  private active = false;
  private noticeIds = 0;
  private programmeRequest: AbortController | null = null;
  private readonly listeners = new Set<SessionListener>();

  constructor(
    private readonly host: ReactiveControllerHost,
    options: HubConnectionOptions = {},
  ) {
    this.url = options.url ?? defaultHubUrl();
    this.initialRetryMs = options.initialRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.pingIntervalMs = options.pingIntervalMs ?? 5000;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 12_000;
    host.addController(this);
  }

  /** The hub's HTTP base next to its socket, e.g. http://host:8080 for ws://host:8080/ws. */
  get httpBase(): string {
    const url = new URL(this.url);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.pathname = '';
    return url.origin;
  }

  /** The sensor the dashboard shows: the first one the hub listed. */
  get primary(): SensorModel | null {
    return this.sensors[0] ?? null;
  }

  hostConnected(): void {
    this.active = true;
    window.addEventListener('online', this.retryNow);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    // A 1 s tick lets the view notice data going stale without a message to trigger a render, and
    // is the watchdog for a socket that stays open but has gone silent.
    this.tickTimer = setInterval(this.tick, 1000);
    this.open();
  }

  hostDisconnected(): void {
    this.active = false;
    window.removeEventListener('online', this.retryNow);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.clearRetry();
    this.closeSocket();
    this.programmeRequest?.abort();
    this.programmeRequest = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  /** Skips the backoff wait (the user pressed "Retry now", or the browser came back online). */
  readonly retryNow = (): void => {
    // A socket still exists while an attempt is under way or open; the watchdog handles hung ones.
    if (!this.active || this.status === 'live' || this.socket || this.refused) return;
    this.clearRetry();
    this.open();
  };

  /** A tablet waking up should not sit out the rest of a 5 s backoff. */
  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'visible') this.retryNow();
  };

  /**
   * Steers the guided session. The hub validates the command and answers a refusal with an `error`,
   * which becomes `notice`; a command that cannot be sent at all (hub unreachable) says so too.
   * Returns whether it was sent.
   */
  send(command: SessionCommand): boolean {
    if (this.replay) {
      this.setNotice('This is a replay of a recorded session: it plays as it happened. Open the live dashboard to steer a session.');
      this.scheduleRender();
      return false;
    }
    if (this.status === 'live' && this.post({ type: 'session', command })) return true;
    this.setNotice(`Not sent: the hub is not connected (${command.action}). Try again once it is back.`);
    this.scheduleRender();
    return false;
  }

  /**
   * The sensor panel's requests (which shin, disconnect, connect), over the hub's REST API. The
   * result reaches every viewer as `sensor` and `link` messages; a refusal becomes the notice.
   */
  sensorAction(sensorId: string, request: SensorAction): void {
    const path = request.action === 'shin' ? '' : `/${request.action}`;
    const init: RequestInit =
      request.action === 'shin'
        ? { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shin: request.shin }) }
        : { method: 'POST' };
    fetch(`${this.httpBase}/api/sensors/${encodeURIComponent(sensorId)}${path}`, init)
      .then(async (response) => {
        if (response.ok) return;
        const body = (await response.json().catch(() => null)) as { message?: string } | null;
        this.setNotice(`The hub could not do that: ${body?.message ?? `HTTP ${response.status}`}`);
        this.scheduleRender();
      })
      .catch(() => {
        this.setNotice('Not sent: the hub is not reachable. Try again once it is back.');
        this.scheduleRender();
      });
  }

  /** Steers the replay (play, pause, seek, speed); the hub answers with the replay's new state. */
  replayCommand(command: ReplayCommand): boolean {
    if (this.status === 'live' && this.post({ type: 'replay', command })) return true;
    this.setNotice('Not sent: the hub is not connected. Try again once it is back.');
    this.scheduleRender();
    return false;
  }

  /** Forgets the notice (the person dismissed it). */
  dismissNotice(): void {
    if (this.notice === null) return;
    this.notice = null;
    this.scheduleRender();
  }

  /** Registers side effects that follow the session; returns the function that removes them. */
  addSessionListener(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private post(message: ClientMessage | ReplayClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private setNotice(message: string): void {
    this.notice = { id: ++this.noticeIds, message, at: performance.now() };
  }

  // ---- socket lifecycle ----

  private open(): void {
    this.closeSocket();
    this.retryAt = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.onDown();
      return;
    }
    this.socket = ws;
    this.lastMessageAt = performance.now();
    ws.addEventListener('message', (event) => {
      if (this.socket === ws) this.onMessage(event.data);
    });
    ws.addEventListener('close', (event) => {
      if (this.socket !== ws) return;
      this.socket = null;
      if (event.code === CLOSE_REFUSED) {
        this.refused = this.notice?.message ?? (event.reason || 'the hub refused this page');
        this.status = 'down';
        this.scheduleRender();
        return;
      }
      this.onDown();
    });
    // 'error' is always followed by 'close'; nothing to do here.
  }

  private closeSocket(): void {
    const ws = this.socket;
    this.socket = null;
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (ws && ws.readyState !== WebSocket.CLOSED && ws.readyState !== WebSocket.CLOSING) ws.close();
  }

  private onDown(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (!this.active) return;
    this.status = 'down';
    this.failures++;
    for (const sensor of this.sensors) sensor.trace.gap();
    const base = Math.min(this.maxRetryMs, this.initialRetryMs * 2 ** (this.failures - 1));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.clearRetry();
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
    this.scheduleRender();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  }

  private readonly tick = (): void => {
    const now = performance.now();
    if (this.socket && now - this.lastMessageAt > this.silenceTimeoutMs) {
      // Silent since it was opened or since its last message (a connect that hangs, a hub that hung,
      // Wi-Fi dropped without a FIN; the hub answers our pings, so a live socket is never quiet this
      // long): replace it rather than wait minutes for TCP to notice.
      const ws = this.socket;
      this.socket = null;
      ws.close();
      this.onDown();
    }
    this.scheduleRender();
  };

  // ---- messages ----

  private onMessage(data: unknown): void {
    this.lastMessageAt = performance.now();
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      console.warn('swivel: ignoring a hub message that is not JSON');
      return;
    }
    switch (message.type) {
      case 'hello':
        this.onHello(message);
        break;
      case 'angle':
        this.onAngle(message);
        break;
      case 'link':
        this.onLink(message);
        break;
      case 'stats':
        this.onStats(message);
        break;
      case 'pong':
        this.roundTripMs = Math.max(0, performance.now() - message.at);
        break;
      case 'session':
        this.onSession(message.session);
        break;
      case 'sensor': {
        const sensor = this.sensors.find((s) => s.id === message.sensor.sensorId);
        if (sensor) sensor.shin = message.sensor.shin;
        break;
      }
      case 'event':
        // A replay faster than life would turn tones and countdowns into noise: they follow a replay at 1× only.
        if (this.replay && this.replay.speed !== 1) break;
        for (const listener of this.listeners) guard(() => listener.sessionEvent?.(message.event, message.at));
        break;
      case 'replay':
        this.onReplay(message.replay);
        break;
      case 'error':
        this.setNotice(message.message);
        console.warn(`swivel: hub rejected a message: ${message.message}`);
        break;
      default:
        return; // A newer hub may send types this dashboard does not know; ignore them.
    }
    this.scheduleRender();
  }

  /** A seek makes time jump: the traces start afresh rather than join two moments with a line. */
  private onReplay(replay: ReplayState): void {
    if (this.replay && replay.seekCount !== this.replay.seekCount) {
      for (const sensor of this.sensors) {
        sensor.trace.gap();
        sensor.lastT = null;
      }
    }
    this.replay = replay;
  }

  private onHello(message: HelloMessage): void {
    // A replay socket that dropped starts again from the beginning on the hub: go back to where it was.
    const resumeAt = this.replay && message.replay && !this.replay.finished ? this.replay : null;
    this.replay = message.replay ?? null;
    this.status = 'live';
    this.everLive = true;
    this.failures = 0;
    this.hubVersion = message.version;
    this.sensorSource = message.sensorSource;
    this.sensorSourceReason = message.sensorSourceReason;
    this.onSession(message.session, true);
    this.loadProgramme();
    // The hello is the whole truth: rebuild the list, keeping the trace of a sensor seen before so
    // the sparkline survives a hub reconnect.
    const previous = this.sensors.splice(0);
    for (const snapshot of message.sensors) {
      const before = previous.find((sensor) => sensor.id === snapshot.sensorId);
      this.sensors.push({
        id: snapshot.sensorId,
        shin: snapshot.shin,
        info: snapshot.info,
        state: snapshot.state,
        detail: snapshot.detail,
        stats: snapshot.stats,
        angle: snapshot.angle,
        angleAt: snapshot.angle !== null ? performance.now() : null,
        angleHealth: before?.angleHealth ?? null,
        trace: before?.trace ?? new TraceBuffer(TRACE_CAPACITY),
        sampleRateHz: before?.sampleRateHz ?? null,
        lastT: null,
      });
    }
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.post({ type: 'ping', at: performance.now() }), this.pingIntervalMs);
    if (resumeAt) {
      if (resumeAt.speed !== 1) this.post({ type: 'replay', command: { action: 'speed', speed: resumeAt.speed } });
      if (resumeAt.positionSeconds > 0) this.post({ type: 'replay', command: { action: 'seek', seconds: resumeAt.positionSeconds } });
      if (resumeAt.paused) this.post({ type: 'replay', command: { action: 'pause' } });
    }
  }

  private onSession(view: SessionView, fresh = false): void {
    const previous = fresh ? null : this.session;
    this.session = view;
    if (this.replay && this.replay.speed !== 1) return; // as for events: cues follow a replay at 1× only
    for (const listener of this.listeners) guard(() => listener.sessionView?.(view, previous));
  }

  /** The programme only changes with the hub, so it is fetched again on every `hello`. */
  private loadProgramme(): void {
    this.programmeRequest?.abort();
    const request = new AbortController();
    this.programmeRequest = request;
    fetch(`${this.httpBase}/api/programme`, { signal: request.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const programme = (await response.json()) as Programme;
        if (this.programmeRequest !== request) return;
        this.programme = programme;
        this.programmeRequest = null;
        this.scheduleRender();
      })
      .catch((error: unknown) => {
        if (request.signal.aborted) return;
        this.programmeRequest = null;
        console.warn(`swivel: could not load the programme: ${String(error)}`);
        if (this.programme === null) {
          this.setNotice('Could not load the exercise programme from the hub; it will be tried again when the hub reconnects.');
          this.scheduleRender();
        }
      });
  }

  private onAngle(message: AngleMessage): void {
    const sensor = this.sensorFor(message.sensorId);
    sensor.angle = message.angle;
    sensor.angleAt = performance.now();
    sensor.angleHealth = message.health;
    if (message.trace.length > 0) sensor.trace.pushAll(message.trace);
    else sensor.trace.push(message.angle);
    const n = message.trace.length;
    // At Max a frame's trace is cut to its newest angles while its time span is not: no rate to learn there.
    if (sensor.lastT !== null && n > 0 && message.t > sensor.lastT && this.replay?.speed !== 'max') {
      const rate = n / (message.t - sensor.lastT);
      // A frame after lost packets or a gap says little about the rate: only plausible rates count.
      if (rate >= 10 && rate <= 1000) sensor.sampleRateHz = sensor.sampleRateHz === null ? rate : sensor.sampleRateHz * 0.9 + rate * 0.1;
    }
    sensor.lastT = message.t;
  }

  private onLink(message: LinkMessage): void {
    const sensor = this.sensorFor(message.sensorId);
    sensor.state = message.state;
    sensor.detail = message.detail;
    if (message.info) sensor.info = message.info;
    if (message.state !== 'connected') {
      sensor.trace.gap();
      sensor.lastT = null;
    }
  }

  private onStats(message: StatsMessage): void {
    this.sensorFor(message.sensorId).stats = message.stats;
  }

  /** The sensor a message is about; one the hello did not list yet is added. */
  private sensorFor(sensorId: string): SensorModel {
    const known = this.sensors.find((s) => s.id === sensorId);
    if (known) return known;
    const created: SensorModel = {
      id: sensorId,
      shin: null,
      info: null,
      state: 'idle',
      detail: '',
      stats: null,
      angle: null,
      angleAt: null,
      angleHealth: null,
      trace: new TraceBuffer(TRACE_CAPACITY),
      sampleRateHz: null,
      lastT: null,
    };
    this.sensors.push(created);
    return created;
  }

  // ---- rendering ----

  private scheduleRender(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.now = performance.now();
      this.host.requestUpdate();
    });
  }
}

function guard(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.error('swivel: a session listener failed', error);
  }
}
