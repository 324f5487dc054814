import { ModelError } from './model-error.js';

export type ModelProvider =
  'anthropic' | 'openai' | 'google' | 'openai-compatible' | 'sim' | 'replay' | 'script';

export const MODEL_PROVIDERS: readonly ModelProvider[] = [
  'anthropic',
  'openai',
  'google',
  'openai-compatible',
  'sim',
  'replay',
  'script',
];

/** A parsed model id. `model` is the provider's model name (the cassette's path for replay,
 *  the script's for script). */
export interface ModelSpec {
  provider: ModelProvider;
  model: string;
  /** `openai-compatible` only. */
  baseURL?: string;
}

/** What a team runs on when no model is named: simulated, so no key is needed. */
export const DEFAULT_MODEL_ID = 'sim:claude-sonnet-4-6';

const FORMS =
  'anthropic:<model>, openai:<model>, google:<model>, openai-compatible:<model>@<baseURL>, sim:<model>, replay:<file>, script:<file>';

function malformed(id: string, why: string): ModelError {
  return new ModelError(
    'INVALID_MODEL_ID',
    `Malformed model id "${id}": ${why}. Expected ${FORMS}.`,
  );
}

/** Parses `provider:model`. The provider ends at the first colon, so model names may hold
 *  colons (Ollama's `qwen2.5-coder:7b`). */
export function parseModelId(id: string): ModelSpec {
  const colon = id.indexOf(':');
  if (colon <= 0) throw malformed(id, 'no provider prefix');
  const provider = id.slice(0, colon) as ModelProvider;
  const rest = id.slice(colon + 1).trim();
  if (!MODEL_PROVIDERS.includes(provider)) throw malformed(id, `unknown provider "${provider}"`);
  if (rest === '') throw malformed(id, 'empty model name');
  if (provider !== 'openai-compatible') return { provider, model: rest };
  // The base URL is everything after the last `@` that starts a URL: model names rarely hold
  // `@`, URLs may (credentials), so anchor on the scheme.
  const at = rest.search(/@https?:\/\/[^@]*$/);
  if (at <= 0) throw malformed(id, 'openai-compatible needs <model>@<baseURL>');
  const baseURL = rest.slice(at + 1);
  try {
    new URL(baseURL);
  } catch (cause) {
    throw new ModelError('INVALID_MODEL_ID', `Malformed base URL in model id "${id}"`, { cause });
  }
  return { provider, model: rest.slice(0, at), baseURL };
}
