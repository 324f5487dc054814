/** Machine-readable reasons a broker operation failed. */
export type BrokerErrorCode =
  | 'NATS_SERVER_NOT_FOUND'
  | 'NATS_SERVER_START_FAILED'
  | 'NATS_SERVER_NOT_READY'
  | 'INVALID_SUBJECT_TOKEN'
  | 'INVALID_OPTIONS'
  | 'UNKNOWN_NODE'
  | 'CONNECT_FAILED'
  | 'PROVISION_FAILED';

/** The one error type of the broker package: a `code` to branch on and the underlying `cause`. */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
  }
}
