import type { Attributes } from '@opentelemetry/api';
import { redact } from './redaction.js';
import type { TraceDetail } from './trace-event.js';

/**
 * A `chat` span's content attributes (GenAI conventions: `gen_ai.system_instructions`,
 * `gen_ai.input.messages`, `gen_ai.output.messages`, each a JSON string), for a host whose
 * telemetry captures content. Redacted like everything a run writes: a secret that reached
 * a prompt (a key pasted into a task, a password in a URL) leaves as `[REDACTED]`.
 */
export function contentAttributes(detail: TraceDetail | undefined): Attributes {
  const content = detail?.genAiContent?.();
  if (!content) return {};
  const out: Attributes = {};
  const json = (value: unknown) => redact(JSON.stringify(value));
  if (content.systemInstructions && content.systemInstructions.length > 0) {
    out['gen_ai.system_instructions'] = json(content.systemInstructions);
  }
  out['gen_ai.input.messages'] = json(content.input);
  if (content.output) out['gen_ai.output.messages'] = json(content.output);
  return out;
}
