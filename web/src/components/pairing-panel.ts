import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PairingCodeResponse, PairingItem } from '../../../hub/protocol/access.ts';
import { PairingActionEvent, type PairingAction } from './events.ts';
import { buttonStyles } from '../styles/shared-styles.ts';

const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const day = (at: number) => new Date(at).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * Pairing devices, on the hub machine's own dashboard: make a code for a coach or a viewer (with
 * the link and a QR code a tablet's camera opens), and see and revoke the paired devices.
 * Fires `swivel-pairing-action`; the app makes the requests.
 */
@customElement('swivel-pairing-panel')
export class SwivelPairingPanel extends LitElement {
  @property({ attribute: false }) code: PairingCodeResponse | null = null;
  @property({ attribute: false }) pairings: readonly PairingItem[] = [];
  @property() message: string | null = null;

  private fire(request: PairingAction): void {
    this.dispatchEvent(new PairingActionEvent(request));
  }

  protected override render() {
    const code = this.code;
    const live = this.pairings.filter((p) => p.revokedAt === null);
    return html`
      <section aria-labelledby="pairing-title" data-testid="pairing-panel">
        <div class="top">
          <h2 id="pairing-title">Pair a device</h2>
          <button type="button" @click=${() => this.fire({ action: 'close' })}>Close</button>
        </div>
        <p>Other devices on the network must be paired before they can open the dashboard. A coach can do everything; a viewer can watch and replay but not change anything.</p>
        <div class="buttons">
          <button type="button" class="primary" data-testid="pair-coach" @click=${() => this.fire({ action: 'code', role: 'coach' })}>Code for a coach</button>
          <button type="button" data-testid="pair-viewer" @click=${() => this.fire({ action: 'code', role: 'viewer' })}>Code for a viewer</button>
        </div>
        ${this.message ? html`<p class="problem" role="alert">${this.message}</p>` : nothing}
        ${code
          ? html`<div class="code" data-testid="pairing-code">
              ${code.qrCode ? html`<img src=${code.qrCode} width="200" height="200" alt=${`QR code for ${code.links[0]}`} data-testid="pairing-qr" />` : nothing}
              <div>
                <p class="big">${code.code}</p>
                <p>For one ${code.role} device, until ${clock(code.expiresAt)}.</p>
                ${code.links.length > 0
                  ? html`<p>Scan the QR code with the tablet's camera, or open <strong>${code.links[0]}</strong> on it.</p>`
                  : html`<p>The hub listens on this machine only (--host 127.0.0.1), so no other device can reach it. Start it without --host to pair a tablet.</p>`}
              </div>
            </div>`
          : nothing}
        <h3>Paired devices</h3>
        ${live.length === 0
          ? html`<p>None yet.</p>`
          : html`<ul>
              ${live.map(
                (p) => html`<li data-testid="pairing-item">
                  <span><strong>${p.name}</strong>, ${p.role}, paired ${day(p.createdAt)}${p.lastSeenAt ? html`, last seen ${day(p.lastSeenAt)} ${clock(p.lastSeenAt)}` : nothing}</span>
                  <button type="button" class="danger" aria-label=${`Revoke ${p.name}`} @click=${() => this.fire({ action: 'revoke', id: p.id })}>Revoke</button>
                </li>`,
              )}
            </ul>`}
      </section>
    `;
  }

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        margin: 0 1.25rem 0.75rem;
      }
      section {
        padding: 1rem 1.25rem;
        border-radius: 0.75rem;
        background: var(--sw-panel);
        color: var(--sw-fg);
        font-size: 1.1rem;
      }
      .top,
      li {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
      }
      h2 {
        margin: 0.2rem 0;
      }
      /* The list of paired devices is a part of its own: set apart from the buttons and the code above it. */
      h3 {
        margin: 1.5rem 0 0.75rem;
        padding-top: 1.25rem;
        border-top: 1px solid var(--sw-track);
      }
      h3 + p {
        margin: 0;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
      }
      .code {
        display: flex;
        flex-wrap: wrap;
        gap: 1.25rem;
        align-items: center;
        margin-top: 1rem;
      }
      img {
        background: #fff;
        border-radius: 0.5rem;
      }
      .big {
        font-size: 2.2rem;
        font-weight: 800;
        letter-spacing: 0.12em;
        margin: 0;
      }
      .problem {
        color: var(--sw-bad);
        font-weight: 700;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-pairing-panel': SwivelPairingPanel;
  }
}
