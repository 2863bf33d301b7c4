import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Programme } from '../../../hub/protocol/programme.ts';
import type { RomView, SetResult } from '../../../hub/protocol/session.ts';
import { NavigateEvent, SessionCommandEvent } from '../components/events.ts';
import { formatAngle } from '../view-model/format.ts';
import { SIDE_LABEL, exerciseById, exerciseName, formatDuration } from '../view-model/programme-text.ts';
import { buttonStyles, srOnlyStyles } from '../styles/shared-styles.ts';
import { romResult } from '../components/rom-result.ts';

interface Row {
  key: string;
  name: string;
  side: string;
  sets: number;
  figures: string;
  gap: string;
  time: string;
  completed: boolean;
}

/**
 * The session summary: range-of-motion results against the normal range with the left/right
 * comparison, then every exercise and side done, with its reps, holds, efforts, angle and time.
 * `results` and `rom` are the session view's immutable arrays, compared by reference.
 */
@customElement('swivel-summary-screen')
export class SwivelSummaryScreen extends LitElement {
  @property({ attribute: false }) programme: Programme | null = null;
  @property({ attribute: false }) results: readonly SetResult[] = [];
  @property({ attribute: false }) rom: readonly RomView[] = [];
  /** Whole session, seconds (null: unknown). */
  @property({ type: Number, attribute: 'total-seconds' }) totalSeconds: number | null = null;
  /** This device may start a session (false on a viewer, whose commands the hub refuses). */
  @property({ type: Boolean }) steers = true;

  private rows: Row[] = [];
  private headline = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('results') || changed.has('programme')) {
      // One row per exercise and side, sets added together, in the order they were done.
      const byKey = new Map<string, Row & { reps: number; partials: number; missed: number; hold: number | null; efforts: number | null; max: number | null; gapSeconds: number; seconds: number; rom: boolean }>();
      for (const r of this.results) {
        const key = `${r.exerciseId}:${r.side}`;
        let row = byKey.get(key);
        if (!row) {
          const exercise = exerciseById(this.programme, r.exerciseId);
          row = { key, rom: exercise?.kind === 'reps' && exercise.targets.maxAngle !== undefined, name: exerciseName(this.programme, r.exerciseId), side: SIDE_LABEL[r.side], sets: 0, figures: '', gap: '', time: '', completed: true, reps: 0, partials: 0, missed: 0, hold: null, efforts: null, max: null, gapSeconds: 0, seconds: 0 };
          byKey.set(key, row);
        }
        row.sets++;
        row.reps += r.reps;
        row.partials += r.partials;
        row.missed += r.missedHolds;
        if (r.holdSeconds !== null) row.hold = (row.hold ?? 0) + r.holdSeconds;
        if (r.efforts !== null) row.efforts = (row.efforts ?? 0) + r.efforts;
        if (r.maxAngle !== null) row.max = Math.max(row.max ?? -Infinity, r.maxAngle);
        row.gapSeconds += r.gapSeconds;
        row.seconds += r.durationSeconds;
        row.completed &&= r.completed;
      }
      this.rows = [...byKey.values()].map((row) => {
        const parts: string[] = [];
        if (row.reps > 0 || (row.hold === null && row.efforts === null)) parts.push(`${row.reps} ${row.rom ? 'trials' : 'reps'}`);
        if (row.partials > 0) parts.push(`${row.partials} short rep${row.partials === 1 ? '' : 's'}`);
        if (row.missed > 0) parts.push(`${row.missed} short hold${row.missed === 1 ? '' : 's'}`);
        if (row.hold !== null) parts.push(`held ${formatDuration(row.hold)}`);
        if (row.efforts !== null) parts.push(`${row.efforts} efforts`);
        if (row.max !== null) parts.push(`${row.rom ? 'best' : 'max'} ${formatAngle(row.max)}\u00b0`);
        return { ...row, figures: parts.join(' \u00b7 '), gap: row.gapSeconds >= 1 ? `sensor gap ${formatDuration(row.gapSeconds)}` : '', time: formatDuration(row.seconds) };
      });
      const done = this.rows.filter((r) => r.completed).length;
      this.headline = this.rows.length === 0 ? 'Nothing was recorded in this session.' : `${done} of ${this.rows.length} exercise sides completed`;
    }
  }

  protected override render() {
    return html`
      <div class="top">
        <div>
          <h2>Session summary</h2>
          <p class="headline" data-testid="summary-headline">
            ${this.headline}${this.totalSeconds !== null ? html` \u00b7 ${formatDuration(this.totalSeconds)} in all` : ''}
          </p>
        </div>
        <button type="button" @click=${() => this.dispatchEvent(new NavigateEvent('programme'))}>Programme</button>
        ${this.steers
          ? html`<button type="button" class="primary" data-testid="start-again" @click=${() => this.dispatchEvent(new SessionCommandEvent({ action: 'start' }))}>Start again</button>`
          : nothing}
      </div>
      ${this.rom.length > 0
        ? html`<div class="rom" data-testid="summary-rom">
            ${this.rom.map((r) => romResult(r, exerciseName(this.programme, r.exerciseId)))}
          </div>`
        : ''}
      ${this.rows.length > 0
        ? html`<table data-testid="summary-table">
            <thead>
              <tr><th scope="col">Exercise</th><th scope="col">Side</th><th scope="col">Result</th><th scope="col">Time</th><th scope="col"><span class="sr-only">Completed</span></th></tr>
            </thead>
            <tbody>
              ${this.rows.map(
                (r) => html`<tr data-completed=${r.completed ? 'yes' : 'no'}>
                  <th scope="row">${r.name}${r.sets > 1 ? html` <span class="sets">(${r.sets} sets)</span>` : ''}</th>
                  <td>${r.side}</td>
                  <td>${r.figures}${r.gap ? html`<span class="gap">${r.gap}</span>` : ''}</td>
                  <td class="time">${r.time}</td>
                  <td class="mark">${r.completed ? html`<span class="ok" aria-label="completed">\u2713</span>` : html`<span class="short">not finished</span>`}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : ''}
    `;
  }

  static override styles = [
    buttonStyles,
    srOnlyStyles,
    css`
      :host {
        display: block;
        color: var(--sw-fg, #f4f6f8);
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 1rem;
        margin-bottom: 1rem;
      }
      .top > div {
        flex: 1 1 20rem;
      }
      h2 {
        margin: 0;
        font-size: 2.25rem;
      }
      .headline {
        margin: 0.25rem 0 0;
        font-size: 1.35rem;
        color: var(--sw-muted, #a7b0bc);
      }
      .rom {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr));
        gap: 1rem;
        margin-bottom: 1rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 1.2rem;
        background: var(--sw-panel, #151a21);
        border-radius: 1rem;
        overflow: hidden;
      }
      th,
      td {
        padding: 0.7rem 0.9rem;
        text-align: left;
        vertical-align: top;
        border-bottom: 1px solid var(--sw-track, #2d3540);
      }
      thead th {
        font-size: 0.95rem;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--sw-muted, #a7b0bc);
      }
      tbody th {
        font-weight: 700;
      }
      .sets,
      .gap {
        color: var(--sw-muted, #a7b0bc);
        font-weight: 500;
      }
      .gap {
        display: block;
        font-size: 1rem;
      }
      .time {
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .ok {
        color: var(--sw-ok, #4ade80);
        font-weight: 800;
        font-size: 1.4rem;
      }
      .short {
        color: var(--sw-warn, #ffc14d);
        font-weight: 700;
        white-space: nowrap;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-summary-screen': SwivelSummaryScreen;
  }
}
