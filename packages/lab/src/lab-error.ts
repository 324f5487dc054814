export type LabErrorCode =
  /** A suite on disk is malformed; see `SuiteValidationError.issues`. */
  | 'INVALID_SUITE'
  /** No suite with that id or path. */
  | 'UNKNOWN_SUITE'
  /** The suite declares no dependency structure with the requested p. */
  | 'UNKNOWN_STRUCTURE'
  /** A task graph handed to a DAG helper has a cycle, a duplicate id or an unknown dependency. */
  | 'INVALID_DAG'
  /** A test run could not be started (not: the tests failed, which is a result). */
  | 'TEST_RUN_FAILED'
  /** A setting (a flag's value, an environment variable) the lab cannot use; named. */
  | 'INVALID_ARGUMENT';

/** The one error type of the lab package: a `code` to branch on and the underlying `cause`. */
export class LabError extends Error {
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}
