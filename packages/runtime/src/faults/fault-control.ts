import type { Msg, NatsConnection, Subscription, TeamSubjects } from '@llm-teams/broker';
import { FaultSpecError, MESSAGE_FAULT_KINDS, parseMessageFault } from './fault-spec.js';
import type { FaultInjector } from './fault-injector.js';

/**
 * The live fault protocol on `<prefix>.<team>.control.fault.<op>`, JSON both ways so any NATS
 * client (`nats pub`) can speak it:
 * - `add`: `{ "faults": [ <fault>, ... ] }`
 * - `clear`: `{ "ids": [ ... ] }`, or `{}` for every fault
 * - `list`: `{}`
 * Every process serving the team answers a request that has a reply subject with one
 * `FaultControlReply`; a client gathers them for a while (`sendFaultControl`).
 */
export type FaultControlOp = 'add' | 'clear' | 'list';

export const FAULT_CONTROL_OPS: readonly FaultControlOp[] = ['add', 'clear', 'list'];

export type FaultControlRequest =
  { op: 'add'; faults: unknown[] } | { op: 'clear'; ids?: string[] } | { op: 'list' };

export interface FaultControlReply {
  /** The answering process (its host's node name). */
  node: string;
  ok: boolean;
  /** `add`: ids of the faults this process now applies. */
  added?: string[];
  /** `add`: faults this process has nothing to apply to (another process may). */
  ignored?: { id?: string; kind: string; reason: string }[];
  /** `clear`: ids cleared here. */
  cleared?: string[];
  /** `list`: the faults active or pending here. */
  faults?: { id: string; kind: string; state: string; hits?: number }[];
  /** Why the request was refused, one line per problem. */
  errors?: string[];
}

export type FaultControlHandler = (
  request: FaultControlRequest,
) => FaultControlReply | Promise<FaultControlReply>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The subject of one operation. */
export const faultControlSubject = (subjects: TeamSubjects, op: FaultControlOp): string =>
  subjects.control('fault', op);

/** Reads a control message; a string says what is wrong with it. */
export function decodeFaultControl(op: string, data: Uint8Array): FaultControlRequest | string {
  if (!(FAULT_CONTROL_OPS as readonly string[]).includes(op)) {
    return `unknown fault operation ${JSON.stringify(op)}; use ${FAULT_CONTROL_OPS.join(', ')}`;
  }
  let body: unknown = {};
  const text = decoder.decode(data).trim();
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      return `the ${op} request is not JSON: ${(err as Error).message}`;
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `the ${op} request must be a JSON object`;
  }
  const b = body as Record<string, unknown>;
  if (op === 'add') {
    const faults = Array.isArray(b['faults'])
      ? b['faults']
      : b['kind'] !== undefined
        ? [b]
        : undefined;
    if (!faults || faults.length === 0) return 'add needs { "faults": [ ... ] }';
    return { op: 'add', faults };
  }
  if (op === 'clear') {
    const ids = b['ids'] ?? (typeof b['id'] === 'string' ? [b['id']] : undefined);
    if (ids !== undefined && (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string'))) {
      return 'clear takes { "ids": ["..."] } or {} for every fault';
    }
    return ids === undefined ? { op: 'clear' } : { op: 'clear', ids: ids as string[] };
  }
  return { op: 'list' };
}

export interface FaultControlServer {
  close(): Promise<void>;
}

/**
 * Answers the team's fault control subject with `handle`. Requests are handled one at a time,
 * in arrival order.
 */
