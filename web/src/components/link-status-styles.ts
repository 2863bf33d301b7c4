import { css } from 'lit';
import { buttonStyles } from '../styles/shared-styles.ts';
import { linkDotStyles, linkToneStyles } from './link-parts.ts';

/** The sensor panel: state, battery, signal, packet figures and the shin and connection controls. */
export const linkStatusStyles = [buttonStyles, linkDotStyles, linkToneStyles, css`
  :host {
    display: block;
    color: var(--sw-fg, #f4f6f8);
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    margin-top: 0.6rem;
  }
  .controls .on {
    color: var(--sw-muted, #a7b0bc);
    font-weight: 600;
  }
  .controls button {
    font-size: 1rem;
    padding: 0.3rem 0.8rem;
  }
  .controls button.chosen {
    border-color: var(--sw-accent, #4cc9f0);
    color: var(--sw-accent, #4cc9f0);
  }
  .panel {
    box-sizing: border-box;
    height: 100%;
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
    padding: 1.25rem 1.5rem;
    border-radius: 1rem;
    background: var(--sw-panel, #151a21);
    border: 3px solid transparent;
  }
  .panel[data-tone='bad'] {
    border-color: var(--sw-bad, #ff6b6b);
  }
  .panel[data-tone='warn'] {
    border-color: var(--sw-warn, #ffc14d);
  }
  h2 {
    margin: 0;
    font-size: 1.125rem;
    font-weight: 600;
    color: var(--sw-muted, #9aa4b1);
    text-transform: uppercase;
    letter-spacing: 0.08em;
  }
  .name {
    text-transform: none;
    letter-spacing: 0;
    color: var(--sw-fg, #f4f6f8);
  }
  .make {
    margin: -0.4rem 0 0;
    font-size: 1rem;
    color: var(--sw-muted, #a7b0bc);
    overflow-wrap: anywhere;
  }
  .state {
    display: flex;
    align-items: center;
    gap: 0.9rem;
    /* As big as the panel allows: "Reconnecting" must fit a 22rem-wide panel on one line. */
    font-size: clamp(1.75rem, 9cqi, 3.5rem);
    font-weight: 800;
    line-height: 1.05;
  }
  .detail {
    margin: 0;
    font-size: 1.25rem;
    line-height: 1.35;
    color: var(--sw-fg, #f4f6f8);
    min-height: 1.35em;
  }
  /* The hub writes its sentences in lower case; they start a line here. */
  .detail::first-letter {
    text-transform: uppercase;
  }
  :host {
    container-type: inline-size;
  }
  .metrics {
    flex: 1;
    max-height: 30rem;
    margin: 0.25rem 0 0;
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    grid-auto-rows: minmax(min-content, 1fr);
    gap: 0.75rem;
  }
  @container (min-width: 40rem) {
    .metrics {
      grid-template-columns: repeat(3, minmax(0, 1fr));
    }
  }
  .metric {
    display: flex;
    flex-direction: column;
    justify-content: center;
    padding: 0.6rem 1rem;
    border-radius: 0.75rem;
    background: var(--sw-panel-2, #1d242d);
  }
  dt {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    font-size: 1rem;
    font-weight: 600;
    color: var(--sw-muted, #9aa4b1);
    text-transform: uppercase;
    letter-spacing: 0.06em;
  }
  dd {
    margin: 0.25rem 0 0;
    display: flex;
    align-items: baseline;
    gap: 0.35rem;
    min-height: 3rem;
    color: var(--sw-fg, #f4f6f8);
  }
  .big {
    font-size: 2.5rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    line-height: 1.1;
  }
  .u[hidden] {
    display: none;
  }
  .u {
    font-size: 1.25rem;
    font-weight: 600;
    color: var(--sw-muted, #9aa4b1);
  }
  .icon {
    flex: none;
    height: 1.4rem;
    width: auto;
  }
  .outline {
    fill: none;
    stroke: currentColor;
    stroke-width: 1.5;
  }
  .nub {
    fill: currentColor;
  }
  .level {
    fill: var(--tone-color, currentColor);
  }
  .bar {
    fill: var(--sw-track, #2a313b);
  }
  .bar.on {
    fill: var(--tone-color, currentColor);
  }
  :host([state='unknown']) .metrics,
  :host([state='unknown']) .foot {
    opacity: 0.5;
  }
  :host([compact]) .panel {
    gap: 0.5rem;
    padding: 1rem 1.1rem;
  }
  :host([compact]) .state {
    font-size: clamp(1.5rem, 8cqi, 2.25rem);
  }
  :host([compact]) .detail {
    font-size: 1.1rem;
  }
  :host([compact]) .metrics {
    flex: none;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    grid-auto-rows: auto;
    gap: 0.5rem;
  }
  :host([compact]) .metric {
    padding: 0.4rem 0.6rem;
  }
  :host([compact]) dt {
    font-size: 0.8rem;
    letter-spacing: 0.03em;
  }
  :host([compact]) dt .icon {
    display: none;
  }
  :host([compact]) dd {
    min-height: 0;
  }
  :host([compact]) .big {
    font-size: 1.6rem;
  }
  :host([compact]) .u {
    font-size: 0.95rem;
  }
  .foot {
    margin: 0;
    font-size: 1rem;
    color: var(--sw-muted, #9aa4b1);
    font-variant-numeric: tabular-nums;
  }
  .state {
    color: var(--tone-color);
  }
  .metric[data-tone='warn'] .big,
  .metric[data-tone='bad'] .big {
    color: var(--tone-color);
  }
`];
