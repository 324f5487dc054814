import type { Random } from '@llm-teams/runtime';
import type { TaskSpec } from '../../task-spec.js';
import { AttemptFailure } from '../attempt-failure.js';
import {
  waitModelTime,
  type AttemptResult,
  type CallContext,
  type ModelBackend,
} from '../call-pipeline.js';
import type { ModelRequest } from '../model-types.js';
import type { RawToolCall } from '../team-tools.js';
import { SIM_ASSUMPTIONS, simProfile } from './sim-calibration.js';
import { peerMessageChars } from './sim-conversation.js';
import type { SimFault, SimOptions } from './sim-options.js';
import {
  brokenVersion,
  decide,
  defaultBrokenSolution,
  purposeOf,
  type SimAction,
} from './sim-policy.js';

export interface SimBackendOptions {
  /** The calibrated model's name (`claude-sonnet-4-6`). */
  name: string;
  /** Default 1. */
  timeScale?: number;
  sim?: SimOptions;
}

/** Model time a failed attempt takes before the error comes back (a quick 429 / 5xx). */
const FAILED_ATTEMPT_MS = 250;

interface Draw {
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * `sim:<model>`: replies drawn from the paper's calibration, actions from `decide`. Every draw
 * comes from the call's own stream (seed, agent, call index), so a seed reproduces each agent's
 * latencies, tokens and mistakes however the agents interleave.
 */
export function createSimBackend(options: SimBackendOptions): ModelBackend {
  const profile = simProfile(options.name);
  const sim = options.sim ?? {};
  const model = `sim:${options.name}`;
  const split = sim.coordinationQuantile ?? SIM_ASSUMPTIONS.coordinationQuantile;
  const rate = sim.mistakeRate ?? profile.mistakeRate(sim.mistakeProfile ?? 'preassign');
  const maxMistakes = sim.maxMistakesPerTask ?? SIM_ASSUMPTIONS.maxMistakesPerTask;
  const falseAccept = sim.review?.falseAcceptRate ?? SIM_ASSUMPTIONS.reviewFalseAcceptRate;
  const falseReject = sim.review?.falseRejectRate ?? SIM_ASSUMPTIONS.reviewFalseRejectRate;
  const perPeerChar = sim.peerTokensPerChar ?? SIM_ASSUMPTIONS.peerTokensPerChar;

  // Input tokens: the calibrated draw is the request's own context; teammates' messages it
  // carries come on top, so coordination shows in tokens as it does for a real model.
  const draw = (random: Random, action: SimAction, maxOutput: number, peerTokens: number): Draw => {
    // Stratified inverse-CDF sampling: coordination replies take the quantiles below the split,
    // coding replies those above, so the two together reproduce the calibrated distribution.
    const r = random.next();
    const u = action.stratum === 'code' ? split + (1 - split) * r : split * r;
    const weight = action.stratum === 'code' ? (action.task?.weight ?? 1) : 1;
    return {
      latencyMs: Math.round(profile.latencyMs(u) * weight),
      inputTokens: profile.inputTokens(random.next()) + peerTokens,
      outputTokens: Math.min(maxOutput, Math.round(profile.outputTokens(u) * weight)),
    };
  };

  return {
    model,
    timeScale: options.timeScale ?? 1,
    plan(request: ModelRequest, ctx: CallContext) {
      const purpose = purposeOf(request);
      const mistakes = ctx.random.fork('mistake');
      const verdicts = ctx.random.fork('verdict');
      const fallback = (task: TaskSpec) => (path: string) =>
        sim.oracle?.brokenSolution?.(task, path, mistakes) ??
        defaultBrokenSolution(task, path, model, mistakes);
      const brokenFile = (task: TaskSpec, path: string) =>
        brokenVersion(task, mistakes, fallback(task), path)[path] ?? fallback(task)(path);
      const action = decide({
        request,
        purpose,
        oracle: sim.oracle,
        model,
        announce: sim.announceCompletion ?? true,
        mistake: (_task, failedRuns) => failedRuns < maxMistakes && mistakes.next() < rate,
        brokenVersion: (task) => brokenVersion(task, mistakes, fallback(task)),
        approves: (right) => verdicts.next() >= (right ? falseReject : 1 - falseAccept),
      });
      const peerTokens = Math.round(peerMessageChars(request.messages) * perPeerChar);
      const first = draw(ctx.random.fork('usage'), action, ctx.maxOutputTokens, peerTokens);
      return {
        estimate: { inputTokens: first.inputTokens, outputTokens: first.outputTokens },
        async attempt(attempt, signal) {
          const d =
            attempt === 1
              ? first
              : draw(ctx.random.fork(`usage${attempt}`), action, ctx.maxOutputTokens, peerTokens);
          const fault = sim.faults?.({
            agentId: ctx.agentId,
            callIndex: ctx.callIndex,
            attempt,
            ...(ctx.taskId === undefined ? {} : { taskId: ctx.taskId }),
            purpose,
            tools: action.calls.map((c) => c.name),
          });
          const wait = async (ms: number) => {
            if (!(await waitModelTime(ctx.clock, ms, options.timeScale ?? 1, signal))) {
              throw new AttemptFailure('aborted', 'ABORTED', 'aborted', {
                retryable: false,
                latencyMs: ms,
              });
            }
          };
          const latencyMs = Math.round(
            d.latencyMs * (fault?.kind === 'latency_multiplier' ? fault.factor : 1),
          );
          const failure = failureFor(fault, latencyMs, ctx.timeoutMs);
          if (failure !== undefined) {
            await wait(failure.latencyMs);
            throw failure;
          }
          await wait(latencyMs);
          return reply(action, d, latencyMs, fault, ctx, brokenFile);
        },
      };
    },
  };
}

function failureFor(
  fault: SimFault | undefined,
  latencyMs: number,
  timeoutMs: number,
): AttemptFailure | undefined {
  if (fault?.kind === 'rate_limit') {
    return new AttemptFailure('rate_limited', 'RATE_LIMITED', 'rate limited (429, simulated)', {
      retryable: true,
      latencyMs: FAILED_ATTEMPT_MS,
      ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
    });
  }
  if (fault?.kind === 'server_error') {
    const status = fault.status ?? 500;
    return new AttemptFailure(
      'server_error',
      'SERVER_ERROR',
      `server error (${status}, simulated)`,
      {
        retryable: true,
        latencyMs: FAILED_ATTEMPT_MS,
      },
    );
  }
  if (fault?.kind === 'timeout' || latencyMs > timeoutMs) {
    return new AttemptFailure('timeout', 'TIMEOUT', `no reply within ${timeoutMs}ms (simulated)`, {
      retryable: true,
      latencyMs: timeoutMs,
    });
  }
  return undefined;
}

function reply(
  action: SimAction,
  d: Draw,
  latencyMs: number,
  fault: SimFault | undefined,
  ctx: CallContext,
  broken: (task: TaskSpec, path: string) => string,
): AttemptResult {
  const calls = action.calls.map((c) => {
    const path = c.args['path'];
    if (
      fault?.kind === 'wrong_answer' &&
      c.name === 'write_file' &&
      action.task !== undefined &&
      typeof path === 'string'
    ) {
      return { ...c, args: { ...c.args, content: broken(action.task, path) } };
    }
    return c;
  });
  const toolCalls: RawToolCall[] = calls.map((c, i) => {
    const id = `sim-${ctx.agentId}-${ctx.callIndex}-${i}`;
    const json = JSON.stringify(c.args);
    // Only the first call is damaged: that is how a model's reply goes wrong in practice.
    if (i === 0 && fault?.kind === 'malformed_tool_call') {
      return {
        id,
        name: c.name,
        unparsable: json.replace(/":/g, '"='),
        parseError: 'Unexpected token =',
      };
    }
    if (i === 0 && fault?.kind === 'truncated_tool_call') {
      return {
        id,
        name: c.name,
        unparsable: json.slice(0, Math.ceil(json.length / 2)),
        parseError: 'Unexpected end of JSON input',
      };
    }
    return { id, name: c.name, arguments: c.args };
  });
  // A byzantine reviewer: the verdict of a review reply is turned around.
  const text =
    fault?.kind === 'wrong_answer' && calls.length === 0 && /^(APPROVE|REJECT)\b/.test(action.text)
      ? action.text.startsWith('APPROVE')
        ? `REJECT: ${action.text.slice(9)}`
        : `APPROVE: ${action.text.replace(/^REJECT:?\s*/, '')}`
      : action.text;
  return {
    text,
    toolCalls,
    usage: { inputTokens: d.inputTokens, outputTokens: d.outputTokens },
    stopReason:
      fault?.kind === 'truncated_tool_call'
        ? 'max_tokens'
        : toolCalls.length > 0
          ? 'tool_use'
          : 'end',
    latencyMs,
  };
}
