import { LitElement, html, svg, type PropertyValues } from 'lit';
import { batteryIcon } from './link-parts.ts';
import { linkStatusStyles } from './link-status-styles.ts';
import { customElement, property } from 'lit/decorators.js';
import { SensorActionEvent } from './events.ts';
import type { ShownLinkState } from '../view-model/sensor.ts';
import {
  LINK_STATE_LABEL,
  LINK_STATE_TONE,
  batteryTone,
  formatPercent,
  formatSigned,
  lossTone,
  packetLoss,
  signalBars,
  type Tone,
} from '../view-model/format.ts';


/**
 * The sensor's link: state word and colour, battery, signal and packet loss. Takes primitives only;
 * the derived text and tones are computed in `willUpdate`.
 */
@customElement('swivel-link-status')
export class SwivelLinkStatus extends LitElement {
  @property({ reflect: true }) state: ShownLinkState = 'none';
  /** The hub's sentence about the state. */
  @property() detail = '';
  @property({ attribute: 'sensor-name' }) sensorName = '';
  /** Make, model and firmware in a line ("Swivel SW-1 · firmware 1.2.0"); empty: the sensor does not say. */
  @property({ attribute: 'make-text' }) makeText = '';
  @property({ type: Number }) battery: number | null = null;
  @property({ type: Number }) rssi: number | null = null;
  @property({ type: Number }) packets = 0;
  @property({ type: Number, attribute: 'lost-packets' }) lostPackets = 0;
  @property({ type: Number }) malformed = 0;
  @property({ type: Number, attribute: 'rate-hz' }) rateHz: number | null = null;
  @property({ type: Number, attribute: 'link-losses' }) linkLosses = 0;
  /** Smaller figures in three columns, for a side panel that shares the screen. */
  @property({ type: Boolean, reflect: true }) compact = false;
  /** Which shin the person said the sensor is on (null: not said). */
  @property() shin: 'left' | 'right' | null = null;
  /** Show the panel's controls (shin, disconnect/connect): only while the hub is reachable and has a sensor. */
  @property({ type: Boolean }) controls = false;

