import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionCommand } from '../../../hub/protocol/session.ts';
import { NavigateEvent, SessionCommandEvent } from './events.ts';
import { buttonStyles } from '../styles/shared-styles.ts';

type Action = Exclude<SessionCommand['action'], 'start'>;

/**
 * The buttons that steer a session: previous, recalibrate, switch side, skip, next (or skip rest),
 * stop, and the way back to the programme. Each press fires a `swivel-command` event; the hub decides.
 */
@customElement('swivel-session-controls')
export class SwivelSessionControls extends LitElement {
  /** `set`: a set is under way; `rest`: between sets. */
  @property() mode: 'set' | 'rest' = 'set';
  @property({ type: Boolean, attribute: 'can-calibrate' }) canCalibrate = false;
  @property({ type: Boolean, attribute: 'can-switch-side' }) canSwitchSide = false;
  /** Name of the other side, for the switch button ("Left"). */
  @property({ attribute: 'other-side' }) otherSide = '';
  /** This device may steer the session; a viewer (whose commands the hub refuses) gets only the way to the programme. */
  @property({ type: Boolean }) steers = true;

  protected override render() {
    const rest = this.mode === 'rest';
    const programme = html`<button type="button" data-testid="control-programme" @click=${() => this.dispatchEvent(new NavigateEvent('programme'))}>Programme</button>`;
    if (!this.steers) return html`<nav aria-label="Session controls">${programme}</nav>`;
    return html`
      <nav aria-label="Session controls">
        ${programme}
        <button type="button" data-testid="control-previous" aria-label="Previous set" @click=${() => this.fire('previous')}>\u2039 Previous</button>
        ${this.canCalibrate && !rest
          ? html`<button type="button" data-testid="control-calibrate" aria-label="Recalibrate the start position" @click=${() => this.fire('calibrate')}>Recalibrate</button>`
          : ''}
        ${this.canSwitchSide
          ? html`<button type="button" data-testid="control-switch-side" aria-label=${`Switch to ${this.otherSide.toLowerCase()} side`} @click=${() => this.fire('switch-side')}>
              Switch to ${this.otherSide.toLowerCase()}
            </button>`
          : ''}
        <button type="button" data-testid="control-skip" aria-label="Skip exercise: go on to the next one" @click=${() => this.fire('skip')}>Skip exercise</button>
        <button type="button" class="primary" data-testid="control-next" aria-label=${rest ? 'Skip rest and start the next set' : 'Next set'} @click=${() => this.fire('next')}>
          ${rest ? 'Skip rest \u203a' : 'Next \u203a'}
        </button>
        <button type="button" class="danger" data-testid="control-stop" aria-label="Stop the session" @click=${() => this.fire('stop')}>Stop</button>
      </nav>
    `;
  }

  private fire(action: Action): void {
    this.dispatchEvent(new SessionCommandEvent({ action }));
  }

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
      }
      button {
        min-height: 56px;
      }
      button.primary {
        margin-left: auto;
        min-width: 9rem;
        font-size: 1.35rem;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-session-controls': SwivelSessionControls;
  }
}
