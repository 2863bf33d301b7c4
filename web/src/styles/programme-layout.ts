import { css } from 'lit';

/** The programme screen: the list beside the sensor panel. */
export const programmeStyles = css`
    /* ---- programme ---- */
    .screen-programme {
      display: grid;
      gap: 1rem;
      grid-template-columns: minmax(0, 1fr) 24rem;
      grid-template-areas: 'list sensor';
    }
    /* Two sensors' cards: a wider side panel, so each card's buttons fit on one row. (:where keeps the
       specificity of .screen-programme, so the portrait layout in responsive.ts still wins.) */
    .screen-programme:where(:has(.sensor-cards)) {
      grid-template-columns: minmax(0, 1fr) 27rem;
    }
    .programme-list {
      grid-area: list;
      min-height: 0;
      overflow-y: auto;
      padding-right: 0.5rem;
    }
    .back {
      margin-bottom: 0.75rem;
    }
    .sensor {
      grid-area: sensor;
      min-height: 0;
      display: grid;
      gap: 1rem;
      grid-template-rows: minmax(12rem, 1fr) auto;
      overflow-y: auto;
    }
    .sensor .angle {
      display: grid;
      padding: 0.75rem;
    }
    .sensor-cards {
      display: grid;
      gap: 0.75rem;
      align-content: start;
    }
    swivel-angle-readout {
      min-height: 0;
    }

`;
