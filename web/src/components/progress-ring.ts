import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Tone } from '../view-model/format.ts';

const R = 44;
const CIRCUMFERENCE = 2 * Math.PI * R;

/**
 * A ring that fills clockwise with a big number in the middle: a hold timer (seconds left), an effort
 * or relax phase, a rest. Size is the CSS custom property `--size` (default: the width it is given).
 * Takes primitives; the dash offset is derived in `willUpdate`.
 */
@customElement('swivel-progress-ring')
export class SwivelProgressRing extends LitElement {
  /** 0 … 1; clamped. */
  @property({ type: Number }) fraction = 0;
  /** The big text in the middle (e.g. seconds left). */
  @property() value = '';
  /** A word or two under it. */
  @property() caption = '';
  /** Accessible description of the whole ring, e.g. "Hold: 42 seconds left of 60". */
  @property() label = '';
  @property({ reflect: true }) tone: Tone = 'ok';
  /** Paused or waiting: the ring dims. */
  @property({ type: Boolean, reflect: true }) paused = false;

  private offset = CIRCUMFERENCE;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fraction')) {
      const f = Number.isFinite(this.fraction) ? Math.max(0, Math.min(1, this.fraction)) : 0;
      this.offset = CIRCUMFERENCE * (1 - f);
    }
  }

  protected override render() {
    return html`
      <div class="ring" role="img" aria-label=${this.label || `${this.value} ${this.caption}`}>
        <svg viewBox="0 0 100 100" aria-hidden="true" focusable="false">
          <circle class="track" cx="50" cy="50" r=${R} />
          <circle class="fill" cx="50" cy="50" r=${R} stroke-dasharray=${CIRCUMFERENCE} stroke-dashoffset=${this.offset} />
        </svg>
        <div class="centre" aria-hidden="true">
          <span class="value" data-testid="ring-value">${this.value}</span>
          <span class="caption" ?hidden=${!this.caption}>${this.caption}</span>
        </div>
      </div>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      container-type: inline-size;
      width: var(--size, 100%);
      color: var(--sw-fg, #f4f6f8);
    }
    .ring {
      position: relative;
      width: 100%;
      aspect-ratio: 1;
    }
    svg {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      rotate: -90deg;
    }
    .track {
      fill: none;
      stroke: var(--sw-track, #2d3540);
      stroke-width: 8;
    }
    .fill {
      fill: none;
      stroke: var(--tone-color, var(--sw-ok, #4ade80));
      stroke-width: 8;
      stroke-linecap: round;
      transition: stroke-dashoffset 120ms linear;
    }
    :host([paused]) .fill {
      opacity: 0.45;
    }
    .centre {
      position: absolute;
      inset: 12%;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      text-align: center;
    }
    .value {
      font-size: 30cqi;
      font-weight: 800;
      line-height: 1;
      font-variant-numeric: tabular-nums;
    }
    .caption {
      margin-top: 3cqi;
      font-size: clamp(1rem, 7cqi, 2.25rem);
      font-weight: 700;
      line-height: 1.1;
      color: var(--tone-color, var(--sw-fg, #f4f6f8));
    }
    .caption[hidden] {
      display: none;
    }
    :host([tone='ok']) {
      --tone-color: var(--sw-ok, #4ade80);
    }
    :host([tone='busy']) {
      --tone-color: var(--sw-busy, #7cb8ff);
    }
    :host([tone='warn']) {
      --tone-color: var(--sw-warn, #ffc14d);
    }
    :host([tone='bad']) {
      --tone-color: var(--sw-bad, #ff6b6b);
    }
    :host([tone='off']) {
      --tone-color: var(--sw-muted, #a7b0bc);
    }
    @media (prefers-reduced-motion: reduce) {
      .fill {
        transition: none;
      }
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-progress-ring': SwivelProgressRing;
  }
}