  private label = '';
  private tone: Tone = 'off';
  private lossText = '\u2013';
  private lossTone: Tone = 'off';
  private bars = 0;
  private batteryText = '\u2013';
  private batteryTone: Tone = 'off';
  private rssiText = '\u2013';
  private rateText = '\u2013';
  private footText = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('state')) {
      if (this.state === 'unknown') {
        this.label = 'Unknown';
        this.tone = 'off';
      } else if (this.state === 'none') {
        this.label = 'No sensor';
        this.tone = 'off';
      } else {
        this.label = LINK_STATE_LABEL[this.state];
        this.tone = LINK_STATE_TONE[this.state];
      }
    }
    if (changed.has('packets') || changed.has('lostPackets')) {
      const loss = packetLoss(this.packets, this.lostPackets);
      this.lossText = formatPercent(loss);
      this.lossTone = lossTone(loss);
    }
    if (changed.has('rssi')) {
      this.bars = signalBars(this.rssi);
      this.rssiText = this.rssi === null ? '\u2013' : formatSigned(Math.round(this.rssi));
    }
    if (changed.has('battery')) {
      this.batteryText = this.battery === null ? '\u2013' : String(Math.round(this.battery));
      this.batteryTone = batteryTone(this.battery);
    }
    if (changed.has('rateHz')) {
      this.rateText = this.rateHz === null ? '\u2013' : String(Math.round(this.rateHz));
    }
    if (changed.has('packets') || changed.has('lostPackets')) {
      this.footText = `${this.packets.toLocaleString('en')} packets received, ${this.lostPackets.toLocaleString('en')} missed`;
    }
  }

  private signalIcon() {
    return svg`<svg class="icon" viewBox="0 0 20 14" aria-hidden="true" focusable="false">
      ${[0, 1, 2, 3].map(
        (i) => svg`<rect x=${i * 5 + 1} y=${12 - (i + 1) * 3} width="3.5" height=${(i + 1) * 3} rx="0.8"
          class=${i < this.bars ? 'bar on' : 'bar'} />`,
      )}
    </svg>`;
  }

  private renderControls() {
    const shinButton = (shin: 'left' | 'right', label: string) =>
      html`<button type="button" data-testid=${`sensor-shin-${shin}`} aria-pressed=${this.shin === shin ? 'true' : 'false'}
        class=${this.shin === shin ? 'chosen' : ''} @click=${() => this.dispatchEvent(new SensorActionEvent({ action: 'shin', shin }))}>${label}</button>`;
    const idle = this.state === 'idle' || this.state === 'stopped';
    return html`<div class="controls" role="group" aria-label="Sensor controls">
      <span class="on">On the</span>
      ${shinButton('left', 'Left shin')} ${shinButton('right', 'Right shin')}
      ${idle
        ? html`<button type="button" class="primary" data-testid="sensor-connect" @click=${() => this.dispatchEvent(new SensorActionEvent({ action: 'connect' }))}>Connect</button>`
        : html`<button type="button" data-testid="sensor-disconnect" aria-label="Disconnect the sensor" @click=${() => this.dispatchEvent(new SensorActionEvent({ action: 'disconnect' }))}>Disconnect</button>`}
    </div>`;
  }

  protected override render() {
    const busy = this.state === 'lost' || this.state === 'reconnecting';
    return html`
      <section class="panel" data-tone=${this.tone} aria-labelledby="heading">
        <h2 id="heading">Sensor${this.sensorName ? html` <span class="name">${this.sensorName}</span>` : ''}</h2>
        ${this.makeText ? html`<p class="make" data-testid="sensor-make">${this.makeText}</p>` : ''}
        <div class="state" role="status" aria-live="polite" aria-atomic="true">
          <span class=${busy ? 'dot pulse' : 'dot'} aria-hidden="true"></span>
          <span class="state-text" data-testid="link-state" id="link-state" data-state=${this.state}>${this.label}</span>
        </div>
        <p class="detail" data-testid="link-detail">${this.detail}</p>
        <dl class="metrics">
          <div class="metric" data-tone=${this.batteryTone}>
            <dt>Battery ${batteryIcon(this.battery)}</dt>
            <dd><span class="big" data-testid="battery">${this.batteryText}</span><span class="u" ?hidden=${this.battery === null}>%</span></dd>
          </div>
          <div class="metric" data-tone=${this.rssi === null ? 'off' : this.bars >= 2 ? 'ok' : 'warn'}>
            <dt>Signal ${this.signalIcon()}</dt>
            <dd><span class="big" data-testid="rssi">${this.rssiText}</span><span class="u" ?hidden=${this.rssi === null}>dBm</span></dd>
          </div>
          <div class="metric" data-tone=${this.lossTone}>
            <dt>Packet loss</dt>
            <dd><span class="big" data-testid="packet-loss">${this.lossText}</span><span class="u" ?hidden=${this.packets + this.lostPackets === 0}>%</span></dd>
          </div>
          <div class="metric" data-tone=${this.malformed > 0 ? 'warn' : 'ok'}>
            <dt>Malformed</dt>
            <dd><span class="big" data-testid="malformed">${this.malformed.toLocaleString('en')}</span></dd>
          </div>
          <div class="metric" data-tone="ok">
            <dt>Rate</dt>
            <dd><span class="big" data-testid="rate">${this.rateText}</span><span class="u" ?hidden=${this.rateHz === null}>Hz</span></dd>
          </div>
          <div class="metric" data-tone="ok">
            <dt>Link drops</dt>
            <dd><span class="big" data-testid="link-losses">${this.linkLosses.toLocaleString('en')}</span></dd>
          </div>
        </dl>
        <p class="foot">${this.footText}</p>
        ${this.controls ? this.renderControls() : ''}
      </section>
    `;
  }

  static override styles = linkStatusStyles;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-link-status': SwivelLinkStatus;
  }
}
