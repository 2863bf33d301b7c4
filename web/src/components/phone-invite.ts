import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { requestPhoneInvite, type PhoneInvite } from '../connection/hub-api.ts';

/**
 * "Use a phone as the sensor": on the hub machine's dashboard, a QR code that pairs a phone and opens
 * its sensor page (/sensor, docs/sensors.md). A small card that makes its one request itself.
 */
@customElement('swivel-phone-invite')
export class SwivelPhoneInvite extends LitElement {
  @state() private invite: PhoneInvite | null = null;
  @state() private busy = false;

  static override styles = css`
    :host {
      display: block;
    }
    button {
      font: inherit;
      min-height: 48px;
      padding: 0 1rem;
      border-radius: 0.5rem;
      border: 1px solid var(--sw-accent);
      background: transparent;
      color: var(--sw-fg);
    }
    button:focus-visible {
      outline: 3px solid var(--sw-focus);
      outline-offset: 2px;
    }
    img {
      display: block;
      width: 12rem;
      height: 12rem;
      background: #fff;
      border-radius: 0.5rem;
      margin: 0.75rem 0;
    }
    p {
      margin: 0.5rem 0;
      line-height: 1.4;
    }
    .link {
      word-break: break-all;
      color: var(--sw-muted);
    }
    .problem {
      color: var(--sw-warn);
    }
  `;

  private readonly onOpen = async (): Promise<void> => {
    this.busy = true;
    this.invite = await requestPhoneInvite(location.origin);
    this.busy = false;
  };

  protected override render() {
    const invite = this.invite;
    return html`
      <button type="button" data-testid="phone-invite-open" ?disabled=${this.busy} @click=${this.onOpen}>Use a phone as the sensor</button>
      ${invite === null ? nothing : invite.ok ? this.renderInvite(invite) : html`<p class="problem" role="alert" data-testid="phone-invite-problem">${inviteProblem(invite.message)}</p>`}
    `;
  }

  private renderInvite(invite: Extract<PhoneInvite, { ok: true }>) {
    if (invite.links.length === 0) {
      return html`<p class="problem" data-testid="phone-invite-problem">This hub listens on this machine only, so a phone cannot reach it. Start it with <code>--host 0.0.0.0 --https</code>, then try again.</p>`;
    }
    const secure = invite.links[0]!.startsWith('https:');
    return html`
      ${invite.qrCode ? html`<img data-testid="phone-invite-qr" src=${invite.qrCode} alt="QR code that pairs a phone and opens its sensor page" />` : nothing}
      <p>Scan this with the phone's camera, pair it, then tap Start on the phone and strap it to the shin. The code <strong>${invite.code}</strong> works once, for 10 minutes.</p>
      <p class="link" data-testid="phone-invite-link">${invite.links[0]}</p>
      ${secure ? nothing : html`<p class="problem">Phones give motion data only to secure pages: start the hub with <code>--https</code> and trust its certificate on the phone (docs/sensors.md).</p>`}
    `;
  }
}

function inviteProblem(message: string): string {
  return /managed on the hub machine/.test(message)
    ? 'Phones are invited from the dashboard on the hub machine itself. A phone already paired as a coach can open /sensor on the hub\'s address.'
    : `No invitation: ${message}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-phone-invite': SwivelPhoneInvite;
  }
}
