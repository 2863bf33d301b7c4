import { LitElement, css, html, svg, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ThemeChoiceEvent } from './events.ts';
import { buttonStyles } from '../styles/shared-styles.ts';
import { THEME_CHOICES, type ThemeChoice } from '../styles/theme.ts';

const LABEL: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };
const TITLE: Record<ThemeChoice, string> = {
  system: 'Colours: follow the tablet\u2019s setting',
  light: 'Colours: light',
  dark: 'Colours: dark',
};

const ICON: Record<ThemeChoice, ReturnType<typeof svg>> = {
  // Half light, half dark: whichever the tablet says.
  system: svg`<circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" stroke-width="2.2" /><path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" />`,
  light: svg`<circle cx="12" cy="12" r="4.2" fill="currentColor" /><path d="M12 2.5v2.6M12 18.9v2.6M2.5 12h2.6M18.9 12h2.6M5.3 5.3l1.8 1.8M16.9 16.9l1.8 1.8M5.3 18.7l1.8-1.8M16.9 7.1l1.8-1.8" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />`,
  dark: svg`<path d="M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5z" fill="currentColor" />`,
};

/**
 * Three buttons that choose the dashboard's colours: System, Light, Dark. A radio group: Tab reaches
 * the chosen one, the arrow keys (and Home, End) move the choice, as a set of radio buttons does.
 * Fires `swivel-theme-choice`; the app, which owns the theme, applies it.
 */
@customElement('swivel-theme-switch')
export class SwivelThemeSwitch extends LitElement {
  @property() choice: ThemeChoice = 'system';
  /** A key moved the choice: focus follows it once the owner has set `choice`. */
  private focusChosen = false;

  protected override render() {
    return html`
      <div role="radiogroup" aria-label="Colour theme" @keydown=${this.onKeyDown}>
        ${THEME_CHOICES.map(
          (choice) => html`<button
            type="button"
            role="radio"
            data-testid=${`theme-${choice}`}
            data-choice=${choice}
            aria-checked=${choice === this.choice ? 'true' : 'false'}
            aria-label=${LABEL[choice]}
            title=${TITLE[choice]}
            tabindex=${choice === this.choice ? '0' : '-1'}
            @click=${() => this.pick(choice)}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICON[choice]}</svg>
          </button>`,
        )}
      </div>
    `;
  }

  private pick(choice: ThemeChoice): void {
    if (choice !== this.choice) this.dispatchEvent(new ThemeChoiceEvent(choice));
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.focusChosen || !changed.has('choice')) return;
    this.focusChosen = false;
    this.renderRoot.querySelector<HTMLButtonElement>('[aria-checked=true]')?.focus();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const at = THEME_CHOICES.indexOf(this.choice);
    const last = THEME_CHOICES.length - 1;
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? (at + 1) % THEME_CHOICES.length
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? (at + last) % THEME_CHOICES.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (to === null) return;
    event.preventDefault();
    this.focusChosen = true;
    this.pick(THEME_CHOICES[to]!);
  };

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: inline-block;
      }
      [role='radiogroup'] {
        display: inline-flex;
        border: 2px solid var(--sw-track);
        border-radius: 0.8rem;
        padding: 2px;
        gap: 2px;
      }
      button {
        display: grid;
        place-items: center;
        padding: 0;
        border-color: transparent;
        background: transparent;
        color: var(--sw-muted);
      }
      button[aria-checked='true'] {
        background: var(--sw-fg);
        border-color: var(--sw-fg);
        color: var(--sw-bg);
      }
      svg {
        width: 1.5rem;
        height: 1.5rem;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-theme-switch': SwivelThemeSwitch;
  }
}
