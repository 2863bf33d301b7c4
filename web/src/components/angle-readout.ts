import { LitElement, css, html, svg, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatAngle, formatSigned, type Tone } from '../view-model/format.ts';
import { srOnlyStyles } from '../styles/shared-styles.ts';

/** The gauge's arc: 240° open at the bottom, centre (100, 100), in a 200 × 156 viewBox. */
const CX = 100;
const CY = 100;
const R = 84;
const START_DEG = 210;
const SWEEP_DEG = 240;
/** The target band runs just outside the arc, clear of the value stroke. */
const BAND_R = R + 12;
/** Screen readers hear the angle at most this often (the number itself changes up to 60×/s). */
const ANNOUNCE_INTERVAL_MS = 10_000;

const point = (deg: number, r = R) => {
  const rad = (deg * Math.PI) / 180;
  return { x: CX + r * Math.cos(rad), y: CY - r * Math.sin(rad) };
};

/** SVG path along the gauge circle from one fraction of the range to another (clockwise). */
function arcPath(fromFraction: number, toFraction: number, r = R): string {
  const a = START_DEG - SWEEP_DEG * Math.min(fromFraction, toFraction);
  const b = START_DEG - SWEEP_DEG * Math.max(fromFraction, toFraction);
  const p = point(a, r);
  const q = point(b, r);
  const large = a - b > 180 ? 1 : 0;
  return `M ${p.x.toFixed(2)} ${p.y.toFixed(2)} A ${r} ${r} 0 ${large} 1 ${q.x.toFixed(2)} ${q.y.toFixed(2)}`;
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/**
 * The live angle, big enough to read across a room, inside a simple arc gauge.
 * Takes primitives only; everything shown is derived in `willUpdate`.
 */
@customElement('swivel-angle-readout')
export class SwivelAngleReadout extends LitElement {
  /** Newest angle in degrees, or null before the first one. */
  @property({ type: Number }) angle: number | null = null;
  @property({ type: Number }) min = -10;
  @property({ type: Number }) max = 60;
  /** Gauge tick spacing, degrees. */
  @property({ type: Number }) step = 10;
  /** The value is not current (sensor link down, hub unreachable, or frames stopped). */
  @property({ type: Boolean, reflect: true }) stale = false;
  /** Short line under the number saying why it is stale; empty when live. */
  @property() caption = '';
  @property() tone: Tone = 'ok';
  /** Target band, degrees (null: none): shaded outside the arc. */
  @property({ type: Number, attribute: 'band-min' }) bandMin: number | null = null;
  @property({ type: Number, attribute: 'band-max' }) bandMax: number | null = null;
  /** The person's end position (last rep's peak, or the hold's position), degrees; a marker on the arc. */
  @property({ type: Number }) mark: number | null = null;

  private bandPath = '';
  private markLine: { x1: number; y1: number; x2: number; y2: number } | null = null;
  private text = '\u2013';
  private valuePath = '';
  private needle = point(START_DEG);
  private ticks: { x1: number; y1: number; x2: number; y2: number; major: boolean }[] = [];
  private minLabel = '';
  private maxLabel = '';
  private announcement = '';
  private lastAnnouncedAt = Number.NEGATIVE_INFINITY;

  protected override willUpdate(changed: PropertyValues<this>): void {
    const span = this.max - this.min || 1;
    if (changed.has('min') || changed.has('max') || changed.has('step')) {
      this.ticks = [];
      const step = this.step > 0 ? this.step : span;
      for (let v = Math.ceil(this.min / step) * step; v <= this.max; v += step) {
        const deg = START_DEG - SWEEP_DEG * ((v - this.min) / span);
        const major = v === 0;
        const outer = point(deg, R + 10);
        const inner = point(deg, major ? R - 12 : R + 5);
        this.ticks.push({ x1: inner.x, y1: inner.y, x2: outer.x, y2: outer.y, major });
      }
      this.minLabel = formatSigned(this.min);
      this.maxLabel = formatSigned(this.max);
    }
    if (changed.has('angle') || changed.has('min') || changed.has('max')) {
      this.text = formatAngle(this.angle);
      if (this.angle === null) {
        this.valuePath = '';
      } else {
        const zero = clamp01((0 - this.min) / span);
        const value = clamp01((this.angle - this.min) / span);
        this.valuePath = Math.abs(value - zero) > 1e-4 ? arcPath(zero, value) : '';
        this.needle = point(START_DEG - SWEEP_DEG * value);
      }
    }
    if (changed.has('bandMin') || changed.has('bandMax') || changed.has('min') || changed.has('max')) {
      this.bandPath =
        this.bandMin === null || this.bandMax === null
          ? ''
          : arcPath(clamp01((this.bandMin - this.min) / span), clamp01((Math.max(this.bandMax, this.bandMin + span / 100) - this.min) / span), BAND_R);
    }
    if (changed.has('mark') || changed.has('min') || changed.has('max')) {
      if (this.mark === null) this.markLine = null;
      else {
        const deg = START_DEG - SWEEP_DEG * clamp01((this.mark - this.min) / span);
        const a = point(deg, R - 10);
        const b = point(deg, BAND_R + 6);
        this.markLine = { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
      }
    }
    if (changed.has('angle') || changed.has('caption')) {
      const now = performance.now();
      const spoken = this.angle === null ? 'no angle yet' : `${this.text.replace('\u2212', 'minus ')} degrees`;
      // The caption changing (link lost, back again) is worth saying at once; the number is not.
      if (changed.has('caption') || now - this.lastAnnouncedAt >= ANNOUNCE_INTERVAL_MS) {
        this.announcement = this.caption ? `${this.caption}. Angle ${spoken}.` : `Angle ${spoken}.`;
        this.lastAnnouncedAt = now;
      }
    }
  }

  protected override render() {
    const hasValue = this.angle !== null;
    return html`
      <div class="gauge" part="gauge">
        <svg viewBox="0 0 200 156" aria-hidden="true" focusable="false">
          <path class="track" d=${arcPath(0, 1)} />
          ${this.bandPath ? svg`<path class="band" d=${this.bandPath} />` : nothing}
          ${this.ticks.map((t) => svg`<line class=${t.major ? 'tick major' : 'tick'} x1=${t.x1} y1=${t.y1} x2=${t.x2} y2=${t.y2} />`)}
          ${this.valuePath ? svg`<path class="value" d=${this.valuePath} />` : nothing}
          ${this.markLine ? svg`<line class="mark" x1=${this.markLine.x1} y1=${this.markLine.y1} x2=${this.markLine.x2} y2=${this.markLine.y2} />` : nothing}
          ${hasValue ? svg`<circle class="needle" cx=${this.needle.x} cy=${this.needle.y} r="7" />` : nothing}
          <text class="end" x="36" y="153" text-anchor="middle">${this.minLabel}°</text>
          <text class="end" x="164" y="153" text-anchor="middle">${this.maxLabel}°</text>
        </svg>
        <div class="number" aria-hidden="true">
          <span class="value-text" data-testid="angle-value" id="angle-value">${this.text}</span><span class="unit" ?hidden=${!hasValue}>°</span>
        </div>
        <div class="caption" data-tone=${this.tone} ?hidden=${!this.caption} data-testid="angle-caption">${this.caption}</div>
      </div>
      <span class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="angle-announcement">${this.announcement}</span>
    `;
  }

  static override styles = [
    srOnlyStyles,
    css`
    :host {
      display: block;
      /* Size the gauge to the space it is given, whichever way the tablet is held. */
      container-type: size;
      min-height: 12rem;
      color: var(--sw-fg, #f4f6f8);
    }
    .gauge {
      --w: min(100cqw, 128cqh);
      position: relative;
      width: var(--w);
      aspect-ratio: 200 / 156;
      margin: 0 auto;
      top: 50%;
      translate: 0 -50%;
    }
    svg {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      overflow: visible;
    }
    .track {
      fill: none;
      stroke: var(--sw-track, #2a313b);
      stroke-width: 14;
      stroke-linecap: round;
    }
    .value {
      fill: none;
      stroke: var(--sw-accent, #4cc9f0);
      stroke-width: 14;
      stroke-linecap: round;
    }
    .band {
      fill: none;
      stroke: var(--sw-ok, #4ade80);
      stroke-width: 6;
      stroke-linecap: butt;
    }
    .mark {
      stroke: var(--sw-fg, #f4f6f8);
      stroke-width: 3.5;
      stroke-linecap: round;
    }
    .needle {
      fill: var(--sw-fg, #f4f6f8);
      stroke: var(--sw-bg, #0b0d10);
      stroke-width: 3;
    }
    .tick {
      stroke: var(--sw-muted, #9aa4b1);
      stroke-width: 1.5;
    }
    .tick.major {
      stroke: var(--sw-fg, #f4f6f8);
      stroke-width: 2.5;
    }
    .end {
      fill: var(--sw-muted, #9aa4b1);
      font: 600 11px system-ui, sans-serif;
    }
    .number {
      position: absolute;
      left: 0;
      right: 0;
      top: 64%;
      translate: 0 -50%;
      display: flex;
      justify-content: center;
      align-items: flex-start;
      /* A third of the gauge width: 12–14rem on a 1280 × 800 tablet either way up, legible from 3 m. */
      font-size: clamp(6rem, calc(var(--w) * 0.33), 18rem);
      font-weight: 700;
      line-height: 1;
      font-variant-numeric: tabular-nums;
      letter-spacing: -0.02em;
      transition: opacity 200ms;
    }
    .unit {
      font-size: 0.5em;
      margin-top: 0.08em;
      color: var(--sw-muted, #9aa4b1);
      /* Hang the degree sign off the number so the digits stay centred. */
      width: 0;
      overflow: visible;
    }
    .caption {
      position: absolute;
      left: 15%;
      right: 15%;
      /* Inside the arc above the number, clear of the end labels. */
      top: 32%;
      translate: 0 -50%;
      line-height: 1.1;
      text-align: center;
      font-size: clamp(1.25rem, calc(var(--w) * 0.06), 2.5rem);
      font-weight: 700;
    }
    .caption[hidden],
    .unit[hidden] {
      display: none;
    }
    :host([stale]) .number,
    :host([stale]) .value,
    :host([stale]) .needle {
      opacity: 0.4;
    }
    [data-tone='bad'] {
      color: var(--sw-bad, #ff6b6b);
    }
    [data-tone='warn'] {
      color: var(--sw-warn, #ffc14d);
    }
    [data-tone='busy'] {
      color: var(--sw-busy, #7cb8ff);
    }
    [data-tone='off'] {
      color: var(--sw-muted, #9aa4b1);
    }
  `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-angle-readout': SwivelAngleReadout;
  }
}
