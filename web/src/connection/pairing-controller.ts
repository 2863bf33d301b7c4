import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AccessResponse, PairingCodeResponse, PairingItem, PairingRole } from '../../../hub/protocol/access.ts';

/**
 * Who this page is to the hub (GET /api/access), and, on the hub machine itself, the pairing panel's
 * requests: a new code (with its QR code), the list of paired devices, revoking one. Only HTTP; the
 * hub closes a revoked device's socket itself.
 */
export class PairingController implements ReactiveController {
  /** Null until the hub has answered (or when it could not be asked). */
  access: AccessResponse | null = null;
  pairings: readonly PairingItem[] = [];
  code: PairingCodeResponse | null = null;
  /** What went wrong with the last request, for the person. */
  message: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The hub's HTTP origin, e.g. http://host:8080. */
    private readonly base: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.call<AccessResponse>('/api/access').then((access) => {
      this.access = access;
      this.host.requestUpdate();
    });
  }

  /** Loads the list of paired devices (when the panel opens). */
  async refresh(): Promise<void> {
    const answer = await this.call<{ pairings: PairingItem[] }>('/api/pairings');
    if (answer) this.pairings = answer.pairings;
    this.host.requestUpdate();
  }

  async makeCode(role: PairingRole): Promise<void> {
    const answer = await this.call<PairingCodeResponse>('/api/pairings/codes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    if (answer) this.code = answer;
    this.host.requestUpdate();
  }

  async revoke(id: number): Promise<void> {
    await this.call(`/api/pairings/${id}`, { method: 'DELETE' });
    await this.refresh();
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T | null> {
    let response: Response;
    try {
      response = await fetch(`${this.base()}${path}`, init);
    } catch {
      this.message = 'The hub is not reachable. Try again once it is back.';
      return null;
    }
    if (response.ok) {
      this.message = null;
      return (await response.json()) as T;
    }
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    this.message = `The hub could not do that: ${body?.message ?? `HTTP ${response.status}`}`;
    return null;
  }
}
