import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { historyStyles } from './history-styles.ts';
import { customElement, property } from 'lit/decorators.js';
import type { Exercise, Programme } from '../../../hub/protocol/programme.ts';
import type { HistoryState } from '../connection/history-controller.ts';
import { asymmetryTrend, romPoints, type HistoryFigure, type HistorySession } from '../view-model/history-model.ts';
import { NavigateEvent } from '../components/events.ts';
import { formatAngle } from '../view-model/format.ts';
import { SIDE_LABEL, formatDuration } from '../view-model/programme-text.ts';
import '../components/history-rom-chart.ts';
import '../components/history-files.ts';

/** The person asked for the next page of sessions (`more`) or to try loading again (`reload`). */
export class HistoryRequestEvent extends Event {
  static readonly eventName = 'swivel-history-request' as const;
  constructor(readonly request: 'more' | 'reload') {
    super(HistoryRequestEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-history-request': HistoryRequestEvent;
  }
}

interface Row {
  id: number;
  date: string;
  meta: string;
  status: string;
  lines: { name: string; side: string; text: string }[];
  problem: string | null;
}

interface RomChart {
  exerciseId: string;
  name: string;
  normalMin: number;
  normalMax: number;
  normalText: string;
  labels: string[];
  left: (number | null)[];
  right: (number | null)[];
  latestText: string;
  summary: string;
  trendText: string;
  days: { day: string; left: string; right: string; diff: string }[];
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const shortDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Recorded sessions, newest first, with what each exercise and side came to; range of motion per
 * side over the sessions against the normal range; and the left/right difference day by day. Takes
 * the loaded sessions (an immutable array) and the programme, derives everything in `willUpdate`,
 * and fires events for going back and loading more. It fetches nothing.
 */
@customElement('swivel-history-screen')
export class SwivelHistoryScreen extends LitElement {
  @property() state: HistoryState = 'idle';
  @property() message = '';
  @property({ attribute: false }) sessions: readonly HistorySession[] = [];
  @property({ type: Number }) total = 0;
  @property({ type: Boolean, attribute: 'loading-more' }) loadingMore = false;
  @property({ attribute: false }) programme: Programme | null = null;
  /** Whether this device may change things (a coach or the hub's own screen): it may import. */
  @property({ type: Boolean }) steers = false;
  @property({ attribute: false }) importNote = '';
  @property({ type: Boolean }) importBusy = false;

  private rows: Row[] = [];
  private importable: { id: string; name: string }[] = [];
  private charts: RomChart[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('sessions') && !changed.has('programme')) return;
    const exercises = new Map<string, Exercise>((this.programme?.exercises ?? []).map((e) => [e.id, e]));
    const name = (id: string) => exercises.get(id)?.name ?? id;
    this.importable = (this.programme?.exercises ?? []).filter((e) => e.sensor.canFollow).map((e) => ({ id: e.id, name: e.name }));
    this.rows = this.sessions.map((s) => {
      const start = new Date(s.startedAt);
      const order = new Map(s.exercises.map((id, i) => [id, i]));
      const figures = [...s.figures].sort((a, b) => (order.get(a.exerciseId) ?? 99) - (order.get(b.exerciseId) ?? 99) || (a.side === 'left' ? -1 : 1));
      return {
        id: s.id,
        date: `${dayFormat.format(start)}, ${timeFormat.format(start)}`,
        meta: [formatDuration(s.durationSeconds), s.source === 'import' ? 'imported file' : '', s.name && s.source !== 'import' ? s.name : ''].filter(Boolean).join(' \u00b7 '),
        status: s.status === 'interrupted' ? 'Interrupted' : s.status === 'recording' ? 'Recording now' : '',
        lines:
          figures.length > 0
            ? figures.map((f) => ({ name: name(f.exerciseId), side: SIDE_LABEL[f.side], text: figureText(f, exercises.get(f.exerciseId)) }))
            : s.exercises.map((id) => ({ name: name(id), side: '', text: 'no results kept' })),
        problem: s.problem,
      };
    });

