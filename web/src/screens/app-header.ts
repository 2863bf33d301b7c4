import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { HeaderActionEvent, type HeaderAction } from '../components/events.ts';
import type { ThemeChoice } from '../styles/theme.ts';
import { ScreenElement } from './screen-element.ts';
import '../components/theme-switch.ts';

/** The header: the name, the wake-lock note, the hub's state, History, pairing (on the hub machine), colours, mute and full screen. */
@customElement('swivel-app-header')
export class SwivelAppHeader extends ScreenElement {
  @property() wakeText: string | null = null;
  @property() hubLabel = '';
  @property({ type: Boolean }) live = false;
  @property({ type: Boolean }) showHistory = true;
  @property() themeChoice: ThemeChoice = 'system';
  @property({ type: Boolean }) muted = false;
  @property({ type: Boolean }) fullscreen = false;
  @property({ type: Boolean }) fullscreenEnabled = false;
  /** On the hub machine itself: a button that opens the pairing panel. */
  @property({ type: Boolean }) showPairing = false;
  @property({ type: Boolean }) pairingOpen = false;
  /** On a device paired as a viewer: the hint that says why there are no buttons to steer (null otherwise). */
  @property() watchOnlyText: string | null = null;

  private fire(action: HeaderAction): void {
    this.dispatchEvent(new HeaderActionEvent(action));
  }

  protected override render() {
    const muted = this.muted;
    return html`
      <header>
        <h1>Swivel</h1>
        ${this.watchOnlyText
          ? html`<span class="wake" role="note" data-testid="watch-only" title="This device can watch and replay, but not start, steer or delete; pair it as a coach to do that">${this.watchOnlyText}</span>`
          : nothing}
        ${this.wakeText ? html`<span class="wake" data-testid="wake-note" title="Set the tablet's screen timeout to stay on during exercise">${this.wakeText}</span>` : nothing}
        <div class="hub" data-live=${this.live ? 'yes' : 'no'} data-testid="hub-status">
          <span class="dot" aria-hidden="true"></span>
          <span>${this.hubLabel}</span>
        </div>
        ${this.showHistory
          ? html`<button type="button" class="history-button" data-testid="open-history" aria-label="History: recorded sessions and range of motion over time" @click=${() => this.fire('history')}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 12a8 8 0 1 0 2.4-5.7M4 4v4h4M12 8v4.5l3 2" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
              </svg>
              <span>History</span>
            </button>`
          : nothing}
        ${this.showPairing
          ? html`<button
              type="button"
              class="icon-button"
              data-testid="open-pairing"
              aria-expanded=${this.pairingOpen ? 'true' : 'false'}
              aria-label="Pair a device"
              title="Pair a tablet or laptop"
              @click=${() => this.fire('pairing')}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2v2h-2zM18 14h2v2h-2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
              </svg>
            </button>`
          : nothing}
        <swivel-theme-switch .choice=${this.themeChoice}></swivel-theme-switch>
        <button
          type="button"
          class="icon-button"
          data-testid="mute"
          aria-pressed=${muted ? 'true' : 'false'}
          aria-label="Mute sounds"
          title=${muted ? 'Sounds off' : 'Sounds on'}
          @click=${() => this.fire('mute')}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
            ${muted
              ? html`<path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />`
              : html`<path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />`}
          </svg>
        </button>
        ${this.fullscreenEnabled
          ? html`<button
              type="button"
              class="icon-button"
              @click=${() => this.fire('fullscreen')}
              aria-pressed=${this.fullscreen ? 'true' : 'false'}
              aria-label="Full screen"
              title=${this.fullscreen ? 'Leave full screen' : 'Full screen'}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path
                  d=${this.fullscreen ? 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' : 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'}
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2.2"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
            </button>`
          : nothing}
      </header>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-app-header': SwivelAppHeader;
  }
}
