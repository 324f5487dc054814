import { runtimeOf, type ActorRuntime, type Envelope, type TracePayload } from '@llm-teams/runtime';

/** What an actor's logic gets from xstate (`system`), from which it finds its runtime. */
export type ActorSystemLike = Parameters<typeof runtimeOf>[0];

/**
 * How a machine reaches the runtime (send, broadcast, record). The default binds to the
 * `ActorHost` that spawned the actor; tests inject `createTestRuntime()` to run the agent,
 * coordinator or tool logic without NATS.
 */
export type RuntimeBinding = (system: ActorSystemLike) => ActorRuntime;

/** The runtime of an actor spawned by an `ActorHost` (NATS). */
export const hostBinding: RuntimeBinding = (system) => runtimeOf(system);

/** A message a test runtime was asked to send. */
export interface SentMessage {
  to: string;
  type: string;
  body: unknown;
}

export interface TestRuntime extends ActorRuntime {
  /** Messages sent (`tell`, `ask`, `request`, `reply`; a broadcast's `to` is `#<topic>`). */
  readonly sent: SentMessage[];
  /** Trace payloads recorded. */
  readonly records: TracePayload[];
  /** This runtime as a binding, for any machine's services. */
  readonly binding: RuntimeBinding;
  /** Answers `request`s: return the reply body, or undefined for no answer (the request then
   *  fails as it would at its deadline). Default: no answer. */
  answer?: ((to: string, type: string, body: unknown) => unknown) | undefined;
}

/**
 * A runtime without NATS for unit tests of actor logic: it records what the actor sends and
 * traces, and answers requests through `answer`. Envelopes it returns carry only what a
 * caller might read (id, from, to, type, body).
 */
export function createTestRuntime(id = 'test', now: () => number = Date.now): TestRuntime {
  let n = 0;
  let lamport = 0;
  const envelope = (to: string, type: string, body: unknown): Envelope =>
    ({
      v: 1,
      id: `${id}-${++n}`,
      team: 'test',
      from: id,
      to,
      type,
      lamport: ++lamport,
      seq: n,
      attempt: 1,
      sentAt: now(),
      body,
    }) as Envelope;
  const rt: TestRuntime = {
    id,
    get lamport() {
      return lamport;
    },
    sent: [],
    records: [],
    binding: () => rt,
    tell(to, type, body) {
      rt.sent.push({ to, type, body });
      return envelope(to, type, body);
    },
    ask(to, type, body) {
      rt.sent.push({ to, type, body });
      return envelope(to, type, body).id;
    },
    request(to, type, body) {
      rt.sent.push({ to, type, body });
      const answer = rt.answer?.(to, type, body);
      if (answer === undefined) return Promise.reject(new Error(`no answer to ${type} from ${to}`));
      return Promise.resolve({ ...envelope(id, `${type}.reply`, answer), from: to });
    },
    reply(request, type, body) {
      rt.sent.push({ to: request.from, type, body });
      return envelope(request.from, type, body);
    },
    broadcast(topic, type, body) {
      rt.sent.push({ to: `#${topic}`, type, body });
      return envelope(`#${topic}`, type, body);
    },
    record(payload) {
      rt.records.push(payload);
    },
    now,
  };
  return rt;
}
