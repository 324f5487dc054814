import { z } from 'zod';
import type { AnyToolHandler, ToolContext } from '../tools/tool-executor.js';

export interface DefineToolOptions<S extends z.ZodType> {
  /** The name the model calls (letters, digits, `_`, `-`). */
  name: string;
  /** What the model is told the tool does. */
  description: string;
  /** The arguments' schema: the model is offered its JSON Schema, and a call whose arguments
   *  do not parse gets the problems back as its result. */
  input: S;
  /** Does the work. A string is the result as is; anything else is sent as JSON. A throw is a
   *  tool error the model sees (`tool failed: ...`), traced with outcome `error`. */
  run(args: z.infer<S>, ctx: ToolContext): unknown;
}

/** A tool of your own for an `llmAgent` (or any `createToolExecutor` table). Calls are traced
 *  as `tool` events like the team's own tools. */
export function defineTool<S extends z.ZodType>(options: DefineToolOptions<S>): AnyToolHandler {
  const schema = z.toJSONSchema(options.input) as Record<string, unknown>;
  delete schema['$schema'];
  return {
    definition: { name: options.name, description: options.description, inputSchema: schema },
    external: true,
    parse(args) {
      const parsed = options.input.safeParse(args);
      if (parsed.success) return { ok: true, args: parsed.data };
      const problems = parsed.error.issues
        .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`)
        .join('; ');
      return {
        ok: false,
        error: `Invalid arguments for ${options.name}: ${problems}. Fix them and call it again.`,
      };
    },
    async run(args: z.infer<S>, ctx) {
      const value: unknown = await options.run(args, ctx);
      const content = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
      return { result: { content, isError: false }, trace: { outcome: 'ok' } };
    },
  };
}
