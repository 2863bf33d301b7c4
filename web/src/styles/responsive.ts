import { css } from 'lit';

/** The same screens at a portrait tablet (800 × 1280) and a phone; after the others, so these win. */
export const responsiveStyles = css`
    /* Narrower than a landscape tablet: the hub's label is for screen readers only, so the header's
       buttons fit on one line. (The dot still says whether the hub is there.) */
    @media (max-width: 900px) {
      .hub span:not(.dot) {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
    }

    /* Portrait tablet (800 × 1280). */
    @media (max-aspect-ratio: 1/1) {
      .screen-programme {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: auto minmax(0, 1fr);
        grid-template-areas: 'sensor' 'list';
      }
      .sensor {
        grid-template-rows: minmax(0, 1fr);
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.1fr);
        overflow: visible;
      }
      .exercise {
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        grid-template-rows: minmax(0, 1fr) 10rem minmax(0, 17rem);
        grid-template-areas:
          'gauge count'
          'trace trace'
          'steps steps';
      }
      .rest {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: auto minmax(0, 1fr);
        justify-items: center;
      }
      .rest-ring {
        --size: min(40vh, 80vw);
      }
      /* The text gets the full width (larger lines read better from the mat); the button goes under it. */
      .posture-warning {
        flex-wrap: wrap;
      }
      .posture-warning p {
        flex-basis: calc(100% - 4.25rem);
      }
      .posture-warning button {
        margin-left: 4.25rem;
      }
    }

    /* Phone: one column that scrolls. */
    @media (max-width: 600px) {
      header {
        padding: 0.4rem 0.75rem;
      }
      /* Icons only, and the theme switch on a line of its own. */
      .history-button span {
        display: none;
      }
      .history-button {
        padding: 0;
        width: 48px;
        justify-content: center;
      }
      swivel-theme-switch {
        order: 1;
        margin-left: auto;
      }
      main {
        padding: 0.25rem 0.75rem 0.75rem;
        overflow-y: auto;
      }
      .screen-programme {
        display: flex;
        flex-direction: column;
      }
      .screen-programme > swivel-programme-screen > *,
      .screen-exercise > swivel-exercise-screen > *,
      .screen-rest > swivel-rest-screen > * {
        flex: none;
      }
      .programme-list {
        overflow: visible;
        padding: 0;
      }
      .sensor {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: 16rem auto;
      }
      .title h2 {
        font-size: 1.75rem;
      }
      .exercise {
        flex: none;
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: 20rem 18rem 9rem auto;
        grid-template-areas: 'count' 'gauge' 'trace' 'steps';
      }
      .steps-card {
        overflow: visible;
      }
      .rest-ring {
        --size: min(60vw, 40vh);
      }
    }
`;
