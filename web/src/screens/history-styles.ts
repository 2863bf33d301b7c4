import { css } from 'lit';
import { buttonStyles } from '../styles/shared-styles.ts';

/** The history screen: session cards, figures per exercise and side, the ROM charts, paging. */
export const historyStyles = [
  buttonStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100%;
      min-height: 0;
      color: var(--sw-fg, #f4f6f8);
    }
    .top {
      display: flex;
      align-items: center;
      gap: 1rem;
      margin-bottom: 0.75rem;
    }
    h2 {
      margin: 0;
      font-size: 2rem;
    }
    .count,
    .meta {
      color: var(--sw-muted, #a7b0bc);
    }
    .count {
      font-size: 1.15rem;
    }
    .card {
      border-radius: 1rem;
      background: var(--sw-panel, #151a21);
      padding: 1rem 1.25rem;
      box-sizing: border-box;
    }
    .message {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 0.75rem;
      max-width: 40rem;
      padding: 1.5rem;
      border-radius: 1rem;
      background: var(--sw-panel, #151a21);
      font-size: 1.25rem;
    }
    .message strong {
      font-size: 1.6rem;
    }
.reason {
      font-size: 1.05rem;
      color: var(--sw-muted, #a7b0bc);
      overflow-wrap: anywhere;
    }
    .problem {
      border: 3px solid var(--sw-warn, #ffc14d);
    }
    .layout {
      flex: 1;
      min-height: 0;
      display: grid;
      gap: 1rem;
      grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
      grid-template-areas: 'charts list';
    }
    .charts {
      grid-area: charts;
      min-height: 0;
      overflow-y: auto;
      display: flex;
      flex-direction: column;
      gap: 1rem;
    }
    .list {
      grid-area: list;
      min-height: 0;
      overflow-y: auto;
      padding-right: 0.25rem;
    }
    .rom {
      display: flex;
      flex-direction: column;
      gap: 0.4rem;
    }
    .rom h3 {
      margin: 0;
      font-size: 1.35rem;
    }
    .normal {
      font-size: 1rem;
      font-weight: 600;
      color: var(--sw-muted, #a7b0bc);
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 1.25rem;
      font-size: 1rem;
      font-weight: 600;
    }
    .key i {
      display: inline-block;
      width: 1.6rem;
      height: 0.3rem;
      margin-right: 0.4rem;
      vertical-align: middle;
      border-radius: 0.2rem;
    }
    .key.left i {
      background: var(--sw-left);
    }
    .key.right i {
      background: repeating-linear-gradient(90deg, var(--sw-right) 0 0.55rem, transparent 0.55rem 0.85rem);
    }
    .key.band i {
      height: 0.9rem;
      background: var(--sw-ok, #4ade80);
      opacity: 0.35;
    }
    swivel-history-rom-chart {
      height: max(16rem, 40vh);
    }
    .latest,
    .asym,
    .trend {
      margin: 0;
      font-size: 1.15rem;
    }
    .asym {
      font-weight: 700;
      font-size: 1.3rem;
    }
    .days {
      border-collapse: collapse;
      font-size: 1.05rem;
      font-variant-numeric: tabular-nums;
    }
    .days th,
    .days td {
      padding: 0.2rem 1rem 0.2rem 0;
      text-align: left;
    }
    .days thead th {
      color: var(--sw-muted, #a7b0bc);
      font-weight: 600;
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .replay {
      margin-left: auto;
      min-height: 48px;
      display: inline-flex;
      align-items: center;
      padding: 0 0.9rem;
      border-radius: 0.7rem;
      border: 2px solid var(--sw-replay, #c77dff);
      color: var(--sw-fg, #f4f6f8);
      font-weight: 700;
      text-decoration: none;
    }
    /* The download sits beside Replay, quieter: a physio's extra, not the person's next step. */
    .replay.download {
      margin-left: 0;
      border-color: var(--sw-muted, #a7b0bc);
      font-weight: 600;
    }
    .replay:focus-visible {
      outline: 3px solid var(--sw-focus, #ffd166);
      outline-offset: 2px;
    }
    .sessions {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
    }
    .when {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.25rem 0.75rem;
      font-size: 1.25rem;
    }
    .when .meta {
      font-size: 1.05rem;
    }
    .chip {
      padding: 0.1rem 0.6rem;
      border-radius: 999px;
      border: 2px solid var(--sw-warn, #ffc14d);
      color: var(--sw-warn, #ffc14d);
      font-size: 0.95rem;
      font-weight: 700;
    }
    .figures {
      list-style: none;
      margin: 0.5rem 0 0;
      padding: 0;
      display: grid;
      gap: 0.3rem;
      font-size: 1.1rem;
    }
    .figures li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.6rem;
      align-items: baseline;
    }
    .figures .name {
      font-weight: 600;
    }
    .figures .side {
      padding: 0 0.45rem;
      border-radius: 0.4rem;
      background: var(--sw-panel-2, #1f2630);
      font-weight: 700;
    }
    .figures .text {
      color: var(--sw-muted, #a7b0bc);
      font-variant-numeric: tabular-nums;
    }
    .more {
      width: 100%;
      margin-top: 0.75rem;
    }
    .empty-rom {
      font-size: 1.15rem;
      color: var(--sw-muted, #a7b0bc);
    }

    /* Portrait tablet: the chart on top, the list below. */
    @media (max-aspect-ratio: 1/1) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: auto minmax(0, 1fr);
        grid-template-areas: 'charts' 'list';
      }
      .charts {
        max-height: 60vh;
      }
      swivel-history-rom-chart {
        height: 16rem;
      }
    }
    @media (max-width: 600px) {
      :host {
        height: auto;
      }
      .layout {
        display: flex;
        flex-direction: column;
      }
      .charts,
      .list {
        max-height: none;
        overflow: visible;
      }
    }
  `,
];
