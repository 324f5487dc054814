import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { TraceEvent } from './trace-event.js';

/*
 * The runtime's OpenTelemetry metrics, counted from its actors' trace events
 * (docs/observability.md). Attributes are low-cardinality only: message types, models, tool
 * names, outcomes, task phases; never ids or free text.
 */

export interface Instruments {
  sent: Counter;
  received: Counter;
  retried: Counter;
  redelivered: Counter;
  duplicates: Counter;
  rejected: Counter;
  suspicions: Counter;
  faults: Counter;
  modelCalls: Counter;
  tokens: Histogram;
  modelDuration: Histogram;
  toolCalls: Counter;
  tasks: Counter;
}

export function instruments(meter: Meter): Instruments {
  const counter = (name: string, description: string, unit = '{message}') =>
    meter.createCounter(name, { description, unit });
  return {
    sent: counter('messaging.client.sent.messages', 'Envelopes sent (each retry too)'),
    received: counter('messaging.client.consumed.messages', 'Envelopes delivered to an actor'),
    retried: counter('llm_teams.messages.retried', 'Sends of an envelope after its first'),
    redelivered: counter('llm_teams.messages.redelivered', 'Deliveries JetStream repeated'),
    duplicates: counter('llm_teams.messages.duplicates', 'Deliveries of an id already seen'),
    rejected: counter(
      'llm_teams.messages.rejected',
      'Envelopes refused (undecodable, invalid, misaddressed, unsigned): each is dead-lettered',
    ),
    suspicions: counter(
      'llm_teams.suspicions',
      'Workers the failure detector suspected',
      '{event}',
    ),
    faults: counter('llm_teams.faults', 'Faults injected', '{event}'),
    modelCalls: counter('llm_teams.model.calls', 'Model attempts by outcome', '{call}'),
    tokens: meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Tokens per model attempt, by type (input, output)',
      unit: '{token}',
    }),
    modelDuration: meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'Model attempt latency (model time)',
      unit: 's',
    }),
    toolCalls: counter('llm_teams.tool.calls', 'Tool calls by tool and outcome', '{call}'),
    tasks: counter(
      'llm_teams.tasks',
      'Task state changes (claim, start, done, release, fail)',
      '{event}',
    ),
  };
}

export function measure(m: Instruments, e: TraceEvent): void {
  const nats = { 'messaging.system': 'nats' };
  switch (e.kind) {
    case 'send': {
      const a = { ...nats, 'messaging.operation.name': 'send', 'llm_teams.message.type': e.type };
      m.sent.add(1, a);
      if (e.attempt > 1) m.retried.add(1, a);
      return;
    }
    case 'recv': {
      const a = {
        ...nats,
        'messaging.operation.name': 'process',
        'llm_teams.message.type': e.type,
      };
      if (e.dup) m.duplicates.add(1, a);
      else m.received.add(1, a);
      if (e.redelivered) m.redelivered.add(1, a);
      return;
    }
    case 'reject':
      m.rejected.add(1, nats);
      return;
    case 'mark':
      if (e.name === 'worker.suspected') m.suspicions.add(1);
      return;
    case 'fault':
      m.faults.add(1, { 'llm_teams.fault': e.fault });
      return;
    case 'llm': {
      const a = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': e.model,
        'gen_ai.provider.name': providerOf(e.model),
      };
      m.modelCalls.add(1, { ...a, 'llm_teams.outcome': e.outcome });
      m.tokens.record(e.inputTokens, { ...a, 'gen_ai.token.type': 'input' });
      m.tokens.record(e.outputTokens, { ...a, 'gen_ai.token.type': 'output' });
      m.modelDuration.record(
        e.latencyMs / 1000,
        e.outcome === 'ok' ? a : { ...a, 'error.type': e.outcome },
      );
      return;
    }
    case 'tool':
      m.toolCalls.add(1, { 'gen_ai.tool.name': e.name, 'llm_teams.tool.outcome': e.outcome });
      return;
    case 'task':
      m.tasks.add(1, { 'llm_teams.task.phase': e.phase });
      return;
    default:
      return;
  }
}

export const providerOf = (model: string) =>
  model.includes(':') ? model.slice(0, model.indexOf(':')) : model;
