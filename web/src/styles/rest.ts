import { css } from 'lit';

/** The rest screen and the summary. */
export const restStyles = css`
    /* ---- rest ---- */
    .rest {
      flex: 1;
      min-height: 0;
      display: grid;
      grid-template-columns: auto minmax(0, 1fr);
      align-items: center;
      gap: 2rem;
    }
    .rest-ring {
      --size: min(56vh, 42vw);
    }
    .rest-text:focus-visible {
      outline: 3px solid var(--sw-focus, #ffd166);
      outline-offset: 2px;
    }
    .rest-text {
      min-height: 0;
      overflow-y: auto;
      max-height: 100%;
    }
    .next {
      margin: 0 0 1rem;
      font-size: 2.25rem;
      font-weight: 800;
      line-height: 1.2;
    }
    .last {
      margin: 0 0 1rem;
      font-size: 1.35rem;
      color: var(--sw-muted);
    }
    .rest-rom {
      display: grid;
      gap: 0.75rem;
    }

    /* ---- summary ---- */
    .summary {
      height: 100%;
      overflow-y: auto;
    }

`;
