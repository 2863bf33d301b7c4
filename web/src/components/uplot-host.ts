import { LitElement, css, html, unsafeCSS, type CSSResultGroup } from 'lit';
import { query } from 'lit/decorators.js';
import type uPlot from 'uplot';
import uPlotStyles from 'uplot/dist/uPlot.min.css?inline';

/**
 * What every uPlot chart of the dashboard shares: a `.plot` container sized by CSS, a chart made
 * once the container has a size and resized with it, and remade when the theme changes (the chart's
 * colours come from CSS custom properties, which uPlot reads only when it is made; the theme is the
 * page root's `data-theme`, see theme.ts).
 * A subclass says how to make its chart (`makePlot`) and when to feed it data.
 */
export abstract class UPlotHost extends LitElement {
  /** uPlot's own CSS and a `.plot` that fills the host; a subclass adds its height and the rest. */
  static override styles: CSSResultGroup = [
    unsafeCSS(uPlotStyles),
    css`
      :host {
        display: block;
        position: relative;
      }
      .plot {
        position: absolute;
        inset: 0;
      }
      .uplot {
        font-family: inherit;
      }
    `,
  ];

  @query('.plot') protected container!: HTMLDivElement;
  protected plot: uPlot | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private readonly themeObserver = new MutationObserver(() => this.rebuild());

  /** The chart's accessible description. */
  abstract get label(): string;

  /** Makes the chart in `this.container` at this size. */
  protected abstract makePlot(width: number, height: number): uPlot;

  override connectedCallback(): void {
    super.connectedCallback();
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.themeObserver.disconnect();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.plot?.destroy();
    this.plot = null;
  }

  protected override render() {
    return html`<div class="plot" role="img" aria-label=${this.label}></div>`;
  }

  protected override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.container);
  }

  private resize(): void {
    const box = this.container.getBoundingClientRect();
    const width = Math.floor(box.width);
    const height = Math.floor(box.height);
    if (width < 10 || height < 10) return;
    if (!this.plot) this.plot = this.makePlot(width, height);
    else if (this.plot.width !== width || this.plot.height !== height) this.plot.setSize({ width, height });
  }

  /** Makes the chart afresh (new options, or new colours). */
  protected readonly rebuild = (): void => {
    this.plot?.destroy();
    this.plot = null;
    this.resize();
  };
}
