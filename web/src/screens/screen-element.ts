import { LitElement, html, nothing } from 'lit';

/**
 * A screen (or the header) of <swivel-app>. It renders into the app's shadow root rather than a
 * shadow root of its own: the app's layout styles (web/src/styles/) place its parts in the app's
 * grid, and the element itself is `display: contents`. Screens take their part of the view model
 * and fire typed events (web/src/components/events.ts) on user action; they own no state.
 */
export class ScreenElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** The heading line of the exercise and rest screens. */
export function screenTitle(name: string, side: string, setText: string, detail: string, countingText = '') {
  return html`
    <div class="title">
      <h2 data-testid="exercise-name">${name}</h2>
      ${side ? html`<span class="side-chip" data-testid="exercise-side">${side} side</span>` : nothing}
      ${setText ? html`<span class="set" data-testid="exercise-set">${setText}</span>` : nothing}
      <span class="where">${detail}</span>
      ${countingText ? html`<span class="counting-sensor" data-testid="counting-sensor">${countingText}</span>` : nothing}
    </div>
  `;
}
