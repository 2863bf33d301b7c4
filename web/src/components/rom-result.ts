import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Side } from '../../../hub/protocol/programme.ts';
import type { RomView } from '../../../hub/protocol/session.ts';
import { formatAngle } from '../view-model/format.ts';

type Compared = 'below' | 'within' | 'above';

const COMPARED_TEXT: Record<Compared, string> = { below: 'below normal', within: 'within normal', above: 'above normal' };

/**
 * One range-of-motion test's result: each side's best angle as a bar against the normal range, and
 * the left/right difference. Primitives only; bar positions are derived in `willUpdate`.
 */
@customElement('swivel-rom-result')
export class SwivelRomResult extends LitElement {
  @property() name = '';
  @property({ type: Number, attribute: 'normal-min' }) normalMin = 0;
  @property({ type: Number, attribute: 'normal-max' }) normalMax = 0;
  @property({ type: Number, attribute: 'left-best' }) leftBest: number | null = null;
  @property({ type: Number, attribute: 'right-best' }) rightBest: number | null = null;
  @property({ attribute: 'left-compared' }) leftCompared: Compared | null = null;
  @property({ attribute: 'right-compared' }) rightCompared: Compared | null = null;
  @property({ type: Number, attribute: 'left-trials' }) leftTrials = 0;
  @property({ type: Number, attribute: 'right-trials' }) rightTrials = 0;
  /** Left/right difference, degrees and percent of the larger; null until both sides are measured. */
  @property({ type: Number, attribute: 'asymmetry-deg' }) asymmetryDeg: number | null = null;
  @property({ type: Number, attribute: 'asymmetry-percent' }) asymmetryPercent: number | null = null;
  @property() lesser: Side | null = null;

  private scaleMax = 60;
  private rows: { side: string; text: string; width: number; compared: Compared | null; detail: string; testid: string }[] = [];
  private bandLeft = 0;
  private bandWidth = 0;
  private asymmetryText = '';

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const top = Math.max(this.normalMax, this.leftBest ?? 0, this.rightBest ?? 0);
    this.scaleMax = Math.max(20, Math.ceil((top * 1.15) / 10) * 10);
    const pct = (deg: number) => (Math.max(0, deg) / this.scaleMax) * 100;
    this.bandLeft = pct(this.normalMin);
    this.bandWidth = Math.max(1, pct(this.normalMax) - pct(this.normalMin));
    const row = (side: 'Left' | 'Right', best: number | null, compared: Compared | null, trials: number) => ({
      side,
      text: best === null ? '\u2013' : `${formatAngle(best)}\u00b0`,
      width: best === null ? 0 : pct(best),
      compared,
      detail: best === null ? 'not measured yet' : `${compared ? COMPARED_TEXT[compared] : ''}${trials > 0 ? ` \u00b7 best of ${trials}` : ''}`,
      testid: `rom-${side.toLowerCase()}`,
    });
    this.rows = [row('Left', this.leftBest, this.leftCompared, this.leftTrials), row('Right', this.rightBest, this.rightCompared, this.rightTrials)];
    this.asymmetryText =
      this.asymmetryDeg === null
        ? 'Left/right difference: once both sides are measured'
        : this.asymmetryDeg < 0.5
          ? 'Left and right are the same'
          : `${this.lesser === 'left' ? 'Left' : this.lesser === 'right' ? 'Right' : 'One side'} turns ${formatAngle(this.asymmetryDeg)}\u00b0 less (${Math.round(this.asymmetryPercent ?? 0)} %)`;
  }

  protected override render() {
    const normal = this.normalMin === this.normalMax ? `${this.normalMin}\u00b0` : `${this.normalMin}\u2013${this.normalMax}\u00b0`;
    return html`
      <section class="rom" aria-label=${`${this.name}: range of motion`}>
        <h3>${this.name} <span class="normal">normal ${normal}</span></h3>
        ${this.rows.map(
          (r) => html`
            <div class="row" data-testid=${r.testid} data-compared=${r.compared ?? 'none'}>
              <span class="side">${r.side}</span>
              <div class="bar" aria-hidden="true">
                <span class="band" style=${`left:${this.bandLeft}%;width:${this.bandWidth}%`}></span>
                <span class="fill" style=${`width:${r.width}%`}></span>
              </div>
              <span class="value">${r.text}</span>
              <span class="detail">${r.detail}</span>
            </div>
          `,
        )}
        <p class="asym" data-testid="rom-asymmetry">${this.asymmetryText}</p>
      </section>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      color: var(--sw-fg, #f4f6f8);
    }
    .rom {
      padding: 1rem 1.25rem;
      border-radius: 1rem;
      background: var(--sw-panel, #151a21);
    }
    h3 {
      margin: 0 0 0.5rem;
      font-size: 1.35rem;
    }
    .normal {
      font-size: 1rem;
      font-weight: 600;
      color: var(--sw-muted, #a7b0bc);
    }
    .row {
      display: grid;
      grid-template-columns: 3.75rem minmax(5rem, 1fr) 4.75rem;
      grid-template-areas: 'side bar value' '. detail detail';
      align-items: center;
      column-gap: 0.75rem;
      margin: 0.4rem 0;
    }
    .side {
      grid-area: side;
      font-size: 1.25rem;
      font-weight: 700;
    }
    .bar {
      grid-area: bar;
      position: relative;
      height: 1.5rem;
      border-radius: 0.4rem;
      background: var(--sw-track, #2d3540);
      overflow: hidden;
    }
    .band {
      position: absolute;
      top: 0;
      bottom: 0;
      background: var(--sw-ok, #4ade80);
      opacity: 0.35;
    }
    .fill {
      position: absolute;
      left: 0;
      top: 0.35rem;
      bottom: 0.35rem;
      border-radius: 0 0.3rem 0.3rem 0;
      background: var(--sw-accent, #4cc9f0);
    }
    .value {
      grid-area: value;
      text-align: right;
      font-size: 2rem;
      font-weight: 800;
      font-variant-numeric: tabular-nums;
    }
    .detail {
      grid-area: detail;
      font-size: 1rem;
      color: var(--sw-muted, #a7b0bc);
    }
    [data-compared='below'] .detail {
      color: var(--sw-warn, #ffc14d);
    }
    .asym {
      margin: 0.5rem 0 0;
      font-size: 1.15rem;
      font-weight: 700;
    }
  `;
}

/** A `<swivel-rom-result>` for one of the session's range-of-motion results. */
export function romResult(rom: RomView, name: string, className = ''): TemplateResult {
  return html`<swivel-rom-result
    class=${className}
    .name=${name}
    .normalMin=${rom.normal.min}
    .normalMax=${rom.normal.max}
    .leftBest=${rom.left?.best ?? null}
    .rightBest=${rom.right?.best ?? null}
    .leftCompared=${rom.left?.comparedWithNormal ?? null}
    .rightCompared=${rom.right?.comparedWithNormal ?? null}
    .leftTrials=${rom.left?.trials.length ?? 0}
    .rightTrials=${rom.right?.trials.length ?? 0}
    .asymmetryDeg=${rom.asymmetry?.deg ?? null}
    .asymmetryPercent=${rom.asymmetry?.percent ?? null}
    .lesser=${rom.asymmetry?.lesser ?? null}
  ></swivel-rom-result>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-rom-result': SwivelRomResult;
  }
}
