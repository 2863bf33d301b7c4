import { css, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import { UPlotHost } from './uplot-host.ts';

/**
 * Range of motion per side over sessions, as a uPlot chart: one point per session (oldest left),
 * left and right as two lines, the normal range shaded. Sessions are spaced evenly (a month of
 * sessions reads better than a time axis with most of them bunched up); `labels` names each one.
 * A null is a side not measured that session; the line joins across it.
 */
@customElement('swivel-history-rom-chart')
export class SwivelHistoryRomChart extends UPlotHost {
  /** One per session, oldest first (e.g. "25 Nov"). */
  @property({ attribute: false }) labels: readonly string[] = [];
  @property({ attribute: false }) left: readonly (number | null)[] = [];
  @property({ attribute: false }) right: readonly (number | null)[] = [];
  @property({ type: Number, attribute: 'normal-min' }) normalMin: number | null = null;
  @property({ type: Number, attribute: 'normal-max' }) normalMax: number | null = null;
  @property() override label = 'Range of motion per session';

  private data: uPlot.AlignedData = [[], [], []];
  private yRange: [number, number] = [0, 60];

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const n = Math.max(this.left.length, this.right.length);
    this.data = [Array.from({ length: n }, (_, i) => i), [...this.left], [...this.right]];
    const values = [...this.left, ...this.right, this.normalMin, this.normalMax].filter((v): v is number => v !== null && Number.isFinite(v));
    // The points fill the chart: the range covers them and the normal band, in 10° steps.
    const lo = values.length > 0 ? Math.floor((Math.min(...values) - 5) / 10) * 10 : 0;
    const hi = values.length > 0 ? Math.max(lo + 20, Math.ceil((Math.max(...values) + 5) / 10) * 10) : 60;
    this.yRange = [lo, hi];
  }

  protected override updated(): void {
    // The x scale's range and the tick labels follow the number of sessions: rebuild (a handful of points).
    if (this.plot) this.rebuild();
  }

  protected override makePlot(width: number, height: number): uPlot {
    const style = getComputedStyle(this);
    const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const leftColour = colour('--sw-left', '#4cc9f0');
    const rightColour = colour('--sw-right', '#f78fb3');
    const grid = colour('--sw-track', '#2d3540');
    const text = colour('--sw-muted', '#a7b0bc');
    const band = colour('--sw-ok', '#4ade80');
    const font = '600 15px system-ui, sans-serif';
    const n = this.data[0].length;
    const labels = this.labels;
    const axis: uPlot.Axis = { stroke: text, font, grid: { stroke: grid, width: 1 }, ticks: { show: false }, gap: 4 };
    const series = (stroke: string, dash?: number[]): uPlot.Series => ({
      stroke,
      width: 3,
      dash,
      spanGaps: true,
      points: { show: true, size: 12, width: 2, fill: stroke, stroke },
    });
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: false, auto: false, range: [-0.5, Math.max(0.5, n - 0.5)] },
        y: { auto: false, range: () => this.yRange },
      },
      axes: [
        {
          ...axis,
          size: 34,
          space: 70,
          incrs: [1, 2, 5, 10, 20, 50, 100],
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (labels[t] ?? '') : '')),
          grid: { show: false },
        },
        { ...axis, size: 52, values: (_u, ticks) => ticks.map((t) => `${t}°`), incrs: [5, 10, 20, 30, 50, 100], space: 28 },
      ],
      series: [{}, series(leftColour), series(rightColour, [10, 6])],
      hooks: {
        drawAxes: [
          (u) => {
            if (this.normalMin === null || this.normalMax === null) return;
            const ctx = u.ctx;
            const { left, width: w, top, height: h } = u.bbox;
            ctx.save();
            ctx.beginPath();
            ctx.rect(left, top, w, h);
            ctx.clip();
            const y1 = u.valToPos(this.normalMax, 'y', true);
            const y2 = u.valToPos(this.normalMin, 'y', true);
            // A single normal value (45–45°) still shows, as a thicker line.
            const thick = Math.max(4 * devicePixelRatio, Math.abs(y2 - y1));
            ctx.globalAlpha = 0.2;
            ctx.fillStyle = band;
            ctx.fillRect(left, (y1 + y2) / 2 - thick / 2, w, thick);
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
        min-height: 10rem;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-history-rom-chart': SwivelHistoryRomChart;
  }
}
