import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionStatus } from '../../../hub/protocol/session.ts';
import type { HubConnection } from '../connection/hub-connection.ts';
import type { WakeState } from '../view-model/dashboard.ts';

export type { WakeState };

const RUNNING: readonly SessionStatus[] = ['calibrating', 'active', 'rest'];

/** Keeps the screen awake while a session runs (calibrating, a set, a rest), and says when it cannot. */
export class WakeLockController implements ReactiveController {
  state: WakeState = 'off';

  private sentinel: WakeLockSentinel | null = null;
  private wanted = false;
  private requesting = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hub: HubConnection,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.unsubscribe = this.hub.addSessionListener({ sessionView: (view) => this.want(RUNNING.includes(view.status)) });
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.want(false);
  }

  private want(wanted: boolean): void {
    if (wanted === this.wanted) return;
    this.wanted = wanted;
    if (wanted) void this.acquire();
    else {
      const sentinel = this.sentinel;
      this.sentinel = null;
      void sentinel?.release().catch(() => undefined);
      this.set('off');
    }
  }

  /** The browser drops the lock when the page is hidden; take it again when it is back. */
  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible' && this.wanted && !this.sentinel) void this.acquire();
  };

  private async acquire(): Promise<void> {
    if (!('wakeLock' in navigator) || !window.isSecureContext) {
      this.set('unavailable');
      return;
    }
    if (this.requesting) return;
    this.requesting = true;
    try {
      const sentinel = await navigator.wakeLock.request('screen');
      if (!this.wanted) {
        void sentinel.release().catch(() => undefined);
        return;
      }
      this.sentinel = sentinel;
      sentinel.addEventListener('release', () => {
        if (this.sentinel !== sentinel) return;
        this.sentinel = null;
        // Released by the browser (page hidden): retaken on return; say so meanwhile.
        if (this.wanted) this.set(document.visibilityState === 'visible' ? 'refused' : 'held');
      });
      this.set('held');
    } catch {
      this.set(this.wanted ? 'refused' : 'off');
    } finally {
      this.requesting = false;
    }
  }

  private set(state: WakeState): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
