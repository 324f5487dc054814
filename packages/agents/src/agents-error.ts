export type AgentsErrorCode =
  | 'INVALID_PATH'
  | 'INVALID_TEAM'
  | 'UNKNOWN_TASK'
  /** A task graph with a cycle, a duplicate id or an unknown dependency. */
  | 'INVALID_DAG'
  | 'RUN_DEADLINE'
  | 'KV_FAILED'
  | 'TEST_RUNNER_FAILED'
  | 'INVALID_MCP_CONFIG'
  | 'MCP_CONNECT_FAILED'
  | 'TURN_LIMIT'
  /** A member is already live in another process (a member runs in one place at a time). */
  | 'MEMBER_LIVE';

/** The error type of the agents package outside model calls (those throw `ModelError`). */
export class AgentsError extends Error {
  readonly code: AgentsErrorCode;

  constructor(code: AgentsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentsError';
    this.code = code;
  }
}

export function isAgentsError(error: unknown, code?: AgentsErrorCode): error is AgentsError {
  return error instanceof AgentsError && (code === undefined || error.code === code);
}
