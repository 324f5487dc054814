import type { ActorSystem, AnyActorRef, EventObject } from 'xstate';
import type { AskOptions, AskResult } from './ask.js';
import type { Envelope } from './envelope.js';
import { RuntimeError } from './errors.js';
import type { TraceDetail, TracePayload } from './trace-event.js';
import type { TraceLane } from './trace-lane.js';

/**
 * The runtime as an actor sees it. Actors send only through this: from actions (the action
 * creators below) or from invoked logic (`runtimeOf(system)`).
 */
export interface ActorRuntime {
  readonly id: string;
  /** The actor's Lamport time. */
  readonly lamport: number;
  /** Sends a message (delivery mode from the host's policy for `type`). */
  tell(to: string, type: string, body?: unknown): Envelope;
  /** Sends a request; the reply arrives as an event, or `ask.failed` after the deadline.
   *  Returns the ask id (the request's envelope id). */
  ask(to: string, type: string, body?: unknown, options?: AskOptions): string;
  /** Sends a request and resolves with the reply envelope; rejects (`ASK_FAILED`) at the
   *  deadline. The reply does not also reach the machine as an event. */
  request(to: string, type: string, body?: unknown, options?: AskOptions): Promise<Envelope>;
  /** Replies to a received request. */
  reply(request: Envelope, type: string, body?: unknown): Envelope;
  /** Sends to every actor that joined `topic` (at-most-once; the sender excluded). */
  broadcast(topic: string, type: string, body?: unknown): Envelope;
  /** Records a trace event in this actor's lane (tools, model calls, task phases, marks).
   *  `detail` reaches the host's OpenTelemetry only, never the trace (a model call's content). */
  record(payload: TracePayload, detail?: TraceDetail): void;
  /** Wall time from the host's clock. */
  now(): number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActorSystem = ActorSystem<any>;

/**
 * What the runtime of an actor needs from the cell hosting it; the actor cell is the one
 * implementation. Stated here so that this module need not import the cell.
 */
export interface BoundCell {
  readonly id: string;
  readonly lamport: number;
  readonly lane: TraceLane;
  send(to: string, type: string, body: unknown): Envelope;
  ask(
    to: string,
    type: string,
    body: unknown,
    options?: AskOptions,
    onDone?: (result: AskResult) => void,
  ): string;
  reply(request: Envelope, type: string, body: unknown): Envelope;
  now(): number;
}

const bindings = new WeakMap<AnyActorSystem, BoundCell>();

/** Called by the host for each actor it creates. */
export function bindSystem(system: AnyActorSystem, cell: BoundCell): void {
  bindings.set(system, cell);
}

function cellOf(source: AnyActorSystem | { system: AnyActorSystem }): BoundCell {
  const system = 'system' in source ? source.system : source;
  const cell = bindings.get(system);
  if (!cell) {
    throw new RuntimeError(
      'NOT_BOUND',
      'this actor is not hosted by an ActorHost: spawn it with host.spawn() to send messages',
    );
  }
  return cell;
}

/** The runtime of the hosted actor that owns `system` (from action or invoke arguments). */
export function runtimeOf(source: AnyActorSystem | { system: AnyActorSystem }): ActorRuntime {
  const cell = cellOf(source);
  return {
    id: cell.id,
    get lamport() {
      return cell.lamport;
    },
    tell: (to, type, body) => cell.send(to, type, body),
    ask: (to, type, body, options) => cell.ask(to, type, body, options),
    request: (to, type, body, options) =>
      new Promise((resolve, reject) => {
        cell.ask(to, type, body, options, (result) => {
          if (result.ok) resolve(result.envelope);
          else {
            reject(
              new RuntimeError(
                'ASK_FAILED',
                result.failure.reason === 'overloaded'
                  ? `ask ${type} to ${to} not sent: the actor already waits on its maximum of asks`
                  : `ask ${type} to ${to} got no reply after ${result.failure.attempts} attempts (${result.failure.elapsedMs} ms)`,
              ),
            );
          }
        });
      }),
    reply: (request, type, body) => cell.reply(request, type, body),
    broadcast: (topic, type, body) => cell.send(`#${topic}`, type, body),
    record: (payload, detail) => cell.lane.emit(payload, undefined, detail),
    now: () => cell.now(),
  };
}

// ---- action creators ---------------------------------------------------------------------

/** What xstate passes to an action; loose so these creators fit any machine's types. */
export interface ActionArgsLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  context: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: any;
  system: AnyActorSystem;
  self: AnyActorRef;
}

/** A value, or a function of the action's arguments computing it. */
export type Resolvable<T> = T | ((args: ActionArgsLike) => T);
/** A message body, or a function of the action's arguments computing it. */
export type BodyResolvable =
  ((args: ActionArgsLike) => unknown) | object | string | number | boolean | null | undefined;

function resolve<T>(value: Resolvable<T>, args: ActionArgsLike): T {
  return typeof value === 'function' ? (value as (a: ActionArgsLike) => T)(args) : value;
}

/** Action: send a message. */
export function tell(to: Resolvable<string>, type: string, body?: BodyResolvable) {
  return (args: ActionArgsLike): void => {
    cellOf(args).send(resolve(to, args), type, resolve<unknown>(body, args));
  };
}

/** Action: reply to the message event being handled. */
export function reply(type: string, body?: BodyResolvable) {
  return (args: ActionArgsLike): void => {
    const request = (args.event as { envelope?: Envelope }).envelope;
    if (!request) {
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `reply(${type}) ran on event ${(args.event as EventObject).type}, which is not a message`,
      );
    }
    cellOf(args).reply(request, type, resolve<unknown>(body, args));
  };
}

/** Action: ask; the machine handles the reply event or `ask.failed`. */
export function ask(
  to: Resolvable<string>,
  type: string,
  body?: BodyResolvable,
  options?: AskOptions,
) {
  return (args: ActionArgsLike): void => {
    cellOf(args).ask(resolve(to, args), type, resolve<unknown>(body, args), options);
  };
}

/** Action: broadcast to a topic. */
export function broadcast(topic: Resolvable<string>, type: string, body?: BodyResolvable) {
  return (args: ActionArgsLike): void => {
    cellOf(args).send(`#${resolve(topic, args)}`, type, resolve<unknown>(body, args));
  };
}
