/**
 * The version of how samples become angles, reps, holds and ranges. Re-scorings kept in the database
 * are filed under it (with the programme), so an update that changes the figures re-scores history
 * once instead of showing the old figures forever. Raise it with every change of results:
 * test/support/capture-same-results.ts refuses to take a new record of results without it.
 */
export const SCORING_VERSION = 1;
