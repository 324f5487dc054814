export type LabErrorCode =
  /** A suite on disk is malformed; see `SuiteValidationError.issues`. */
  | 'INVALID_SUITE'
  /** No suite with that id or path. */
  | 'UNKNOWN_SUITE'
  /** The suite declares no dependency structure with the requested p. */
  | 'UNKNOWN_STRUCTURE'
  /** A test run could not be started (not: the tests failed, which is a result). */
  | 'TEST_RUN_FAILED'
  /** A setting (a flag's value, an environment variable) the lab cannot use; named. */
  | 'INVALID_ARGUMENT'
  /** A team directory without a usable `team.ts`. */
  | 'INVALID_TEAM'
  /** A server broker faults act on is unknown, or did not stop or start again. */
  | 'SERVER_CONTROL'
  /** No team by that name on the server (it has no trace stream). */
  | 'NO_SUCH_TEAM'
  /** A thread of a schedule search (`explore --threads`) failed or exited early. */
  | 'SEARCH_THREAD_FAILED';

/** The one error type of the lab package: a `code` to branch on and the underlying `cause`. */
export class LabError extends Error {
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}
