/**
 * What `swivel` exits with, so a script can tell a typing mistake from a missing session or a failure
 * while working. docs/commands.md has the same table for people.
 */
export const EXIT_CODES = {
  /** Done. */
  ok: 0,
  /** Something failed while working: a file could not be written, the hub stopped on an error, a bad CSV. */
  failed: 1,
  /** The command line is wrong: an unknown command or option, a value that does not fit. */
  usage: 2,
  /** What was asked for is not there: no such session, pairing, file or data directory. */
  notFound: 3,
} as const;

/** What was asked for is not there (exit code 3): the message names it and where to look. */
export class NotFoundError extends Error {}
