import { css, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import { UPlotHost } from './uplot-host.ts';

/**
 * The angle over the last seconds as a uPlot chart, with the target band shaded and the end position
 * dashed. The host hands it a new window of samples at most once per animation frame (however many
 * samples arrived meanwhile); the chart redraws once per new window, never per sample. NaN samples
 * are gaps (link or hub lost) and show as breaks.
 */
@customElement('swivel-angle-trace')
export class SwivelAngleTrace extends UPlotHost {
  /** Oldest first, evenly spaced at `rateHz`. A new array means new data. */
  @property({ attribute: false }) samples: Float32Array = new Float32Array(0);
  @property({ type: Number, attribute: 'rate-hz' }) rateHz = 100;
  /** Width of the window, seconds. */
  @property({ type: Number }) seconds = 15;
  /** Vertical range, degrees, at least; widened to the data, the band and the mark. */
  @property({ type: Number }) min = -10;
  @property({ type: Number }) max = 60;
  /** Target band, degrees (null: none). */
  @property({ type: Number, attribute: 'band-min' }) bandMin: number | null = null;
  @property({ type: Number, attribute: 'band-max' }) bandMax: number | null = null;
  /** The person's end position, degrees (null: none yet). */
  @property({ type: Number }) mark: number | null = null;
  @property({ type: Boolean, reflect: true }) stale = false;
  @property() override label = 'Angle over the last 15 seconds';

  private data: uPlot.AlignedData = [[], []];
  private yRange: [number, number] = [-10, 60];
  private dataLo = Infinity;
  private dataHi = -Infinity;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('samples') || changed.has('rateHz')) {
      const n = this.samples.length;
      const rate = this.rateHz > 0 ? this.rateHz : 100;
      const xs = new Array<number>(n);
      const ys = new Array<number | null>(n);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = this.samples[i]!;
        xs[i] = (i - n + 1) / rate;
        if (Number.isNaN(v)) ys[i] = null;
        else {
          ys[i] = v;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      this.data = [xs, ys];
      this.dataLo = lo;
      this.dataHi = hi;
    }
    // The movement fills the chart: the range covers the data, the band and the mark, widened in 5°
    // steps so the scale does not breathe with every sample.
    const values = [this.min, this.max, this.dataLo, this.dataHi, this.bandMin, this.bandMax, this.mark].filter((v): v is number => v !== null && Number.isFinite(v));
    const lo = Math.floor((Math.min(...values) - 2) / 5) * 5;
    const hi = Math.ceil((Math.max(...values) + 2) / 5) * 5;
    if (lo !== this.yRange[0] || hi !== this.yRange[1]) this.yRange = [lo, hi];
  }

  /** Drawing is a side effect on the chart, not component state, so it belongs after the update. */
  protected override updated(changed: PropertyValues<this>): void {
    if (!this.plot) return;
    if (changed.has('seconds')) {
      this.rebuild();
      return;
    }
    // Resetting the scales re-ranges y (from yRange) and recomputes which samples fall in the window.
    this.plot.setData(this.data);
  }

  protected override makePlot(width: number, height: number): uPlot {
    const style = getComputedStyle(this);
    const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const line = colour('--sw-accent', '#4cc9f0');
    const grid = colour('--sw-track', '#2d3540');
    const text = colour('--sw-muted', '#a7b0bc');
    const band = colour('--sw-ok', '#4ade80');
    const mark = colour('--sw-fg', '#f4f6f8');
    const font = '600 15px system-ui, sans-serif';
    const axis: uPlot.Axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { show: false }, gap: 4 };
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: false, auto: false, range: [-this.seconds, 0] },
        y: { auto: true, range: () => this.yRange },
      },
      axes: [
        { ...axis, size: 30, values: (_u, ticks) => ticks.map((t) => (t === 0 ? 'now' : `${Math.round(t)} s`)), incrs: [5] },
        { ...axis, size: 48, values: (_u, ticks) => ticks.map((t) => `${t}°`), incrs: [5, 10, 20, 30, 50, 100], space: 24 },
      ],
      series: [{}, { stroke: line, width: 3, points: { show: false }, spanGaps: false }],
      hooks: {
        // Shaded band and end position, under the line.
        drawAxes: [
          (u) => {
            const ctx = u.ctx;
            const { left, width: w, top, height: h } = u.bbox;
            ctx.save();
            ctx.beginPath();
            ctx.rect(left, top, w, h);
            ctx.clip();
            if (this.bandMin !== null && this.bandMax !== null) {
              const y1 = u.valToPos(this.bandMax, 'y', true);
              const y2 = u.valToPos(this.bandMin, 'y', true);
              ctx.globalAlpha = 0.18;
              ctx.fillStyle = band;
              ctx.fillRect(left, Math.min(y1, y2), w, Math.max(2, Math.abs(y2 - y1)));
            }
            if (this.mark !== null) {
              const y = u.valToPos(this.mark, 'y', true);
              ctx.globalAlpha = 0.8;
              ctx.strokeStyle = mark;
              ctx.lineWidth = 2 * devicePixelRatio;
              ctx.setLineDash([8 * devicePixelRatio, 6 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + w, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
    return new uPlot(opts, this.data, this.container);
  }

  static override styles = [
    UPlotHost.styles,
    css`
      :host {
        min-height: 6rem;
      }
      :host([stale]) .plot {
        opacity: 0.45;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-angle-trace': SwivelAngleTrace;
  }
}
