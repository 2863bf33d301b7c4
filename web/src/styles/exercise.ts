import { css } from 'lit';

/** The exercise screen: title, warnings, the gauge, count, trace and steps cards, calibration, the end hold, controls (taps: manual-count.ts). */
export const exerciseStyles = css`
    /* ---- exercise ---- */
    .screen-exercise,
    .screen-rest {
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
    }
    .title {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.4rem 1rem;
    }
    .title h2 {
      margin: 0;
      font-size: 2.25rem;
      line-height: 1.1;
    }
    .side-chip {
      padding: 0.1rem 0.8rem;
      border-radius: 0.5rem;
      background: var(--sw-fg);
      color: var(--sw-bg);
      font-size: 1.6rem;
      font-weight: 800;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .set {
      font-size: 1.6rem;
      font-weight: 700;
    }
    .where {
      font-size: 1.1rem;
      color: var(--sw-muted);
    }
    .counting-sensor {
      padding: 0.1rem 0.7rem;
      border-radius: 0.5rem;
      border: 2px solid var(--sw-accent);
      font-size: 1.2rem;
      font-weight: 700;
    }
    .end-hold {
      display: flex;
      align-items: center;
      gap: 0.8rem;
      width: min(100%, 28rem);
      margin-top: 0.4rem;
    }
    .end-hold-bar {
      flex: 1;
      height: 1.1rem;
      border-radius: 0.6rem;
      background: var(--sw-track);
      overflow: hidden;
    }
    .end-hold-bar span {
      display: block;
      height: 100%;
      background: var(--sw-ok, #4ade80);
    }
    .end-hold-text {
      font-size: 1.5rem;
      font-weight: 800;
      white-space: nowrap;
    }
    .shin-warning {
      margin: 0;
      padding: 0.5rem 0.9rem;
      border-radius: 0.7rem;
      border: 2px solid var(--sw-warn, #ffd166);
      color: var(--sw-warn, #ffd166);
      font-size: 1.25rem;
      font-weight: 700;
    }
    .posture-warning {
      display: flex;
      align-items: center;
      gap: 0.75rem 1.25rem;
      padding: 0.75rem 1rem 0.75rem 1.25rem;
      border-radius: 0.9rem;
      border: 4px solid var(--sw-warn);
      background: var(--sw-panel);
    }
    .posture-warning svg {
      flex: none;
      width: 3rem;
      height: 3rem;
      color: var(--sw-warn);
    }
    .posture-warning p {
      flex: 1;
      margin: 0;
      font-size: clamp(1.5rem, 1.2rem + 1vw, 1.75rem);
      font-weight: 700;
      line-height: 1.25;
    }
    .posture-warning button {
      flex: none;
      min-height: 64px;
      font-size: 1.5rem;
      padding: 0.5rem 1.5rem;
    }
    .exercise {
      flex: 1;
      min-height: 0;
      display: grid;
      gap: 0.75rem;
      grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr) minmax(0, 0.8fr);
      grid-template-rows: minmax(0, 1fr) 11rem;
      grid-template-areas:
        'gauge count steps'
        'trace trace steps';
    }
    .gauge-card {
      grid-area: gauge;
      display: grid;
      padding: 0.75rem;
    }
    .count-card {
      grid-area: count;
      container-type: size;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      padding: 0.75rem;
      overflow: hidden;
    }
    .trace-card {
      grid-area: trace;
      display: grid;
      padding: 2rem 0.75rem 0.5rem 0.5rem;
    }
    .steps-card {
      grid-area: steps;
      overflow-y: auto;
      padding: 1rem 1.25rem;
    }
    .steps {
      margin: 0;
      padding-left: 1.5rem;
      font-size: 1.15rem;
      line-height: 1.4;
    }
    .steps li + li {
      margin-top: 0.45rem;
    }
    .feel {
      margin: 0.9rem 0 0;
      font-size: 1.1rem;
      line-height: 1.4;
      color: var(--sw-muted);
    }
    /* The instructions scroll when long: focusable, so the keyboard can scroll them too. */
    .steps-card:focus-visible {
      outline: 3px solid var(--sw-focus, #ffd166);
      outline-offset: 2px;
    }
    .steps-card .rom {
      margin: -0.25rem -0.5rem 1rem;
    }
    swivel-rep-counter {
      width: 100%;
    }
    .timer-ring {
      --size: min(92cqw, 82cqh);
    }
    .sub {
      font-size: 1.35rem;
      font-weight: 700;
      color: var(--sw-muted);
      text-align: center;
    }
    .best {
      font-size: clamp(2rem, 14cqi, 4rem);
      font-weight: 800;
      color: var(--sw-accent);
      font-variant-numeric: tabular-nums;
    }
    .sub.ok {
      color: var(--sw-ok);
    }
    .flash {
      font-size: clamp(1.35rem, 7cqi, 2.25rem);
      font-weight: 800;
      text-align: center;
      line-height: 1.15;
    }
    .flash[data-tone='ok'] {
      color: var(--sw-ok);
    }
    .flash[data-tone='warn'] {
      color: var(--sw-warn);
    }
    .gap {
      font-size: 1.05rem;
      color: var(--sw-muted);
    }
    .waiting {
      position: absolute;
      inset: 0;
      z-index: 1;
      display: flex;
      flex-direction: column;
      justify-content: center;
      gap: 0.75rem;
      padding: 1.5rem;
      border-radius: 1rem;
      border: 4px solid var(--sw-warn);
      background: var(--sw-panel);
      text-align: center;
      font-size: 1.35rem;
      line-height: 1.35;
    }
    .waiting strong {
      font-size: clamp(2rem, 10cqi, 3.25rem);
      color: var(--sw-warn);
      line-height: 1.1;
    }
    .calibration {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.5rem;
      text-align: center;
      width: 100%;
    }
    .calibration h3 {
      margin: 0;
      font-size: clamp(1.6rem, 8cqi, 2.6rem);
      line-height: 1.15;
    }
    .calib-ring {
      --size: min(70cqw, 52cqh);
    }
    .calib-hint {
      margin: 0;
      font-size: 1.35rem;
      color: var(--sw-muted);
    }
    .kind-instruction {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: minmax(0, 1fr);
      grid-template-areas: 'steps';
    }
    .big-steps {
      grid-area: steps;
      overflow-y: auto;
      padding: 1.5rem 2rem;
      display: flex;
      flex-direction: column;
      gap: 1rem;
    }
    .big-steps ol {
      margin: 0;
      padding-left: 2.25rem;
      font-size: clamp(1.5rem, 2.6vw, 2.1rem);
      line-height: 1.35;
    }
    .big-steps li + li {
      margin-top: 0.6rem;
    }
    .big-steps .feel {
      font-size: 1.5rem;
    }
    .done {
      align-self: flex-start;
      min-height: 72px;
      font-size: 1.75rem;
      padding: 0.5rem 2rem;
    }
    .controls {
      flex: none;
    }

`;