export async function serveFaultControlWith(options: {
  nc: NatsConnection;
  subjects: TeamSubjects;
  node: string;
  handle: FaultControlHandler;
  /** A request that is not one (answered with the reason too): dead-letter it here. */
  onReject?: (subject: string, data: Uint8Array, reason: string) => void;
}): Promise<FaultControlServer> {
  const prefix = `${options.subjects.control('fault')}.`;
  let queue = Promise.resolve();
  const answer = async (msg: Msg) => {
    const request = decodeFaultControl(msg.subject.slice(prefix.length), msg.data);
    let reply: FaultControlReply;
    if (typeof request === 'string') {
      options.onReject?.(msg.subject, msg.data, request);
      reply = { node: options.node, ok: false, errors: [request] };
    } else {
      try {
        reply = await options.handle(request);
      } catch (err) {
        const errors = err instanceof FaultSpecError ? err.problems : [String(err)];
        reply = { node: options.node, ok: false, errors };
      }
    }
    if (msg.reply && !options.nc.isClosed()) msg.respond(encoder.encode(JSON.stringify(reply)));
  };
  const sub: Subscription = options.nc.subscribe(`${prefix}>`, {
    callback: (err, msg) => {
      if (err) return;
      queue = queue.then(() => answer(msg)).catch(() => undefined);
    },
  });
  await options.nc.flush();
  return {
    async close() {
      sub.unsubscribe();
      await queue;
    },
  };
}

/**
 * Serves an injector alone (a runtime-level team, no lab): message faults are added, other
 * kinds are reported as ignored, so a process that does handle them can answer for them.
 */
export function serveFaultControl(
  injector: FaultInjector,
  options: {
    nc: NatsConnection;
    subjects: TeamSubjects;
    node: string;
    onReject?: (subject: string, data: Uint8Array, reason: string) => void;
  },
): Promise<FaultControlServer> {
  return serveFaultControlWith({
    ...options,
    handle(request) {
      const node = options.node;
      if (request.op === 'list') {
        return {
          node,
          ok: true,
          faults: injector
            .list()
            .map((f) => ({ id: f.id, kind: f.kind, state: f.state, hits: f.hits })),
        };
      }
      if (request.op === 'clear') {
        const cleared =
          request.ids === undefined
            ? injector.clear()
            : request.ids.flatMap((id) => injector.clear(id));
        return { node, ok: true, cleared };
      }
      const ignored: NonNullable<FaultControlReply['ignored']> = [];
      const specs: unknown[] = [];
      const problems: string[] = [];
      // All or nothing: a request with one bad fault adds none of them.
      request.faults.forEach((f, i) => {
        const kind = String((f as { kind?: unknown } | null)?.kind);
        const id = (f as { id?: unknown } | null)?.id;
        if (!(MESSAGE_FAULT_KINDS as readonly string[]).includes(kind)) {
          ignored.push({
            ...(typeof id === 'string' ? { id } : {}),
            kind,
            reason: 'not a message fault',
          });
          return;
        }
        try {
          specs.push(parseMessageFault(f, `faults[${i}]`));
        } catch (err) {
          if (err instanceof FaultSpecError) problems.push(...err.problems);
          else throw err;
        }
      });
      if (problems.length > 0) return { node, ok: false, errors: problems };
      const added = specs.map((spec) => injector.add(spec));
      return { node, ok: true, added, ignored };
    },
  });
}

/**
 * Publishes one control request and gathers the replies that arrive within `waitMs` (default
 * 1000): one per process serving the team. An empty list means nobody serves it.
 */
export async function sendFaultControl(
  nc: NatsConnection,
  subjects: TeamSubjects,
  request: FaultControlRequest,
  options: { waitMs?: number } = {},
): Promise<FaultControlReply[]> {
  const { op, ...body } = request;
  const replies: FaultControlReply[] = [];
  try {
    const answers = await nc.requestMany(
      faultControlSubject(subjects, op),
      encoder.encode(JSON.stringify(body)),
      { strategy: 'timer', maxWait: options.waitMs ?? 1000 },
    );
    for await (const msg of answers) {
      try {
        replies.push(JSON.parse(decoder.decode(msg.data)) as FaultControlReply);
      } catch {
        // Not one of ours.
      }
    }
  } catch (err) {
    // No responders: nobody serves this team.
    if (!/no responders|503/i.test(String(err))) throw err;
  }
  return replies;
}
