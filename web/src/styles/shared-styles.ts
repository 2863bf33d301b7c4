import { css } from 'lit';

/** Buttons big enough to hit from a mat (at least 48 px), with a focus ring that shows from across the room. */
export const buttonStyles = css`
  button {
    min-height: 48px;
    min-width: 48px;
    padding: 0.4rem 1.1rem;
    border-radius: 0.7rem;
    border: 2px solid var(--sw-track, #2d3540);
    background: var(--sw-panel-2, #1f2630);
    color: var(--sw-fg, #f4f6f8);
    font: inherit;
    font-size: 1.15rem;
    font-weight: 700;
    line-height: 1.15;
    cursor: pointer;
    touch-action: manipulation;
  }
  button:hover {
    border-color: var(--sw-muted, #a7b0bc);
  }
  button:focus-visible {
    outline: 3px solid var(--sw-focus, #ffd166);
    outline-offset: 2px;
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button.primary {
    background: var(--sw-accent, #4cc9f0);
    border-color: var(--sw-accent, #4cc9f0);
    color: var(--sw-on-accent, #04121a);
  }
  button.danger {
    border-color: var(--sw-bad, #ff6b6b);
    color: var(--sw-bad, #ff6b6b);
    background: transparent;
  }
`;

/** Text for screen readers only. */
export const srOnlyStyles = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
