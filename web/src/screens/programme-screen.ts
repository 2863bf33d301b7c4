import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Programme } from '../../../hub/protocol/programme.ts';
import { NavigateEvent } from '../components/events.ts';
import type { SensorRowView, SensorView } from '../view-model/sensor.ts';
import { ScreenElement } from './screen-element.ts';
import '../components/angle-readout.ts';
import '../components/link-status.ts';
import '../components/phone-invite.ts';
import '../components/programme-list.ts';
import '../components/sensor-card.ts';

/** The programme with a start button per exercise, beside the sensor: its live angle and link panel. */
@customElement('swivel-programme-screen')
export class SwivelProgrammeScreen extends ScreenElement {
  @property({ attribute: false }) programme: Programme | null = null;
  @property({ attribute: false }) sensor: SensorView | null = null;
  /** Every sensor when the hub has two or more (each gets its card); empty: the single sensor's panel. */
  @property({ attribute: false }) sensors: readonly SensorRowView[] = [];
  /** Where "back" goes: the set under way, the summary, or nowhere (no session). */
  @property() backTo: 'exercise' | 'summary' | null = null;
  @property() currentExercise: string | null = null;
  @property({ type: Boolean }) running = false;
  /** This device may steer (false on a viewer, whose commands the hub refuses): else no start buttons and no sensor controls. */
  @property({ type: Boolean }) steers = true;
  @property({ attribute: false }) done: readonly string[] = [];
  @property({ type: Number }) rangeMin = -10;
  @property({ type: Number }) rangeMax = 60;

  protected override render() {
    const s = this.sensor;
    if (!s) return nothing;
    return html`
      <div class="programme-list">
        ${this.backTo
          ? html`<button type="button" class="back" data-testid="back-to-session" @click=${() => this.dispatchEvent(new NavigateEvent('session'))}>
              ${this.backTo === 'exercise' ? '\u2039 Back to the exercise' : '\u2039 Back to the summary'}
            </button>`
          : nothing}
        <swivel-programme-list
          .programme=${this.programme}
          .currentExercise=${this.currentExercise}
          .running=${this.running}
          .steers=${this.steers}
          .done=${this.done}
        ></swivel-programme-list>
      </div>
      <aside class="sensor" aria-label="Sensor">
        <section class="card angle" aria-label="Angle">
          <swivel-angle-readout
            .angle=${s.angle}
            .min=${this.rangeMin}
            .max=${this.rangeMax}
            .stale=${s.stale}
            .caption=${s.caption}
            .tone=${s.tone}
          ></swivel-angle-readout>
        </section>
        ${this.sensors.length > 1 ? this.renderSensorCards() : this.renderLinkStatus(s)}
        <swivel-phone-invite></swivel-phone-invite>
      </aside>
    `;
  }

  /** Two sensors or more: a card each, the counting one marked, each with its own shin. */
  private renderSensorCards() {
    return html`<section class="sensor-cards" aria-label="Sensors" data-testid="sensor-cards">
      ${repeat(
        this.sensors,
        (row) => row.sensorId,
        (row) => html`<swivel-sensor-card
          data-testid="sensor-card"
          data-sensor-id=${row.sensorId}
          .sensorId=${row.sensorId}
          .name=${row.name}
          .makeText=${row.makeText}
          .state=${row.linkState}
          .detail=${row.detail}
          .battery=${row.battery}
          .shin=${row.shin}
          .counting=${row.counting}
          .phone=${row.phone}
          .controls=${row.linkState !== 'unknown' && this.steers}
        ></swivel-sensor-card>`,
      )}
    </section>`;
  }

  private renderLinkStatus(s: SensorView) {
    const stats = s.stats;
    return html`<swivel-link-status
      class="status"
      compact
      .state=${s.linkState}
      .detail=${s.detail}
      .sensorName=${s.sensorName}
      .makeText=${s.makeText}
      .battery=${stats?.battery ?? null}
      .rssi=${stats?.rssi ?? null}
      .packets=${stats?.packets ?? 0}
      .lostPackets=${stats?.lostPackets ?? 0}
      .malformed=${stats?.malformedPackets ?? 0}
      .rateHz=${stats?.rateHz ?? null}
      .linkLosses=${stats?.linkLosses ?? 0}
      .shin=${s.shin}
      .controls=${s.sensorId !== null && this.steers}
    ></swivel-link-status>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-programme-screen': SwivelProgrammeScreen;
  }
}