    // Range-of-motion exercises: those with a normal range in the programme (or, before the
    // programme has loaded, any that has results).
    const romIds = [...new Set(this.sessions.flatMap((s) => s.rom.map((r) => r.exerciseId)))].filter((id) => {
      const e = exercises.get(id);
      return !this.programme || (e?.kind === 'reps' && e.targets.maxAngle !== undefined);
    });
    const order = (this.programme?.exercises ?? []).map((e) => e.id as string);
    romIds.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.charts = romIds.map((id) => {
      const e = exercises.get(id);
      const normal = e?.kind === 'reps' ? e.targets.maxAngle?.normalDeg : undefined;
      const points = romPoints(this.sessions, id);
      const trend = asymmetryTrend(points);
      // Each day is named at its first session; the list has the times.
      const sameDay = (i: number) => i > 0 && shortDay.format(points[i]!.at) === shortDay.format(points[i - 1]!.at);
      const labels = points.map((p, i) => (sameDay(i) ? '' : shortDay.format(p.at)));
      const last = trend.at(-1);
      const first = trend[0];
      const latestLeft = points.findLast((p) => p.left !== null)?.left ?? null;
      const latestRight = points.findLast((p) => p.right !== null)?.right ?? null;
      let trendText = '';
      if (last && first && trend.length > 1) {
        const change = last.deg - first.deg;
        trendText =
          Math.abs(change) < 1
            ? `About the same as on ${shortDay.format(first.day)} (${formatAngle(first.deg)}\u00b0).`
            : `${change < 0 ? 'Closer' : 'Further apart'} by ${formatAngle(Math.abs(change))}\u00b0 since ${shortDay.format(first.day)} (${formatAngle(first.deg)}\u00b0).`;
      }
      return {
        exerciseId: id,
        name: name(id),
        normalMin: normal?.min ?? 0,
        normalMax: normal?.max ?? 0,
        normalText: normal ? (normal.min === normal.max ? `normal ${normal.min}\u00b0` : `normal ${normal.min}\u2013${normal.max}\u00b0`) : '',
        labels,
        left: points.map((p) => p.left),
        right: points.map((p) => p.right),
        latestText: `Latest best: left ${latestLeft === null ? '\u2013' : `${formatAngle(latestLeft)}\u00b0`}, right ${latestRight === null ? '\u2013' : `${formatAngle(latestRight)}\u00b0`}`,
        summary: !last
          ? 'Left/right difference: once both sides are measured on the same day'
          : last.lesser === null
            ? `Left and right the same on ${shortDay.format(last.day)}`
            : `${SIDE_LABEL[last.lesser]} turns ${formatAngle(last.deg)}\u00b0 less (${Math.round(last.percent)} %) on ${shortDay.format(last.day)}`,
        trendText,
        days: trend
          .slice(-6)
          .reverse()
          .map((t) => ({
            day: shortDay.format(t.day),
            left: `${formatAngle(t.left)}\u00b0`,
            right: `${formatAngle(t.right)}\u00b0`,
            diff: t.lesser === null ? 'same' : `${SIDE_LABEL[t.lesser]} \u2212${formatAngle(t.deg)}\u00b0`,
          })),
      };
    });
  }

  protected override render() {
    return html`
      <div class="top">
        <button type="button" class="back" data-testid="history-back" aria-label="Back to the programme" @click=${this.onBack}>\u2039 Programme</button>
        <h2>History</h2>
        ${this.state === 'ready' && this.total > 0
          ? html`<span class="count" data-testid="history-count">${this.total} session${this.total === 1 ? '' : 's'}</span>`
          : nothing}
      </div>
      ${this.state === 'ready' ? html`<swivel-history-files .exercises=${this.importable} .canImport=${this.steers} .busy=${this.importBusy} .note=${this.importNote}></swivel-history-files>` : nothing}
      ${this.renderBody()}
    `;
  }

