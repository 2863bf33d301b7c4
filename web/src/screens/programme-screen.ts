import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Programme } from '../../../hub/protocol/programme.ts';
import { NavigateEvent } from '../components/events.ts';
import type { SensorView } from '../view-model/sensor.ts';
import { ScreenElement } from './screen-element.ts';
import '../components/angle-readout.ts';
import '../components/link-status.ts';
import '../components/phone-invite.ts';
import '../components/programme-list.ts';

/** The programme with a start button per exercise, beside the sensor: its live angle and link panel. */
@customElement('swivel-programme-screen')
export class SwivelProgrammeScreen extends ScreenElement {
  @property({ attribute: false }) programme: Programme | null = null;
  @property({ attribute: false }) sensor: SensorView | null = null;
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
    const stats = s.stats;
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
        <swivel-link-status
          class="status"
          compact
          .state=${s.linkState}
          .detail=${s.detail}
          .sensorName=${s.sensorName}
          .battery=${stats?.battery ?? null}
          .rssi=${stats?.rssi ?? null}
          .packets=${stats?.packets ?? 0}
          .lostPackets=${stats?.lostPackets ?? 0}
          .malformed=${stats?.malformedPackets ?? 0}
          .rateHz=${stats?.rateHz ?? null}
          .linkLosses=${stats?.linkLosses ?? 0}
          .shin=${s.shin}
          .controls=${s.sensorId !== null && this.steers}
        ></swivel-link-status>
        <swivel-phone-invite></swivel-phone-invite>
      </aside>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-programme-screen': SwivelProgrammeScreen;
  }
}
