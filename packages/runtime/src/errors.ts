export type RuntimeErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_ACTOR'
  | 'DUPLICATE_ACTOR'
  | 'NOT_BOUND'
  | 'ASK_FAILED'
  | 'HOST_CLOSED'
  | 'TRACE_WRITE_FAILED';

/** The one error type of the runtime package: a `code` to branch on and the underlying `cause`. */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}
