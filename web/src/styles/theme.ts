import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The dashboard's colours: the system's choice (prefers-color-scheme), or light or dark whatever
 * the system says, remembered in localStorage. Every colour is a CSS custom property set on the page
 * root by `data-theme` (web/index.html), so one attribute changes every screen, shadow roots included.
 * The uPlot charts read their colours when they are made, so they watch the attribute and remake
 * themselves (uplot-host.ts).
 *
 * index.html sets the attribute before the first paint with the same rule (a small inline script);
 * this controller keeps it up to date: the person's choice, and the system's changes while on System.
 */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

/** The localStorage key, also read by the inline script in index.html. */
export const THEME_KEY = 'swivel.theme';

const isThemeChoice = (value: unknown): value is ThemeChoice => (THEME_CHOICES as readonly unknown[]).includes(value);

function readChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_KEY);
    return isThemeChoice(stored) ? stored : 'system';
  } catch {
    return 'system'; // storage blocked (private mode, policy): follow the system, not remembered
  }
}

export class ThemeController implements ReactiveController {
  choice: ThemeChoice = readChoice();
  /** The colours in use now. */
  theme: Theme = 'dark';

  private readonly systemLight = window.matchMedia('(prefers-color-scheme: light)');

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.systemLight.addEventListener('change', this.apply);
    this.apply();
  }

  hostDisconnected(): void {
    this.systemLight.removeEventListener('change', this.apply);
  }

  choose(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') window.localStorage.removeItem(THEME_KEY);
      else window.localStorage.setItem(THEME_KEY, choice);
    } catch {
      // not remembered, but in use for this page
    }
    this.apply();
  }

  private readonly apply = (): void => {
    const theme: Theme = this.choice === 'system' ? (this.systemLight.matches ? 'light' : 'dark') : this.choice;
    const root = document.documentElement;
    if (root.dataset['theme'] !== theme) root.dataset['theme'] = theme;
    // The browser's own chrome (address bar, status bar) follows the page's background.
    const background = getComputedStyle(root).getPropertyValue('--sw-bg').trim();
    if (background) document.querySelector('meta[name="theme-color"]')?.setAttribute('content', background);
    this.theme = theme;
    this.host.requestUpdate();
  };
}
