import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * Counted reps against the target, in type big enough for across the room. Provisional reps (ended,
 * not yet judged against the set's range) are shown apart and dashed: they may still turn out to be
 * partials. Partials and end holds that fell short are shown, never counted.
 */
@customElement('swivel-rep-counter')
export class SwivelRepCounter extends LitElement {
  @property({ type: Number }) reps = 0;
  @property({ type: Number }) target: number | null = null;
  @property({ type: Number }) pending = 0;
  @property({ type: Number }) partials = 0;
  @property({ type: Number, attribute: 'missed-holds' }) missedHolds = 0;
  /** End hold each rep should reach, seconds (null: none). */
  @property({ type: Number, attribute: 'end-hold' }) endHold: number | null = null;
  /** Word under the number ("reps", "taps", "trials"). */
  @property() unit = 'reps';

  private label = '';
  private notes: { key: string; text: string; testid: string }[] = [];

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const of = this.target !== null ? ` of ${this.target}` : '';
    const pending = this.pending > 0 ? `, ${this.pending} more being checked` : '';
    this.label = `${this.reps}${of} ${this.unit} counted${pending}`;
    this.notes = [];
    if (this.partials > 0) {
      this.notes.push({ key: 'partials', testid: 'partials', text: `${this.partials} short \u2014 not counted` });
    }
    if (this.missedHolds > 0) {
      const hold = this.endHold !== null ? ` (${this.endHold} s)` : '';
      this.notes.push({ key: 'holds', testid: 'missed-holds', text: `${this.missedHolds} end hold${this.missedHolds === 1 ? '' : 's'} too short${hold}` });
    }
  }

  protected override render() {
    return html`
      <div class="counter" role="group" aria-label=${this.label}>
        <div class="numbers" aria-hidden="true">
          <span class="count" data-testid="rep-count">${this.reps}</span>
          ${this.target !== null ? html`<span class="target">/ <span data-testid="rep-target">${this.target}</span></span>` : ''}
        </div>
        <div class="unit" aria-hidden="true">
          ${this.unit}
          ${this.pending > 0
            ? html`<span class="pending" data-testid="rep-pending" title="Ended, still being checked: may turn out partial">+${this.pending} checking</span>`
            : ''}
        </div>
        ${this.notes.map((note) => html`<div class="note" data-testid=${note.testid}>${note.text}</div>`)}
      </div>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      container-type: inline-size;
      color: var(--sw-fg, #f4f6f8);
    }
    .counter {
      display: flex;
      flex-direction: column;
      align-items: center;
      text-align: center;
    }
    .numbers {
      display: flex;
      align-items: baseline;
      gap: 0.15em;
      font-variant-numeric: tabular-nums;
      line-height: 0.95;
    }
    .count {
      font-size: clamp(6rem, 42cqi, 16rem);
      font-weight: 800;
    }
    .target {
      font-size: clamp(2.5rem, 15cqi, 6rem);
      font-weight: 700;
      color: var(--sw-muted, #a7b0bc);
    }
    .unit {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: center;
      gap: 0.5em;
      font-size: clamp(1.25rem, 7cqi, 2.25rem);
      font-weight: 700;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      color: var(--sw-muted, #a7b0bc);
    }
    .pending {
      padding: 0.05em 0.5em;
      border: 3px dashed var(--sw-busy, #7cb8ff);
      border-radius: 0.5em;
      color: var(--sw-busy, #7cb8ff);
      font-style: italic;
      text-transform: none;
      letter-spacing: 0;
    }
    .note {
      margin-top: 0.35em;
      font-size: clamp(1.1rem, 6cqi, 1.75rem);
      font-weight: 700;
      color: var(--sw-warn, #ffc14d);
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-rep-counter': SwivelRepCounter;
  }
}
