import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AttemptFailure } from '../attempt-failure.js';
import { waitModelTime, type CallContext, type ModelBackend } from '../call-pipeline.js';
import { ModelError } from '../model-error.js';
import type { ModelMessage, ModelRequest } from '../model-types.js';
import type { RawToolCall } from '../team-tools.js';

/**
 * `script:<file>`: a model whose replies are chosen by rules on the conversation, for testing
 * teams of your own. Deterministic: the first rule whose conditions all hold answers, with
 * the same reply every time. The file is YAML or JSON (docs/models.md, "Scripted models").
 */
const text = z.string().min(1);
const ruleSchema = z
  .object({
    when: z
      .object({
        /** The calling agent: an id, or `/regex/`. */
        agent: text.optional(),
        purpose: z.enum(['code', 'coordinate', 'review']).optional(),
        /** The agent's turn in this conversation (0 first). */
        turn: z.number().int().min(0).optional(),
        /** Regex on the last message (a user prompt or a tool result). */
        last: text.optional(),
        /** Regex on any message of the conversation. */
        any: text.optional(),
        /** Regex on the system prompt. */
        system: text.optional(),
        /** The tool whose result is the last message. */
        tool: text.optional(),
        /** A tool the request offers. */
        offers: text.optional(),
      })
      .strict()
      .default({}),
    reply: z
      .object({
        text: z.string().default(''),
        tools: z
          .array(
            z
              .object({ name: text, arguments: z.record(z.string(), z.unknown()).default({}) })
              .strict(),
          )
          .default([]),
        /** Model time of this reply. Default: the script's `latencyMs`. */
        latencyMs: z.number().min(0).optional(),
      })
      .strict(),
  })
  .strict();

export const scriptSchema = z
  .object({
    /** Model time of a reply unless its rule says otherwise. Default 1000. */
    latencyMs: z.number().min(0).default(1000),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type Script = z.infer<typeof scriptSchema>;
type Rule = Script['rules'][number];

function regexOf(source: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(source);
  return m ? new RegExp(m[1]!, m[2]) : new RegExp(source);
}

/** Loads and checks a script file; every problem names the file and the field. */
export function loadScript(file: string): Script {
  let raw: unknown;
  try {
    const source = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(source) : parseYaml(source);
  } catch (cause) {
    throw new ModelError('INVALID_MODEL_ID', `script ${file}: cannot read it (${String(cause)})`, {
      cause,
    });
  }
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
    throw new ModelError('INVALID_MODEL_ID', `script ${file}: ${problems}`);
  }
  for (const [i, rule] of parsed.data.rules.entries()) {
    for (const key of ['last', 'any', 'system'] as const) {
      const source = rule.when[key];
      if (source === undefined) continue;
      try {
        regexOf(source);
      } catch (cause) {
        throw new ModelError(
          'INVALID_MODEL_ID',
          `script ${file}: rules.${i}.when.${key}: ${String(cause)}`,
        );
      }
    }
  }
  return parsed.data;
}

const lastToolName = (messages: readonly ModelMessage[]) => {
  const last = messages.at(-1);
  return last?.role === 'tool' ? last.name : undefined;
};

/** The rule that answers, with the captures of its `last` (or `any`) pattern. */
export function matchRule(
  script: Script,
  request: ModelRequest,
): { rule: Rule; groups: string[] } | undefined {
  const meta = request.metadata;
  const last = request.messages.at(-1)?.content ?? '';
  for (const rule of script.rules) {
    const w = rule.when;
    if (w.agent !== undefined) {
      const id = meta?.agentId ?? '';
      if (w.agent.startsWith('/') ? !regexOf(w.agent).test(id) : w.agent !== id) continue;
    }
    if (w.purpose !== undefined && (meta?.purpose ?? 'code') !== w.purpose) continue;
    if (w.turn !== undefined && (meta?.turn ?? 0) !== w.turn) continue;
    if (w.system !== undefined && !regexOf(w.system).test(request.system)) continue;
    if (w.tool !== undefined && lastToolName(request.messages) !== w.tool) continue;
    if (w.offers !== undefined && !request.tools.some((t) => t.name === w.offers)) continue;
    let groups: string[] = [];
    if (w.last !== undefined) {
      const m = regexOf(w.last).exec(last);
      if (!m) continue;
      groups = [...m].map((g) => g ?? '');
    }
    if (w.any !== undefined) {
      const re = regexOf(w.any);
      let found: RegExpExecArray | null = null;
      for (const msg of request.messages) if ((found = re.exec(msg.content))) break;
      if (!found) continue;
      if (groups.length === 0) groups = [...found].map((g) => g ?? '');
    }
    return { rule, groups };
  }
  return undefined;
}

/** `$0`..`$9` (the pattern's captures), `${agent}` and `${task}` in every string of `value`. */
function fill(value: unknown, groups: readonly string[], request: ModelRequest): unknown {
  if (typeof value === 'string')
    return value
      .replace(/\$\{agent\}/g, request.metadata?.agentId ?? '')
      .replace(/\$\{task\}/g, request.metadata?.taskId ?? '')
      .replace(/\$(\d)/g, (_, d: string) => groups[Number(d)] ?? '');
  if (Array.isArray(value)) return value.map((v) => fill(v, groups, request));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, groups, request)]));
  return value;
}

export interface ScriptBackendOptions {
  file: string;
  /** Real ms per model ms. Default 1. */
  timeScale?: number;
}

export function createScriptBackend(options: ScriptBackendOptions): ModelBackend {
  const script = loadScript(options.file);
  const model = `script:${options.file}`;
  return {
    model,
    timeScale: options.timeScale ?? 1,
    plan(request: ModelRequest, ctx: CallContext) {
      const match = matchRule(script, request);
      const reply = () => {
        const text = fill(match!.rule.reply.text, match!.groups, request) as string;
        const toolCalls: RawToolCall[] = match!.rule.reply.tools.map((t, i) => ({
          id: `call_${ctx.callIndex}_${i}`,
          name: t.name,
          arguments: fill(t.arguments, match!.groups, request),
        }));
        const inputChars =
          request.system.length + request.messages.reduce((n, m) => n + m.content.length, 0);
        const usage = {
          inputTokens: Math.ceil(inputChars / 4),
          outputTokens: Math.ceil((text.length + JSON.stringify(toolCalls).length) / 4),
        };
        return { text, toolCalls, usage };
      };
      return {
        // The reply is known before the call: a budget holds exactly what it will use.
        ...(match ? { estimate: reply().usage } : {}),
        async attempt(_attempt, signal) {
          if (!match) {
            const last = (request.messages.at(-1)?.content ?? '').slice(0, 120);
            throw new AttemptFailure(
              'invalid_response',
              'INVALID_RESPONSE',
              `script ${options.file}: no rule answers ${ctx.agentId} (turn ${request.metadata?.turn ?? 0}, last message: ${JSON.stringify(last)})`,
              { retryable: false, latencyMs: 0 },
            );
          }
          const latencyMs = match.rule.reply.latencyMs ?? script.latencyMs;
          if (!(await waitModelTime(ctx.clock, latencyMs, options.timeScale ?? 1, signal)))
            throw new AttemptFailure('aborted', 'ABORTED', 'aborted', {
              retryable: false,
              latencyMs,
            });
          const { text, toolCalls, usage } = reply();
          return {
            text,
            toolCalls,
            usage,
            stopReason: toolCalls.length > 0 ? 'tool_use' : 'end',
            latencyMs,
          };
        },
      };
    },
  };
}
