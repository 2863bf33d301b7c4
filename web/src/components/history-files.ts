import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { buttonStyles } from '../styles/shared-styles.ts';

/** The person chose a recording to import, of this exercise and side. */
export class HistoryImportEvent extends Event {
  static readonly eventName = 'swivel-history-import' as const;
  constructor(
    readonly file: File,
    readonly exerciseId: string,
    readonly side: 'left' | 'right' | null,
  ) {
    super(HistoryImportEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'swivel-history-import': HistoryImportEvent;
  }
}

/**
 * The history's files: every set of every session as one spreadsheet (CSV) to download, and a
 * recording (a CSV in the `swivel analyze` format) to import as a session. A viewer may download
 * but not import. It fetches nothing: the import goes upward as an event, its outcome comes back
 * as `note`.
 */
@customElement('swivel-history-files')
export class SwivelHistoryFiles extends LitElement {
  /** The exercises a sensor follows, for the import's choice: id and name. */
  @property({ attribute: false }) exercises: readonly { id: string; name: string }[] = [];
  @property({ type: Boolean, attribute: 'can-import' }) canImport = false;
  @property({ type: Boolean }) busy = false;
  /** What became of the last import, in words; empty for nothing to say. */
  @property() note = '';
  @state() private importing = false;

  protected override render() {
    return html`
      <div class="row">
        <a class="button" href="/api/sessions/summary.csv" download data-testid="history-download-sets">Download all sets (CSV)</a>
        ${this.canImport && !this.importing
          ? html`<button type="button" data-testid="history-import-open" @click=${() => (this.importing = true)}>Import a recording…</button>`
          : nothing}
      </div>
      ${this.importing ? this.renderForm() : nothing}
      ${this.note ? html`<p class="note" role="status" data-testid="history-import-note">${this.note}</p>` : nothing}
    `;
  }

  private renderForm() {
    return html`<form class="import" data-testid="history-import-form" @submit=${this.onSubmit}>
      <label>Recording (CSV: t, ax, ay, az, gx, gy, gz)<input type="file" name="file" accept=".csv,text/csv" required /></label>
      <label>Exercise
        <select name="exercise" required>${this.exercises.map((e) => html`<option value=${e.id}>${e.name}</option>`)}</select>
      </label>
      <label>Side
        <select name="side"><option value="">Not said</option><option value="left">Left</option><option value="right">Right</option></select>
      </label>
      <div class="row">
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Importing…' : 'Import'}</button>
        <button type="button" @click=${() => (this.importing = false)}>Cancel</button>
      </div>
    </form>`;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    const side = form.get('side');
    this.dispatchEvent(new HistoryImportEvent(file, String(form.get('exercise')), side === 'left' || side === 'right' ? side : null));
    this.importing = false;
  }

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        margin-bottom: 0.75rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
      }
      a.button {
        display: inline-flex;
        align-items: center;
        min-height: 48px;
        padding: 0.4rem 1.1rem;
        border-radius: 0.7rem;
        background: var(--sw-panel, #151a21);
        color: var(--sw-fg, #f4f6f8);
        text-decoration: none;
        font-size: 1.1rem;
        border: 1px solid var(--sw-muted, #a7b0bc);
      }
      .import {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1.25rem;
        align-items: end;
        margin-top: 0.75rem;
        padding: 1rem;
        border-radius: 1rem;
        background: var(--sw-panel, #151a21);
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 0.3rem;
        font-size: 1.05rem;
      }
      input,
      select {
        min-height: 44px;
        font-size: 1.05rem;
      }
      .note {
        margin: 0.5rem 0 0;
        color: var(--sw-muted, #a7b0bc);
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-history-files': SwivelHistoryFiles;
  }
}
