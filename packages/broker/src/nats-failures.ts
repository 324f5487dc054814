import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';

/**
 * Why a NATS or JetStream request failed, as a value to branch on (never the error's text):
 * - `timeout`: no answer in time (a busy server, a cut link);
 * - `no-responders`: nobody serves the subject yet (JetStream starting, a node restarting);
 * - `unavailable`: JetStream answered that it cannot serve the request now (HTTP-like status
 *   503, or err_code 10009 "not leader": a cluster electing leaders);
 * - `other`: anything else (a bad request, a permission, a closed connection).
 */
export type NatsFailureKind = 'timeout' | 'no-responders' | 'unavailable' | 'other';

/** JetStream's err_code for a request that reached a server that is not the leader. */
const JS_CLUSTER_NOT_LEADER = 10009;

function kindOf(err: unknown): NatsFailureKind | undefined {
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof NoRespondersError) return 'no-responders';
  if (err instanceof RequestError && err.isNoResponders()) return 'no-responders';
  if (err instanceof JetStreamApiError) {
    return err.status === 503 || err.code === JS_CLUSTER_NOT_LEADER ? 'unavailable' : 'other';
  }
  // A JetStream status reply (a pull or a publish): 503 no responders, 408 request timeout.
  if (err instanceof JetStreamError && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (code === 503) return 'unavailable';
    if (code === 408) return 'timeout';
  }
  return undefined;
}

/** Classifies a failure, looking through its `cause` chain (nats.js wraps what it rethrows). */
export function natsFailureKind(err: unknown): NatsFailureKind {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const kind = kindOf(e);
    if (kind) return kind;
    e = (e as { cause?: unknown }).cause;
  }
  return 'other';
}

/** Whether trying again later may succeed: every kind but `other`. */
export function isTransientNatsFailure(err: unknown): boolean {
  return natsFailureKind(err) !== 'other';
}
