/**
 * What the server's plugins need from the rest of the hub. In a module of its own so that app.ts,
 * api.ts and live.ts all depend on it and not on each other.
 */
import type { Observable } from 'rxjs';
import type { LinkEvent } from '../pipeline/events.ts';
import type { AngleFrame } from '../pipeline/operators.ts';
import type { SensorSnapshot, SensorSource, SensorStats } from '../protocol/messages.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../protocol/session.ts';

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
  /** False when `sensorId` is not a Bluetooth sensor (a phone). */
  disconnectSensor(sensorId: string): Promise<boolean>;
  connectSensor(sensorId: string): boolean;
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
