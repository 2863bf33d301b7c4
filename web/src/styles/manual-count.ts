import { css } from 'lit';

/** A manual count on the exercise screen: the big tap button, or on a viewer the line that takes its place. */
export const manualCountStyles = css`
    .tap {
      width: 100%;
      height: 100%;
      min-height: 12rem;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      font-size: 1.75rem;
      border-width: 4px;
      border-color: var(--sw-accent);
    }
    .tap:active {
      background: var(--sw-accent);
      color: var(--sw-on-accent);
    }
    /* On a viewer, where the coach's device counts: said in the tap button's place. */
    .tap-elsewhere {
      min-height: 12rem;
      display: flex;
      align-items: center;
      justify-content: center;
      margin: 0;
      font-size: 1.5rem;
      color: var(--sw-muted);
    }
    .tap-plus {
      font-size: 8rem;
      font-weight: 800;
      line-height: 1;
    }
`;
