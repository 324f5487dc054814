/**
 * A task's mistake catalog (`mistakes.json` beside its reference, or its variant's): a few
 * plausible wrong versions of its files, each checked to fail the task's tests. Simulated models
 * write one of them when they get a task wrong (docs/models.md, Mistakes). Entries are edits
 * (a snippet of the reference and what replaces it), so a person reads the bug at a glance.
 * Made and checked by `llm-teams mistakes` (suite-mistakes.ts).
 */
import type { TaskMistake } from '@llm-teams/agents';
import { z } from 'zod';

export const MISTAKE_KINDS = ['off-by-one', 'missed-edge-case', 'wrong-type'] as const;
export type MistakeKind = (typeof MISTAKE_KINDS)[number];

export const MISTAKES_FILE = 'mistakes.json';

export const mistakeEntrySchema = z.object({
  kind: z.enum(MISTAKE_KINDS),
  /** The file it breaks (one of the task's files). */
  path: z.string().min(1),
  note: z.string(),
  /** Text that occurs exactly once in the reference file... */
  find: z.string().min(1),
  /** ...and what it becomes. */
  replace: z.string(),
});
export type MistakeEntry = z.infer<typeof mistakeEntrySchema>;

export const mistakeCatalogSchema = z.object({
  v: z.literal(1),
  mistakes: z.array(mistakeEntrySchema),
});
export type MistakeCatalog = z.infer<typeof mistakeCatalogSchema>;

/** The wrong file an entry makes of the reference, or why it no longer applies. */
export function applyMistake(
  reference: Record<string, string>,
  entry: MistakeEntry,
): { ok: true; mistake: TaskMistake } | { ok: false; why: string } {
  const source = reference[entry.path];
  if (source === undefined) return { ok: false, why: `${entry.path} is not a reference file` };
  const parts = source.split(entry.find);
  if (parts.length !== 2) {
    return {
      ok: false,
      why: `its text to replace occurs ${parts.length - 1} times in ${entry.path} (must be once); regenerate with llm-teams mistakes`,
    };
  }
  return {
    ok: true,
    mistake: {
      kind: entry.kind,
      note: entry.note,
      files: { [entry.path]: parts.join(entry.replace) },
    },
  };
}
