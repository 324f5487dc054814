import type { TraceDetail, TracePayload } from '@llm-teams/runtime';
import { llmTraceDetailOf, llmTraceOf } from '../models/attempt-trace.js';
import { createModelClient, type ModelClient } from '../models/index.js';
import type { TeamContext } from './team-context.js';

/**
 * The model client of member `id`: its model (a heterogeneous team's own, else the team's),
 * every attempt traced as an `llm` event in its lane, draws keyed by task. Closed with the team.
 */
export function memberModel(ctx: TeamContext, id: string, modelId: string): ModelClient {
  const { config, clock, tasks } = ctx;
  const record = (p: TracePayload, detail?: TraceDetail) =>
    ctx.host.actor(id)?.runtime.record(p, detail);
  const model = createModelClient(modelId, {
    seed: config.seed,
    clock,
    // A task costs the same model time whoever does it: team sizes, schedules and
    // architectures compare the same work on the same draws (docs/models.md).
    randomKey: 'task',
    // The agents pace real time to model time themselves (AgentServices.timeScale), so the
    // client does not sleep; real providers take their real time anyway.
    timeScale: 0,
    ledger: ctx.ledger,
    team: config.team,
    ...ctx.modelOptions,
    onAttempt: (r, content) => {
      record(llmTraceOf(r), llmTraceDetailOf(content));
      ctx.modelOptions?.onAttempt?.(r, content);
    },
    sim: { ...ctx.modelOptions?.sim, oracle: { task: (t) => tasks.get(t) } },
  });
  ctx.models.push(model);
  return model;
}
