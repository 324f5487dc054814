export type AgentsErrorCode =
  | 'INVALID_PATH'
  | 'INVALID_TEAM'
  | 'UNKNOWN_TASK'
  | 'RUN_DEADLINE'
  | 'KV_FAILED'
  | 'TEST_RUNNER_FAILED';

/** The error type of the agents package outside model calls (those throw `ModelError`). */
export class AgentsError extends Error {
  readonly code: AgentsErrorCode;

  constructor(code: AgentsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentsError';
    this.code = code;
  }
}
