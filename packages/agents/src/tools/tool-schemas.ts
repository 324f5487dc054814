import { z } from 'zod';

/**
 * The tools a model can call, with their argument schemas. Every call is validated against
 * these; an invalid call returns a clear error to the model (so it can correct itself) and is
 * traced. Names are the same for every provider and for simulated models.
 */
export const toolSchemas = {
  read_file: z
    .object({ path: z.string().min(1).max(256) })
    .strict()
    .describe('Read a workspace file; returns its content and revision.'),
  write_file: z
    .object({
      path: z.string().min(1).max(256),
      content: z.string().max(200_000),
      /** The revision the writer read (0: the file must not exist yet). Default: the revision
       *  this agent last read or wrote of the path. */
      baseRev: z.number().int().min(0).optional(),
    })
    .strict()
    .describe(
      'Write a workspace file with compare-and-set on the revision you read; a refused write returns the current revision.',
    ),
  run_tests: z
    .object({ taskId: z.string().min(1).max(64) })
    .strict()
    .describe("Run a task's tests against the current workspace; returns pass/fail and output."),
  claim_task: z
    .object({ taskId: z.string().min(1).max(64) })
    .strict()
    .describe('Claim a ready task on the shared board (compare-and-set; may be refused).'),
  complete_task: z
    .object({ taskId: z.string().min(1).max(64), summary: z.string().max(2000).optional() })
    .strict()
    .describe('Mark a task done; its tests must pass.'),
  send_message: z
    .object({ to: z.string().min(1).max(128), text: z.string().min(1).max(8000) })
    .strict()
    .describe('Send a short message to a teammate (or "all").'),
} as const;

export type ToolName = keyof typeof toolSchemas;
export type ToolArgs<N extends ToolName> = z.infer<(typeof toolSchemas)[N]>;
export const TOOL_NAMES = Object.keys(toolSchemas) as ToolName[];

/** JSON Schema of each tool's arguments, for provider tool definitions. */
const jsonSchemas = new Map<ToolName, Record<string, unknown>>();

/** A tool's JSON Schema, converted once per process (every model request offers the tools;
 *  the conversion cost more than the rest of a simulated call). Shared: do not change it. */
export function toolJsonSchema(name: ToolName): Record<string, unknown> {
  let schema = jsonSchemas.get(name);
  if (!schema) {
    schema = z.toJSONSchema(toolSchemas[name]);
    delete schema['$schema'];
    jsonSchemas.set(name, schema);
  }
  return schema;
}
