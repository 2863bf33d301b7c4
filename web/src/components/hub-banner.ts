import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** Fired when the user asks to retry the hub connection now instead of waiting out the backoff. */
export class RetryNowEvent extends Event {
  static readonly eventName = 'swivel-retry-now' as const;
  constructor() {
    super(RetryNowEvent.eventName, { bubbles: true, composed: true });
  }
}

/** `lost`: the hub was reachable and no longer is. `unreachable`: it never answered. `connecting`: first try. */
import type { BannerKind as HubBannerKind } from '../view-model/dashboard.ts';

export type { HubBannerKind };

/** The hub-connection banner. Shown by the app only while the hub is not live. */
@customElement('swivel-hub-banner')
export class SwivelHubBanner extends LitElement {
  @property({ reflect: true }) kind: HubBannerKind = 'connecting';
  /** Whole seconds until the next automatic attempt, or null while an attempt is under way. */
  @property({ type: Number, attribute: 'retry-in' }) retryIn: number | null = null;

  private message = '';
  private sub = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('kind')) {
      this.message =
        this.kind === 'lost'
          ? 'Hub connection lost \u2014 reconnecting\u2026'
          : this.kind === 'unreachable'
            ? 'Cannot reach the hub \u2014 retrying\u2026'
            : 'Connecting to the hub\u2026';
    }
    this.sub =
      this.kind === 'connecting' ? '' : this.retryIn === null || this.retryIn <= 0 ? 'Trying now' : `Next try in ${this.retryIn} s`;
  }

  protected override render() {
    const urgent = this.kind !== 'connecting';
    return html`
      <div class="banner" role=${urgent ? 'alert' : 'status'} data-testid="hub-banner" data-kind=${this.kind}>
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 3 1.5 21h21L12 3Z" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round" />
          <path d="M12 10v5" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
          <circle cx="12" cy="18" r="1.4" fill="currentColor" />
        </svg>
        <span class="text">
          <strong>${this.message}</strong>
          <span class="sub" ?hidden=${!this.sub}>${this.sub}</span>
        </span>
        ${urgent ? html`<button type="button" @click=${this.onRetry}>Retry now</button>` : ''}
      </div>
    `;
  }

  private onRetry(): void {
    this.dispatchEvent(new RetryNowEvent());
  }

  static override styles = css`
    :host {
      display: block;
    }
    .banner {
      display: flex;
      align-items: center;
      gap: 1rem;
      padding: 0.75rem 1.25rem;
      background: var(--sw-bad-bg, #5c1218);
      color: var(--sw-bad-fg, #fff);
      font-size: 1.5rem;
      line-height: 1.25;
    }
    :host([kind='connecting']) .banner {
      background: var(--sw-panel, #151a21);
      color: var(--sw-fg, #f4f6f8);
    }
    .icon {
      flex: none;
      width: 2rem;
      height: 2rem;
    }
    .text {
      flex: 1;
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      column-gap: 1rem;
    }
    .sub {
      font-size: 1.125rem;
      opacity: 0.85;
      font-variant-numeric: tabular-nums;
    }
    .sub[hidden] {
      display: none;
    }
    button {
      flex: none;
      min-height: 48px;
      min-width: 48px;
      padding: 0 1.25rem;
      border-radius: 0.6rem;
      border: 2px solid currentColor;
      background: transparent;
      color: inherit;
      font: inherit;
      font-size: 1.125rem;
      font-weight: 700;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--sw-focus, #ffd166);
      outline-offset: 2px;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-hub-banner': SwivelHubBanner;
  }
  interface HTMLElementEventMap {
    'swivel-retry-now': RetryNowEvent;
  }
}
