import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionCommand } from '../../../hub/protocol/session.ts';
import { SessionCommandEvent } from '../components/events.ts';
import { romResult } from '../components/rom-result.ts';
import type { ExerciseView } from '../view-model/exercise.ts';
import { WAITING_LINK_TEXT, type SensorView } from '../view-model/sensor.ts';
import type { Announcement, Flash } from '../view-model/set-feedback.ts';
import { calibrationPart, countPart, postureWarningPart } from './exercise-parts.ts';
import { ScreenElement, screenTitle } from './screen-element.ts';
import '../components/angle-readout.ts';
import '../components/angle-trace.ts';
import '../components/session-controls.ts';

export const TRACE_SECONDS = 15;

/**
 * A set under way: calibration, then the count (reps, taps, a hold or effort ring) beside the angle
 * gauge, the last 15 s of the angle and the instructions; an instruction set is its steps and "done".
 */
@customElement('swivel-exercise-screen')
export class SwivelExerciseScreen extends ScreenElement {
  @property({ attribute: false }) view: ExerciseView | null = null;
  @property({ attribute: false }) sensor: SensorView | null = null;
  @property({ attribute: false }) flash: Flash | null = null;
  @property({ attribute: false }) announcement: Announcement | null = null;
  @property({ attribute: false }) traceSamples: Float32Array = new Float32Array(0);
  @property({ type: Number }) traceRate = 100;
  /** With two sensors or more, which one the set counts with; empty with one. */
  @property() countingText = '';
  /** A replay plays as it happened: no controls. */
  @property({ type: Boolean }) replay = false;
  /** This device may steer the session (false on a viewer, whose commands the hub refuses): else only the way to the programme. */
  @property({ type: Boolean }) steers = true;

  private send(command: SessionCommand): void {
    this.dispatchEvent(new SessionCommandEvent(command));
  }

  protected override render() {
    const v = this.view;
    const s = this.sensor;
    if (!v || !s) return nothing;
    const announcement = this.announcement;
    return html`
      ${screenTitle(v.name, v.side, v.setText, v.whereText, this.countingText)}
      ${v.shinWarning ? html`<p class="shin-warning" role="status" data-testid="shin-warning">${v.shinWarning}</p>` : nothing}
      ${v.postureWarning ? postureWarningPart(v.postureWarning, this.replay || !this.steers ? null : () => this.send({ action: 'calibrate' })) : nothing}
      <p class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="set-announcement">${announcement
        ? `${announcement.text}${announcement.id % 2 === 0 ? '' : '\u00a0'}`
        : ''}</p>
      <div class=${`exercise kind-${v.kind}${v.calibrating ? ' calibrating' : ''}`} data-kind=${v.kind}>
        ${v.kind === 'instruction' ? this.renderInstruction(v) : this.renderCards(v, s)}
      </div>
      ${this.replay
        ? nothing
        : html`<swivel-session-controls
            class="controls"
            mode="set"
            .steers=${this.steers}
            .canCalibrate=${v.canCalibrate}
            .canSwitchSide=${v.canSwitchSide}
            .otherSide=${v.otherSide}
          ></swivel-session-controls>`}
    `;
  }

  private renderInstruction(v: ExerciseView) {
    return html`<section class="card big-steps" aria-label="Instructions">
      <ol>${v.steps.map((step) => html`<li>${step}</li>`)}</ol>
      ${v.feel ? html`<p class="feel"><strong>You should feel:</strong> ${v.feel}</p>` : nothing}
      ${this.steers
        ? html`<button type="button" class="primary done" data-testid="instruction-done" @click=${() => this.send({ action: 'next' })}>Done \u2014 next \u203a</button>`
        : nothing}
    </section>`;
  }

  /** A manual count: the big tap button, or on a viewer (whose taps the hub refuses) where the count comes from. */
  private tapPart(set: ExerciseView['set']) {
    if (!this.steers) return html`<p class="tap-elsewhere" data-testid="tap-elsewhere">The coach taps after each rep</p>`;
    return html`<button type="button" class="tap" data-testid="tap-count" @click=${() => this.send({ action: 'count' })}>
      <span class="tap-plus" aria-hidden="true">+1</span>
      <span>Tap after each rep</span>
      <span class="sr-only">, ${set.reps}${set.repTarget !== null ? ` of ${set.repTarget}` : ''} counted so far</span>
    </button>`;
  }

  private renderCards(v: ExerciseView, s: SensorView) {
    const flash = this.flash;
    return html`
      <section class="card gauge-card" aria-label="Angle">
        ${v.kind === 'manual'
          ? this.tapPart(v.set)
          : html`<swivel-angle-readout
              .angle=${s.angle}
              .min=${v.rangeMin}
              .max=${v.rangeMax}
              .stale=${s.stale}
              .caption=${s.caption}
              .tone=${s.tone}
              .bandMin=${v.bandMin}
              .bandMax=${v.bandMax}
              .mark=${v.mark}
            ></swivel-angle-readout>`}
      </section>
      <section class="card count-card" aria-label=${v.calibrating ? 'Calibration' : v.ring ? 'Timer' : 'Reps'} aria-live="off">
        ${v.waiting
          ? html`<div class="waiting" role="status" data-testid="waiting-sensor">
              <strong>Waiting for the sensor\u2026</strong>
              <span data-testid="waiting-link">${WAITING_LINK_TEXT[s.linkState] ?? s.detail}</span>
              <span>Counting resumes when it is back. Check it is switched on and near the tablet.</span>
            </div>`
          : nothing}
        ${v.calibrating ? calibrationPart(v) : countPart(v)}
        ${flash ? html`<div class="flash" data-tone=${flash.tone} aria-hidden="true" data-testid="flash">${flash.text}</div>` : nothing}
        ${v.gapText ? html`<div class="gap" data-testid="set-gap">${v.gapText}</div>` : nothing}
      </section>
      <section class="card trace-card" aria-label="Angle over the last 15 seconds">
        <span class="card-label" aria-hidden="true">Last ${TRACE_SECONDS} s</span>
        <swivel-angle-trace
          .samples=${this.traceSamples}
          .rateHz=${this.traceRate}
          .seconds=${TRACE_SECONDS}
          .min=${0}
          .max=${20}
          .bandMin=${v.bandMin}
          .bandMax=${v.bandMax}
          .mark=${v.mark}
          .stale=${s.stale}
          label=${`Angle over the last ${TRACE_SECONDS} seconds`}
        ></swivel-angle-trace>
      </section>
      <section class="card steps-card" aria-label="Instructions" tabindex="0">
        ${v.rom ? romResult(v.rom, v.name, 'rom') : nothing}
        <ol class="steps">${v.steps.map((step) => html`<li>${step}</li>`)}</ol>
        ${v.feel ? html`<p class="feel"><strong>Feel:</strong> ${v.feel}</p>` : nothing}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-exercise-screen': SwivelExerciseScreen;
  }
}