  private renderBody() {
    switch (this.state) {
      case 'idle':
      case 'loading':
        return html`<p class="message" role="status" data-testid="history-loading">Loading recorded sessions\u2026</p>`;
      case 'unavailable':
        return html`<div class="message problem" role="alert" data-testid="history-unavailable">
          <strong>Recorded sessions are unavailable</strong>
          <span>The hub is not recording sessions, so there is no history to show. Live counting still works.</span>
          ${this.message ? html`<span class="reason">${this.message.replace(/^recorded sessions are unavailable:\s*/i, 'Why: ')}</span>` : nothing}
          <button type="button" @click=${() => this.request('reload')}>Try again</button>
        </div>`;
      case 'error':
        return html`<div class="message problem" role="alert" data-testid="history-error">
          <strong>Could not load the history</strong>
          <span>${this.message}</span>
          <button type="button" @click=${() => this.request('reload')}>Try again</button>
        </div>`;
      case 'ready':
        break;
    }
    if (this.sessions.length === 0) {
      return html`<div class="message" role="status" data-testid="history-empty">
        <strong>No sessions yet</strong>
        <span>Every session you do is recorded here: start one from the programme.</span>
      </div>`;
    }
    return html`
      <div class="layout">
        <section class="charts" aria-label="Range of motion over time">
          ${this.charts.length === 0
            ? html`<div class="card empty-rom">No range-of-motion checks recorded yet.</div>`
            : this.charts.map((c) => this.renderChart(c))}
        </section>
        <section class="list" aria-label="Sessions, newest first">
          <ol class="sessions" data-testid="history-list">
            ${this.rows.map(
              (r) => html`<li class="card session" data-testid="history-session" data-id=${r.id}>
                <div class="when">
                  <strong>${r.date}</strong>
                  <span class="meta">${r.meta}</span>
                  ${r.status ? html`<span class="chip">${r.status}</span>` : nothing}
                  <a class="replay" href=${`?replay=${r.id}`} data-testid="history-replay" aria-label=${`Replay the session of ${r.date}`}>Replay ▶</a>
                  <a class="replay download" href=${`/api/sessions/${r.id}/samples.csv`} download aria-label=${`Samples CSV of ${r.date}`}>Samples CSV</a>
                </div>
                <ul class="figures">
                  ${r.lines.map(
                    (l) => html`<li>
                      <span class="name">${l.name}</span>${l.side ? html`<span class="side">${l.side}</span>` : nothing}<span class="text">${l.text}</span>
                    </li>`,
                  )}
                </ul>
                ${r.problem ? html`<p class="meta">Results unavailable: ${r.problem}</p>` : nothing}
              </li>`,
            )}
          </ol>
          ${this.sessions.length < this.total
            ? html`<button type="button" class="more" data-testid="history-more" ?disabled=${this.loadingMore} @click=${() => this.request('more')}>
                ${this.loadingMore ? 'Loading\u2026' : `Load older sessions (${this.total - this.sessions.length} more)`}
              </button>`
            : nothing}
          ${this.message ? html`<p class="meta" role="status">${this.message}</p>` : nothing}
        </section>
      </div>
    `;
  }

  private renderChart(c: RomChart) {
    return html`<article class="card rom" data-testid=${`history-rom-${c.exerciseId}`} aria-label=${`${c.name}: range of motion per side`}>
      <h3>${c.name} <span class="normal">${c.normalText}</span></h3>
      <div class="legend" aria-hidden="true">
        <span class="key left"><i></i>Left</span>
        <span class="key right"><i></i>Right</span>
        <span class="key band"><i></i>Normal range</span>
      </div>
      <swivel-history-rom-chart
        .labels=${c.labels}
        .left=${c.left}
        .right=${c.right}
        .normalMin=${c.normalMin}
        .normalMax=${c.normalMax}
        .label=${`${c.name}, best angle per session. ${c.latestText}. ${c.normalText}.`}
      ></swivel-history-rom-chart>
      <p class="latest">${c.latestText}</p>
      <p class="asym" data-testid="history-asymmetry">${c.summary}</p>
      ${c.trendText ? html`<p class="trend" data-testid="history-asymmetry-trend">${c.trendText}</p>` : nothing}
      ${c.days.length > 1
        ? html`<table class="days">
            <caption class="sr-only">Left and right by day</caption>
            <thead><tr><th scope="col">Day</th><th scope="col">Left</th><th scope="col">Right</th><th scope="col">Difference</th></tr></thead>
            <tbody>${c.days.map((d) => html`<tr><th scope="row">${d.day}</th><td>${d.left}</td><td>${d.right}</td><td>${d.diff}</td></tr>`)}</tbody>
          </table>`
        : nothing}
    </article>`;
  }

  private onBack(): void {
    this.dispatchEvent(new NavigateEvent('programme'));
  }

  private request(kind: 'more' | 'reload'): void {
    this.dispatchEvent(new HistoryRequestEvent(kind));
  }

  static override styles = historyStyles;
}

function figureText(f: HistoryFigure, exercise: Exercise | undefined): string {
  const sets = f.sets > 1 ? ` in ${f.sets} sets` : '';
  if (exercise?.kind === 'reps' && exercise.targets.maxAngle) return `${f.reps} trial${f.reps === 1 ? '' : 's'}, best ${formatAngle(f.maxAngle)}\u00b0`;
  if (exercise?.kind === 'hold' || (f.holdSeconds !== null && f.reps === 0)) return `held ${formatDuration(f.holdSeconds ?? 0)}${sets}`;
  if (exercise?.kind === 'effort' || f.efforts !== null) return `${f.efforts ?? 0} efforts${sets}`;
  if (exercise?.kind === 'instruction') return 'done';
  const hold = f.holdSeconds !== null && f.holdSeconds > 0 ? `, held ${formatDuration(f.holdSeconds)}` : '';
  // A physio reads "10 reps, 3 short": the partials were found, not counted.
  const short = f.partials > 0 ? `, ${f.partials} short` : '';
  return `${f.reps} rep${f.reps === 1 ? '' : 's'}${short}${sets}${hold}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-history-screen': SwivelHistoryScreen;
  }
}
