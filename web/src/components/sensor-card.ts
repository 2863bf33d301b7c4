import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { SensorActionEvent, type SensorAction } from './events.ts';
import type { ShownLinkState } from '../view-model/sensor.ts';
import { LINK_STATE_LABEL, LINK_STATE_TONE, batteryTone, type Tone } from '../view-model/format.ts';
import { buttonStyles, srOnlyStyles } from '../styles/shared-styles.ts';
import { batteryIcon, linkDotStyles, linkToneStyles } from './link-parts.ts';

/**
 * One sensor among several (one on each shin, or a phone beside a Bluetooth sensor): its name, make,
 * link state, battery and shin, and whether the session counts with it. The full figures (signal,
 * packet loss) are the single sensor's panel's (link-status.ts); here every sensor must fit beside
 * the angle. Takes primitives only; label and tones are derived in `willUpdate`; its buttons fire a
 * SensorActionEvent naming the sensor.
 */
@customElement('swivel-sensor-card')
export class SwivelSensorCard extends LitElement {
  @property({ attribute: 'sensor-id' }) sensorId = '';
  @property() name = '';
  /** Make, model and firmware in a line (empty: the sensor does not say). */
  @property({ attribute: 'make-text' }) makeText = '';
  @property({ reflect: true }) state: ShownLinkState = 'none';
  /** The hub's sentence about the link: shown while it is not connected (why it cannot use a device, what it is doing). */
  @property() detail = '';
  @property({ type: Number }) battery: number | null = null;
  @property() shin: 'left' | 'right' | null = null;
  /** The session scores this sensor's angle. */
  @property({ type: Boolean, reflect: true }) counting = false;
  /** A phone: started and stopped on the phone, so no connect or disconnect here. */
  @property({ type: Boolean }) phone = false;
  /** Offer the shin and connection buttons (a device that steers, with the hub reachable). */
  @property({ type: Boolean }) controls = false;

