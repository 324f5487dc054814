export type ModelErrorCode =
  | 'INVALID_MODEL_ID'
  | 'UNKNOWN_MODEL'
  | 'MISSING_API_KEY'
  | 'MISSING_ORACLE'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'TIMEOUT'
  | 'NETWORK_ERROR'
  | 'REQUEST_REJECTED'
  | 'INVALID_RESPONSE'
  | 'BUDGET_EXCEEDED'
  | 'REPLAY_MISMATCH'
  | 'CASSETTE_UNREADABLE'
  | 'ABORTED';

/**
 * The one error type of the model area. A terminal failure of a call rejects with it; the agent
 * statechart turns it into an event and branches on `code`. `cause` keeps the provider's error.
 */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  /** Attempts made before giving up (0 when no request was sent). */
  readonly attempts: number;

  constructor(
    code: ModelErrorCode,
    message: string,
    options: { cause?: unknown; attempts?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.code = code;
    this.attempts = options.attempts ?? 0;
  }
}

export function isModelError(error: unknown, code?: ModelErrorCode): error is ModelError {
  return error instanceof ModelError && (code === undefined || error.code === code);
}
