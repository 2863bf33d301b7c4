import { css } from 'lit';

/**
 * The app's frame: the host, the header, the hub's notice, the main area and the cards every screen
 * uses. The header and the screens render into the app's shadow root as `display: contents`
 * elements, so their parts are laid out by these rules as if the app drew them itself.
 */
export const chromeStyles = css`
    swivel-app-header,
    swivel-programme-screen,
    swivel-exercise-screen,
    swivel-rest-screen {
      display: contents;
    }
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
      box-sizing: border-box;
      color: var(--sw-fg);
      background: var(--sw-bg);
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.75rem 1rem;
      padding: 0.4rem 1.25rem;
      min-height: 3.5rem;
      flex-wrap: wrap;
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
      font-weight: 800;
      letter-spacing: 0.02em;
    }
    .wake {
      font-size: 1rem;
      color: var(--sw-muted);
      padding: 0.2rem 0.7rem;
      border-radius: 999px;
      border: 1px solid var(--sw-track);
    }
    .hub {
      margin-left: auto;
      display: flex;
      align-items: center;
      gap: 0.5rem;
      font-size: 1.125rem;
      color: var(--sw-muted);
    }
    .hub .dot {
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 50%;
      background: var(--sw-ok);
    }
    .hub[data-live='no'] .dot {
      background: var(--sw-bad);
    }
    .icon-button {
      display: grid;
      place-items: center;
      padding: 0;
      background: transparent;
    }
    .icon-button svg {
      width: 1.6rem;
      height: 1.6rem;
    }
    .history-button {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      background: transparent;
    }
    .history-button svg {
      width: 1.6rem;
      height: 1.6rem;
    }
    .screen-history {
      display: flex;
      flex-direction: column;
    }
    .screen-history > swivel-history-screen {
      flex: 1;
      min-height: 0;
    }
    .icon-button[aria-pressed='true'][data-testid='mute'] {
      color: var(--sw-warn);
      border-color: var(--sw-warn);
    }
    .notice {
      display: flex;
      align-items: center;
      gap: 1rem;
      margin: 0 1.25rem 0.5rem;
      padding: 0.6rem 0.75rem 0.6rem 1.25rem;
      border-radius: 0.75rem;
      border: 3px solid var(--sw-warn);
      background: var(--sw-panel);
      font-size: 1.35rem;
      font-weight: 600;
      line-height: 1.3;
    }
    .notice-text {
      flex: 1;
    }
    .notice-text::first-letter {
      text-transform: uppercase;
    }
    main {
      flex: 1;
      min-height: 0;
      padding: 0.25rem 1.25rem 1rem;
      box-sizing: border-box;
    }
    .card {
      position: relative;
      min-height: 0;
      min-width: 0;
      border-radius: 1rem;
      background: var(--sw-panel);
      box-sizing: border-box;
    }
    .card-label {
      position: absolute;
      top: 0.5rem;
      left: 1rem;
      font-size: 0.95rem;
      font-weight: 600;
      color: var(--sw-muted);
      text-transform: uppercase;
      letter-spacing: 0.06em;
    }

`;
