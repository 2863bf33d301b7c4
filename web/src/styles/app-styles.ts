import { buttonStyles, srOnlyStyles } from './shared-styles.ts';
import { chromeStyles } from './chrome.ts';
import { programmeStyles } from './programme-layout.ts';
import { exerciseStyles } from './exercise.ts';
import { manualCountStyles } from './manual-count.ts';
import { restStyles } from './rest.ts';
import { responsiveStyles } from './responsive.ts';

/**
 * The dashboard's layout: tablet landscape (1280 × 800), portrait (800 × 1280) and a phone. The angle,
 * the count and the timers get the most room; everything a person reads from the mat is large. The
 * app adopts them all, in this order; its screens render into its shadow root.
 */
export const appStyles = [buttonStyles, srOnlyStyles, chromeStyles, programmeStyles, exerciseStyles, manualCountStyles, restStyles, responsiveStyles];
