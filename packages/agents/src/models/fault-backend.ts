import { AttemptFailure } from './attempt-failure.js';
import { waitModelTime, type AttemptResult, type ModelBackend } from './call-pipeline.js';
import type { ModelRequest } from './model-types.js';
import { purposeOf } from './sim/sim-policy.js';
import type { SimCallInfo, SimFault } from './sim/sim-options.js';
import type { RawToolCall } from './team-tools.js';

/** Asked once per attempt of every model call: the fault to inject, if any. Must be
 *  deterministic for a seed to reproduce a run. */
export type ModelFaultHook = (call: SimCallInfo) => SimFault | undefined;

/** A model reply takes this long (model ms) to come back refused: a 429 or a 5xx. */
const REFUSED_MS = 200;

/**
 * The model fault layer around any provider's backend (the simulated one applies the same
 * faults itself, knowing the task's reference solution). Per attempt it asks the hook, before
 * sending, with the request's agent, call index, attempt, task and purpose (a real reply's
 * tools are not known yet: `tools` is empty). A refusal is answered here as the provider's own
 * would reach the client, through the same retry machinery, and the request is not sent:
 * `rate_limit` a 429 with its Retry-After, `server_error` a 5xx, `timeout` no reply until the
 * client's attempt timeout has passed on its clock. The other faults let the request go over
 * the wire and damage what comes back: `malformed_tool_call` and `truncated_tool_call` make the
 * first tool call's arguments unparsable (truncated: cut in half, stop reason `max_tokens`),
 * `wrong_answer` makes every file the reply writes throw when loaded (and turns a review's
 * verdict around), `latency_multiplier` makes the reply take `factor` times as long.
 */
export function withModelFaults(backend: ModelBackend, hook: ModelFaultHook): ModelBackend {
  return {
    model: backend.model,
    timeScale: backend.timeScale,
    ...(backend.close ? { close: () => backend.close!() } : {}),
    plan(request, ctx) {
      const inner = backend.plan(request, ctx);
      const purpose = purposeOf(request);
      const wait = async (ms: number, signal: AbortSignal) => {
        if (!(await waitModelTime(ctx.clock, ms, backend.timeScale, signal))) {
          throw new AttemptFailure('aborted', 'ABORTED', 'aborted', {
            retryable: false,
            latencyMs: ms,
          });
        }
      };
      return {
        ...(inner.estimate ? { estimate: inner.estimate } : {}),
        async attempt(attempt, signal) {
          const fault = hook({
            agentId: ctx.agentId,
            callIndex: ctx.callIndex,
            attempt,
            ...(ctx.taskId === undefined ? {} : { taskId: ctx.taskId }),
            purpose,
            tools: [],
          });
          const refusal = refusalFor(fault, ctx.timeoutMs);
          if (refusal) {
            await wait(refusal.latencyMs, signal);
            throw refusal;
          }
          const result = await inner.attempt(attempt, signal);
          if (fault?.kind === 'latency_multiplier' && fault.factor > 1) {
            const extra = Math.round(result.latencyMs * (fault.factor - 1));
            await wait(extra, signal);
            return { ...result, latencyMs: result.latencyMs + extra };
          }
          return damage(result, fault, request);
        },
      };
    },
  };
}

function refusalFor(fault: SimFault | undefined, timeoutMs: number): AttemptFailure | undefined {
  switch (fault?.kind) {
    case 'rate_limit':
      return new AttemptFailure('rate_limited', 'RATE_LIMITED', 'rate limited (429, injected)', {
        retryable: true,
        latencyMs: REFUSED_MS,
        ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
      });
    case 'server_error': {
      const status = fault.status ?? 500;
      return new AttemptFailure(
        'server_error',
        'SERVER_ERROR',
        `server error (${status}, injected)`,
        {
          retryable: true,
          latencyMs: REFUSED_MS,
        },
      );
    }
    case 'timeout':
      return new AttemptFailure('timeout', 'TIMEOUT', `no reply within ${timeoutMs}ms (injected)`, {
        retryable: true,
        latencyMs: timeoutMs,
      });
    default:
      return undefined;
  }
}

/** A file that fails every test that loads it: what a wrong answer writes. */
function wrongContent(path: string): string {
  return `throw new Error(${JSON.stringify(`wrong answer injected into ${path}`)});\n`;
}

function damage(
  result: AttemptResult,
  fault: SimFault | undefined,
  request: ModelRequest,
): AttemptResult {
  if (fault === undefined) return result;
  if (fault.kind === 'wrong_answer') {
    const toolCalls = result.toolCalls.map((c): RawToolCall => {
      const args = 'arguments' in c ? (c.arguments as Record<string, unknown> | null) : null;
      const path = args?.['path'];
      return c.name === 'write_file' && typeof path === 'string'
        ? { ...c, arguments: { ...args, content: wrongContent(path) } }
        : c;
    });
    const review = purposeOf(request) === 'review';
    const text =
      review && /^APPROVE\b/.test(result.text)
        ? `REJECT: ${result.text.slice(8)}`
        : review && /^REJECT\b/.test(result.text)
          ? `APPROVE: ${result.text.replace(/^REJECT:?\s*/, '')}`
          : result.text;
    return { ...result, text, toolCalls };
  }
  if (fault.kind !== 'malformed_tool_call' && fault.kind !== 'truncated_tool_call') return result;
  const [first, ...rest] = result.toolCalls;
  if (first === undefined) return result;
  const json = 'arguments' in first ? JSON.stringify(first.arguments) : first.unparsable;
  const broken: RawToolCall =
    fault.kind === 'malformed_tool_call'
      ? {
          id: first.id,
          name: first.name,
          unparsable: json.replace(/":/g, '"='),
          parseError: 'Unexpected token =',
        }
      : {
          id: first.id,
          name: first.name,
          unparsable: json.slice(0, Math.ceil(json.length / 2)),
          parseError: 'Unexpected end of JSON input',
        };
  return {
    ...result,
    toolCalls: [broken, ...rest],
    ...(fault.kind === 'truncated_tool_call' ? { stopReason: 'max_tokens' as const } : {}),
  };
}
