import type { PairingRole } from '../../../hub/protocol/access.ts';
import type { HelloMessage, ServerMessage } from '../../../hub/protocol/messages.ts';
import type { Programme } from '../../../hub/protocol/programme.ts';
import type { ReplayState } from '../../../hub/protocol/replay.ts';
import type { SessionEvent, SessionView } from '../../../hub/protocol/session.ts';
import { applyAngle, applyLink, applySensorSettings, breakTrace, newSensorModel, sensorFromSnapshot, type SensorModel } from './sensor-model.ts';

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

/**
 * What the dashboard knows from the hub, folded from its messages as they arrive: the session, the
 * sensors, a replay's state, the notice to show. HubConnection (the socket) extends it; the view
 * model (web/src/view-model/) reads it during render.
 */
export abstract class HubState {
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
  /**
   * What the hub lets this device do, from the live socket's `hello` (null before the first): a
   * viewer's commands are refused, so the dashboard does not offer them. Kept through a replay,
   * whose socket does not say.
   */
  role: PairingRole | null = null;
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

  private noticeIds = 0;
  private readonly listeners = new Set<SessionListener>();

  /**
   * The sensor the dashboard shows: the one the hub says it counts (with a sensor on each shin, the one
   * on the set's side, even while its link is down: a lost sensor shows as lost). A hub that says none
   * yet: the one connected last, as the hub's session follows it; else the one heard from last (a phone
   * that went quiet stays on screen, lost, rather than the Bluetooth link that is still scanning); else
   * the first one the hub listed.
   */
  get primary(): SensorModel | null {
    const counting = this.sensors.find((sensor) => sensor.counting);
    if (counting) return counting;
    let connected: SensorModel | null = null;
    for (const sensor of this.sensors) if (sensor.state === 'connected' && (connected === null || sensor.connectedAt > connected.connectedAt)) connected = sensor;
    if (connected) return connected;
    let latest: SensorModel | null = null;
    for (const sensor of this.sensors) if (sensor.angleAt !== null && (latest === null || sensor.angleAt > latest.angleAt!)) latest = sensor;
    return latest ?? this.sensors[0] ?? null;
  }

  /** Registers side effects that follow the session; returns the function that removes them. */
  addSessionListener(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected abstract scheduleRender(): void;

  protected setNotice(message: string): void {
    this.notice = { id: ++this.noticeIds, message, at: performance.now() };
  }

  /** Folds in one message other than `hello`; false for a type this dashboard does not know. */
  protected apply(message: Exclude<ServerMessage, HelloMessage>): boolean {
    switch (message.type) {
      case 'angle':
        applyAngle(this.sensorFor(message.sensorId), message, performance.now(), this.replay?.speed ?? null);
        break;
      case 'link':
        applyLink(this.sensorFor(message.sensorId), message);
        break;
      case 'stats':
        this.sensorFor(message.sensorId).stats = message.stats;
        break;
      case 'pong':
        this.roundTripMs = Math.max(0, performance.now() - message.at);
        break;
      case 'session':
        this.onSession(message.session);
        break;
      case 'sensor': {
        // The hub moved the counting to another sensor: it says so of the old one first, so at most one counts here too.
        applySensorSettings(this.sensorFor(message.sensor.sensorId), message.sensor);
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
      case 'hub':
        // The simulator the hub started crashed and is being restarted (or is back): say so.
        this.setNotice(message.message);
        break;
      case 'error':
        this.setNotice(message.message);
        console.warn(`swivel: hub rejected a message: ${message.message}`);
        break;
      default:
        return false;
    }
    return true;
  }

  /**
   * The hello is the whole truth: the session, the sensors (keeping the trace of a sensor seen before,
   * so the sparkline survives a hub reconnect). Returns where a replay was, to go back there.
   */
  protected applyHello(message: HelloMessage): ReplayState | null {
    // A replay socket that dropped starts again from the beginning on the hub: go back to where it was.
    const resumeAt = this.replay && message.replay && !this.replay.finished ? this.replay : null;
    this.replay = message.replay ?? null;
    this.status = 'live';
    this.everLive = true;
    this.failures = 0;
    this.hubVersion = message.version;
    this.sensorSource = message.sensorSource;
    this.sensorSourceReason = message.sensorSourceReason;
    if (message.role) this.role = message.role;
    this.onSession(message.session, true);
    // The hello is the whole truth: rebuild the list, keeping the trace of a sensor seen before so
    // the sparkline survives a hub reconnect.
    const previous = this.sensors.splice(0);
    for (const snapshot of message.sensors) {
      this.sensors.push(sensorFromSnapshot(snapshot, previous.find((sensor) => sensor.id === snapshot.sensorId), performance.now()));
    }
    return resumeAt;
  }

  /** A seek makes time jump: the traces start afresh rather than join two moments with a line. */
  private onReplay(replay: ReplayState): void {
    if (this.replay && replay.seekCount !== this.replay.seekCount) {
      for (const sensor of this.sensors) breakTrace(sensor);
    }
    this.replay = replay;
  }

  private onSession(view: SessionView, fresh = false): void {
    const previous = fresh ? null : this.session;
    this.session = view;
    if (this.replay && this.replay.speed !== 1) return; // as for events: cues follow a replay at 1× only
    for (const listener of this.listeners) guard(() => listener.sessionView?.(view, previous));
  }

  /** The sensor a message is about; one the hello did not list yet is added. */
  protected sensorFor(sensorId: string): SensorModel {
    const known = this.sensors.find((s) => s.id === sensorId);
    if (known) return known;
    const created = newSensorModel(sensorId);
    this.sensors.push(created);
    return created;
  }
}

function guard(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.error('swivel: a session listener failed', error);
  }
}