  private label = '';
  private tone: Tone = 'off';
  private batteryText = '\u2013';
  private batteryTone: Tone = 'off';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('state')) {
      if (this.state === 'unknown') [this.label, this.tone] = ['Unknown', 'off'];
      else if (this.state === 'none') [this.label, this.tone] = ['No sensor', 'off'];
      else [this.label, this.tone] = [LINK_STATE_LABEL[this.state], LINK_STATE_TONE[this.state]];
    }
    if (changed.has('battery')) {
      this.batteryText = this.battery === null ? '\u2013' : `${Math.round(this.battery)}%`;
      this.batteryTone = batteryTone(this.battery);
    }
  }

  private act(request: SensorAction): void {
    this.dispatchEvent(new SensorActionEvent(request, this.sensorId));
  }

  private renderControls() {
    const shinButton = (shin: 'left' | 'right', label: string) =>
      html`<button type="button" data-testid=${`sensor-shin-${shin}`} aria-pressed=${this.shin === shin ? 'true' : 'false'}
        class=${this.shin === shin ? 'chosen' : ''} @click=${() => this.act({ action: 'shin', shin })}>${label}</button>`;
    const idle = this.state === 'idle' || this.state === 'stopped';
    return html`<div class="controls" role="group" aria-label=${`Which shin ${this.name} is on`}>
      ${shinButton('left', 'Left shin')} ${shinButton('right', 'Right shin')}
      ${this.phone
        ? nothing
        : idle
          ? html`<button type="button" class="primary" data-testid="sensor-connect" aria-label=${`Connect ${this.name}`}
              @click=${() => this.act({ action: 'connect' })}>Connect</button>`
          : html`<button type="button" data-testid="sensor-disconnect" aria-label=${`Disconnect ${this.name}`}
              @click=${() => this.act({ action: 'disconnect' })}>Disconnect</button>`}
    </div>`;
  }

  protected override render() {
    const busy = this.state === 'lost' || this.state === 'reconnecting';
    const shinText = this.shin ? `${this.shin === 'left' ? 'Left' : 'Right'} shin` : 'Shin not set';
    return html`
      <section class="card" data-tone=${this.tone} aria-labelledby="name">
        <div class="head">
          <h3 id="name" data-testid="sensor-name">${this.name}</h3>
          ${this.counting
            ? html`<span class="badge" data-testid="sensor-counting"><span aria-hidden="true">\u2713 </span>Counting<span class="sr-only">: the session scores this sensor</span></span>`
            : nothing}
        </div>
        ${this.makeText ? html`<p class="make" data-testid="sensor-make">${this.makeText}</p>` : nothing}
        <div class="line">
          <span class="state" role="status" aria-live="polite" aria-atomic="true">
            <span class=${busy ? 'dot pulse' : 'dot'} aria-hidden="true"></span>
            <span data-testid="link-state" data-state=${this.state}>${this.label}</span>
          </span>
          ${this.controls && this.shin !== null
            ? nothing /* the pressed shin button says it */
            : html`<span class="shin" data-testid="sensor-shin-text" ?data-unset=${this.shin === null}>${shinText}</span>`}
          <span class="battery" data-tone=${this.batteryTone}>
            ${batteryIcon(this.battery)}<span class="sr-only">Battery </span><span data-testid="battery">${this.batteryText}</span>
          </span>
        </div>
        ${this.state !== 'connected' && this.detail ? html`<p class="detail" data-testid="link-detail">${this.detail}</p>` : nothing}
        ${this.controls ? this.renderControls() : nothing}
      </section>
    `;
  }

  static override styles = [
    buttonStyles,
    srOnlyStyles,
    linkDotStyles,
    linkToneStyles,
    css`
      :host {
        display: block;
        color: var(--sw-fg, #f4f6f8);
      }
      .card {
        box-sizing: border-box;
        display: flex;
        flex-direction: column;
        gap: 0.4rem;
        padding: 0.7rem 0.9rem;
        border-radius: 1rem;
        background: var(--sw-panel, #151a21);
        border: 3px solid var(--sw-track, #2a313b);
      }
      /* The counting sensor stands out from across the room: an accent frame and a solid badge. */
      :host([counting]) .card {
        border-color: var(--sw-accent, #4cc9f0);
        border-width: 4px;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
      }
      h3 {
        margin: 0;
        font-size: 1.4rem;
        font-weight: 800;
        line-height: 1.15;
        overflow-wrap: anywhere;
      }
      .badge {
        flex: none;
        padding: 0.15rem 0.7rem;
        border-radius: 0.5rem;
        background: var(--sw-accent, #4cc9f0);
        color: var(--sw-on-accent, #04121a);
        font-size: 1.1rem;
        font-weight: 800;
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .make {
        margin: 0;
        font-size: 1rem;
        color: var(--sw-muted, #a7b0bc);
        overflow-wrap: anywhere;
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3rem 1rem;
        font-size: 1.35rem;
        font-weight: 700;
      }
      .state {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        color: var(--tone-color);
        font-weight: 800;
      }
      .shin[data-unset] {
        color: var(--sw-warn, #ffc14d);
      }
      .battery {
        display: flex;
        align-items: center;
        gap: 0.35rem;
        margin-left: auto;
        font-variant-numeric: tabular-nums;
      }
      .battery[data-tone='warn'],
      .battery[data-tone='bad'] {
        color: var(--tone-color);
      }
      .detail {
        margin: 0;
        font-size: 1.1rem;
        line-height: 1.3;
      }
      /* The hub writes its sentences in lower case; they start a line here. */
      .detail::first-letter {
        text-transform: uppercase;
      }
      .icon {
        height: 1.2rem;
        width: auto;
      }
      .outline {
        fill: none;
        stroke: currentColor;
        stroke-width: 1.5;
      }
      .nub {
        fill: currentColor;
      }
      .level {
        fill: var(--tone-color, currentColor);
      }
      /* One row where the card is wide enough, else Disconnect on a row of its own; a label never breaks. */
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .controls button {
        flex: 1 1 auto;
        padding: 0.4rem 0.5rem;
        font-size: 1.1rem;
        white-space: nowrap;
      }
      .controls button.chosen {
        border-color: var(--sw-accent, #4cc9f0);
        color: var(--sw-accent, #4cc9f0);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-sensor-card': SwivelSensorCard;
  }
}
