import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Programme } from '../../../hub/protocol/programme.ts';
import type { RomView } from '../../../hub/protocol/session.ts';
import { romResult } from '../components/rom-result.ts';
import { exerciseName } from '../view-model/programme-text.ts';
import type { RestView } from '../view-model/rest.ts';
import { ScreenElement, screenTitle } from './screen-element.ts';
import '../components/progress-ring.ts';
import '../components/session-controls.ts';

/** Between sets: the rest countdown, what comes next, what was just done, and the ROM results so far. */
@customElement('swivel-rest-screen')
export class SwivelRestScreen extends ScreenElement {
  @property({ attribute: false }) view: RestView | null = null;
  @property() progressText = '';
  @property({ attribute: false }) rom: readonly RomView[] = [];
  @property({ attribute: false }) programme: Programme | null = null;
  @property({ type: Boolean }) replay = false;
  /** This device may steer the session (false on a viewer): else only the way to the programme. */
  @property({ type: Boolean }) steers = true;

  protected override render() {
    const v = this.view;
    if (!v) return nothing;
    return html`
      ${screenTitle('Rest', '', '', this.progressText)}
      <div class="rest">
        <swivel-progress-ring
          class="rest-ring"
          data-testid="rest-ring"
          .fraction=${v.ring.fraction}
          .value=${v.ring.value}
          .caption=${v.ring.caption}
          .label=${v.ring.label}
          .tone=${v.ring.tone}
        ></swivel-progress-ring>
        <div class="rest-text" role="region" aria-label="What comes next" tabindex="0">
          <p class="next" data-testid="rest-next">${v.nextText}</p>
          ${v.lastText ? html`<p class="last" data-testid="rest-done">${v.lastText}</p>` : nothing}
          ${this.rom.length ? html`<div class="rest-rom">${this.rom.map((r) => romResult(r, exerciseName(this.programme, r.exerciseId)))}</div>` : nothing}
        </div>
      </div>
      ${this.replay ? nothing : html`<swivel-session-controls class="controls" mode="rest" .steers=${this.steers}></swivel-session-controls>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-rest-screen': SwivelRestScreen;
  }
}
