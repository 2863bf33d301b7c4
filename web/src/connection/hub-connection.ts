import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientMessage, HelloMessage, ReplayClientMessage, ServerMessage } from '../../../hub/protocol/messages.ts';
import type { ReplayCommand } from '../../../hub/protocol/replay.ts';
import type { SessionCommand } from '../../../hub/protocol/session.ts';
import type { SensorAction } from '../components/events.ts';
import { fetchProgramme, sendSensorAction } from './hub-api.ts';
import { defaultHubUrl, httpBaseOf } from './hub-url.ts';
import { HubState } from './hub-state.ts';

export type { SensorInfo, SensorModel, SensorStats } from './sensor-model.ts';
export type { HubNotice, HubStatus, SessionListener } from './hub-state.ts';

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

/**
 * The hub closes a socket with one of these codes when it will not accept it again: a replay that
 * cannot be had (hub/server/replay.ts), a device that is not paired or whose pairing was revoked, a
 * page on another origin (hub/server/access.ts). Retrying would be refused again, so the page says why.
 */
const CLOSE_REFUSED = new Set([4004, 4401, 4403]);

/**
 * Owns the hub WebSocket for its host element: connects when the host connects, reconnects by
 * itself with capped exponential backoff (plus jitter, so a room full of tablets does not stampede a
 * restarted hub), and folds incoming messages into `sensors`. Messages are applied as they arrive
 * (memory stays bounded even while a hidden tab gets no animation frames), but the host is asked to
 * re-render at most once per animation frame, however many frames the hub sent in between.
 */
export class HubConnection extends HubState implements ReactiveController {
  readonly url: string;
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
  private programmeRequest: AbortController | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    options: HubConnectionOptions = {},
  ) {
    super();
    this.url = options.url ?? defaultHubUrl();
    this.initialRetryMs = options.initialRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.pingIntervalMs = options.pingIntervalMs ?? 5000;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 12_000;
    host.addController(this);
  }

  /** The hub's HTTP base next to its socket, e.g. http://host:8080 for ws://host:8080/ws. */
  get httpBase(): string {
    return httpBaseOf(this.url);
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
    void sendSensorAction(this.httpBase, sensorId, request).then((problem) => {
      if (problem === null) return;
      this.setNotice(problem);
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

  private post(message: ClientMessage | ReplayClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
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
      if (CLOSE_REFUSED.has(event.code)) {
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
    if (message.type === 'hello') this.onHello(message);
    else if (!this.apply(message)) return; // A newer hub may send types this dashboard does not know.
    this.scheduleRender();
  }

  private onHello(message: HelloMessage): void {
    const resumeAt = this.applyHello(message);
    this.loadProgramme();
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.post({ type: 'ping', at: performance.now() }), this.pingIntervalMs);
    if (resumeAt) {
      if (resumeAt.speed !== 1) this.post({ type: 'replay', command: { action: 'speed', speed: resumeAt.speed } });
      if (resumeAt.positionSeconds > 0) this.post({ type: 'replay', command: { action: 'seek', seconds: resumeAt.positionSeconds } });
      if (resumeAt.paused) this.post({ type: 'replay', command: { action: 'pause' } });
    }
  }

  /** The programme only changes with the hub, so it is fetched again on every `hello`. */
  private loadProgramme(): void {
    this.programmeRequest?.abort();
    const request = new AbortController();
    this.programmeRequest = request;
    fetchProgramme(this.httpBase, request.signal)
      .then((programme) => {
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

  // ---- rendering ----

  protected scheduleRender(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.now = performance.now();
      this.host.requestUpdate();
    });
  }
}
