import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

/**
 * The last few seconds of angle as a line on a canvas. NaN samples are gaps. The vertical range is
 * fixed (`min`..`max`, widened if the data goes beyond) so the height of a swing means the same
 * thing from one moment to the next.
 */
@customElement('swivel-sparkline')
export class SwivelSparkline extends LitElement {
  /** Oldest first, evenly spaced in time. A new array means new data. */
  @property({ attribute: false }) samples: Float32Array = new Float32Array(0);
  /** How many samples the full width stands for (seconds × rate), so the line scrolls at a steady pace. */
  @property({ type: Number }) capacity = 500;
  @property({ type: Number }) min = -10;
  @property({ type: Number }) max = 60;
  @property({ type: Boolean, reflect: true }) stale = false;
  @property() label = 'Angle, last 5 seconds';

  @query('canvas') private canvas!: HTMLCanvasElement;
  private resizeObserver: ResizeObserver | null = null;
  private cssWidth = 0;
  private cssHeight = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (!box) return;
      this.cssWidth = box.width;
      this.cssHeight = box.height;
      this.draw();
    });
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  protected override render() {
    return html`<canvas role="img" aria-label=${this.label}></canvas>`;
  }

  /** Drawing is a side effect on the canvas, not component state, so it belongs after the update. */
  protected override updated(_changed: PropertyValues<this>): void {
    this.draw();
  }

  private draw(): void {
    const canvas = this.canvas;
    if (!canvas || this.cssWidth <= 0 || this.cssHeight <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.cssWidth * dpr);
    const h = Math.round(this.cssHeight * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const style = getComputedStyle(this);
    const lineColor = style.getPropertyValue('--sw-accent').trim() || '#4cc9f0';
    const gridColor = style.getPropertyValue('--sw-track').trim() || '#2a313b';
    ctx.clearRect(0, 0, w, h);

    const data = this.samples;
    let lo = this.min;
    let hi = this.max;
    for (const v of data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const pad = 6 * dpr;
    const y = (v: number) => pad + (h - 2 * pad) * (1 - (v - lo) / (hi - lo || 1));

    // Zero line, so "back to the start posture" is visible at a glance.
    if (lo <= 0 && hi >= 0) {
      ctx.strokeStyle = gridColor;
      ctx.lineWidth = 2 * dpr;
      ctx.beginPath();
      ctx.moveTo(0, y(0));
      ctx.lineTo(w, y(0));
      ctx.stroke();
    }

    const capacity = Math.max(this.capacity, data.length, 2);
    const dx = w / (capacity - 1);
    const x0 = w - (data.length - 1) * dx;
    ctx.strokeStyle = lineColor;
    ctx.globalAlpha = this.stale ? 0.4 : 1;
    ctx.lineWidth = 3 * dpr;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isNaN(v)) {
        pen = false;
        continue;
      }
      const px = x0 + i * dx;
      if (pen) ctx.lineTo(px, y(v));
      else ctx.moveTo(px, y(v));
      pen = true;
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  static override styles = css`
    :host {
      display: block;
      position: relative;
      min-height: 4rem;
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-sparkline': SwivelSparkline;
  }
}
