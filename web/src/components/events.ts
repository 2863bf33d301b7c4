import type { SessionCommand } from '../../../hub/protocol/session.ts';
import type { ReplayCommand } from '../../../hub/protocol/replay.ts';
import type { ThemeChoice } from '../styles/theme.ts';

/**
 * The person asked the session to do something (start, next, skip, switch side, calibrate, count,
 * stop). Leaf elements fire it; the app, which owns the hub connection, sends it.
 */
export class SessionCommandEvent extends Event {
  static readonly eventName = 'swivel-command' as const;
  constructor(readonly command: SessionCommand) {
    super(SessionCommandEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The pairing panel (on the hub machine): a new code for a role, revoke a device, or close the panel. */
export type PairingAction = { action: 'code'; role: 'coach' | 'viewer' } | { action: 'revoke'; id: number } | { action: 'close' };

export class PairingActionEvent extends Event {
  static readonly eventName = 'swivel-pairing-action' as const;
  constructor(readonly request: PairingAction) {
    super(PairingActionEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-command': SessionCommandEvent;
  }
}

/** Which screen the person asked for: the programme, or back to the session under way (or its summary). */
export type Screen = 'programme' | 'session';

/** The person asked to look at another screen (nothing is sent to the hub). */
export class NavigateEvent extends Event {
  static readonly eventName = 'swivel-navigate' as const;
  constructor(readonly screen: Screen) {
    super(NavigateEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-navigate': NavigateEvent;
  }
}

/** What the person asked of the sensor from its panel: which shin it is on, disconnect, connect. */
export type SensorAction = { action: 'shin'; shin: 'left' | 'right' } | { action: 'disconnect' } | { action: 'connect' };

export class SensorActionEvent extends Event {
  static readonly eventName = 'swivel-sensor-action' as const;
  /** `sensorId`: the sensor it is about, from a panel that lists several; null: the one shown. */
  constructor(
    readonly request: SensorAction,
    readonly sensorId: string | null = null,
  ) {
    super(SensorActionEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-sensor-action': SensorActionEvent;
  }
}

/** The person chose the dashboard's colours (System follows the tablet's setting). */
export class ThemeChoiceEvent extends Event {
  static readonly eventName = 'swivel-theme-choice' as const;
  constructor(readonly choice: ThemeChoice) {
    super(ThemeChoiceEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-theme-choice': ThemeChoiceEvent;
  }
}

/** The person steered a replay (play, pause, seek, speed). */
export class ReplayCommandEvent extends Event {
  static readonly eventName = 'swivel-replay-command' as const;
  constructor(readonly command: ReplayCommand) {
    super(ReplayCommandEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-replay-command': ReplayCommandEvent;
  }
}

/** The person pressed one of the header's buttons: History, mute, full screen. */
export type HeaderAction = 'history' | 'mute' | 'fullscreen' | 'pairing';

export class HeaderActionEvent extends Event {
  static readonly eventName = 'swivel-header-action' as const;
  constructor(readonly action: HeaderAction) {
    super(HeaderActionEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-header-action': HeaderActionEvent;
    'swivel-pairing-action': PairingActionEvent;
  }
}
