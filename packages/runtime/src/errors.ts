export type RuntimeErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_ACTOR'
  | 'DUPLICATE_ACTOR'
  | 'NOT_BOUND'
  | 'ASK_FAILED'
  | 'HOST_CLOSED'
  | 'TRACE_WRITE_FAILED'
  /** A trace line that is not JSON or not an event of the trace contract (TraceFormatError). */
  | 'INVALID_TRACE'
  /** A team's trace stream does not exist (no such team, or its run has not started). */
  | 'TRACE_STREAM_MISSING'
  /** A replayed schedule names a step the run does not offer at that point. */
  | 'SCHEDULE_DIVERGED'
  /** A controlled run ended while an operation still waited for its turn. */
  | 'SCHEDULE_CLOSED';

/** The one error type of the runtime package: a `code` to branch on and the underlying `cause`. */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}
