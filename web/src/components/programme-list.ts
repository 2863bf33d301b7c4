import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Exercise, Programme } from '../../../hub/protocol/programme.ts';
import { SessionCommandEvent } from './events.ts';
import { SIDE_LABEL, targetText } from '../view-model/programme-text.ts';
import { buttonStyles } from '../styles/shared-styles.ts';

interface StageView {
  id: string;
  title: string;
  purpose: string;
  exercises: { exercise: Exercise; number: number; targets: string }[];
}


/**
 * The programme: the assessment and the six stages, each exercise with its targets, and a start button
 * for each and for the whole programme. The programme object is immutable (it changes only with the
 * hub), so it is compared by reference; the rest are primitives.
 */
@customElement('swivel-programme-list')
export class SwivelProgrammeList extends LitElement {
  @property({ attribute: false }) programme: Programme | null = null;
  /** The exercise under way (highlighted), or null. */
  @property({ attribute: 'current-exercise' }) currentExercise: string | null = null;
  /** A session is under way: starting an exercise jumps to it. */
  @property({ type: Boolean }) running = false;
  /** This device may start exercises (false on a viewer, whose commands the hub refuses). */
  @property({ type: Boolean }) steers = true;
  /** Sides done (completed sets), as `doneKey()` keys. */
  @property({ attribute: false }) done: readonly string[] = [];

  private stages: StageView[] = [];
  private doneSet = new Set<string>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('programme')) {
      const programme = this.programme;
      this.stages = [];
      if (programme) {
        for (const stage of programme.stages) {
          const exercises = programme.exercises
            .filter((e) => e.stage === stage.id)
            .map((exercise) => ({ exercise, number: programme.exercises.indexOf(exercise) + 1, targets: targetText(exercise) }));
          this.stages.push({ id: stage.id, title: stage.title, purpose: stage.purpose, exercises });
        }
      }
    }
    if (changed.has('done')) this.doneSet = new Set(this.done);
  }

  protected override render() {
    const programme = this.programme;
    if (!programme) return html`<p class="loading" role="status">Loading the programme from the hub\u2026</p>`;
    return html`
      <div class="top">
        <div>
          <h2>${programme.title}</h2>
          <p class="description">${programme.description}</p>
        </div>
        ${this.steers
          ? html`<button type="button" class="primary whole" data-testid="start-programme" @click=${() => this.start()}>
              ${this.running ? 'Restart the programme' : 'Start the whole programme'}
            </button>`
          : nothing}
      </div>
      ${this.stages.map(
        (stage, i) => html`
          <section class="stage" aria-labelledby=${`stage-${stage.id}`}>
            <h3 id=${`stage-${stage.id}`}><span class="stage-no">${i === 0 ? 'Check' : `Stage ${i}`}</span> ${stage.title}</h3>
            <p class="purpose">${stage.purpose}</p>
            <ol class="exercises">
              ${stage.exercises.map(({ exercise, number, targets }) => {
                const current = exercise.id === this.currentExercise;
                return html`
                  <li class=${current ? 'exercise current' : 'exercise'} data-testid=${`exercise-${exercise.id}`}>
                    <span class="number" aria-hidden="true">${number}</span>
                    <div class="text">
                      <span class="name">${exercise.name}</span>
                      <span class="targets">${targets}</span>
                    </div>
                    <span class="sides">
                      ${exercise.sides.map((side) =>
                        this.doneSet.has(`${exercise.id}:${side}`)
                          ? html`<span class="done" title=${`${SIDE_LABEL[side]} side done`}>\u2713 ${SIDE_LABEL[side][0]}</span>`
                          : '',
                      )}
                    </span>
                    ${current
                      ? html`<span class="now">Now</span>`
                      : !this.steers
                      ? nothing
                      : html`<button
                          type="button"
                          data-testid=${`start-${exercise.id}`}
                          aria-label=${`Start ${exercise.name}`}
                          @click=${() => this.start(exercise.id)}
                        >
                          Start
                        </button>`}
                  </li>
                `;
              })}
            </ol>
          </section>
        `,
      )}
    `;
  }

  private start(exerciseId?: Exercise['id']): void {
    this.dispatchEvent(new SessionCommandEvent(exerciseId ? { action: 'start', exerciseId } : { action: 'start' }));
  }

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        color: var(--sw-fg, #f4f6f8);
      }
      .loading {
        font-size: 1.5rem;
        padding: 2rem;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 1rem 2rem;
        margin-bottom: 1rem;
      }
      .top > div {
        flex: 1 1 24rem;
      }
      h2 {
        margin: 0;
        font-size: 2rem;
      }
      .description {
        margin: 0.35rem 0 0;
        font-size: 1.05rem;
        line-height: 1.4;
        color: var(--sw-muted, #a7b0bc);
      }
      .whole {
        font-size: 1.35rem;
        min-height: 64px;
        padding: 0.5rem 1.5rem;
      }
      .stage {
        margin-top: 1.25rem;
      }
      h3 {
        margin: 0;
        font-size: 1.5rem;
      }
      .stage-no {
        display: inline-block;
        margin-right: 0.4rem;
        padding: 0.05rem 0.55rem;
        border-radius: 0.4rem;
        background: var(--sw-panel-2, #1f2630);
        color: var(--sw-muted, #a7b0bc);
        font-size: 0.95rem;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        vertical-align: 0.2em;
      }
      .purpose {
        margin: 0.25rem 0 0.5rem;
        font-size: 1.05rem;
        color: var(--sw-muted, #a7b0bc);
      }
      .exercises {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      .exercise {
        display: flex;
        align-items: center;
        gap: 1rem;
        padding: 0.5rem 0.75rem 0.5rem 1rem;
        border-radius: 0.8rem;
        background: var(--sw-panel, #151a21);
        border: 2px solid transparent;
      }
      .exercise.current {
        border-color: var(--sw-accent, #4cc9f0);
      }
      .number {
        flex: none;
        width: 2rem;
        font-size: 1.25rem;
        font-weight: 700;
        color: var(--sw-muted, #a7b0bc);
        font-variant-numeric: tabular-nums;
      }
      .text {
        flex: 1;
        display: flex;
        flex-direction: column;
        min-width: 0;
      }
      .name {
        font-size: 1.3rem;
        font-weight: 700;
      }
      .targets {
        font-size: 1.05rem;
        color: var(--sw-muted, #a7b0bc);
      }
      .sides {
        display: flex;
        gap: 0.4rem;
      }
      .done {
        font-weight: 700;
        color: var(--sw-ok, #4ade80);
        white-space: nowrap;
      }
      .now {
        min-width: 48px;
        padding: 0 1.1rem;
        font-weight: 800;
        color: var(--sw-accent, #4cc9f0);
        text-transform: uppercase;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-programme-list': SwivelProgrammeList;
  }
}
