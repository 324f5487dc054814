import { z } from 'zod';

/** Task ids end up in NATS subjects and trace lines, so they stay a plain token. */
export const TASK_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

const idSchema = z
  .string()
  .regex(
    TASK_ID_PATTERN,
    'use lower-case letters, digits, "-" and "_" (starting with a letter or digit)',
  );

/** A workspace-relative POSIX path that cannot escape the workspace. */
const workspacePathSchema = z
  .string()
  .min(1)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'use a relative POSIX path inside the workspace (no "..", no leading "/")',
  );

export const structureTaskSchema = z.strictObject({
  /** The task directory under `tasks/`; also the task id in this structure. */
  task: idSchema,
  /** A directory under `tasks/<task>/variants/` merged over the base task. */
  variant: idSchema.optional(),
  deps: z.array(idSchema).default([]),
});

export const structureSchema = z.strictObject({
  /** Parallel fraction; must match `1 - criticalPath / work` to two decimals. */
  p: z.number().min(0).lt(1),
  taskCount: z.number().int().positive(),
  /** Span in task weights (the number of tasks on the longest chain with unit weights). */
  criticalPath: z.number().positive(),
  description: z.string().optional(),
  tasks: z.array(structureTaskSchema).min(1),
});

export const suiteManifestSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().min(1),
  /** Marks a suite that exists for the project's own tests rather than for experiments. */
  fixture: z.boolean().optional(),
  structures: z.array(structureSchema).min(1),
});

export const taskManifestSchema = z.strictObject({
  title: z.string().min(1),
  /** The files the task writes; each needs a reference under `reference/`. */
  files: z.array(workspacePathSchema).min(1),
  weight: z.number().positive().optional(),
});

export type StructureTaskManifest = z.infer<typeof structureTaskSchema>;
export type StructureManifest = z.infer<typeof structureSchema>;
export type SuiteManifest = z.infer<typeof suiteManifestSchema>;
export type TaskManifest = z.infer<typeof taskManifestSchema>;

/** Zod issues as one line: `structures[1].tasks[3].deps: expected array`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path
        .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`))
        .join('');
      return where === '' ? issue.message : `${where}: ${issue.message}`;
    })
    .join('; ');
}
