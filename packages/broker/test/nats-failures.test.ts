import { describe, expect, it } from 'vitest';
import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { isTransientNatsFailure, natsFailureKind } from '@llm-teams/broker';

const apiError = (code: number, err_code: number) =>
  new JetStreamApiError({ code, err_code, description: 'described by the server' });

describe('natsFailureKind', () => {
  it('names a timeout, a missing responder and an unavailable JetStream by their types', () => {
    expect(natsFailureKind(new TimeoutError())).toBe('timeout');
    expect(
      natsFailureKind(new RequestError('x', { cause: new NoRespondersError('$JS.API.X') })),
    ).toBe('no-responders');
    expect(natsFailureKind(apiError(503, 10008))).toBe('unavailable');
    expect(natsFailureKind(apiError(500, 10009))).toBe('unavailable');
  });

  it('looks through the causes nats.js wraps a failure in', () => {
    const wrapped = new Error('jetstream is not enabled', {
      cause: new RequestError('request failed', { cause: new NoRespondersError('$JS.API.INFO') }),
    });
    expect(natsFailureKind(wrapped)).toBe('no-responders');
  });

  it('calls everything else permanent, whatever its message says', () => {
    expect(natsFailureKind(apiError(400, 10025))).toBe('other');
    expect(natsFailureKind(new Error('timeout: leader unavailable'))).toBe('other');
    expect(natsFailureKind('timeout')).toBe('other');
    expect(natsFailureKind(undefined)).toBe('other');
    expect(isTransientNatsFailure(new Error('no responders'))).toBe(false);
    expect(isTransientNatsFailure(new TimeoutError())).toBe(true);
  });
});
