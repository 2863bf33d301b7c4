import { css, svg } from 'lit';

/** A battery drawn filled to `percent` (null: empty), for the sensor panel and the sensor cards. */
export function batteryIcon(percent: number | null) {
  const level = percent === null ? 0 : Math.max(0, Math.min(100, percent)) / 100;
  return svg`<svg class="icon" viewBox="0 0 28 14" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="23" height="12" rx="2.5" class="outline" />
      <rect x="25" y="4.5" width="2.5" height="5" rx="1" class="nub" />
      <rect x="3" y="3" width=${(19 * level).toFixed(1)} height="8" rx="1" class="level" />
    </svg>`;
}

/** The link state's dot, pulsing while the link is being made (still for people who ask for less motion). */
export const linkDotStyles = css`
  .dot {
    flex: none;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: currentColor;
  }
  .pulse {
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.25;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .pulse {
      animation: none;
    }
  }
`;

/** The colour of a link state, battery or loss figure: `data-tone` on the element sets `--tone-color`. */
export const linkToneStyles = css`
  [data-tone='ok'] {
    --tone-color: var(--sw-ok, #4ade80);
  }
  [data-tone='busy'] {
    --tone-color: var(--sw-busy, #7cb8ff);
  }
  [data-tone='warn'] {
    --tone-color: var(--sw-warn, #ffc14d);
  }
  [data-tone='bad'] {
    --tone-color: var(--sw-bad, #ff6b6b);
  }
  [data-tone='off'] {
    --tone-color: var(--sw-muted, #9aa4b1);
  }
`;
