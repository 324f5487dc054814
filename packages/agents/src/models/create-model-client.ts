import { systemClock } from '@llm-teams/runtime';
import { createPipelineClient, type ModelBackend } from './call-pipeline.js';
import { withModelFaults } from './fault-backend.js';
import { resolveClientOptions, type ModelClientOptions } from './model-client-options.js';
import { ModelError } from './model-error.js';
import { parseModelId, type ModelSpec } from './model-id.js';
import type { AttemptContent, AttemptReport, ModelClient } from './model-types.js';
import { createPriceTable } from './price-table.js';
import { createAnthropicBackend } from './providers/anthropic-backend.js';
import { createGoogleBackend } from './providers/google-backend.js';
import { createOpenAIBackend } from './providers/openai-backend.js';
import { createCassetteRecorder } from './replay/cassette-recorder.js';
import { createReplayClient, loadCassette } from './replay/replay-client.js';
import { createScriptBackend, loadScript } from './script/script-backend.js';
import { createSimBackend } from './sim/sim-backend.js';
import { simProfile } from './sim/sim-calibration.js';

type Env = Record<string, string | undefined>;

/** The variables each real provider reads its key from, in order of preference. */
export const API_KEY_VARIABLES: Readonly<
  Record<'anthropic' | 'openai' | 'google', readonly string[]>
> = {
  anthropic: ['ANTHROPIC_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
};

/** Local servers rarely check keys; one set here is sent, otherwise a placeholder. */
export const OPENAI_COMPATIBLE_KEY_VARIABLE = 'OPENAI_COMPATIBLE_API_KEY';

function keyFor(spec: ModelSpec, env: Env, id: string): string {
  if (spec.provider === 'openai-compatible') return env[OPENAI_COMPATIBLE_KEY_VARIABLE] || 'none';
  if (spec.provider === 'sim' || spec.provider === 'replay' || spec.provider === 'script')
    return '';
  const names = API_KEY_VARIABLES[spec.provider];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value;
  }
  throw new ModelError(
    'MISSING_API_KEY',
    `${id} needs an API key: set ${names.join(' or ')} in the environment` +
      ` (or run with a simulated model such as sim:claude-sonnet-4-6, which needs none).`,
  );
}

/**
 * Everything a model id needs before a team starts: a well-formed id, the provider's key, a
 * known simulated model, a readable cassette. Throws the `ModelError` a run would otherwise hit
 * halfway through.
 */
export function checkModelCredentials(modelId: string, env: Env = process.env): void {
  const spec = parseModelId(modelId);
  keyFor(spec, env, modelId);
  if (spec.provider === 'sim') simProfile(spec.model);
  if (spec.provider === 'replay') loadCassette(spec.model);
  if (spec.provider === 'script') loadScript(spec.model);
}

type BackendSpec = ModelSpec & { provider: Exclude<ModelSpec['provider'], 'replay'> };

/** The provider's backend for a model (every provider but replay, which is a client itself). */
function backendFor(spec: BackendSpec, apiKey: string, options: ModelClientOptions): ModelBackend {
  const baseURL = options.baseURL === undefined ? {} : { baseURL: options.baseURL };
  switch (spec.provider) {
    case 'anthropic':
      return createAnthropicBackend({ model: spec.model, apiKey, ...baseURL });
    case 'openai':
      return createOpenAIBackend({
        provider: 'openai',
        model: spec.model,
        apiKey,
        ...baseURL,
      });
    case 'openai-compatible':
      return createOpenAIBackend({
        provider: 'openai-compatible',
        model: spec.model,
        apiKey,
        ...(spec.baseURL === undefined ? {} : { baseURL: spec.baseURL }),
      });
    case 'google':
      return createGoogleBackend({ model: spec.model, apiKey, ...baseURL });
    case 'script':
      return createScriptBackend({
        file: spec.model,
        ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
      });
    case 'sim': {
      const faults = options.sim?.faults ?? options.faults;
      const sim = { ...options.sim, ...(faults ? { faults } : {}) };
      return createSimBackend({
        name: spec.model,
        ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
        sim,
      });
    }
  }
}

/** A client for a model id (`anthropic:<model>`, `openai:<model>`, `google:<model>`,
 *  `openai-compatible:<model>@<baseURL>`, `sim:<model>`, `replay:<file>`, `script:<file>`).
 *  Checks credentials first; `recordTo` (or a shared `recorder`) wraps any of them in a
 *  cassette recorder. */
export function createModelClient(modelId: string, options: ModelClientOptions = {}): ModelClient {
  const spec = parseModelId(modelId);
  const env = options.env ?? process.env;
  const apiKey = keyFor(spec, env, modelId);
  const resolved = resolveClientOptions(options, { clock: systemClock });
  const prices = options.ledger?.prices ?? createPriceTable(options.prices);
  const recorder =
    options.recorder ??
    (options.recordTo === undefined ? undefined : createCassetteRecorder(options.recordTo));
  const onAttempt =
    recorder === undefined
      ? options.onAttempt
      : (report: AttemptReport, content?: AttemptContent) => {
          recorder.onAttempt(report);
          options.onAttempt?.(report, content);
        };

  let client: ModelClient;
  if (spec.provider === 'replay') {
    client = createReplayClient({
      file: spec.model,
      clock: resolved.clock,
      team: resolved.team,
      prices,
      ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
      ...(onAttempt === undefined ? {} : { onAttempt }),
      ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
    });
  } else {
    let backend = backendFor(spec as BackendSpec, apiKey, options);
    if (spec.provider !== 'sim' && options.faults) {
      backend = withModelFaults(backend, options.faults);
    }
    client = createPipelineClient(backend, {
      ...resolved,
      onAttempt,
      ledger: options.ledger,
      limiter: options.limiter,
      prices,
    });
  }
  return recorder === undefined ? client : recorder.wrap(client);
}
